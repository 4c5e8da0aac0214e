"""The demo province: every procedure of bpmn/ deployed, the organisation and its dossiers seeded
through the engine's commands; everything a procedure binds has people, every open task someone
who can act on it, every status and timeliness a dossier can have; a second seed adds nothing."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from demo.province import DEMO_LOGINS
from demo.seed import DemoSummary, seed_demo_province
from engine.calendar.clock import FixedClock
from engine.calendar.deadlines import Timeliness
from engine.db import Base, make_session_factory
from engine.identity.officials import authenticate, hash_password
from engine.org.directory import candidate_ids, deputy_for, is_available, normalise_role
from engine.org.localities import LOCALITY_KIND, PLACEHOLDER, is_located, units_needed
from engine.persistence import models
from engine.persistence.models import Center, Dossier, DossierStatus, HumanTask, Official, TaskStatus, Unit
from engine.runtime.context import EngineContext, build_context
from engine.settings import EngineSettings
from tests.conftest import LIBRARY, deploy

PASSWORD = "motcua-demo"  # api.cli.DEMO_PASSWORD: the README's curl walk-through logs in with it
PROCEDURES = sorted(p.name for p in LIBRARY.iterdir() if (p / "procedure.json").exists())
TABLES = [models.Center, models.Unit, models.Official, models.OfficialRole, models.LeavePeriod, models.Deputy,
          models.Dossier, models.HumanTask, models.HistoryEvent, models.WorkflowTask]


@dataclass
class Demo:
    summary: DemoSummary
    password_hash: str
    seconds: float
    session_factory: sessionmaker[Session]
    ctx: EngineContext


@pytest.fixture(scope="module")
def demo(db_engine: Engine) -> Iterator[Demo]:
    """Seeded once for the module (a few seconds); the tables are emptied afterwards."""
    clock = FixedClock(datetime(2026, 11, 27, 2, 0, tzinfo=UTC))  # Friday 09:00 in Hạ Long
    # Not the shared ctx fixture: re-reading every stored state after each command doubles the time.
    ctx = build_context(EngineSettings(library_path=LIBRARY), clock)
    factory = make_session_factory(db_engine)
    # SpiffWorkflow compares timers with the real now(): freeze it at the engine clock.
    with time_machine.travel(clock.now(), tick=False):
        try:
            for key in PROCEDURES:
                deploy(factory, ctx, key)
            password_hash = hash_password(PASSWORD)
            started = time.perf_counter()
            summary = seed_demo_province(factory, ctx, password_hash=password_hash)
            yield Demo(summary, password_hash, time.perf_counter() - started, factory, ctx)
        finally:
            with factory.begin() as session:
                for table in reversed(Base.metadata.sorted_tables):
                    session.execute(delete(table))


def today(ctx: EngineContext) -> date:
    return ctx.clock.now().astimezone(ZoneInfo(ctx.settings.timezone)).date()


def bindings() -> dict[str, list[tuple[str, str]]]:
    """(department, role) of every lane of every procedure.json of the library, by procedure; a lane
    routed by locality names its department with ``{locality}``."""
    result = {}
    for key in PROCEDURES:
        lanes = json.loads((LIBRARY / key / "procedure.json").read_text(encoding="utf-8")).get("lanes", {})
        result[key] = [(b["department"], normalise_role(b["role"])) for b in lanes.values()
                       if b.get("department") and b.get("role")]
    return result


def counts(session_factory: sessionmaker[Session]) -> dict[str, int]:
    with session_factory() as session:
        return {model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
                for model in TABLES}


def test_the_demo_province_has_the_shape_of_the_domain_brief(demo: Demo) -> None:
    summary, session_factory = demo.summary, demo.session_factory
    print(f"\nseed: {demo.seconds:.1f} s; " + "; ".join(summary.lines()))
    assert summary.problems == []
    assert (summary.centers, summary.localities, summary.departments >= 25) == (6, 14, True)
    assert 410 <= summary.officials <= 460
    with session_factory() as session:
        centers = session.scalars(select(Center)).all()
        [province] = [c for c in centers if c.kind == "provincial"]
        assert province.code == "hcc_tinh"  # the README's walk-through receives its dossier there
        assert sorted(c.parent_id for c in centers if c.kind == "local") == [province.id] * 5
        assert all(c.agency_identifier.endswith(".H00") for c in centers)  # demo identifiers
        assert all(c.locality and c.locality.startswith("ubnd_") for c in centers if c.kind == "local")
        officials = session.scalars(select(Official)).all()
        assert len({o.username for o in officials}) == len(officials)
        assert all(o.username.isascii() and o.username == o.username.lower() for o in officials)
        assert all(len(o.full_name.split()) >= 3 for o in officials)
        roles = {role for o in officials for role in o.roles}
        assert roles >= {"reception", "specialist", "unit_leader", "center_leader", "analyst", "auditor", "admin"}
        assert summary.on_leave_today > 0


def test_everything_a_procedure_binds_has_someone_present(demo: Demo) -> None:
    day, session_factory = today(demo.ctx), demo.session_factory
    with session_factory() as session:
        localities = session.scalars(select(Unit.code).where(Unit.kind == LOCALITY_KIND)).all()
        missing = [(key, unit, role) for key, pairs in bindings().items() for department, role in pairs
                   for unit in (units_needed(department, localities).values() if is_located(department)
                                else [department])
                   if not candidate_ids(session, unit, role, day)]
        assert missing == []
        # Officials on leave today have a deputy who is present.
        away = session.scalars(select(models.LeavePeriod.official_id).where(
            models.LeavePeriod.starts_on <= day, models.LeavePeriod.ends_on >= day)).all()
        assert away and all(deputy_for(session, official_id, day) is not None for official_id in away)


def test_every_status_timeliness_and_inbox_has_dossiers(demo: Demo) -> None:
    summary, session_factory, ctx = demo.summary, demo.session_factory, demo.ctx
    with session_factory() as session:
        payment_steps = any(
            e.get("properties", {}).get("clock") == "payment"
            for key in summary.procedures
            for e in session.scalar(select(models.ProcedureVersion.elements).join(models.Procedure)
                                    .where(models.Procedure.key == key)
                                    .order_by(models.ProcedureVersion.version.desc()).limit(1)).values())
        expected = set(DossierStatus) - {DossierStatus.FAILED, DossierStatus.STOPPED}
        if not payment_steps:
            expected.discard(DossierStatus.AWAITING_PAYMENT)  # no deployed diagram has a fee-payment step
        assert {s.value for s in expected} <= set(summary.dossiers_by_status)
        assert {t.value for t in Timeliness} <= set(summary.dossiers_by_timeliness)
        assert 150 <= summary.dossiers <= 500
        dossiers = session.scalars(select(Dossier)).all()
        assert {d.procedure_version.procedure.key for d in dossiers} == set(summary.procedures)
        assert any(d.extended and d.status == DossierStatus.PROCESSING for d in dossiers)
        assert any(d.extended and d.status == DossierStatus.COMPLETED for d in dossiers)
        assert all(d.paused_at is not None for d in dossiers if d.status == DossierStatus.AWAITING_SUPPLEMENT)
        assert any(d.late_by_rule for d in dossiers)  # asked twice to supplement (Decision 766)
        assert all(d.received_at < ctx.clock.now() for d in dossiers)
        assert all(d.completed_at is None or d.received_at < d.completed_at <= ctx.clock.now() for d in dossiers)
        # Every procedure with demo dossiers gives each of its lanes work waiting, queued or claimed.
        open_pairs = {(department, role) for department, role in session.execute(
            select(HumanTask.department, HumanTask.candidate_role)
            .where(HumanTask.status.in_([TaskStatus.READY, TaskStatus.CLAIMED])))}
        # A lane routed by locality has work in some locality (the local centers' own).
        open_pairs |= {(department.replace(department.split(".")[0], PLACEHOLDER, 1), role)
                       for department, role in open_pairs if department and department.startswith("ubnd_")}
        idle = [(key, pair) for key, pairs in bindings().items() if key in summary.procedures for pair in pairs
                if pair not in open_pairs]
        assert idle == []
        statuses = set(session.scalars(select(HumanTask.status)))
        assert {TaskStatus.READY, TaskStatus.CLAIMED, TaskStatus.COMPLETED} <= statuses
        assert session.scalar(select(func.count()).select_from(HumanTask)
                              .where(HumanTask.delegated_by_id.is_not(None))) > 0
        # The history is what happened: no consultation timed out the moment the demo sent it
        # (SpiffWorkflow times no-reply deadlines on the real clock).
        timers = {element_id for elements in session.scalars(select(models.ProcedureVersion.elements))
                  for element_id, element in elements.items() if element.get("event") == "timer"}
        fired = session.scalar(select(func.count()).select_from(models.HistoryEvent).where(
            models.HistoryEvent.element_id.in_(timers), models.HistoryEvent.event_type == "step_completed"))
        assert fired == 0
        assigned = {e.event_type for e in session.scalars(select(models.HistoryEvent))}
        assert {"task_reassigned", "task_delegated", "deadline_extended", "dossier_withdrawn",
                "clock_paused", "clock_resumed", "task_claimed"} <= assigned


def test_every_open_task_has_someone_who_can_act(demo: Demo) -> None:
    day, session_factory = today(demo.ctx), demo.session_factory
    with session_factory() as session:
        stranded = []
        for task in session.scalars(select(HumanTask).where(
                HumanTask.status.in_([TaskStatus.READY, TaskStatus.CLAIMED]))):
            if task.status == TaskStatus.CLAIMED and task.assignee_id is not None:
                ok = is_available(session, task.assignee_id, day) or deputy_for(session, task.assignee_id, day)
            else:
                ok = bool(candidate_ids(session, task.department, task.candidate_role, day))
            if not ok:
                stranded.append((task.dossier_code, task.element_id, task.department, task.candidate_role))
        assert stranded == []
        # Some of the work is held by officials away today: their deputies have it in their inbox.
        holders = session.scalars(select(HumanTask.assignee_id).where(HumanTask.status == TaskStatus.CLAIMED)).all()
        assert any(not is_available(session, holder, day) for holder in holders)


def test_the_readme_logins_exist_with_the_demo_password(demo: Demo) -> None:
    password_hash, session_factory = demo.password_hash, demo.session_factory
    with session_factory() as session:
        for username, full_name, roles, unit_code in DEMO_LOGINS:
            official = session.scalar(select(Official).where(Official.username == username))
            assert (official.full_name, sorted(official.roles), official.unit_code) == (
                full_name, sorted(roles), unit_code)
            assert official.password_hash == password_hash
        assert authenticate(session, "tiepnhan", PASSWORD).username == "tiepnhan"
        # Their inboxes have work: the leader's unit queue and the specialist's own tasks.
        for username in ("tiepnhan", "chuyenvien", "lanhdao"):
            official = session.scalar(select(Official).where(Official.username == username))
            mine = session.scalar(select(func.count()).select_from(HumanTask).where(
                HumanTask.assignee_id == official.id))
            assert mine > 0, username


def test_a_second_seed_adds_nothing(demo: Demo) -> None:
    summary, session_factory = demo.summary, demo.session_factory
    before = counts(session_factory)
    with time_machine.travel(demo.ctx.clock.now(), tick=False):
        again = seed_demo_province(session_factory, demo.ctx, password_hash=demo.password_hash)
    assert set(again.created.values()) == {0}
    assert counts(session_factory) == before
    assert (again.dossiers_by_status, again.officials) == (summary.dossiers_by_status, summary.officials)
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Unit).where(Unit.kind == "commune")) == 14
