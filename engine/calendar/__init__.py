"""Legal time: clocks, the working-day calendar and deadlines. Pure; no database access."""

from engine.calendar.clock import Clock, FixedClock, SystemClock
from engine.calendar.deadlines import (
    TimeLimit,
    TimeLimitUnit,
    Timeliness,
    classify_completion,
    dossier_due_at,
    effective_receipt_time,
    shift_for_pause,
    step_due_at,
)
from engine.calendar.working_calendar import DEFAULT_WORKING_HOURS, VIETNAM, WorkingCalendar

__all__ = [
    "DEFAULT_WORKING_HOURS",
    "VIETNAM",
    "Clock",
    "FixedClock",
    "SystemClock",
    "TimeLimit",
    "TimeLimitUnit",
    "Timeliness",
    "WorkingCalendar",
    "classify_completion",
    "dossier_due_at",
    "effective_receipt_time",
    "shift_for_pause",
    "step_due_at",
]
