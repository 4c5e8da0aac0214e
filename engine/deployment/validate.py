"""Deploy-time checks: everything that can be wrong with a procedure is found before it runs.

Each check returns located problems (file, line, element id, message in Vietnamese and English);
a procedure with any error is not stored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from engine.deployment.diagram import HUMAN_TAGS, NS, Diagram, read_diagram
from engine.deployment.package import ProcedurePackage
from engine.deployment.xml_safety import parse_bpmn_bytes
from engine.errors import Problem
from engine.runtime.script_env import ScriptRejectedError, check_expression, compile_script


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


def _procedure_schema() -> Draft202012Validator:
    text = resources.files("engine.deployment").joinpath("procedure.schema.json").read_text("utf-8")
    return Draft202012Validator(json.loads(text))


def check_metadata(package: ProcedurePackage) -> tuple[dict[str, Any] | None, list[Problem]]:
    metadata, problems = package.metadata()
    if metadata is None:
        return None, problems
    for error in sorted(_procedure_schema().iter_errors(metadata), key=lambda e: list(e.path)):
        where = "/".join(str(p) for p in error.absolute_path) or "(gốc)"
        problems.append(
            Problem(
                file="procedure.json",
                rule="procedure",
                message=f"procedure.json, trường {where}: {error.message}",
                message_en=f"procedure.json, field {where}: {error.message}",
            )
        )
    if not problems and metadata.get("key") != package.key:
        problems.append(
            Problem(
                file="procedure.json",
                rule="procedure",
                message=f"Trường key '{metadata.get('key')}' khác tên thư mục '{package.key}'",
                message_en=f"key '{metadata.get('key')}' differs from the folder name '{package.key}'",
            )
        )
    return (metadata if not problems else None), problems


def check_forms(package: ProcedurePackage) -> tuple[dict[str, Any], list[Problem]]:
    forms: dict[str, Any] = {}
    problems: list[Problem] = []
    for name, raw in package.form_files.items():
        path = f"forms/{name}"
        try:
            schema = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            problems.append(
                Problem(
                    file=path,
                    line=getattr(exc, "lineno", None),
                    rule="form",
                    message=f"Biểu mẫu không phải JSON hợp lệ: {exc}",
                    message_en=f"The form is not valid JSON: {exc}",
                )
            )
            continue
        if name.endswith(".schema.json"):
            try:
                Draft202012Validator.check_schema(schema)
            except SchemaError as exc:
                problems.append(
                    Problem(
                        file=path,
                        rule="form",
                        message=f"Biểu mẫu không phải JSON Schema 2020-12 hợp lệ: {exc.message}",
                        message_en=f"The form is not a valid JSON Schema 2020-12: {exc.message}",
                    )
                )
                continue
        forms[name] = schema
    return forms, problems


def read_diagrams(package: ProcedurePackage) -> tuple[list[Diagram], list[Problem]]:
    diagrams: list[Diagram] = []
    problems: list[Problem] = []
    sources = [(name, data) for name, data in package.bpmn_files.items()]
    sources += [(f"_shared/{name}", data) for name, data in package.shared_files.items()]
    if not package.bpmn_files:
        problems.append(
            Problem(file=f"{package.key}.bpmn", rule="package", message="Thiếu tệp sơ đồ .bpmn",
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
            message=f"Sơ đồ không đúng lược đồ BPMN 2.0: {error.message}",
            message_en=f"The diagram does not follow the BPMN 2.0 schema: {error.message}",
            element_id=_element_id_at_line(tree, error.line),
        )
        for error in schema.error_log
    ]


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
        if package.key not in parser.get_process_ids():
            return None, [
                Problem(
                    file=main_file,
                    rule="process",
                    message=f"Không có quy trình thực thi (isExecutable=\"true\") với id '{package.key}'",
                    message_en=f"No executable process with id '{package.key}'",
                )
            ]
        spec = parser.get_spec(package.key)
        subprocess_specs = parser.get_subprocess_specs(package.key)
    except ValidationException as exc:
        return None, [_problem_from_spiff(exc, main_file)]
    except SpiffWorkflowException as exc:
        return None, [Problem(file=main_file, rule="process", message=f"Sơ đồ không thực thi được: {exc}",
                              message_en=f"The diagram cannot be executed: {exc}")]
    return (spec, subprocess_specs), []


def _problem_from_spiff(exc: ValidationException, default_file: str) -> Problem:
    line = exc.line_number if isinstance(exc.line_number, int) else None
    element = exc.id or None
    detail = str(exc).split("\n")[0]
    if "was not found" in detail and "called process" in detail.lower() or "callActivity" in detail:
        message = f"Không tìm thấy quy trình con được gọi: {detail}"
    else:
        message = f"Sơ đồ không hợp lệ: {detail}"
    return Problem(
        file=exc.file_name or default_file,
        line=line,
        element_id=element,
        rule="process",
        message=message,
        message_en=f"Invalid diagram: {detail}",
    )


def check_code(diagrams: list[Diagram]) -> list[Problem]:
    """Every script compiles under RestrictedPython; every condition and timer is a safe expression."""
    problems = []
    for diagram in diagrams:
        for fragment in diagram.code:
            try:
                if fragment.kind == "script":
                    compile_script(fragment.text)
                else:
                    check_expression(fragment.text)
            except ScriptRejectedError as exc:
                kind_vi = {"script": "Kịch bản", "condition": "Điều kiện", "timer": "Biểu thức hẹn giờ"}[fragment.kind]
                problems.append(
                    Problem(
                        file=diagram.filename,
                        line=fragment.line,
                        element_id=fragment.element_id,
                        rule="sandbox",
                        message=f"{kind_vi} bị từ chối bởi môi trường an toàn: {exc}",
                        message_en=f"The {fragment.kind} is refused by the sandbox: {exc}",
                    )
                )
    return problems


def check_structure(diagrams: list[Diagram]) -> list[Problem]:
    """Flows connect existing nodes; call activities call a process the package contains."""
    problems = []
    known = {element_id for d in diagrams for element_id in d.elements}
    processes = {process_id for d in diagrams for process_id in d.processes}
    for diagram in diagrams:
        for flow in diagram.flows:
            for end in ("sourceRef", "targetRef"):
                ref = flow.get(end)
                if ref not in known:
                    problems.append(Problem(
                        file=diagram.filename, line=flow.sourceline, element_id=flow.get("id"), rule="structure",
                        message=f"Luồng {flow.get('id')} trỏ tới phần tử không tồn tại '{ref}' ({end})",
                        message_en=f"Sequence flow {flow.get('id')} points at a missing element '{ref}' ({end})"))
        for element in diagram.elements.values():
            if element.tag != "callActivity":
                continue
            called = _called_element(diagram, element.id)
            if called not in processes:
                problems.append(Problem(
                    file=diagram.filename, line=element.line, element_id=element.id, rule="structure",
                    message=f"Hoạt động gọi '{element.id}' gọi quy trình '{called}' không có trong gói triển khai",
                    message_en=f"Call activity '{element.id}' calls process '{called}', which is not in the package"))
    return problems


def _called_element(diagram: Diagram, element_id: str) -> str | None:
    for node in diagram.tree.getroot().iterfind(".//bpmn:callActivity", NS):
        if node.get("id") == element_id:
            return node.get("calledElement")
    return None


def check_steps(diagram: Diagram, metadata: dict[str, Any], forms: dict[str, Any]) -> list[Problem]:
    """Human steps sit in a bound lane and name a form that exists."""
    problems = []
    lanes = metadata.get("lanes", {})
    for element in diagram.elements.values():
        form = element.properties.get("formJsonSchemaFilename")
        if element.tag in HUMAN_TAGS:
            if element.lane is None:
                problems.append(_step_problem(diagram, element.id, element.line,
                                              "Bước xử lý không nằm trong làn (lane) nào",
                                              "The step is not in any lane"))
            elif element.lane not in lanes:
                problems.append(_step_problem(
                    diagram, element.id, element.line,
                    f"Làn '{element.lane}' chưa được gán đơn vị và vai trò trong procedure.json",
                    f"Lane '{element.lane}' is not bound to a department and role in procedure.json"))
            if not form:
                problems.append(_step_problem(diagram, element.id, element.line,
                                              "Bước xử lý chưa khai báo biểu mẫu (formJsonSchemaFilename)",
                                              "The step names no form (formJsonSchemaFilename)"))
        if form and form not in forms:
            problems.append(_step_problem(diagram, element.id, element.line,
                                          f"Không tìm thấy biểu mẫu forms/{form}",
                                          f"Form forms/{form} does not exist"))
    return problems


def _step_problem(diagram: Diagram, element_id: str, line: int | None, vi: str, en: str) -> Problem:
    return Problem(file=diagram.filename, line=line, element_id=element_id, rule="step", message=vi, message_en=en)


def validate_package(package: ProcedurePackage) -> tuple[ValidatedProcedure | None, list[Problem]]:
    """Run every check; returns the validated procedure only when there is no error."""
    metadata, problems = check_metadata(package)
    forms, form_problems = check_forms(package)
    diagrams, diagram_problems = read_diagrams(package)
    problems += form_problems + diagram_problems
    problems += check_code(diagrams)
    structure_problems = check_structure(diagrams)
    problems += structure_problems
    main = next((d for d in diagrams if not d.filename.startswith("_shared/")), None)
    if main is not None and metadata is not None:
        for diagram in diagrams:
            if not diagram.filename.startswith("_shared/"):
                problems += check_steps(diagram, metadata, forms)
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
