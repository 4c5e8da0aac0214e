"""A procedure's `locality` key: it serves a located lane, and `applicant` names a start-form field."""

from __future__ import annotations

import json

from engine.deployment.package import ProcedurePackage
from engine.deployment.validate import validate_package
from tests.fixtures import tiny_procedure

LOCATED_LANES = {"staff": {"department": "{locality}.tu_phap_ho_tich", "role": "specialist"}}


def locality_problems(locality: str, lanes: dict | None = None) -> list:
    metadata = {**tiny_procedure.METADATA, "locality": locality, "lanes": lanes or LOCATED_LANES}
    files = tiny_procedure.files(metadata=metadata)
    files["procedure.json"] = json.dumps(metadata, indent=2).encode()
    _, problems = validate_package(ProcedurePackage(key=tiny_procedure.KEY, files=files))
    found = [p for p in problems if p.rule == "locality"]
    text = files["procedure.json"].decode().splitlines()
    for problem in found:
        assert problem.file == "procedure.json" and '"locality"' in text[problem.line - 1]
    return found


def test_the_receiving_center_needs_nothing_more():
    assert locality_problems("receiving_center") == []


def test_applicant_without_a_start_form_field_of_the_locality_role_is_refused():
    (problem,) = locality_problems("applicant")
    assert problem.severity == "error" and "x-motcua-role" in problem.message_en


def test_a_locality_no_lane_uses_is_a_warning():
    (problem,) = locality_problems("receiving_center", tiny_procedure.METADATA["lanes"])
    assert problem.severity == "warning"


def test_an_unknown_source_is_refused_by_the_schema():
    metadata = {**tiny_procedure.METADATA, "locality": "province", "lanes": LOCATED_LANES}
    _, problems = validate_package(tiny_procedure.package(metadata=metadata))
    assert any("locality" in p.message_en for p in problems if p.severity == "error")
