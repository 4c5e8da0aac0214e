"""Idempotency-Key on receiving a dossier and completing a task: a retry gets the first answer.

The concurrent case runs real threads against the test database (PostgreSQL in CI, where the
second request waits on the key's primary key; SQLite runs one writer at a time).
"""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from engine.persistence.models import Dossier, HumanTask, TaskStatus
from tests.conftest import TEST_CENTER, enterprise_start_data
from tests.integration.api.conftest import add_official, login
from tests.integration.api.test_dossiers import only_open_task
from tests.procedures.test_enterprise_registration import APPRAISE_OK

BODY = {"procedure": "enterprise_registration", "center": TEST_CENTER[0]}


def _body() -> dict:
    return {**BODY, "data": enterprise_start_data()}


def _dossiers(session_factory) -> int:
    with session_factory() as session:
        return session.scalar(select(func.count()).select_from(Dossier))


def test_a_retried_create_returns_the_first_answer_and_makes_one_dossier(client, reception, session_factory):
    headers = {**reception, "Idempotency-Key": "intake-0001"}
    first = client.post("/api/v1/dossiers", json=_body(), headers=headers)
    assert first.status_code == 201, first.json
    retry = client.post("/api/v1/dossiers", json=_body(), headers=headers)
    assert retry.status_code == 201 and retry.get_data() == first.get_data()
    assert retry.headers["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first.headers
    assert _dossiers(session_factory) == 1
    other = client.post("/api/v1/dossiers", json=_body(), headers={**reception, "Idempotency-Key": "intake-0002"})
    assert other.status_code == 201 and other.json["code"] != first.json["code"]
    assert _dossiers(session_factory) == 2


def test_without_a_key_every_create_is_a_new_dossier(client, reception, session_factory):
    assert client.post("/api/v1/dossiers", json=_body(), headers=reception).status_code == 201
    assert client.post("/api/v1/dossiers", json=_body(), headers=reception).status_code == 201
    assert _dossiers(session_factory) == 2


def test_a_key_reused_with_another_body_is_refused_in_the_error_shape(client, reception, session_factory):
    headers = {**reception, "Idempotency-Key": "intake-0003"}
    assert client.post("/api/v1/dossiers", json=_body(), headers=headers).status_code == 201
    changed = _body()
    changed["data"]["applicant"]["applicant_name"] = "Người khác"
    refused = client.post("/api/v1/dossiers", json=changed, headers=headers)
    assert refused.status_code == 422
    assert refused.json["error"] == "idempotency_key_reused" and refused.json["code"] == 422
    assert "Idempotency-Key" in refused.json["message"]
    assert _dossiers(session_factory) == 1


def test_a_malformed_key_is_refused_naming_the_header(client, reception):
    response = client.post("/api/v1/dossiers", json=_body(),
                           headers={**reception, "Idempotency-Key": "x" * 300, "Accept-Language": "en"})
    assert response.status_code == 422 and response.json["error"] == "idempotency_key_invalid"
    assert "Idempotency-Key" in response.json["message"]


def test_keys_are_per_official(client, reception, session_factory, ctx, password_hash):
    add_official(session_factory, ctx, password_hash, "tiepnhan2", ["reception"], "trung_tam_hcc")
    other_reception = login(client, "tiepnhan2")  # another receptionist of the same center
    first = client.post("/api/v1/dossiers", json=_body(), headers={**reception, "Idempotency-Key": "shared"})
    second = client.post("/api/v1/dossiers", json=_body(), headers={**other_reception, "Idempotency-Key": "shared"})
    assert first.status_code == second.status_code == 201
    assert first.json["code"] != second.json["code"]


def test_a_failed_command_keeps_no_answer_so_its_retry_runs(client, reception, session_factory):
    headers = {**reception, "Idempotency-Key": "intake-0004"}
    broken = _body()
    broken["data"].pop("applicant")
    assert client.post("/api/v1/dossiers", json=broken, headers=headers).status_code == 422
    assert client.post("/api/v1/dossiers", json=_body(), headers=headers).status_code == 201
    assert _dossiers(session_factory) == 1


def test_a_retried_completion_returns_the_first_answer_once_the_task_moved_on(
        client, reception, specialist, session_factory):
    code = client.post("/api/v1/dossiers", json=_body(), headers=reception).json["code"]
    task = only_open_task(client, specialist, code)
    headers = {**specialist, "Idempotency-Key": f"complete-{task['id']}"}
    first = client.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": APPRAISE_OK}, headers=headers)
    assert first.status_code == 200, first.json
    retry = client.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": APPRAISE_OK}, headers=headers)
    assert retry.status_code == 200 and retry.get_data() == first.get_data()
    plain = client.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": APPRAISE_OK}, headers=specialist)
    assert plain.status_code == 409  # without the key it is a second completion, refused as before
    with session_factory() as session:
        completed = session.scalar(select(func.count()).select_from(HumanTask)
                                   .where(HumanTask.status == TaskStatus.COMPLETED))
    assert completed == 1


def test_two_concurrent_creates_with_one_key_make_one_dossier(app, reception, session_factory):
    clients = [app.test_client(), app.test_client()]
    barrier = threading.Barrier(2)
    answers: list[tuple[int, bytes]] = []

    def create(index: int) -> None:
        barrier.wait()
        response = clients[index].post("/api/v1/dossiers", json=_body(),
                                       headers={**reception, "Idempotency-Key": "same-moment"})
        answers.append((response.status_code, response.get_data()))

    threads = [threading.Thread(target=create, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [status for status, _ in answers] == [201, 201]
    assert answers[0][1] == answers[1][1]
    assert _dossiers(session_factory) == 1
