"""The headline figures of a period and scope, as Decision 766 counts them.

Received and finished dossiers, early / on time / late, refusals, stops and supplementation come
from the daily figures (engine.statistics.upkeep); what is still in progress at the period's end is
read from the open dossiers themselves. An official's figures are their steps: finished = steps
completed, in progress = steps they hold, early / on time / late against each step's allotted time.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from engine.access.policy import Someone
from engine.calendar.working_calendar import WorkingCalendar
from engine.persistence.models import (
    OPEN_TASK_STATUSES,
    Dossier,
    HumanTask,
)
from engine.statistics.daily import DossierDays, OfficialDays
from engine.statistics.period import Period
from engine.statistics.reach import ScopeRequest, StatScope, resolve_scope
from engine.statistics.scope_sql import dossier_day_filter, dossier_filter, step_day_filter, task_filter


@dataclass(frozen=True)
class Figures:
    """One period's figures. Rates are fractions (0.994), None when there is nothing to divide."""

    received: int | None  # None for an official: their steps come to them, not dossiers
    received_online: int | None
    finished: int
    early: int
    on_time: int
    late: int
    refused: int
    stopped: int
    supplemented: int
    decided: int
    used_seconds: int
    allowed_seconds: int
    in_progress: int
    in_progress_late: int
    working_day_seconds: int

    @property
    def in_time(self) -> int:
        """Early and on time together, as Decision 766 reports them."""
        return self.early + self.on_time

    @property
    def on_time_rate(self) -> float | None:
        """Decision 766 indicator 2.1: (finished in time + in progress not overdue) / (finished + in progress)."""
        total = self.finished + self.in_progress
        return (self.in_time + self.in_progress - self.in_progress_late) / total if total else None

    @property
    def time_saved(self) -> float | None:
        """Working time used against the legal limit, minus one: −0.40 is 40 % faster than the law allows."""
        return self.used_seconds / self.allowed_seconds - 1 if self.allowed_seconds else None

    @property
    def average_working_days(self) -> float | None:
        """Average working days a decided dossier took, pauses left out (Decision 766 indicator 2.2)."""
        return self.used_seconds / self.decided / self.working_day_seconds if self.decided else None

    @property
    def supplementation_rate(self) -> float | None:
        return self.supplemented / self.finished if self.finished else None

    @property
    def refusal_rate(self) -> float | None:
        return self.refused / self.finished if self.finished else None

    def as_dict(self) -> dict[str, int | float | None]:
        values: dict[str, int | float | None] = {f.name: getattr(self, f.name) for f in fields(self)}
        for name in ("in_time", "on_time_rate", "time_saved", "average_working_days", "supplementation_rate",
                     "refusal_rate"):
            values[name] = getattr(self, name)
        return values


_DOSSIER_SUMS = ("received", "received_online", "finished", "early", "on_time", "late", "refused", "stopped",
                 "supplemented", "decided", "used_seconds", "allowed_seconds")


def period_figures(session: Session, who: Someone, request: ScopeRequest, period: Period, *, now: datetime,
                   today: date, calendar: WorkingCalendar) -> Figures:
    """The figures of ``period`` over the scope ``request`` names, as ``who`` may read them."""
    scope = resolve_scope(session, who, request, today=today)
    return scope_figures(session, scope, period, now=now, calendar=calendar)


def scope_figures(session: Session, scope: StatScope, period: Period, *, now: datetime,
                  calendar: WorkingCalendar) -> Figures:
    """``period_figures`` for a scope already resolved (the dashboards read several figures of one)."""
    as_of = period.as_of(calendar.timezone, now)
    day_seconds = int(calendar.working_day_length.total_seconds())
    if scope.is_official:
        return _official_figures(session, scope, period, as_of, day_seconds)
    table = DossierDays
    sums = session.execute(
        select(*[func.coalesce(func.sum(getattr(table, name)), 0) for name in _DOSSIER_SUMS])
        .where(*dossier_day_filter(scope, period))
    ).one()
    values = dict(zip(_DOSSIER_SUMS, (int(v) for v in sums), strict=True))
    in_progress, in_progress_late = session.execute(
        select(func.count(), func.coalesce(func.sum(case((running_late(as_of), 1), else_=0)), 0))
        .select_from(Dossier).where(open_at(as_of, now), *dossier_filter(scope))
    ).one()
    return Figures(**values, in_progress=int(in_progress), in_progress_late=int(in_progress_late),
                   working_day_seconds=day_seconds)


def open_at(as_of: datetime, now: datetime) -> ColumnElement[bool]:
    """Dossiers received by ``as_of`` whose processing had not ended by then.

    At ``now`` (a period not over yet) that is the open dossiers alone: nothing ends in the future,
    and without the OR PostgreSQL reads them from the partial index of open dossiers rather than
    scanning the table.
    """
    if as_of >= now:
        return and_(Dossier.completed_at.is_(None), Dossier.received_at <= as_of)
    return and_(Dossier.received_at <= as_of, or_(Dossier.completed_at.is_(None), Dossier.completed_at > as_of))


def running_late(as_of: datetime) -> ColumnElement[bool]:
    """``engine.statistics.verdict.running_is_late`` as SQL: keep the two in step."""
    judged_at = case((and_(Dossier.paused_at.is_not(None), Dossier.paused_at < as_of), Dossier.paused_at),
                     else_=as_of)
    return or_(Dossier.late_by_rule.is_(True), and_(Dossier.due_at.is_not(None), Dossier.due_at < judged_at))


def _official_figures(session: Session, scope: StatScope, period: Period, as_of: datetime,
                      day_seconds: int) -> Figures:
    table = OfficialDays
    completed, early, on_time, late, worked, allotted = (int(v) for v in session.execute(
        select(*[func.coalesce(func.sum(column), 0) for column in (
            table.completed, table.early, table.on_time, table.late, table.worked_seconds, table.allotted_seconds)])
        .where(*step_day_filter(scope, period))
    ).one())
    held, held_late = session.execute(
        select(func.count(), func.coalesce(func.sum(case((HumanTask.due_at < as_of, 1), else_=0)), 0))
        .where(HumanTask.status.in_(OPEN_TASK_STATUSES), HumanTask.ready_at <= as_of, *task_filter(scope))
    ).one()
    return Figures(received=None, received_online=None, finished=completed, early=early, on_time=on_time, late=late,
                   refused=0, stopped=0, supplemented=0, decided=completed, used_seconds=worked,
                   allowed_seconds=allotted, in_progress=int(held), in_progress_late=int(held_late),
                   working_day_seconds=day_seconds)
