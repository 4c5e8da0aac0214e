"""Functions diagrams may call in scripts, conditions and timer expressions, bound to the calendar.

Timers in SpiffWorkflow understand ISO 8601 only, with no notion of working days (brief §3), so a
deadline in working days is written as a timeDate expression, e.g.
``add_working_days(received_at, 10)``; the result is an ISO instant in UTC.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from engine.calendar.working_calendar import WorkingCalendar

# The calendar walks day by day; conditions are not traced for the time limit (script_env), so
# the helpers refuse spans no procedure has (ten years) instead of walking them.
MAX_WORKING_DAYS = 2_600
MAX_WORKING_HOURS = MAX_WORKING_DAYS * 8


def _bounded(value: float, limit: int, what: str) -> float:
    if not -limit <= value <= limit:
        raise ValueError(f"{what} vượt quá {limit} / {what} beyond {limit}")
    return value


def _instant(value: Any) -> datetime:
    instant = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if instant.tzinfo is None:
        raise ValueError(f"thời điểm '{value}' thiếu múi giờ / instant '{value}' has no timezone")
    return instant


def calendar_helpers(calendar: Callable[[], WorkingCalendar]) -> dict[str, Callable[..., Any]]:
    """Helpers reading the calendar through ``calendar()``, so a reloaded calendar applies at once."""

    def add_working_days(start: Any, days: int) -> str:
        """The end of the ``days``-th working day after ``start``, as an ISO instant (UTC)."""
        day = calendar().add_working_days(_instant(start), int(_bounded(int(days), MAX_WORKING_DAYS, "days")))
        return calendar().end_of_working_day(day).astimezone(UTC).isoformat()

    def add_working_hours(start: Any, hours: float) -> str:
        """``start`` plus ``hours`` of working time, as an ISO instant (UTC)."""
        hours = _bounded(float(hours), MAX_WORKING_HOURS, "hours")
        return calendar().add_working_hours(_instant(start), hours).astimezone(UTC).isoformat()

    def is_working_day(value: Any) -> bool:
        return calendar().is_working_day(_instant(value))

    return {"add_working_days": add_working_days, "add_working_hours": add_working_hours,
            "is_working_day": is_working_day}
