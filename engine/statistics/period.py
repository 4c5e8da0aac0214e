"""A period of local days, both ends included, and the instants it spans in the calendar's timezone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from engine.errors import FieldProblem, FormInvalidError

LONGEST_PERIOD_DAYS = 3 * 366  # a dashboard compares years; beyond that nobody reads a daily figure


@dataclass(frozen=True)
class Period:
    """Local days ``first`` to ``last``, both included.

    Raises:
        FormInvalidError: If ``last`` is before ``first`` or the period is longer than three years.
    """

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise FormInvalidError([FieldProblem("to", "Ngày cuối phải sau hoặc bằng ngày đầu",
                                                 "The last day must be on or after the first")])
        if (self.last - self.first).days >= LONGEST_PERIOD_DAYS:
            raise FormInvalidError([FieldProblem("to", "Kỳ thống kê dài tối đa ba năm",
                                                 "A period is at most three years long")])

    def start(self, zone: ZoneInfo) -> datetime:
        return datetime.combine(self.first, time.min, tzinfo=zone)

    def end(self, zone: ZoneInfo) -> datetime:
        """The first instant after the period: midnight after its last day."""
        return datetime.combine(self.last + timedelta(days=1), time.min, tzinfo=zone)

    def as_of(self, zone: ZoneInfo, now: datetime) -> datetime:
        """When dossiers still open are judged: the period's end, or now if it has not ended."""
        return min(self.end(zone), now)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def previous(self) -> Period:
        """The period of the same length just before this one (the trend's comparison)."""
        return Period(self.first - timedelta(days=self.days), self.first - timedelta(days=1))


def month_to_date(today: date) -> Period:
    """The default period of the dashboards: this month up to today."""
    return Period(today.replace(day=1), today)
