"""Request ids, JSON log lines with their context, and the Prometheus metrics after a walk-through."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import update

from api.observability import REQUEST_ID_HEADER
from engine.persistence.models import Dossier
from tests.conftest import TEST_CENTER
from tests.integration.api.test_dossiers import only_open_task, start
from tests.procedures.test_enterprise_registration import APPRAISE_OK


@pytest.fixture
def log_output(app) -> Iterator[io.StringIO]:
    """What the application's log handler writes during the test."""
    (handler,) = [h for h in logging.getLogger().handlers if type(h).__name__ == "_MotcuaHandler"]
    stream = io.StringIO()
    old = handler.setStream(stream)
    yield stream
    handler.setStream(old)


def samples(client) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(response.get_data(as_text=True)) for s in family.samples}


def value(figures, name: str, **labels: str) -> float:
    return figures.get((name, tuple(sorted(labels.items()))), 0.0)


def test_a_request_id_is_kept_or_made_and_returned(client):
    assert client.get("/healthz", headers={REQUEST_ID_HEADER: "lb-7f3a.42"}).headers[REQUEST_ID_HEADER] == "lb-7f3a.42"
    made = client.get("/healthz").headers[REQUEST_ID_HEADER]
    assert len(made) == 32
    # A header that could forge log fields is replaced, not copied into the logs.
    forged = client.get("/healthz", headers={REQUEST_ID_HEADER: 'x" level=ERROR'}).headers[REQUEST_ID_HEADER]
    assert forged != 'x" level=ERROR' and len(forged) == 32


def test_log_lines_are_json_objects_carrying_request_official_dossier_and_command(client, reception, specialist,
                                                                                  log_output):
    response = start(client, reception)
    code = response.json["code"]
    headers = {**reception, REQUEST_ID_HEADER: "req-walk-1"}
    task = only_open_task(client, specialist, code)
    client.post(f"/api/v1/tasks/{task['id']}/claim", headers=headers)  # not reception's: refused
    logging.getLogger("engine.scheduling").warning("sweep_failed", extra={"dossier": code, "error": "thử"})
    records = [json.loads(line) for line in log_output.getvalue().splitlines()]  # each line one object
    (claim,) = [r for r in records if r["message"] == "command" and r["request_id"] == "req-walk-1"]
    assert claim["command"] == "claim_task" and claim["dossier"] == code and claim["official"] == "tiepnhan"
    assert claim["outcome"] != "ok" and claim["level"] == "INFO" and claim["logger"] == "engine.observability"
    assert claim["time"].endswith("+00:00")  # ISO 8601, UTC
    started = [r for r in records if r["message"] == "command" and r["command"] == "start_dossier"]
    assert started and started[0]["dossier"] == code
    (request_line,) = [r for r in records if r["message"] == "request" and r["request_id"] == "req-walk-1"]
    assert request_line["path"] == f"/api/v1/tasks/{task['id']}/claim" and request_line["official"] == "tiepnhan"
    (sweep,) = [r for r in records if r["message"] == "sweep_failed"]
    assert sweep["dossier"] == code and sweep["error"] == "thử"  # the scheduler's extra= fields
    assert not [r for r in records if r["logger"].startswith("spiff")]  # the library's step chatter stays out


def test_metrics_show_requests_commands_timers_and_open_tasks_after_a_walk(client, reception, specialist,
                                                                              session_factory, clock):
    before = samples(client)
    code = start(client, reception).json["code"]
    task = only_open_task(client, specialist, code)
    client.post(f"/api/v1/tasks/{task['id']}/claim", headers=specialist)
    client.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": APPRAISE_OK}, headers=specialist)
    with session_factory.begin() as session:  # a timer due five minutes ago, not fired yet
        session.execute(update(Dossier).where(Dossier.code == code).values(wake_at=clock.now() - timedelta(minutes=5)))
    after = samples(client)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("motcua_commands_total", kind="start_dossier", outcome="ok") == 1
    assert grew("motcua_commands_total", kind="claim_task", outcome="ok") == 1
    assert grew("motcua_commands_total", kind="complete_task", outcome="ok") == 1
    assert grew("motcua_command_duration_seconds_count", kind="complete_task") == 1
    assert grew("motcua_http_request_duration_seconds_count", method="POST", endpoint="/api/v1/dossiers",
                status="201") == 1
    complete = [k for k in after if k[0] == "motcua_http_request_duration_seconds_count"
                and ("endpoint", "/api/v1/tasks/<uuid:task_id>/complete") in k[1]]
    assert complete, sorted(k for k in after if k[0].startswith("motcua_http"))
    assert value(after, "motcua_open_tasks", center=TEST_CENTER[0]) == 1  # the leader's approval
    assert value(after, "motcua_timers_due") == 1
    assert value(after, "motcua_scheduler_lag_seconds") == 300
