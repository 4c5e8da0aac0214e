"""A procedure routed by locality says where a dossier's locality comes from, and can read it.

The organisation side (each locality has the unit a located lane needs) is checked with the other
lane bindings in ``organisation.py``.
"""

from __future__ import annotations

from typing import Any

from engine.deployment.diagram import Diagram
from engine.deployment.json_text import line_of
from engine.errors import Problem
from engine.org.localities import APPLICANT, FIELD_ROLE, located_lanes
from forms.roles import fields_with_role


def start_forms(diagrams: list[Diagram]) -> list[str]:
    """The forms the start events of the procedure's own diagrams name."""
    return [element.properties["formJsonSchemaFilename"] for diagram in diagrams
            if not diagram.filename.startswith("_shared/") for element in diagram.elements.values()
            if element.tag == "startEvent" and "formJsonSchemaFilename" in element.properties]


def check_locality(metadata: dict[str, Any], text: str, forms: dict[str, Any],
                   diagrams: list[Diagram]) -> list[Problem]:
    """``locality`` serves a lane routed by locality, and ``applicant`` has a start-form field to read."""
    source = metadata.get("locality")
    if source is None:
        return []

    def problem(vi: str, en: str, severity: str = "error") -> Problem:
        return Problem(file="procedure.json", line=line_of(text, ["locality"]), rule="locality",
                       severity=severity, message=vi, message_en=en)

    if not located_lanes(metadata):
        return [problem("procedure.json khai báo 'locality' nhưng không làn nào gán theo địa bàn ('{locality}')",
                        "procedure.json declares 'locality' but no lane is routed by locality ('{locality}')",
                        "warning")]
    if source == APPLICANT:
        declared = fields_with_role([forms[name] for name in start_forms(diagrams) if name in forms], FIELD_ROLE)
        if not declared:
            return [problem(
                "'locality' là 'applicant' nhưng biểu mẫu tiếp nhận không có trường nào khai báo "
                f"\"x-motcua-role\": \"{FIELD_ROLE}\" (mã xã, phường nơi cư trú của người nộp)",
                "'locality' is 'applicant' but the start form has no field declared with "
                f"\"x-motcua-role\": \"{FIELD_ROLE}\" (the code of the applicant's commune or ward)")]
    return []
