"""The dashboards' tables: figures by unit and by official, and the trend of a period day by day."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, literal, select
from sqlalchemy.orm import Session

from engine.persistence.models import (
    OPEN_TASK_STATUSES,
    HumanTask,
    Official,
    Unit,
)
from engine.statistics.daily import DossierDays, OfficialDays
from engine.statistics.period import Period
from engine.statistics.reach import WHOLE, StatScope
from engine.statistics.scope_sql import dossier_day_filter, step_day_filter, task_filter


@dataclass(frozen=True)
class Row:
    """One line of a table: a unit or an official, with its steps' figures."""

    key: str
    name: str
    completed: int  # steps completed in the period
    late: int       # of them, after their allotted time
    average_hours: float
    held: int       # open steps now (in the unit's hands, or the official's)
    dossiers_finished: int | None = None  # for a unit: dossiers it worked on that were finished
    dossiers_late: int | None = None

    @property
    def in_time_rate(self) -> float | None:
        return (self.completed - self.late) / self.completed if self.completed else None


def by_unit(session: Session, scope: StatScope, period: Period) -> list[Row]:
    """Each unit with steps in the scope: its steps, and the dossiers it worked on, finished in time or not."""
    table = OfficialDays
    steps = session.execute(
        select(table.unit, func.sum(table.completed), func.sum(table.late), func.sum(table.worked_seconds))
        .where(*step_day_filter(scope, period)).group_by(table.unit)
    ).all()
    held = dict(session.execute(
        select(HumanTask.department, func.count())
        .where(HumanTask.status.in_(OPEN_TASK_STATUSES), *task_filter(scope)).group_by(HumanTask.department)
    ).all())
    day = DossierDays
    where = [day.day >= period.first, day.day <= period.last, day.unit != WHOLE]
    if scope.center_ids is not None:
        where.append(day.center_id.in_(sorted(scope.center_ids)))
    if scope.procedure:
        where.append(day.procedure_key == scope.procedure)
    dossiers = {unit: (int(f), int(late)) for unit, f, late in session.execute(
        select(day.unit, func.sum(day.finished), func.sum(day.late)).where(*where).group_by(day.unit)).all()}
    units = {str(u) for u, *_ in steps} | {str(u) for u in held if u}
    names = dict(session.execute(select(Unit.code, Unit.name).where(Unit.code.in_(sorted(units)))).all())
    by_key = {str(u): (int(c), int(late), int(w)) for u, c, late, w in steps}
    rows = []
    for unit in sorted(units):
        completed, late, worked = by_key.get(unit, (0, 0, 0))
        finished, dossiers_late = dossiers.get(unit, (0, 0))
        rows.append(Row(key=unit, name=names.get(unit, unit), completed=completed, late=late,
                        average_hours=worked / completed / 3600 if completed else 0.0, held=int(held.get(unit, 0)),
                        dossiers_finished=finished, dossiers_late=dossiers_late))
    return rows


def by_official(session: Session, scope: StatScope, period: Period) -> list[Row]:
    """Each official who completed or holds steps in the scope, most steps first."""
    table = OfficialDays
    steps = {int(o): (int(c), int(late), int(w)) for o, c, late, w in session.execute(
        select(table.official_id, func.sum(table.completed), func.sum(table.late), func.sum(table.worked_seconds))
        .where(*step_day_filter(scope, period)).group_by(table.official_id)
    ).all()}
    held = {int(o or 0): int(n) for o, n in session.execute(
        select(HumanTask.assignee_id, func.count())
        .where(HumanTask.status.in_(OPEN_TASK_STATUSES), HumanTask.assignee_id.is_not(None), *task_filter(scope))
        .group_by(HumanTask.assignee_id)
    ).all()}
    ids = sorted((set(steps) | set(held)) - {0})
    people = {o.id: o for o in session.scalars(select(Official).where(Official.id.in_(ids)))}
    rows = []
    for official_id in ids:
        completed, late, worked = steps.get(official_id, (0, 0, 0))
        person = people.get(official_id)
        rows.append(Row(key=person.username if person else str(official_id),
                        name=person.full_name if person else str(official_id), completed=completed, late=late,
                        average_hours=worked / completed / 3600 if completed else 0.0,
                        held=held.get(official_id, 0)))
    return sorted(rows, key=lambda r: (-r.completed, r.name))


@dataclass(frozen=True)
class TrendPoint:
    """One bucket of the trend: a day, a week (from its Monday) or a month (from its first day)."""

    starts: date
    received: int
    finished: int
    in_time: int
    late: int

    @property
    def in_time_rate(self) -> float | None:
        return self.in_time / self.finished if self.finished else None


def trend(session: Session, scope: StatScope, period: Period) -> list[TrendPoint]:
    """Dossiers received and finished, in time or late, per day (per week beyond a month, per month
    beyond half a year); an official's trend counts their steps."""
    if scope.is_official:
        table = OfficialDays
        rows = session.execute(
            select(table.day, literal(0), func.sum(table.completed),
                   func.sum(table.early + table.on_time), func.sum(table.late))
            .where(*step_day_filter(scope, period)).group_by(table.day)).all()
    else:
        day = DossierDays
        rows = session.execute(
            select(day.day, func.sum(day.received), func.sum(day.finished), func.sum(day.early + day.on_time),
                   func.sum(day.late))
            .where(*dossier_day_filter(scope, period)).group_by(day.day)).all()
    buckets: dict[date, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for row_day, *counts in rows:
        bucket = buckets[_bucket(row_day, period)]
        for i, count in enumerate(counts):
            bucket[i] += int(count or 0)
    starts = sorted({_bucket(period.first + timedelta(days=i), period) for i in range(period.days)})
    return [TrendPoint(start, *buckets.get(start, [0, 0, 0, 0])) for start in starts]


def _bucket(day: date, period: Period) -> date:
    if period.days <= 31:
        return day
    if period.days <= 183:
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)
