"""Over HTTP: a step whose diagram fails answers 422 saying so and who was told, never 500; the
dossier is an incident that administrators list and retry."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select

from engine.persistence.models import Dossier, HistoryEvent, Official
from engine.runtime.dossiers import start_dossier
from tests.conftest import deploy
from tests.fixtures import tiny_procedure
from tests.integration.api.conftest import login
from tests.integration.engine.test_incidents import COUNTED_FLOWS, COUNTED_NODES, FAILING_AT_RECEPTION, diagram

METADATA = {**tiny_procedure.METADATA,
            "lanes": {"staff": {"department": "so_tai_chinh.phong_dkkd", "role": "specialist"}}}


@pytest.fixture
def looping(app, session_factory, ctx, center, actor, password_hash, tmp_path):
    """A dossier at its review, whose next step loops 40 rounds, with a step limit of 100."""
    folder = tmp_path / tiny_procedure.KEY
    content = diagram(COUNTED_NODES, flows=COUNTED_FLOWS, nodes=("step", "again"))
    for name, body in tiny_procedure.files(diagram=content, metadata=METADATA).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(body)
    deploy(session_factory, ctx, tiny_procedure.KEY, folder)
    with session_factory.begin() as session:
        session.add(Official(username="quantri", full_name="Vũ Thị Quản", password_hash=password_hash,
                             roles=["admin"], active=True, created_at=ctx.clock.now()))
        dossier = start_dossier(session, ctx, tiny_procedure.KEY, actor=actor, center_code=center.code,
                                data={"applicant": {"applicant_name": "Phạm Văn Bình"}, "rounds": 0})
    ctx.settings = dataclasses.replace(ctx.settings, max_steps_per_command=100)
    return dossier


def _review_task(client, headers, code):
    (task,) = client.get(f"/api/v1/tasks?dossier={code}", headers=headers).json
    return task["id"]


def test_a_failing_step_is_a_422_naming_the_step_and_who_was_told_then_an_admin_retries_it(
        client, looping, session_factory, ctx):
    official = login(client, "chuyenvien")
    task_id = _review_task(client, official, looping.code)
    response = client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": {"decision": "approve"}},
                           headers={**official, "Idempotency-Key": "k-1"})
    assert response.status_code == 422
    body = response.json
    assert body["error"] == "step_limit_exceeded"
    assert "vượt quá 100 bước" in body["message"] and "Vũ Thị Quản" in body["message"]
    assert "more than 100 steps" in body["message_en"] and "administrators told: Vũ Thị Quản" in body["message_en"]
    assert body["errors"]["incident"] == {"dossier": looping.code, "status": "failed", "told": ["Vũ Thị Quản"]}
    assert body["errors"]["element_id"] in ("step", "again")
    with session_factory() as session:
        assert session.scalar(select(Dossier.status).where(Dossier.id == looping.id)) == "failed"
        last = session.scalars(select(HistoryEvent).where(HistoryEvent.dossier_id == looping.id)
                               .order_by(HistoryEvent.seq.desc())).first()
        assert last.event_type == "dossier_failed" and last.payload["retry"]["kind"] == "complete"

    again = client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": {"decision": "approve"}},
                        headers={**official, "Idempotency-Key": "k-1"})
    assert again.status_code == 409 and again.json["error"] == "dossier_incident"
    assert client.get("/api/v1/incidents", headers=official).status_code == 403

    admin = login(client, "quantri")
    (incident,) = client.get("/api/v1/incidents", headers=admin).json
    assert incident["dossier_code"] == looping.code and incident["error"] == "step_limit_exceeded"
    assert incident["retry"] == "complete" and "100" in incident["message_en"]
    still = client.post(f"/api/v1/incidents/{looping.code}/retry", headers=admin)
    assert still.status_code == 422 and still.json["errors"]["incident"]["status"] == "failed"

    ctx.settings = dataclasses.replace(ctx.settings, max_steps_per_command=20_000)  # the operator's fix
    retried = client.post(f"/api/v1/incidents/{looping.code}/retry", headers=admin)
    assert retried.status_code == 200, retried.json
    assert retried.json == {"code": looping.code, "status": "completed"}
    assert client.get("/api/v1/incidents", headers=admin).json == []
    # Admins handle incidents but read no dossier: the history is the specialist's to read.
    history = client.get(f"/api/v1/dossiers/{looping.code}/history", headers=official).json
    types = [e["event_type"] for e in history["events"]]
    # The retry that failed again was rolled back with its own event; its failure is the second one.
    assert types.count("dossier_failed") == 2 and types.count("incident_retried") == 1


@pytest.fixture
def failing_reception(app, session_factory, ctx, tmp_path):
    """The tiny procedure whose first script, run at reception, names a variable nothing sets."""
    folder = tmp_path / tiny_procedure.KEY
    for name, body in tiny_procedure.files(diagram=FAILING_AT_RECEPTION, metadata=METADATA).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(body)
    deploy(session_factory, ctx, tiny_procedure.KEY, folder)


def test_a_reception_that_fails_keeps_the_dossier_as_an_incident_and_a_retry_of_the_request_does_not_duplicate(
        client, reception, failing_reception, session_factory):
    request = {"procedure": tiny_procedure.KEY, "center": "hcc_test", "channel": "direct",
               "data": {"applicant": {"applicant_name": "Phạm Văn Bình"}}}
    response = client.post("/api/v1/dossiers", json=request, headers={**reception, "Idempotency-Key": "r-1"})
    assert response.status_code == 422, response.json
    incident = response.json["errors"]["incident"]
    assert incident["status"] == "failed" and response.json["errors"]["element_id"] == "early"
    assert incident["dossier"] in response.json["message"]
    again = client.post("/api/v1/dossiers", json=request, headers={**reception, "Idempotency-Key": "r-1"})
    assert (again.status_code, again.json) == (422, response.json)
    with session_factory() as session:
        (dossier,) = session.scalars(select(Dossier)).all()
        assert (dossier.code, dossier.status) == (incident["dossier"], "failed")
        events = session.scalars(select(HistoryEvent.event_type).where(HistoryEvent.dossier_id == dossier.id)
                                 .order_by(HistoryEvent.seq)).all()
        assert events == ["dossier_received", "dossier_failed"]


def test_an_admin_moves_an_incident_to_the_corrected_version_then_retries_it(
        client, app, session_factory, ctx, center, actor, password_hash, tmp_path):
    from tests.conftest import deploy_package
    from tests.integration.engine.test_incident_migration import BROKEN, FIXED, RENAMED
    from tests.integration.engine.test_incidents import _fail_review, _start

    deploy_package(session_factory, ctx.clock, BROKEN)
    dossier = _start(session_factory, ctx, center, actor)
    _fail_review(session_factory, ctx, dossier, actor)
    deploy_package(session_factory, ctx.clock, RENAMED)  # version 2: lacks the review step
    deploy_package(session_factory, ctx.clock, FIXED)  # version 3: the condition fixed
    with session_factory.begin() as session:
        session.add(Official(username="quantri", full_name="Vũ Thị Quản", password_hash=password_hash,
                             roles=["admin"], active=True, created_at=ctx.clock.now()))
    admin = login(client, "quantri")
    url = f"/api/v1/incidents/{dossier.code}/migrate"

    refused = client.post(url, json={"version": 2, "reason": "Thử"}, headers=admin)
    assert refused.status_code == 409 and refused.json["error"] == "migration_refused"
    assert refused.json["errors"] == {"element_ids": ["review"]}
    assert client.post(url, json={"version": 3}, headers=admin).status_code == 422  # no reason
    moved = client.post(url, json={"version": 3, "reason": "Sửa điều kiện"}, headers=admin)
    assert moved.status_code == 200 and moved.json == {"code": dossier.code, "status": "failed", "version": 3}
    retried = client.post(f"/api/v1/incidents/{dossier.code}/retry", headers=admin)
    assert retried.json == {"code": dossier.code, "status": "completed"}
