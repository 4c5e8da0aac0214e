"""Every figure of the statistics API against a recomputation from the dossiers' history, on the demo
province (two of its procedures, to keep the seed short): the history is the record an auditor
trusts, so the daily figures the commands keep must agree with it to the dossier and the second."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from flask.testing import FlaskClient
from sqlalchemy import delete, select
from sqlalchemy.engine import Engine

from api.app import create_app
from demo.seed import seed_demo_province
from engine.calendar.clock import FixedClock
from engine.calendar.working_calendar import WorkingCalendar
from engine.db import Base, make_session_factory
from engine.identity.officials import hash_password
from engine.persistence.models import Center, Dossier, HistoryEvent, Procedure, ProcedureVersion
from engine.runtime.context import EngineContext, build_context
from engine.runtime.dossiers import legal_due_at
from engine.settings import EngineSettings
from engine.statistics.units import forget_units
from engine.statistics.verdict import finished_verdict, running_is_late
from tests.conftest import LIBRARY, deploy

PASSWORD = "motcua-demo"
PROCEDURES = ("certified_copy", "enterprise_registration")
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # Friday 09:00 in Hạ Long
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
WHOLE_YEAR = (date(2026, 1, 1), date(2026, 11, 27))
EARLIER = (date(2026, 11, 1), date(2026, 11, 20))  # ended: in progress is judged at its end


@dataclass
class Seeded:
    client: FlaskClient
    ctx: EngineContext
    dossiers: list[Recomputed]
    headers: dict[str, str]


@dataclass
class Recomputed:
    """One dossier as its history tells it."""

    code: str
    center: str
    procedure: str
    received_at: datetime
    online: bool
    end: datetime | None = None
    end_kind: str | None = None  # completed | refused | withdrawn | stopped
    due_at: datetime | None = None
    late_by_rule: bool = False
    supplemented: bool = False
    paused_seconds: int = 0
    pauses: list[tuple[datetime, datetime | None]] = field(default_factory=list)
    steps: list[tuple[str, datetime, datetime, int | None]] = field(default_factory=list)


@pytest.fixture(scope="module")
def seeded(db_engine: Engine) -> Iterator[Seeded]:
    forget_units()
    clock = FixedClock(NOW)
    ctx = build_context(EngineSettings(library_path=LIBRARY), clock)
    factory = make_session_factory(db_engine)
    with time_machine.travel(NOW, tick=False):
        try:
            for key in PROCEDURES:
                deploy(factory, ctx, key)
            seed_demo_province(factory, ctx, password_hash=hash_password(PASSWORD))
            app = create_app({"TESTING": True, "DATABASE_URL": str(db_engine.url), "DB_ENGINE": db_engine,
                              "ENGINE_CONTEXT": ctx})
            client = app.test_client()
            token = client.post("/api/v1/auth/login", json={"username": "quantri", "password": PASSWORD}).json["token"]
            with factory() as session:
                dossiers = _recompute(session, ctx)
            yield Seeded(client, ctx, dossiers, {"Authorization": f"Bearer {token}"})
        finally:
            with factory.begin() as session:
                for table in reversed(Base.metadata.sorted_tables):
                    session.execute(delete(table))


def _recompute(session: Any, ctx: EngineContext) -> list[Recomputed]:
    rows = session.execute(
        select(Dossier.id, Dossier.code, Center.code, Procedure.key, Dossier.procedure_version_id)
        .join(Center, Dossier.center_id == Center.id)
        .join(ProcedureVersion, Dossier.procedure_version_id == ProcedureVersion.id)
        .join(Procedure, ProcedureVersion.procedure_id == Procedure.id)).all()
    events: dict[int, list[HistoryEvent]] = defaultdict(list)
    for event in session.scalars(select(HistoryEvent).order_by(HistoryEvent.dossier_id, HistoryEvent.seq)):
        events[event.dossier_id].append(event)
    result = []
    for dossier_id, code, center, key, version_id in rows:
        history = events[dossier_id]
        received = next(e for e in history if e.event_type == "dossier_received")
        item = Recomputed(code, center, key, received.at, received.payload["channel"] == "online")
        item.due_at = legal_due_at(ctx, ctx.version(session, version_id), received.at)
        ready: dict[str, datetime] = {}
        for event in history:
            payload = event.payload or {}
            if event.event_type == "time_limit_selected" and payload.get("due_at"):
                item.due_at = datetime.fromisoformat(payload["due_at"])
            elif event.event_type == "clock_paused":
                item.pauses.append((event.at, None))
                item.late_by_rule |= bool(payload.get("counts_as_late"))
                item.supplemented |= payload.get("kind") == "supplement"
            elif event.event_type == "clock_resumed":
                item.pauses[-1] = (item.pauses[-1][0], event.at)
                item.paused_seconds += payload["paused_working_seconds"]
                item.due_at = datetime.fromisoformat(payload["due_at"]) if payload.get("due_at") else item.due_at
            elif event.event_type == "step_ready" and event.element_type in ("userTask", "manualTask"):
                ready[event.task_id] = event.at
            elif event.event_type == "task_completed":
                item.steps.append((event.element_id, ready[event.task_id], event.at, event.actor_id))
            elif event.event_type in ("dossier_completed", "dossier_withdrawn", "dossier_stopped"):
                item.end = event.at
                item.end_kind = payload.get("status") if event.event_type == "dossier_completed" \
                    else event.event_type.removeprefix("dossier_")
        result.append(item)
    return result


def _expected(dossiers: list[Recomputed], calendar: WorkingCalendar, period: tuple[date, date],
              keep: Any = lambda d: True) -> dict[str, int]:
    start = datetime.combine(period[0], time.min, tzinfo=ZONE)
    end = datetime.combine(period[1] + timedelta(days=1), time.min, tzinfo=ZONE)
    as_of = min(end, NOW)
    counts: Counter[str] = Counter()
    for d in filter(keep, dossiers):
        if start <= d.received_at < end:
            counts["received"] += 1
            counts["received_online"] += d.online
        if d.end is not None and start <= d.end < end:
            counts["finished"] += 1
            counts[finished_verdict(d.end, d.due_at, d.late_by_rule, calendar).value] += 1
            counts["refused"] += d.end_kind == "refused"
            counts["stopped"] += d.end_kind in ("withdrawn", "stopped")
            counts["supplemented"] += d.supplemented
            if d.end_kind in ("completed", "refused"):
                counts["decided"] += 1
                counts["used_seconds"] += max(0, _seconds(calendar, d.received_at, d.end) - d.paused_seconds)
                counts["allowed_seconds"] += max(0, _seconds(calendar, d.received_at, d.due_at) - d.paused_seconds)
        if d.received_at <= as_of and (d.end is None or d.end > as_of):
            counts["in_progress"] += 1
            paused_at = next((p for p, resumed in d.pauses if p <= as_of and (resumed is None or resumed > as_of)),
                             None)
            counts["in_progress_late"] += running_is_late(as_of, d.due_at, paused_at, d.late_by_rule)
    return dict(counts)


def _seconds(calendar: WorkingCalendar, a: datetime, b: datetime | None) -> int:
    return int(calendar.working_time_between(a, b).total_seconds()) if b is not None else 0


COUNTED = ("received", "received_online", "finished", "early", "on_time", "late", "refused", "stopped",
           "supplemented", "decided", "used_seconds", "allowed_seconds", "in_progress", "in_progress_late")


def _figures(seeded: Seeded, period: tuple[date, date], **scope: str) -> dict[str, Any]:
    response = seeded.client.get("/api/v1/statistics/figures", headers=seeded.headers,
                                 query_string={"from": period[0].isoformat(), "to": period[1].isoformat(), **scope})
    assert response.status_code == 200, response.json
    return response.json


def test_the_province_figures_are_the_historys(seeded: Seeded):
    expected = _expected(seeded.dossiers, seeded.ctx.calendar, WHOLE_YEAR)
    figures = _figures(seeded, WHOLE_YEAR)
    assert {name: figures[name] for name in COUNTED} == {name: expected.get(name, 0) for name in COUNTED}
    assert figures["received"] == len(seeded.dossiers) > 20
    assert figures["late"] > 0 and figures["early"] > 0 and figures["in_progress_late"] > 0
    total = expected["finished"] + expected["in_progress"]
    in_time = expected.get("early", 0) + expected.get("on_time", 0) + expected["in_progress"] \
        - expected["in_progress_late"]
    assert figures["on_time_rate"] == pytest.approx(in_time / total)


@pytest.mark.parametrize("period", [WHOLE_YEAR, EARLIER], ids=["year", "ended"])
def test_each_center_and_procedure_figures_are_the_historys(seeded: Seeded, period: tuple[date, date]):
    judged_now = period == WHOLE_YEAR  # an ended period's overdue count uses today's deadlines (see README)
    names = [n for n in COUNTED if judged_now or n != "in_progress_late"]
    for center in sorted({d.center for d in seeded.dossiers}):
        expected = _expected(seeded.dossiers, seeded.ctx.calendar, period, lambda d, c=center: d.center == c)
        figures = _figures(seeded, period, center=center)
        assert {n: figures[n] for n in names} == {n: expected.get(n, 0) for n in names}, center
    for key in PROCEDURES:
        expected = _expected(seeded.dossiers, seeded.ctx.calendar, period, lambda d, k=key: d.procedure == k)
        figures = _figures(seeded, period, procedure=key)
        assert {n: figures[n] for n in names} == {n: expected.get(n, 0) for n in names}, key


def test_every_drill_down_lists_as_many_dossiers_as_its_figure_counts(seeded: Seeded):
    figures = _figures(seeded, WHOLE_YEAR)
    figures["in_time"] = figures["early"] + figures["on_time"]
    for figure in ("received", "finished", "in_time", "late", "refused", "stopped", "supplemented", "in_progress",
                   "in_progress_late"):
        lines = seeded.client.get("/api/v1/statistics/dossiers", headers=seeded.headers, query_string={
            "from": WHOLE_YEAR[0].isoformat(), "to": WHOLE_YEAR[1].isoformat(), "figure": figure,
            "limit": 1000}).json
        assert len(lines) == figures[figure], figure


def test_the_steps_and_officials_are_the_historys(seeded: Seeded):
    calendar = seeded.ctx.calendar
    completed: Counter[str] = Counter()
    worked: Counter[str] = Counter()
    by_official: Counter[int] = Counter()
    for d in seeded.dossiers:
        for element_id, ready, done, actor_id in d.steps:
            completed[element_id] += 1
            worked[element_id] += _seconds(calendar, ready, done)
            by_official[actor_id or 0] += 1
    query = {"from": WHOLE_YEAR[0].isoformat(), "to": WHOLE_YEAR[1].isoformat()}
    steps = seeded.client.get("/api/v1/statistics/steps", headers=seeded.headers, query_string=query).json
    by_element: Counter[str] = Counter()
    hours: dict[str, float] = defaultdict(float)
    for step in steps:  # the same step id in two procedures is two rows
        by_element[step["element_id"]] += step["completed"]
        hours[step["element_id"]] += step["average_hours"] * step["completed"]
    assert dict(by_element) == dict(completed)
    for element_id, total in hours.items():
        assert total * 3600 == pytest.approx(worked[element_id]), element_id
    officials = seeded.client.get("/api/v1/statistics/officials", headers=seeded.headers, query_string=query).json
    assert sum(row["completed"] for row in officials) == sum(by_official.values())
