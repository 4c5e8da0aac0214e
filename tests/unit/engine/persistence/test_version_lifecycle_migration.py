"""Upgrading a database deployed before version lifecycles: the newest version of each procedure
(the one new dossiers took) becomes active, older ones retired, and the activation is recorded."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import JSON, Integer, String, column, insert, select, table
from sqlalchemy.engine import Engine

from engine.db import UtcDateTime, make_db_engine
from engine.persistence.migrate import upgrade
from engine.persistence.models import ProcedureVersion, ProcedureVersionEvent

BEFORE_LIFECYCLES = "3c1f0a7d9b21"
DEPLOYED_AT = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)


@pytest.fixture
def old_database(db_engine: Engine) -> Iterator[Engine]:
    """An empty database beside the test one, on the same server."""
    if db_engine.dialect.name != "postgresql":
        with tempfile.TemporaryDirectory() as tmp_dir:
            old = make_db_engine(f"sqlite:///{tmp_dir}/old.sqlite3")
            yield old
            old.dispose()
        return
    name = f"{db_engine.url.database}_before_lifecycles"
    server = db_engine.execution_options(isolation_level="AUTOCOMMIT")  # CREATE DATABASE runs outside transactions
    with server.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    old = make_db_engine(db_engine.url.set(database=name).render_as_string(hide_password=False))
    yield old
    old.dispose()
    with server.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE "{name}"')


# The two tables as they were before this revision (the models already have the new column).
OLD_PROCEDURE = table("procedure", column("id", Integer), column("key", String), column("name", String),
                      column("created_at", UtcDateTime))
OLD_VERSION = table("procedure_version", *(column(name, String) for name in ("content_hash", "process_id", "bpmn_xml",
                                                                             "spec_json", "deployed_by")),
                    column("procedure_id", Integer), column("version", Integer), column("forms", JSON),
                    column("metadata", JSON), column("elements", JSON), column("deployed_at", UtcDateTime))


def test_the_newest_version_becomes_active_and_older_ones_retired(old_database: Engine) -> None:
    upgrade(old_database, BEFORE_LIFECYCLES)
    with old_database.begin() as connection:
        connection.execute(insert(OLD_PROCEDURE), [
            {"id": 1, "key": "ho_tich", "name": "Hộ tịch", "created_at": DEPLOYED_AT},
            {"id": 2, "key": "dat_dai", "name": "Đất đai", "created_at": DEPLOYED_AT}])
        connection.execute(insert(OLD_VERSION), [
            {"procedure_id": procedure_id, "version": number, "content_hash": f"{procedure_id}-{number}",
             "process_id": "p", "bpmn_xml": "", "spec_json": "", "deployed_by": "cli", "forms": {}, "metadata": {},
             "elements": {}, "deployed_at": DEPLOYED_AT}
            for procedure_id, number in [(1, 1), (1, 2), (1, 3), (2, 1)]])

    upgrade(old_database)
    with old_database.connect() as connection:
        states = connection.execute(select(ProcedureVersion.procedure_id, ProcedureVersion.version,
                                           ProcedureVersion.state).order_by(ProcedureVersion.id)).all()
        events = connection.execute(select(ProcedureVersionEvent.procedure_version_id, ProcedureVersionEvent.action,
                                           ProcedureVersionEvent.to_state, ProcedureVersionEvent.at)).all()
    assert [(p, n, str(s)) for p, n, s in states] == [(1, 1, "retired"), (1, 2, "retired"), (1, 3, "active"),
                                                      (2, 1, "active")]
    assert sorted((v, str(a), str(s), at) for v, a, s, at in events) == [(3, "activate", "active", DEPLOYED_AT),
                                                                         (4, "activate", "active", DEPLOYED_AT)]
