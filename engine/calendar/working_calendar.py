"""The working-time calendar: which days are working days and which hours of them count.

Public holidays come from the ``holidays`` package (country "VN"); everything a province or the
government decides later (Tết days announced by the Prime Minister, làm bù Saturdays, local days
off) comes in as data. Pure: no database, no clock.

What holidays 0.109 says for Tết (verified when this module was written):

* 2026: Mon 16/02 to Fri 20/02 (eve + 4 days). With the weekends either side this gives the
  Sat 14/02 to Sun 22/02/2026 break the domain brief reports (§3.2).
* 2027: Thu 04/02 to Wed 10/02. The package derives this from its observed-day rules (Tết falls on
  Sat 06/02, so 04/02 and 10/02 are observed days); it holds no Prime Minister's decision for 2027
  (its table of government day swaps stops at 2026). Do not patch guesses in here: when the
  decision is published a province enters it through ``extra_days_off`` / ``makeup_working_days``.

The package lists a swapped day *off* (Fri 02/05/2025, Mon 31/08/2026) but not the Saturday
worked in exchange (Sat 26/04/2025, Sat 22/08/2026), so such Saturdays must be passed in
``makeup_working_days``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from types import MappingProxyType
from zoneinfo import ZoneInfo

import holidays

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
DEFAULT_WORKING_HOURS: tuple[tuple[time, time], ...] = (
    (time(7, 30), time(11, 30)),
    (time(13, 0), time(17, 0)),
)
SATURDAY_AND_SUNDAY = frozenset({5, 6})

# Searches for the next working day give up after this many days; only a broken calendar
# (e.g. every day entered as a day off) gets that far.
_MAX_DAYS_WITHOUT_WORK = 366
_WALK_CACHE_DAYS = 20_000  # working days whose periods a calendar keeps: decades, a few MB at most


@functools.lru_cache(maxsize=64)
def _package_holidays(year: int, language: str) -> Mapping[date, str]:
    """Vietnam's public holidays for one year from the ``holidays`` package, built once."""
    return MappingProxyType(dict(holidays.country_holidays("VN", years=year, language=language)))


def national_holidays(year: int, language: str = "vi") -> Mapping[date, str]:
    """Vietnam's public holidays of ``year`` (day -> name), as every calendar counts them."""
    return _package_holidays(year, language)


@dataclass(frozen=True)
class WorkingCalendar:
    """Working days and working hours of one reception unit.

    A day is a working day when it is a make-up working day, or when it is not a weekend day, not
    a public holiday (``holidays`` package) and not an extra day off. Make-up days win over
    everything else, so they also serve to cancel a package holiday a province does not observe.

    Args:
        extra_days_off: Days off beyond the package's list, date -> name (e.g. a Tết day decided
            by the Prime Minister after the package release).
        makeup_working_days: Days worked although they are weekend days or package holidays
            (làm bù Saturdays).
        working_hours: The working periods of every working day, as (start, end) local times,
            sorted and not overlapping.
        timezone: The unit's timezone; every returned instant is in it.
        weekend_days: Weekly rest days as ``date.weekday()`` numbers (Saturday = 5, Sunday = 6).
        holiday_language: Language of the package's holiday names.

    Raises:
        ValueError: If the working hours are empty, unsorted or overlapping, if a day is both an
            extra day off and a make-up day, or if every weekday is a rest day.
    """

    extra_days_off: Mapping[date, str] = field(default_factory=dict, hash=False)
    makeup_working_days: frozenset[date] = frozenset()
    working_hours: tuple[tuple[time, time], ...] = DEFAULT_WORKING_HOURS
    timezone: ZoneInfo = VIETNAM
    weekend_days: frozenset[int] = SATURDAY_AND_SUNDAY
    holiday_language: str = "vi"
    # Each working day's periods in UTC and the working day after it, as the walks below found them:
    # every deadline and every figure of a command walks the same few weeks of days, and building
    # the instants again cost most of the walk. No part of what the calendar is (not compared).
    _walk_cache: dict[date, tuple[tuple[tuple[datetime, datetime], ...], date]] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        # Freeze the collections callers hand in, so a calendar cannot change under a deadline.
        object.__setattr__(self, "extra_days_off", MappingProxyType(dict(self.extra_days_off)))
        object.__setattr__(self, "makeup_working_days", frozenset(self.makeup_working_days))
        object.__setattr__(self, "working_hours", tuple((s, e) for s, e in self.working_hours))
        object.__setattr__(self, "weekend_days", frozenset(self.weekend_days))
        _check_periods(self.working_hours)
        if clash := self.makeup_working_days & self.extra_days_off.keys():
            raise ValueError(f"days both off and make-up working days: {sorted(clash)}")
        if not set(range(7)) - self.weekend_days:
            raise ValueError("every weekday is a rest day")

    # -- days -------------------------------------------------------------------------------

    def day_off_reason(self, day: date | datetime) -> str | None:
        """Return why ``day`` is not a working day ("weekend" or a holiday name), or None."""
        day = self._local_date(day)
        if day in self.makeup_working_days:
            return None
        if day in self.extra_days_off:
            return self.extra_days_off[day]
        if name := _package_holidays(day.year, self.holiday_language).get(day):
            return name
        return "weekend" if day.weekday() in self.weekend_days else None

    def is_working_day(self, day: date | datetime) -> bool:
        """Return whether ``day`` (an aware datetime means its local date) is a working day."""
        return self.day_off_reason(day) is None

    def next_working_day(self, day: date | datetime) -> date:
        """Return the first working day strictly after ``day``."""
        current = self._local_date(day)
        for _ in range(_MAX_DAYS_WITHOUT_WORK):
            current += timedelta(days=1)
            if self.is_working_day(current):
                return current
        raise ValueError(f"no working day within a year after {day}")

    def add_working_days(self, start: date | datetime, n: int) -> date:
        """Return the ``n``-th working day after ``start``.

        Counting starts on the day after ``start`` (civil code Art. 147), so ``start`` itself never
        counts. ``n == 0`` means "the same day": ``start`` if it is a working day, otherwise the
        next working day, so the result is always a working day.

        Raises:
            ValueError: If ``n`` is negative.
        """
        if n < 0:
            raise ValueError(f"cannot add a negative number of working days: {n}")
        current = self._local_date(start)
        if n == 0:
            return current if self.is_working_day(current) else self.next_working_day(current)
        for _ in range(n):
            current = self.next_working_day(current)
        return current

    def working_days_between(self, a: date | datetime, b: date | datetime) -> int:
        """Count the working days in the half-open range (a, b].

        So ``working_days_between(d, add_working_days(d, n)) == n`` for ``n >= 1``. When ``b``
        is before ``a`` the result is minus the count over (b, a]; it is 0 when they are equal.
        """
        first, last = self._local_date(a), self._local_date(b)
        if last < first:
            return -self.working_days_between(last, first)
        span = (last - first).days
        return sum(self.is_working_day(first + timedelta(days=i)) for i in range(1, span + 1))

    # -- hours ------------------------------------------------------------------------------

    @property
    def working_day_length(self) -> timedelta:
        """The working time of one working day (8 hours by default)."""
        return sum((_length(start, end) for start, end in self.working_hours), timedelta())

    def start_of_working_day(self, day: date | datetime) -> datetime:
        """Return the start of the first working period of ``day``, in the calendar's timezone.

        Raises:
            ValueError: If ``day`` is not a working day.
        """
        return self._local(self._working_date(day), self.working_hours[0][0])

    def end_of_working_day(self, day: date | datetime) -> datetime:
        """Return the end of the last working period of ``day``, in the calendar's timezone.

        Raises:
            ValueError: If ``day`` is not a working day.
        """
        return self._local(self._working_date(day), self.working_hours[-1][1])

    def is_working_time(self, instant: datetime) -> bool:
        """Return whether ``instant`` lies in a working period (start included, end excluded)."""
        day = self._local_date(instant)
        if not self.is_working_day(day):
            return False
        moment = _utc(instant)
        return any(
            _utc(self._local(day, start)) <= moment < _utc(self._local(day, end))
            for start, end in self.working_hours
        )

    def start_of_next_working_period(self, instant: datetime) -> datetime:
        """Return the earliest start of a working period at or after ``instant``.

        An instant inside a period gets the start of the following period, not its own start.
        """
        moment = _utc(instant)
        for start, _ in self._periods(moment):
            if start >= moment:
                return start.astimezone(self.timezone)
        raise AssertionError("unreachable: _periods() never runs out")  # pragma: no cover

    def add_working_time(self, instant: datetime, duration: timedelta) -> datetime:
        """Return the instant when ``duration`` of working time after ``instant`` has passed.

        Walks the working periods. An instant outside working time first moves to the next
        working start (so a zero duration returns that start). When the time runs out exactly at
        the end of a period, the period end is returned: 08:30 + 3 h is 11:30, not 13:00.

        Raises:
            ValueError: If ``instant`` is naive or ``duration`` is negative.
        """
        if duration < timedelta():
            raise ValueError(f"cannot add negative working time: {duration}")
        moment, remaining = _utc(instant), duration
        for start, end in self._periods(moment):
            if end <= moment:
                continue
            begin = max(start, moment)
            if remaining <= end - begin:
                return (begin + remaining).astimezone(self.timezone)
            remaining -= end - begin
        raise AssertionError("unreachable: _periods() never runs out")  # pragma: no cover

    def add_working_hours(self, instant: datetime, hours: float | timedelta) -> datetime:
        """Return ``add_working_time(instant, hours)``, with a number meaning hours."""
        duration = hours if isinstance(hours, timedelta) else timedelta(hours=hours)
        return self.add_working_time(instant, duration)

    def working_time_between(self, a: datetime, b: datetime) -> timedelta:
        """Return the working time inside [a, b].

        Antisymmetric: when ``b`` is before ``a`` the result is minus the working time inside
        [b, a], and it is zero when they are equal. Non-working time never counts, so
        ``working_time_between(t, add_working_time(t, d)) == d`` for any ``t``.
        """
        first, last = _utc(a), _utc(b)
        if last < first:
            return -self.working_time_between(b, a)
        # Walks the cached days directly rather than through _periods(): every command's figures
        # call this for each step, and the generator and per-period max() were most of its cost.
        total = timedelta()
        day = self._first_working_day(first)
        while True:
            periods, day = self._walk_step(day)
            for start, end in periods:
                if start >= last:
                    return total
                if end > first:
                    total += min(end, last) - max(start, first)

    # -- helpers ----------------------------------------------------------------------------

    def _periods(self, moment: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Yield the working periods (UTC) from the local day of ``moment`` onwards, forever."""
        day = self._first_working_day(moment)
        while True:
            periods, day = self._walk_step(day)
            yield from periods

    def _first_working_day(self, moment: datetime) -> date:
        """The local day of ``moment`` if it is a working day, else the next working day."""
        day = moment.astimezone(self.timezone).date()
        if day in self._walk_cache:  # only working days are cached
            return day
        return day if self.is_working_day(day) else self.next_working_day(day)

    def _walk_step(self, day: date) -> tuple[tuple[tuple[datetime, datetime], ...], date]:
        """The working periods of working day ``day`` in UTC, and the next working day (cached)."""
        cache = self._walk_cache
        step = cache.get(day)
        if step is None:
            # Arithmetic on aware datetimes sharing a tzinfo ignores offset changes, so the walk
            # runs in UTC and converts back at the end.
            periods = tuple((_utc(self._local(day, start)), _utc(self._local(day, end)))
                            for start, end in self.working_hours)
            step = (periods, self.next_working_day(day))
            if len(cache) >= _WALK_CACHE_DAYS:
                cache.clear()
            cache[day] = step
        return step

    def _local(self, day: date, at: time) -> datetime:
        return datetime.combine(day, at, tzinfo=self.timezone)

    def _working_date(self, value: date | datetime) -> date:
        day = self._local_date(value)
        if reason := self.day_off_reason(day):
            raise ValueError(f"{day} is not a working day ({reason})")
        return day

    def _local_date(self, value: date | datetime) -> date:
        if isinstance(value, datetime):
            return _require_aware(value).astimezone(self.timezone).date()
        return value


def _require_aware(instant: datetime) -> datetime:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"naive datetime {instant.isoformat()}: give a timezone-aware one")
    return instant


def _utc(instant: datetime) -> datetime:
    return _require_aware(instant).astimezone(UTC)


def _length(start: time, end: time) -> timedelta:
    anchor = date(2000, 1, 3)
    return datetime.combine(anchor, end) - datetime.combine(anchor, start)


def _check_periods(periods: tuple[tuple[time, time], ...]) -> None:
    if not periods:
        raise ValueError("a working day needs at least one working period")
    previous_end: time | None = None
    for start, end in periods:
        if start.tzinfo is not None or end.tzinfo is not None:
            raise ValueError("working hours are local times; give them without tzinfo")
        if not start < end:
            raise ValueError(f"working period {start}-{end} ends before it starts")
        if previous_end is not None and start < previous_end:
            raise ValueError(f"working period starting {start} overlaps or is out of order")
        previous_end = end
