"""The hardened BPMN parser: the parser itself finds any DOCTYPE wherever it stands, non-UTF-8
documents are refused, and neither ever reaches a traceback."""

from __future__ import annotations

import pytest

from engine.deployment.validate import validate_bpmn_file, validate_package
from engine.deployment.xml_safety import parse_bpmn_bytes
from tests.fixtures import tiny_procedure
from tests.unit.engine.deployment.test_validate import BILLION_LAUGHS, XXE

PADDING = "<!--" + "x" * 70_000 + "-->\n"  # beyond the 64 KiB a byte scan of the prologue would look at


def _body(document: str) -> str:
    return document.split("\n", 1)[1]  # without the XML declaration


@pytest.mark.parametrize("document", [
    XXE,
    BILLION_LAUGHS,
    PADDING + _body(XXE),
    '<?xml version="1.0"?>\n' + PADDING + _body(BILLION_LAUGHS),
    '<?xml version="1.0"?>\n<?pi ' + "y" * 70_000 + "?>\n" + _body(XXE),
    '<?xml version="1.0"?>\n' + " " * 70_000 + "\n" + _body(BILLION_LAUGHS),
], ids=["xxe", "billion_laughs", "after_a_long_comment", "laughs_after_a_long_comment",
        "after_a_long_processing_instruction", "after_whitespace"])
def test_a_doctype_is_refused_wherever_it_stands(document):
    tree, (problem,) = parse_bpmn_bytes(document.encode(), "t.bpmn")
    assert tree is None and problem.rule == "xml" and "DOCTYPE" in problem.message
    assert problem.line == document.count("\n", 0, document.index("<!DOCTYPE")) + 1


def test_a_doctype_is_refused_in_a_whole_package_too():
    (problem,) = validate_package(tiny_procedure.package(PADDING + _body(XXE)))[1]
    assert "DOCTYPE" in problem.message_en


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-32"])
def test_a_utf16_or_utf32_diagram_is_refused_with_a_located_problem(codec):
    declared = tiny_procedure.bpmn().replace('encoding="UTF-8"', f'encoding="{codec.upper()}"')
    content = declared.encode(codec)
    tree, problems = parse_bpmn_bytes(content, "t.bpmn")
    assert tree is None and problems and problems[0].rule == "xml", problems
    assert problems == validate_bpmn_file(content, "t.bpmn")
    validated, package_problems = validate_package(tiny_procedure.package(content))
    assert validated is None and [p.message_en for p in package_problems] == [p.message_en for p in problems]


def test_a_latin1_diagram_is_refused_naming_its_encoding():
    declared = tiny_procedure.bpmn().replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')
    tree, (problem,) = parse_bpmn_bytes(declared.encode("latin-1", errors="replace"), "t.bpmn")
    assert tree is None and "UTF-8" in problem.message and "ISO-8859-1" in problem.message_en


def test_invalid_utf8_is_a_located_syntax_problem():
    tree, (problem,) = parse_bpmn_bytes(tiny_procedure.bpmn().encode().replace(b"tiny", b"t\xffny", 1), "t.bpmn")
    assert tree is None and problem.rule == "xml" and problem.line is not None


def test_a_utf8_diagram_parses_with_line_numbers():
    tree, problems = parse_bpmn_bytes(tiny_procedure.bpmn().encode(), "t.bpmn")
    assert problems == [] and tree is not None and tree.getroot().sourceline is not None
