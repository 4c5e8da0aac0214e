"""What each command and page costs the database, counted, not timed: SQL statements and commits per
HTTP request of an official (token check, access policy, command, the answer), with the production
engine settings. A budget here is a ceiling: a change that adds a statement to every completion
must raise it on purpose. Timings live in bench/ (bench.http); these counts are deterministic.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from engine.runtime.context import EngineContext, build_context
from engine.settings import EngineSettings
from tests.conftest import LIBRARY
from tests.integration.api.test_dossiers import start
from tests.procedures.test_enterprise_registration import APPRAISE_SUPPLEMENT, SUPPLEMENT

# Ceilings per request (SQLite counts its BEGIN; PostgreSQL has none in the statement stream).
BUDGET = {
    # the first dossier of a version in this process also loads the version, once; a reception and a
    # completion keep the leaders' statistics current (a row of stat_dossier_day, the dossier's units)
    "start": 17,
    "claim": 7,
    "complete": 13,
    "inbox": 5,
    "dossier_page": 4,
}


@pytest.fixture
def ctx(clock) -> EngineContext:  # type: ignore[no-untyped-def]
    """The engine as production runs it (the shared fixture re-reads every state it writes, to check it)."""
    return build_context(EngineSettings(library_path=LIBRARY), clock)


@dataclass
class Counted:
    statements: list[str] = field(default_factory=list)
    commits: int = 0

    @property
    def begins(self) -> list[str]:
        return [s for s in self.statements if s.upper().startswith("BEGIN")]


@contextmanager
def counting(db_engine: Engine) -> Iterator[Counted]:
    counted = Counted()

    def on_statement(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        counted.statements.append(statement.lstrip())

    def on_commit(_conn) -> None:  # type: ignore[no-untyped-def]
        counted.commits += 1

    event.listen(db_engine, "before_cursor_execute", on_statement)
    event.listen(db_engine, "commit", on_commit)
    try:
        yield counted
    finally:
        event.remove(db_engine, "before_cursor_execute", on_statement)
        event.remove(db_engine, "commit", on_commit)


def _report(name: str, counted: Counted) -> str:
    return f"{name}: {len(counted.statements)} statements\n" + "\n".join(
        "  " + s.splitlines()[0][:120] for s in counted.statements)


def _open_task(client, headers, code):  # type: ignore[no-untyped-def]
    (task,) = client.get(f"/api/v1/dossiers/{code}", headers=headers).json["open_tasks"]
    return task


def test_each_request_stays_within_its_statement_budget_and_commits_once(client, reception, specialist,
                                                                          db_engine, is_postgresql):
    with counting(db_engine) as counted:
        response = start(client, reception)
    assert response.status_code == 201, response.json
    # On PostgreSQL the day's dossier number is taken in a short transaction of its own, so that
    # intake at a center never waits on another dossier's diagram (engine.runtime.codes).
    assert counted.commits == (2 if is_postgresql else 1)
    assert len(counted.statements) <= BUDGET["start"], _report("start", counted)
    code = response.json["code"]
    task = response.json["open_tasks"][0]

    with counting(db_engine) as counted:
        response = client.post(f"/api/v1/tasks/{task['id']}/claim", headers=specialist)
    assert response.status_code == 200, response.json
    assert counted.commits == 1
    assert len(counted.statements) <= BUDGET["claim"], _report("claim", counted)

    with counting(db_engine) as counted:
        response = client.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": APPRAISE_SUPPLEMENT},
                               headers=specialist)
    assert response.status_code == 200, response.json
    assert counted.commits == 1
    assert len(counted.statements) <= BUDGET["complete"], _report("complete", counted)

    with counting(db_engine) as counted:
        response = client.get("/api/v1/inbox/queue", headers=reception)
    assert response.status_code == 200 and len(response.json["tasks"]) == 1
    assert counted.commits == 0
    assert len(counted.statements) <= BUDGET["inbox"], _report("inbox", counted)
    assert all(begin.upper() == "BEGIN" for begin in counted.begins), counted.begins  # no write lock

    with counting(db_engine) as counted:
        response = client.get(f"/api/v1/dossiers/{code}", headers=reception)
    assert response.status_code == 200
    assert counted.commits == 0
    assert len(counted.statements) <= BUDGET["dossier_page"], _report("dossier page", counted)
    assert all(begin.upper() == "BEGIN" for begin in counted.begins), counted.begins


def test_a_command_answers_from_its_own_transaction(client, reception, specialist, db_engine):
    """The claim's answer is read before its commit: one transaction, one BEGIN (on SQLite, one write lock)."""
    task = start(client, reception).json["open_tasks"][0]
    with counting(db_engine) as counted:
        response = client.post(f"/api/v1/tasks/{task['id']}/claim", headers=specialist)
    assert response.status_code == 200 and response.json["status"] == "claimed"
    assert len(counted.begins) <= 1 and counted.commits == 1


def test_a_completion_costs_the_same_statements_however_long_the_history(client, reception, specialist,
                                                                          db_engine):
    """The supplementation loop, 12 user tasks: the 11th and 12th completions issue exactly the
    statements of the 5th and 6th (the same kinds, in the same order), and one commit each. (The
    first rounds differ for a reason of their own: the leaders' statistics count a dossier's first
    supplementation requests.)"""
    code = start(client, reception).json["code"]
    seen: dict[int, list[str]] = {}
    for n in range(1, 13):
        headers, data = (specialist, APPRAISE_SUPPLEMENT) if n % 2 else (reception, SUPPLEMENT)
        task = _open_task(client, headers, code)
        client.post(f"/api/v1/tasks/{task['id']}/claim", headers=headers)
        with counting(db_engine) as counted:
            response = client.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": data}, headers=headers)
        assert response.status_code == 200, response.json
        assert counted.commits == 1
        seen[n] = [" ".join(s.split()[:4]) for s in counted.statements]
    assert seen[11] == seen[5]
    assert seen[12] == seen[6]
