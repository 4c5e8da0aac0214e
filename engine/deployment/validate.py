"""Deploy-time checks: everything that can be wrong with a procedure is found before it runs.

Each check returns located problems (file, line, element id, message in Vietnamese and English);
a procedure with any error is not stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from engine.deployment.dataflow import check_unwritten_variables
from engine.deployment.diagram import Diagram, read_diagram
from engine.deployment.localities import check_locality
from engine.deployment.organisation import Organisation, check_lane_bindings
from engine.deployment.package import ProcedurePackage
from engine.deployment.procedure_files import check_forms, check_metadata, metadata_text
from engine.deployment.rules import check_diagrams
from engine.deployment.steps import check_result_ends, check_steps
from engine.deployment.time_limits import check_time_limit_variants
from engine.deployment.xml_safety import parse_bpmn_bytes
from engine.errors import Problem


@dataclass
class ValidatedProcedure:
    """A package that passed every check, with what the deployment stores."""

    package: ProcedurePackage
    metadata: dict[str, Any]
    forms: dict[str, Any]
    diagrams: list[Diagram]
    spec: BpmnProcessSpec
    subprocess_specs: dict[str, BpmnProcessSpec]
    elements: dict[str, Any]
    warnings: list[Problem]


def read_diagrams(package: ProcedurePackage) -> tuple[list[Diagram], list[Problem]]:
    diagrams: list[Diagram] = []
    problems: list[Problem] = []
    sources = [(name, data) for name, data in package.bpmn_files.items()]
    sources += [(f"_shared/{name}", data) for name, data in package.shared_files.items()]
    if not package.bpmn_files:
        problems.append(
            Problem(file=f"{package.key}.bpmn", line=1, rule="package", message="Thiếu tệp sơ đồ .bpmn",
                    message_en="No .bpmn diagram in the package")
        )
    for name, data in sources:
        tree, found = parse_bpmn_bytes(data, name)
        problems += found
        if tree is None:
            continue
        xsd_problems = _xsd_problems(tree, name)
        problems += xsd_problems
        if not xsd_problems:
            diagrams.append(read_diagram(tree, name))
    return diagrams, problems


def _xsd_problems(tree: etree._ElementTree, filename: str) -> list[Problem]:
    # SpiffWorkflow's own validator stops at the last error; we report every one of them.
    VALIDATOR.preprocess(tree)
    schema = VALIDATOR.validator
    if schema.validate(tree):
        return []
    return [
        Problem(
            file=filename,
            line=error.line,
            rule="xsd",
            message=f"Sơ đồ không đúng lược đồ BPMN 2.0: {_xsd_detail_vi(error.message)}",
            message_en=f"The diagram does not follow the BPMN 2.0 schema: {error.message}",
            element_id=_element_id_at_line(tree, error.line),
        )
        for error in schema.error_log
    ]


_XSD_WORDS = (  # libxml2 words its schema errors in English only; these are the ones diagrams hit
    (re.compile(r"This element is not expected"), "phần tử {element} không được phép ở vị trí này"),
    (re.compile(r"The attribute '([^']+)' is required but missing"),
     "phần tử {element} thiếu thuộc tính bắt buộc '{0}'"),
    (re.compile(r"The attribute '([^']+)' is not allowed"), "thuộc tính '{0}' không được phép trên phần tử {element}"),
    (re.compile(r"'([^']*)' is not a valid value of the (?:atomic|union|list) type '([^']+)'"),
     "giá trị '{0}' của phần tử {element} không đúng kiểu '{1}'"),
    (re.compile(r"Missing child element"), "phần tử {element} thiếu phần tử con bắt buộc"),
)


def _xsd_detail_vi(message: str) -> str:
    named = re.match(r"^Element '(?:\{[^}]*\})?([^']+)'", message)
    element = f"'{named.group(1)}'" if named else ""
    for pattern, words in _XSD_WORDS:
        found = pattern.search(message)
        if found:
            return words.format(*found.groups(), element=element).replace("  ", " ")
    return f"phần tử {element} không đúng lược đồ".replace("  ", " ")


def _element_id_at_line(tree: etree._ElementTree, line: int) -> str | None:
    for node in tree.getroot().iter():
        if isinstance(node.tag, str) and node.sourceline == line and node.get("id"):
            return node.get("id")
    return None


def parse_spec(
    package: ProcedurePackage, diagrams: list[Diagram]
) -> tuple[tuple[BpmnProcessSpec, dict[str, BpmnProcessSpec]] | None, list[Problem]]:
    parser = SpiffBpmnParser(validator=None)  # already validated against the XSD above
    main_file = f"{package.key}.bpmn"
    try:
        for diagram in diagrams:
            parser.add_bpmn_xml(diagram.tree, filename=diagram.filename)
        if package.key in parser.collaborations:
            # Several pools (agencies) exchanging messages run together in one workflow.
            spec, subprocess_specs = parser.get_collaboration(package.key)
            return (spec, subprocess_specs), []
        if package.key not in parser.get_process_ids():
            return None, [
                Problem(
                    file=main_file,
                    line=1,
                    rule="process",
                    message=f"Không có quy trình thực thi (isExecutable=\"true\") với id '{package.key}'",
                    message_en=f"No executable process with id '{package.key}'",
                )
            ]
        spec = parser.get_spec(package.key)
        subprocess_specs = parser.get_subprocess_specs(package.key)
    except ValidationException as exc:
        return None, [_problem_from_spiff(exc, main_file, [d.tree for d in diagrams])]
    except Exception as exc:  # noqa: BLE001 - a diagram must never crash deployment
        line, element = _locate_in_message(str(exc), [d.tree for d in diagrams])
        return None, [Problem(file=main_file, rule="process", line=line or 1, element_id=element,
                              message="Sơ đồ không thực thi được: SpiffWorkflow không dựng được quy trình",
                              message_en=f"The diagram cannot be executed: {exc}")]
    return (spec, subprocess_specs), []


def _problem_from_spiff(exc: ValidationException, default_file: str,
                        trees: list[etree._ElementTree] | None = None) -> Problem:
    line = exc.line_number if isinstance(exc.line_number, int) else None
    element = exc.id or None
    detail = str(exc).split("\n")[0]
    if line is None:
        found_line, found_element = _locate_in_message(detail, trees or [])
        line, element = found_line or 1, element or found_element
    # SpiffWorkflow words its reasons in English only: the Vietnamese message names where, not why.
    if "was not found" in detail and "called process" in detail.lower() or "callActivity" in detail:
        message = "Không tìm thấy quy trình con được gọi"
    else:
        message = "Sơ đồ không hợp lệ: SpiffWorkflow không dựng được quy trình tại phần tử này"
    return Problem(
        file=exc.file_name or default_file,
        line=line,
        element_id=element,
        rule="process",
        message=message,
        message_en=f"Invalid diagram: {detail}",
    )


def _locate_in_message(message: str, trees: list[etree._ElementTree]) -> tuple[int | None, str | None]:
    """SpiffWorkflow sometimes names the element only in its message: find the element it names."""
    best: tuple[int, int | None, str | None] = (0, None, None)
    for tree in trees:
        for node in tree.getroot().iter():
            if not isinstance(node.tag, str):
                continue
            for label in (node.get("id"), node.get("name")):
                if label and len(label) > best[0] and label in message:
                    best = (len(label), node.sourceline, node.get("id"))
    return best[1], best[2]


def validate_package(package: ProcedurePackage, organisation: Organisation | None = None,
                     binding_severity: str = "error") -> tuple[ValidatedProcedure | None, list[Problem]]:
    """Run every check on every file, whatever fails first; returns the validated procedure only when
    there is no error. Lane bindings are checked against ``organisation`` when it is given."""
    metadata, readable, problems = check_metadata(package)
    forms, broken_forms, form_problems = check_forms(package)
    diagrams, diagram_problems = read_diagrams(package)
    problems += form_problems + diagram_problems
    rule_problems = check_diagrams(diagrams)
    problems += rule_problems
    structure_problems = [p for p in rule_problems if p.rule == "structure"]
    lanes = readable.get("lanes") if isinstance(readable.get("lanes"), dict) else None
    for diagram in diagrams:
        if not diagram.filename.startswith("_shared/"):
            problems += check_steps(diagram, lanes, forms, broken_forms)
            problems += check_result_ends(diagram)
    problems += check_unwritten_variables(diagrams, forms)
    if organisation is not None:
        problems += check_lane_bindings(readable, metadata_text(package), organisation, binding_severity)
    if metadata is not None:
        problems += check_time_limit_variants(package, metadata, diagrams)
        problems += check_locality(metadata, metadata_text(package), forms, diagrams)
    parsed = None
    if not diagram_problems and not structure_problems:
        parsed, spiff_problems = parse_spec(package, diagrams)
        problems += spiff_problems
    errors = [p for p in problems if p.severity == "error"]
    if errors or parsed is None or metadata is None:
        return None, problems
    elements: dict[str, Any] = {}
    for diagram in diagrams:
        for element in diagram.elements.values():
            elements[element.id] = element.as_dict()
    spec, subprocess_specs = parsed
    return (
        ValidatedProcedure(package, metadata, forms, diagrams, spec, subprocess_specs, elements,
                           [p for p in problems if p.severity != "error"]),
        problems,
    )


def validate_bpmn_file(content: bytes, filename: str) -> list[Problem]:
    """Check one diagram on its own (no procedure.json, no forms): is it executable here?

    Never raises for anything a diagram can contain: unexpected failures become problems too.
    """
    tree, problems = parse_bpmn_bytes(content, filename)
    if tree is None:
        return problems
    problems += _xsd_problems(tree, filename)
    if problems:
        return problems
    diagram = read_diagram(tree, filename)
    problems += check_diagrams([diagram])
    if any(p.rule in ("structure", "executable") for p in problems):
        return problems
    parser = SpiffBpmnParser(validator=None)
    try:
        parser.add_bpmn_xml(tree, filename=filename)
        for process_id, executable in diagram.processes.items():
            if executable:
                parser.get_spec(process_id)
                parser.get_subprocess_specs(process_id)
    except ValidationException as exc:
        problems.append(_problem_from_spiff(exc, filename, [tree]))
    except Exception as exc:  # noqa: BLE001 - a diagram must never crash the validator
        line, element = _locate_in_message(str(exc), [tree])
        problems.append(Problem(file=filename, rule="process", line=line or 1, element_id=element,
                                message="Sơ đồ không thực thi được: SpiffWorkflow không dựng được quy trình",
                                message_en=f"The diagram cannot be executed: {exc}"))
    return problems
