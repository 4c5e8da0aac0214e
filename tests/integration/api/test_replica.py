"""A read replica (MOTCUA_REPLICA_DATABASE_URL) serves the reads that may lag — statistics,
dashboards, the catalogue, audits — while the inbox, the dossier page and every command use the
primary, and who is calling is always checked on the primary (a token issued a moment ago)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from api.app import create_app
from engine.db import Base, make_db_engine
from engine.persistence.migrate import upgrade
from tests.integration.admin.pages import receive
from tests.integration.admin.test_sign_in import sign_in
from tests.integration.api.conftest import login

PERIOD = {"from": "2026-11-01", "to": "2026-12-31"}


@pytest.fixture
def replica_url(app: Flask, db_engine: Any, tmp_path: Path) -> str:
    """A replica that caught up with the primary as the app fixture left it (officials, units, the
    procedure), and with nothing after: no dossier, no token issued since."""
    url = f"sqlite:///{tmp_path / 'replica.sqlite3'}"
    replica = make_db_engine(url)
    upgrade(replica)
    with db_engine.connect() as source, replica.begin() as target:
        for table in Base.metadata.sorted_tables:
            rows = [dict(row._mapping) for row in source.execute(select(table))]
            if rows:
                target.execute(table.insert(), rows)
    replica.dispose()
    return url


def _app_with_replica(app: Flask, db_engine: Any, ctx: Any, url: str) -> FlaskClient:
    with_replica = create_app({"TESTING": True, "DATABASE_URL": str(db_engine.url), "DB_ENGINE": db_engine,
                               "ENGINE_CONTEXT": ctx, "REPLICA_DATABASE_URL": url})
    return with_replica.test_client()


def test_statistics_read_the_replica_and_the_inbox_the_primary(replica_url, app, client, db_engine, ctx):
    reception = login(client, "tiepnhan")
    receive(client, reception)
    receive(client, reception)
    replicated = _app_with_replica(app, db_engine, ctx, replica_url)
    leader = login(replicated, "lanhdao")  # issued on the primary, checked there although the route reads the replica
    figures = replicated.get("/api/v1/statistics/figures", query_string=PERIOD, headers=leader)
    assert figures.status_code == 200, figures.json
    assert figures.json["received"] == 0  # the replica has not caught up: the primary has two
    specialist = login(replicated, "chuyenvien")
    queue = replicated.get("/api/v1/inbox/queue", headers=specialist)
    assert queue.status_code == 200 and len(queue.json["tasks"]) == 2  # the primary's


def test_a_page_that_reads_the_replica_knows_who_just_signed_in(replica_url, app, db_engine, ctx):
    replicated = _app_with_replica(app, db_engine, ctx, replica_url)
    assert sign_in(replicated, "lanhdao").status_code in (302, 303)  # a token the replica does not have
    page = replicated.get("/thong-ke")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'data-testid="scope">Sở Tài chính<' in html  # the leader's own scope


def test_readiness_says_when_the_replica_does_not_answer(app, db_engine, ctx, tmp_path):
    unreachable = f"sqlite:///{tmp_path / 'missing' / 'replica.sqlite3'}"
    replicated = _app_with_replica(app, db_engine, ctx, unreachable)
    ready = replicated.get("/readyz")
    assert ready.status_code == 503 and ready.json["error"] == "replica_unavailable"
