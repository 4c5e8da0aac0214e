"""The one figure the public catalogue shows: a procedure's on-time rate at a center, for anyone.

No sign-in: it names no person and no dossier, and Decision 766 publishes the same rate.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.calendar.working_calendar import WorkingCalendar
from engine.persistence.models import Center
from engine.statistics.figures import scope_figures
from engine.statistics.period import Period
from engine.statistics.reach import WHOLE, StatScope


def on_time_rate(session: Session, procedure: str, center: str | None, period: Period, *, now: datetime,
                 calendar: WorkingCalendar) -> float | None:
    """Decision 766's on-time rate of ``procedure`` at ``center`` (code; None: every center) over
    ``period``: None when no dossier was finished or in progress, or the center does not exist."""
    center_ids = None
    if center is not None:
        center_id = session.scalar(select(Center.id).where(Center.code == center))
        if center_id is None:
            return None
        center_ids = frozenset({center_id})
    scope = StatScope(center_ids=center_ids, unit=WHOLE, units=None, official_id=None, procedure=procedure,
                      label=procedure)
    return scope_figures(session, scope, period, now=now, calendar=calendar).on_time_rate
