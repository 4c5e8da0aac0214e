"""The working calendar with the overrides kept in the database."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.calendar.working_calendar import WorkingCalendar
from engine.errors import EngineError
from engine.persistence.models import CalendarOverride

DAY_OFF, WORKING_DAY = "day_off", "working_day"


def load_calendar(session: Session, province: str | None = None) -> WorkingCalendar:
    """National holidays plus the overrides for the whole country and for ``province``."""
    rows = session.scalars(
        select(CalendarOverride).where(
            (CalendarOverride.province.is_(None)) | (CalendarOverride.province == province)
        )
    ).all()
    return WorkingCalendar(
        extra_days_off={r.day: r.name for r in rows if r.kind == DAY_OFF},
        makeup_working_days=frozenset(r.day for r in rows if r.kind == WORKING_DAY),
    )


def set_override(session: Session, day: date, kind: str, name: str, province: str | None = None) -> CalendarOverride:
    """Add or replace the override of one day. Does not commit."""
    if kind not in (DAY_OFF, WORKING_DAY):
        raise EngineError(f"Loại ngày '{kind}' không hợp lệ", message_en=f"Unknown kind of day '{kind}'")
    row = session.scalar(
        select(CalendarOverride).where(CalendarOverride.day == day, CalendarOverride.province == province)
        if province else
        select(CalendarOverride).where(CalendarOverride.day == day, CalendarOverride.province.is_(None))
    )
    if row is None:
        row = CalendarOverride(day=day, kind=kind, name=name, province=province)
        session.add(row)
    else:
        row.kind, row.name = kind, name
    session.flush()
    return row
