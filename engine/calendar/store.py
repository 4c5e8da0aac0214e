"""The working calendar with the overrides kept in the database."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.calendar.working_calendar import WorkingCalendar
from engine.persistence.models import CalendarChange, CalendarOverride

DAY_OFF, WORKING_DAY = "day_off", "working_day"


def load_calendar(session: Session, province: str | None = None) -> WorkingCalendar:
    """National holidays plus the overrides for the whole country and for ``province``; where both
    change the same day, the province's decision wins."""
    rows = session.scalars(
        select(CalendarOverride).where(
            (CalendarOverride.province.is_(None)) | (CalendarOverride.province == province)
        )
    ).all()
    by_day = {r.day: r for r in sorted(rows, key=lambda r: r.province is not None)}  # the province's last
    return WorkingCalendar(
        extra_days_off={r.day: r.name for r in by_day.values() if r.kind == DAY_OFF},
        makeup_working_days=frozenset(r.day for r in by_day.values() if r.kind == WORKING_DAY),
    )


def calendar_revision(session: Session) -> int:
    """The newest recorded calendar change: every change, by the API or the CLI, adds one
    (engine.calendar.changes), so a process that loaded an older revision knows to reload."""
    return int(session.scalar(select(func.coalesce(func.max(CalendarChange.id), 0))) or 0)
