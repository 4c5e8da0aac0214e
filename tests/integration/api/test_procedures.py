"""Deploying procedures over HTTP: located problems for bad diagrams, nothing stored, versions."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import func, select

from engine.persistence.models import Procedure
from tests.fixtures import tiny_procedure
from tests.unit.engine.deployment.test_validate import BILLION_LAUGHS, CALL_MISSING, XXE


def test_only_analysts_deploy(client, reception, leader):
    for headers in (reception, leader):
        denied = upload(client, headers, tiny_procedure.files())
        assert denied.status_code == 403 and "procedure.deploy" in denied.json["message"]


def upload(client, headers, files, metadata=None):
    if metadata is not None:
        files = {**files, "procedure.json": json.dumps(metadata).encode()}
    data = {"key": tiny_procedure.KEY, "files": [(io.BytesIO(content), name) for name, content in files.items()]}
    return client.post("/api/v1/procedures", data=data, headers=headers, content_type="multipart/form-data")


def activate(client, headers, number, key=tiny_procedure.KEY, reason="Áp dụng quy trình mới"):
    return client.post(f"/api/v1/procedures/{key}/versions/{number}/activate", json={"reason": reason},
                       headers=headers)


def test_catalog_is_public_and_lists_the_sample(client, analyst):
    response = client.get("/api/v1/procedures")
    assert response.status_code == 200
    (procedure,) = response.json
    assert procedure["key"] == "enterprise_registration" and procedure["latest_version"] == 1
    assert procedure["time_limit"] == {"value": 3, "unit": "working_days"}
    versions = client.get("/api/v1/procedures/enterprise_registration/versions", headers=analyst).json
    assert [v["version"] for v in versions] == [1]


def test_openapi_document_describes_the_api(client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["info"]["title"] == "Motcua API"
    for path in ("/api/v1/procedures", "/api/v1/dossiers", "/api/v1/dossiers/{ref}/history",
                 "/api/v1/tasks", "/api/v1/tasks/{task_id}/claim", "/api/v1/tasks/{task_id}/complete"):
        assert path in spec["paths"], path


def test_upload_deploys_then_recognises_the_same_content(client, analyst):
    first = upload(client, analyst, tiny_procedure.files())
    assert first.status_code == 201, first.json
    assert first.json["created"] is True and first.json["version"]["version"] == 1
    assert first.json["version"]["state"] == "deployed"
    again = upload(client, analyst, tiny_procedure.files())
    assert again.status_code == 200 and again.json["created"] is False
    changed = upload(client, analyst, tiny_procedure.files(script="total = 3"))
    assert changed.status_code == 201 and changed.json["version"]["version"] == 2


def test_a_lane_bound_to_a_unit_the_organisation_lacks_is_refused_in_the_language_asked_for(client, analyst):
    unbound = {**tiny_procedure.METADATA, "lanes": {"staff": {"department": "phong_thu_nghiem", "role": "specialist"}}}
    response = upload(client, {**analyst, "Accept-Language": "en"}, tiny_procedure.files(), metadata=unbound)
    assert response.status_code == 422
    (problem,) = [p for p in response.json["errors"]["problems"] if p["rule"] == "organisation"]
    assert problem["file"] == "procedure.json" and problem["line"] and problem["element_id"] == "staff"
    assert "phong_thu_nghiem" in problem["message_en"] and response.json["message"].startswith("The procedure")


def test_deploying_needs_a_token(client):
    assert upload(client, {}, tiny_procedure.files()).status_code == 401


BAD_DIAGRAMS = {
    "malformed_xml": (tiny_procedure.bpmn().replace("</bpmn:userTask>", "", 1), "xml"),
    "dangling_flow": (tiny_procedure.bpmn(review_target="nowhere"), "structure"),
    "missing_call_target": (tiny_procedure.bpmn(extra_process=CALL_MISSING), "structure"),
    "xxe": (XXE, "xml"),
    "billion_laughs": (BILLION_LAUGHS, "xml"),
    "unsafe_script": (tiny_procedure.bpmn(script="x = ().__class__.__bases__"), "sandbox"),
}


@pytest.mark.parametrize("case", list(BAD_DIAGRAMS))
def test_bad_bpmn_is_422_with_located_problems_and_nothing_stored(client, analyst, session_factory, case):
    diagram, rule = BAD_DIAGRAMS[case]
    response = upload(client, analyst, tiny_procedure.files(diagram))
    assert response.status_code == 422
    body = response.json
    assert body["error"] == "deployment_invalid"
    problems = body["errors"]["problems"]
    assert problems and all(p["file"] == "tiny_procedure.bpmn" and p["line"] for p in problems)
    assert any(p["rule"] == rule for p in problems)
    assert all(p["message"] and p["message_en"] for p in problems)
    with session_factory() as session:
        assert session.scalar(select(func.count()).where(Procedure.key == tiny_procedure.KEY)) == 0


def test_a_script_failing_at_run_time_is_422_with_the_step_and_the_dossier_is_kept_as_an_incident(
        client, reception, analyst, session_factory):
    from engine.persistence.models import Dossier

    assert upload(client, analyst, tiny_procedure.files(script="total = 1 / 0")).status_code == 201
    assert activate(client, analyst, 1).status_code == 200
    response = client.post("/api/v1/dossiers", headers=reception, json={
        "procedure": tiny_procedure.KEY, "center": "hcc_test",
        "data": {"applicant": {"applicant_name": "Võ Thị Sáu"}}})
    assert response.status_code == 422
    assert response.json["error"] == "workflow_failed"
    assert response.json["errors"]["element_id"] == "compute"
    with session_factory() as session:
        (dossier,) = session.scalars(select(Dossier)).all()
    assert (dossier.code, dossier.status) == (response.json["errors"]["incident"]["dossier"], "failed")
