"""``seed_demo_province``: the demo province and its dossiers, made by the real engine commands.

It creates six centers (the provincial one-level center and five commune-level centers), the
provincial departments with their divisions, fourteen localities with their units, about 390
officials with their roles (some on leave today, with deputies), and a few hundred dossiers of the
deployed procedures, in every state: waiting at every step (in the unit's queue, claimed, assigned
by a leader, delegated), awaiting supplementation with the clock paused, completed early, on time
and late, refused, withdrawn, extended once.

It is idempotent: centers and units are matched by code, officials by username, leave and deputies
by official, dossiers by the demo reference kept in their applicant record; a second run creates
nothing. Procedures deployed later get their dossiers on the next run; a procedure the demo has no
form data for gets officials for each of its lanes, but no dossiers.
"""

from __future__ import annotations

import dataclasses
import time as timer
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from demo.driver import REF_KEY, DemoError, Driver
from demo.org_plan import plan_org
from demo.org_seed import apply_org, cover_bindings, deployed_procedures
from demo.paths import PATHS
from demo.people import Names
from demo.roster import Roster
from demo.scenarios import scenarios_for
from engine.calendar.clock import FixedClock
from engine.errors import EngineError
from engine.persistence.models import (
    OPEN_TASK_STATUSES,
    Center,
    Dossier,
    HumanTask,
    LeavePeriod,
    Official,
    TaskStatus,
    Unit,
)
from engine.runtime.context import EngineContext
from engine.statistics.fold import fold_figures


@dataclass
class DemoSummary:
    """What the demo database holds after seeding, and what this run added."""

    centers: int
    units: int
    departments: int
    localities: int
    officials: int
    active_officials: int
    on_leave_today: int
    dossiers: int
    dossiers_by_status: dict[str, int]
    dossiers_by_timeliness: dict[str, int]
    open_tasks: int
    claimed_tasks: int
    created: dict[str, int]
    procedures: list[str]
    procedures_without_dossiers: list[str]
    problems: list[str]
    seconds: float

    def lines(self) -> list[str]:
        """The summary as the `motcua demo` command prints it (Vietnamese)."""
        status = ", ".join(f"{k}: {v}" for k, v in sorted(self.dossiers_by_status.items()))
        timeliness = ", ".join(f"{k}: {v}" for k, v in sorted(self.dossiers_by_timeliness.items()))
        added = ", ".join(f"{k}: {v}" for k, v in self.created.items() if v) or "không có gì mới"
        lines = [
            f"Tỉnh demo: {self.centers} trung tâm, {self.units} đơn vị ({self.departments} sở, ngành; "
            f"{self.localities} xã, phường, đặc khu), {self.officials} cán bộ "
            f"({self.on_leave_today} đang nghỉ hôm nay)",
            f"Hồ sơ: {self.dossiers} ({status}); kết quả: {timeliness}",
            f"Công việc đang mở: {self.open_tasks} (đã nhận: {self.claimed_tasks})",
            f"Lần chạy này đã tạo: {added} — {self.seconds:.1f} giây",
        ]
        if self.procedures_without_dossiers:
            lines.append("Chưa có dữ liệu mẫu cho thủ tục: " + ", ".join(self.procedures_without_dossiers))
        lines += [f"Lỗi khi tạo hồ sơ mẫu: {problem}" for problem in self.problems]
        return lines


def seed_demo_province(session_factory: sessionmaker[Session], ctx: EngineContext, *,
                       password_hash: str) -> DemoSummary:
    """Create the demo province and its dossiers where they do not exist yet; commit as it goes.

    ``password_hash`` is the hash every new official gets (hash the demo password once: argon2 is
    slow on purpose). Dossiers are made for the procedures deployed now, relative to ``ctx.clock``.
    """
    started = timer.perf_counter()
    now = ctx.clock.now().astimezone(UTC)
    zone = ZoneInfo(ctx.settings.timezone)
    today = now.astimezone(zone).date()
    created: Counter[str] = Counter()
    with session_factory.begin() as session:
        deployed = deployed_procedures(session)
        plan = plan_org()
        cover_bindings(session, plan, deployed)
        created.update(apply_org(session, plan, now, today, password_hash))
    with session_factory() as session:
        roster = Roster.load(session)
        existing = {(a or {}).get(REF_KEY) for a in session.scalars(select(Dossier.applicant))}
    clock = FixedClock(now)
    demo_ctx = dataclasses.replace(ctx, clock=clock)
    problems: list[str] = []
    with_data = [key for key in deployed if key in PATHS]
    with session_factory() as session:
        scenarios = [s for key in with_data
                     for s in scenarios_for(session, demo_ctx, key, deployed[key], now, today)
                     if s.ref not in existing]
    names = Names("motcua-demo-dossiers")
    for scenario in sorted(scenarios, key=lambda s: (s.received_at, s.ref)):
        try:
            with session_factory.begin() as session:
                Driver(session, demo_ctx, clock, roster, names, scenario, zone, now).run()
            created["dossiers"] += 1
        except (EngineError, DemoError, AssertionError) as error:
            problems.append(f"{scenario.ref}: {getattr(error, 'message', None) or error}")
    with session_factory.begin() as session:
        fold_figures(session)  # as the scheduler will have: the journals hold only what came since
    with session_factory() as session:
        return _summary(session, today, dict(created), sorted(with_data),
                        sorted(set(deployed) - set(with_data)), problems, timer.perf_counter() - started)



def _summary(session: Session, today: date, created: dict[str, int], procedures: list[str],
             without: list[str], problems: list[str], seconds: float) -> DemoSummary:
    def count(query: Any) -> int:
        return int(session.scalar(query) or 0)

    statuses = {str(status): int(n) for status, n in session.execute(
        select(Dossier.status, func.count()).group_by(Dossier.status))}
    timeliness = {str(value): int(n) for value, n in session.execute(
        select(Dossier.timeliness, func.count()).where(Dossier.timeliness.is_not(None)).group_by(Dossier.timeliness))}
    return DemoSummary(
        centers=count(select(func.count(Center.id))),
        units=count(select(func.count(Unit.id))),
        departments=count(select(func.count(Unit.id)).where(Unit.kind == "department")),
        localities=count(select(func.count(Unit.id)).where(Unit.kind == "commune")),
        officials=count(select(func.count(Official.id))),
        active_officials=count(select(func.count(Official.id)).where(Official.active.is_(True))),
        on_leave_today=count(select(func.count(func.distinct(LeavePeriod.official_id)))
                             .where(LeavePeriod.starts_on <= today, LeavePeriod.ends_on >= today)),
        dossiers=sum(statuses.values()),
        dossiers_by_status=statuses,
        dossiers_by_timeliness=timeliness,
        open_tasks=count(select(func.count()).select_from(HumanTask).where(HumanTask.status.in_(OPEN_TASK_STATUSES))),
        claimed_tasks=count(select(func.count()).select_from(HumanTask).where(HumanTask.status == TaskStatus.CLAIMED)),
        created={k: created.get(k, 0) for k in ("centers", "units", "officials", "leave_periods", "deputies",
                                                  "dossiers")},
        procedures=procedures,
        procedures_without_dossiers=without,
        problems=problems,
        seconds=seconds,
    )

