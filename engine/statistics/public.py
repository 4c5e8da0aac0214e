"""The one figure the public catalogue shows: a procedure's on-time rate at each center, for anyone.

No sign-in: it names no person and no dossier, and Decision 766 publishes the same rate. Counted as
the leaders' dashboards count it (``engine.statistics.figures.Figures.on_time_rate``, indicator 2.1):
dossiers finished early or on time plus those in progress and not overdue, over all finished and
in progress, from the daily figures and the open dossiers, every center in two grouped queries.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from engine.calendar.working_calendar import WorkingCalendar
from engine.persistence.models import Dossier
from engine.statistics.daily import DossierDays
from engine.statistics.figures import open_at, running_late
from engine.statistics.period import Period
from engine.statistics.reach import WHOLE, StatScope
from engine.statistics.scope_sql import dossier_day_filter, dossier_filter

PUBLIC_PERIOD_DAYS = 365  # the catalogue publishes the last twelve months: long enough to mean something


def public_period(today: date) -> Period:
    """The twelve months up to ``today`` over which the catalogue's rates are counted."""
    return Period(today - timedelta(days=PUBLIC_PERIOD_DAYS - 1), today)


@dataclass(frozen=True)
class OnTimeCounts:
    """A procedure's dossiers at one center over a period, as indicator 2.1 counts them."""

    finished: int = 0
    in_time: int = 0  # finished early or on time
    in_progress: int = 0
    in_progress_late: int = 0

    @property
    def counted(self) -> int:
        return self.finished + self.in_progress

    @property
    def good(self) -> int:
        """Finished in time, or still in progress and not overdue."""
        return self.in_time + self.in_progress - self.in_progress_late

    @property
    def on_time_rate(self) -> float | None:
        return self.good / self.counted if self.counted else None


def on_time_by_center(session: Session, procedure: str, period: Period, *, now: datetime,
                      calendar: WorkingCalendar) -> dict[int, OnTimeCounts]:
    """Center id -> the counts of ``procedure``'s dossiers there over ``period``; centers with none
    are left out."""
    scope = StatScope(center_ids=None, unit=WHOLE, units=None, official_id=None, procedure=procedure,
                      label=procedure)
    table = DossierDays
    counts: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(("finished", "in_time", "in_progress",
                                                                            "in_progress_late"), 0))
    for center_id, finished, in_time in session.execute(
        select(table.center_id, func.sum(table.finished), func.sum(table.early + table.on_time))
        .where(*dossier_day_filter(scope, period)).group_by(table.center_id)
    ):
        counts[center_id].update(finished=int(finished or 0), in_time=int(in_time or 0))
    as_of = period.as_of(calendar.timezone, now)
    for center_id, in_progress, late in session.execute(
        select(Dossier.center_id, func.count(), func.sum(case((running_late(as_of), 1), else_=0)))
        .where(open_at(as_of, now), *dossier_filter(scope)).group_by(Dossier.center_id)
    ):
        counts[center_id].update(in_progress=int(in_progress), in_progress_late=int(late or 0))
    return {center_id: OnTimeCounts(**values) for center_id, values in counts.items()
            if values["finished"] or values["in_progress"]}
