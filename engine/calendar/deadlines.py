"""Legal deadlines: parse time limits, compute due instants, classify completions. Pure functions.

Conventions (domain brief §2.3, §2.4, §3.1, §3.4):

* A dossier's clock starts at its *effective receipt*: the receipt instant, moved to the next
  working start when it is outside working time, and to the start of the next working day when it
  is after the procedure's cut-off (the "after 15:00" rule).
* Working days and calendar days count from the day after the effective receipt day (civil code
  Art. 147) and end at the close of business of the last day; working hours walk the working
  periods from the effective receipt instant.
* A pause (supplementation, financial obligations) pushes the due instant by the working time the
  clock stood still.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum

from engine.calendar.working_calendar import WorkingCalendar


class TimeLimitUnit(StrEnum):
    """Units a procedure or a step states its time limit in."""

    WORKING_DAYS = "working_days"
    WORKING_HOURS = "working_hours"
    CALENDAR_DAYS = "calendar_days"


class Timeliness(StrEnum):
    """How a completion compares with its due instant (trước hạn / đúng hạn / quá hạn)."""

    EARLY = "early"
    ON_TIME = "on_time"
    LATE = "late"


def due_soon_edge(calendar: WorkingCalendar, now: datetime) -> datetime:
    """The instant before which a deadline is "due soon": less than one working day from ``now``.

    The amber state officials expect, and the point by which the law wants the apology letter
    (domain brief §2.2). The scheduler's sweep and the dossier search both judge by it.
    """
    return calendar.add_working_time(now, calendar.working_day_length)


# ISO 8601 durations as step properties write them: days alone ("P2D") or hours/minutes/seconds
# alone ("PT4H", "PT1H30M"). Years, months and weeks have no working-time meaning, so no match.
_ISO_DURATION = re.compile(
    r"P(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+(?:[.,]\d+)?)H)?(?:(?P<minutes>\d+(?:[.,]\d+)?)M)?"
    r"(?:(?P<seconds>\d+(?:[.,]\d+)?)S)?)?"
)


@dataclass(frozen=True)
class TimeLimit:
    """A time limit: ``value`` in ``unit``.

    Day units take whole numbers; 0 means "the same day" (ngay trong ngày). Working hours may be
    fractional (0.5 = 30 minutes).

    Raises:
        ValueError: If the value is negative, not finite, or fractional for a day unit.
    """

    value: float
    unit: TimeLimitUnit

    def __post_init__(self) -> None:
        object.__setattr__(self, "unit", TimeLimitUnit(self.unit))
        if isinstance(self.value, bool) or not isinstance(self.value, int | float):
            raise ValueError(f"time limit value must be a number, not {self.value!r}")
        if not math.isfinite(self.value) or self.value < 0:
            raise ValueError(f"time limit value must be a finite number >= 0, not {self.value}")
        if self.unit is not TimeLimitUnit.WORKING_HOURS and self.value != int(self.value):
            raise ValueError(f"{self.unit} take whole days, not {self.value}; use working_hours")

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> TimeLimit:
        """Build from procedure JSON such as ``{"value": 3, "unit": "working_days"}``.

        Raises:
            ValueError: If a key is missing, the unit is unknown or the value is invalid.
        """
        try:
            value, unit = data["value"], data["unit"]
        except KeyError as exc:
            raise ValueError(f"time limit {dict(data)!r} lacks {exc.args[0]!r}") from exc
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"time limit value must be a number, not {value!r}")
        try:
            return cls(value, TimeLimitUnit(str(unit)))
        except ValueError as exc:
            raise ValueError(f"time limit {dict(data)!r}: {exc}") from exc

    @classmethod
    def from_iso_duration(cls, text: str) -> TimeLimit:
        """Build from a step duration: ``"P2D"`` is 2 working days, ``"PT4H"``/``"PT30M"`` hours.

        Raises:
            ValueError: If the text is not a duration of days alone or of time alone.
        """
        match = _ISO_DURATION.fullmatch(text.strip().upper())
        parts = match.groupdict() if match else {}
        has_days = parts.get("days") is not None
        has_time = any(parts.get(key) is not None for key in ("hours", "minutes", "seconds"))
        if not match or has_days == has_time:
            raise ValueError(f"{text!r} is not 'P<n>D' or 'PT<h>H<m>M<s>S'")
        if has_days:
            return cls(int(parts["days"]), TimeLimitUnit.WORKING_DAYS)
        hours, minutes, seconds = (
            float((parts[key] or "0").replace(",", ".")) for key in ("hours", "minutes", "seconds")
        )
        return cls(hours + minutes / 60 + seconds / 3600, TimeLimitUnit.WORKING_HOURS)

    @classmethod
    def parse(cls, spec: Mapping[str, object] | str) -> TimeLimit:
        """Build from either form: a JSON mapping or an ISO 8601 duration."""
        return cls.from_iso_duration(spec) if isinstance(spec, str) else cls.from_dict(spec)

    def to_dict(self) -> dict[str, object]:
        """Return the procedure-JSON form, the inverse of ``from_dict``."""
        value = self.value if self.unit is TimeLimitUnit.WORKING_HOURS else int(self.value)
        return {"value": value, "unit": self.unit.value}

    def working_time(self, calendar: WorkingCalendar) -> timedelta:
        """Return the limit as working time; a working day is one ``working_day_length``.

        Raises:
            ValueError: For calendar days, which are not working time.
        """
        if self.unit is TimeLimitUnit.WORKING_HOURS:
            return timedelta(hours=self.value)
        if self.unit is TimeLimitUnit.WORKING_DAYS:
            return calendar.working_day_length * int(self.value)
        raise ValueError("calendar days have no working-time length")


_SAME_DAY = TimeLimit(0, TimeLimitUnit.WORKING_DAYS)


def effective_receipt_time(
    received_at: datetime, cutoff: time | None, calendar: WorkingCalendar
) -> datetime:
    """Return the instant a dossier's clock starts from.

    Outside working time (evening, lunch, weekend, holiday, an online filing at night) that is the
    next working start. After ``cutoff`` (strictly after: "sau 15 giờ") on a working day it is
    the start of the next working day. Otherwise it is ``received_at`` itself.

    Raises:
        ValueError: If ``received_at`` is naive.
    """
    start = received_at
    if not calendar.is_working_time(start):
        start = calendar.start_of_next_working_period(start)
    start = start.astimezone(calendar.timezone)
    if cutoff is not None and start.time() > cutoff:
        return calendar.start_of_working_day(calendar.next_working_day(start))
    return start


def dossier_due_at(
    received_at: datetime,
    limit: TimeLimit,
    calendar: WorkingCalendar,
    cutoff: time | None = None,
) -> datetime:
    """Return the appointment instant (ngày hẹn trả) of a dossier.

    * Working days: the close of business of the N-th working day after the effective receipt
      day. This is the "working-days date" convention of the domain brief §3.1, not the OpenCPS /
      Thanh Hóa one (N x 8 working hours walked from the receipt instant). Reasons: civil code
      Art. 147 starts a day limit on the day after the triggering day; the Mẫu 01 slip gives
      citizens a day; and it never comes before the 8-hour walk, so no dossier turns late only
      because it was received early in the morning. N = 0 is the same day.
    * Working hours: the effective receipt instant plus N working hours.
    * Calendar days (civil code Art. 147-148): count from the day after the effective receipt
      day; the limit ends at the end of the last day, and if that day is not a working day, at
      the end of the next working day. "End of the day" is taken as the close of business,
      because the result is handed over at the counter during working hours.

    Raises:
        ValueError: If ``received_at`` is naive.
    """
    start = effective_receipt_time(received_at, cutoff, calendar)
    if limit.unit is TimeLimitUnit.WORKING_HOURS:
        return calendar.add_working_time(start, limit.working_time(calendar))
    if limit.unit is TimeLimitUnit.WORKING_DAYS:
        return calendar.end_of_working_day(calendar.add_working_days(start, int(limit.value)))
    return _calendar_days_due_at(start, int(limit.value), calendar)


def step_due_at(ready_at: datetime, allotted: TimeLimit, calendar: WorkingCalendar) -> datetime:
    """Return when a step (one row of the Mẫu 05 control slip) is due.

    Steps are allotted working time (the quy trình nội bộ gives hours, or days of
    ``working_day_length``), walked from ``ready_at``, moved to the next working start if it is
    outside working time. So a step is late exactly when the working time between ready and done
    exceeds its allotment, the comparison production systems print on the slip. Calendar days
    and 0 working days ("within the day") follow the dossier rule, so a same-day step is due at
    close of business rather than at once. No cut-off: the 15:00 rule is about receiving dossiers.

    Raises:
        ValueError: If ``ready_at`` is naive.
    """
    if allotted.unit is TimeLimitUnit.CALENDAR_DAYS or allotted == _SAME_DAY:
        return dossier_due_at(ready_at, allotted, calendar)
    return calendar.add_working_time(ready_at, allotted.working_time(calendar))


def classify_completion(
    finished_at: datetime, due_at: datetime, calendar: WorkingCalendar
) -> Timeliness:
    """Classify a completion against its due instant (domain brief §2.4).

    Late: after ``due_at``. Early: on a day (in the calendar's timezone) before the due day. On
    time: on the due day, not after ``due_at``. Decision 766 reports early and on time together;
    the split is for the control slip and dashboards.

    Raises:
        ValueError: If either instant is naive.
    """
    for instant in (finished_at, due_at):
        if instant.utcoffset() is None:
            raise ValueError(f"naive datetime {instant.isoformat()}: give a timezone-aware one")
    if finished_at > due_at:
        return Timeliness.LATE
    finished_day = finished_at.astimezone(calendar.timezone).date()
    due_day = due_at.astimezone(calendar.timezone).date()
    return Timeliness.EARLY if finished_day < due_day else Timeliness.ON_TIME


def shift_for_pause(
    due_at: datetime, paused_from: datetime, resumed_at: datetime, calendar: WorkingCalendar
) -> datetime:
    """Return the due instant after a pause: ``due_at`` plus the working time paused.

    This is variant (a) of the domain brief §2.3 (Thanh Hóa ``GetNgayHenTraBoSung``). Variant (b),
    restarting the full limit, is ``dossier_due_at(resumed_at, limit, calendar)``. Call once per
    pause; a pause over non-working time only leaves ``due_at`` unchanged.

    Raises:
        ValueError: If an instant is naive or ``resumed_at`` is before ``paused_from``.
    """
    paused = calendar.working_time_between(paused_from, resumed_at)  # raises on naive instants
    if paused < timedelta():
        raise ValueError(f"resumed at {resumed_at} before pausing at {paused_from}")
    if not paused:
        # add_working_time() would move a due instant at close of business to the next morning.
        return due_at.astimezone(calendar.timezone)
    return calendar.add_working_time(due_at, paused)


def _calendar_days_due_at(start: datetime, days: int, calendar: WorkingCalendar) -> datetime:
    last_day = start.astimezone(calendar.timezone).date() + timedelta(days=days)
    if not calendar.is_working_day(last_day):
        last_day = calendar.next_working_day(last_day)
    return calendar.end_of_working_day(last_day)
