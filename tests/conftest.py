"""Shared fixtures: a migrated database (SQLite by default, PostgreSQL via MOTCUA_TEST_DATABASE_URL),
a fixed clock, an engine context, the Flask app, and helpers to drive dossiers."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from engine.calendar.clock import Clock, FixedClock
from engine.db import Base, make_db_engine, make_session_factory
from engine.deployment.deploy import deploy_procedure
from engine.deployment.lifecycle import activate_version
from engine.deployment.package import ProcedurePackage, load_package
from engine.persistence import models
from engine.persistence.migrate import upgrade
from engine.runtime.command import Actor
from engine.runtime.context import EngineContext, build_context
from engine.settings import EngineSettings
from engine.statistics.units import forget_units
from tests import iteration_twin
from tests.staff import Staff

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = ROOT / "bpmn"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared"
TEST_CENTER = ("hcc_test", "Trung tâm Phục vụ hành chính công (kiểm thử)", "000.00.00.H99")


@pytest.fixture(scope="session", autouse=True)
def library_walk_beside_the_fast_one() -> Iterator[None]:
    """Every SpiffWorkflow tree walk in the suite is checked against the library's own (see the module)."""
    iteration_twin.install()
    yield
    iteration_twin.uninstall()


def _database_url(tmp_dir: str) -> str:
    return os.environ.get("MOTCUA_TEST_DATABASE_URL") or f"sqlite:///{tmp_dir}/motcua-test.sqlite3"


@pytest.fixture(scope="session")
def db_engine() -> Iterator[Engine]:
    with tempfile.TemporaryDirectory() as tmp_dir:
        db_engine = make_db_engine(_database_url(tmp_dir))
        if db_engine.dialect.name == "postgresql":
            with db_engine.begin() as connection:
                connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        upgrade(db_engine)
        yield db_engine
        db_engine.dispose()


@pytest.fixture
def is_postgresql(db_engine: Engine) -> bool:
    return db_engine.dialect.name == "postgresql"


@pytest.fixture
def session_factory(db_engine: Engine) -> Iterator[sessionmaker[Session]]:
    """Each test starts from empty tables (commands commit, so rows are deleted afterwards), and with
    no unit tree remembered from an earlier test's organisation (engine.statistics.units keeps one
    per database for minutes: a test's statement count must not depend on when the last one ran)."""
    forget_units()
    factory = make_session_factory(db_engine)
    yield factory
    with factory.begin() as session:
        for table in reversed(Base.metadata.sorted_tables):
            session.execute(delete(table))


@pytest.fixture
def clock() -> FixedClock:
    # A Friday morning in Hạ Long (09:00 +07:00).
    return FixedClock(datetime(2026, 11, 27, 2, 0, tzinfo=UTC))


@pytest.fixture
def ctx(clock: FixedClock) -> EngineContext:
    return build_context(EngineSettings(library_path=LIBRARY, verify_state_writes=True), clock)


@pytest.fixture
def center(session_factory: sessionmaker[Session]) -> models.Center:
    code, name, agency = TEST_CENTER
    with session_factory.begin() as session:
        row = models.Center(code=code, name=name, agency_identifier=agency)
        session.add(row)
    return row


@pytest.fixture
def actor() -> Actor:
    """The system (the scheduler's actor): no official, never refused by the access policy."""
    return Actor(None, "Hệ thống")


@pytest.fixture
def staff(session_factory: sessionmaker[Session], center: models.Center) -> Staff:
    """Officials of the test center, one per unit and role, for driving dossiers as people do."""
    return Staff(session_factory, center.code)


def deploy(session_factory: sessionmaker[Session], ctx: EngineContext, key: str, folder: Path | None = None) -> int:
    return deploy_package(session_factory, ctx.clock, load_package(folder or LIBRARY / key))


def deploy_package(session_factory: sessionmaker[Session], clock: Clock, package: ProcedurePackage) -> int:
    """Deploy the package and make the version the active one, as `motcua deploy --activate` does."""
    deployer = Actor(None, "test")
    with session_factory.begin() as session:
        result = deploy_procedure(session, package, clock=clock, actor=deployer)
        activate_version(session, package.key, result.version.version, actor=deployer, reason="test", clock=clock)
        return result.version.id


def open_tasks(session_factory: sessionmaker[Session], dossier_id: int) -> list[models.HumanTask]:
    with session_factory() as session:
        return list(
            session.scalars(
                select(models.HumanTask)
                .where(models.HumanTask.dossier_id == dossier_id,
                       models.HumanTask.status.in_([models.TaskStatus.READY, models.TaskStatus.CLAIMED]))
                .order_by(models.HumanTask.ready_at, models.HumanTask.element_id)
            )
        )


def history(session_factory: sessionmaker[Session], dossier_id: int) -> list[models.HistoryEvent]:
    with session_factory() as session:
        return list(
            session.scalars(
                select(models.HistoryEvent).where(models.HistoryEvent.dossier_id == dossier_id)
                .order_by(models.HistoryEvent.seq)
            )
        )


def stored_workflow(session: Session, ctx: EngineContext, dossier_id: int) -> Any:
    """The dossier's workflow as reassembled from the database (never from the cache)."""
    from sqlalchemy.orm import undefer

    from engine.persistence.state import load_stored_workflow
    from engine.persistence.task_rows import read_task_rows

    dossier = session.scalar(select(models.Dossier).options(undefer(models.Dossier.state))
                             .where(models.Dossier.id == dossier_id))
    version = ctx.version(session, dossier.procedure_version_id)
    return load_stored_workflow(dossier.state, read_task_rows(session, dossier_id), version.spec,
                                version.subprocess_specs)


@contextlib.contextmanager
def library_task_restore() -> Iterator[None]:
    """Restore task maps the way SpiffWorkflow itself does, instead of engine.persistence.state's own
    path, to compare the two."""
    from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter

    from engine.persistence import state

    converter = state._SharedSpecWorkflowConverter
    ours = converter.mapping_from_dict
    converter.mapping_from_dict = BpmnWorkflowConverter.mapping_from_dict  # type: ignore[method-assign]
    try:
        yield
    finally:
        converter.mapping_from_dict = ours  # type: ignore[method-assign]


def restored_tasks(workflow: Any) -> list[tuple[Any, ...]]:
    """Everything a restore sets on each task of a workflow and its subprocesses, in map order; data
    as the serializer writes it, with each typed value's typename, so a Decimal or a date restored
    as a string or a number would differ."""
    import json

    from engine.persistence.state import serializer

    def typed(value: Any) -> str:
        return json.dumps(serializer().registry.convert(value), default=repr)

    workflows = [workflow, *workflow.subprocesses.values()]
    return [(t.id, t._parent, t._children, t.state, t.task_spec, t.last_state_change, t.triggered,
             typed(t.internal_data), typed(t.data), t.id in workflow.event_manager.tasks)
            for w in workflows for t in w.tasks.values()] + [sorted(map(str, workflow.event_manager.tasks))]


def enterprise_start_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "applicant": {
            "applicant_name": "Nguyễn Văn An",
            "id_number": "022086001234",
            "phone": "0912345678",
            "address": "Phường Hồng Gai, tỉnh Quảng Ninh",
        },
        "enterprise_name": "Công ty TNHH Thương mại Hạ Long Xanh",
        "head_office_address": "Số 1 đường Trần Hưng Đạo, phường Hồng Gai, tỉnh Quảng Ninh",
        "charter_capital_vnd": 2_000_000_000,
        "business_lines": ["Bán lẻ hàng hóa", "Dịch vụ lưu trú ngắn ngày"],
        "owner_type": "individual",
        "documents": ["registration_application", "company_charter", "owner_legal_papers"],
        "result_delivery": "counter",
    }
    data.update(overrides)
    return data
