"""WorkingCalendar: working days from the holidays package plus overrides, and working hours."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.calendar.working_calendar import VIETNAM, WorkingCalendar

NATIONAL = WorkingCalendar()
# Sat 26/04/2025 was worked in exchange for Fri 02/05/2025 (the package lists only the day off);
# the extra day off is a made-up provincial decision, for the tests only.
PROVINCE = WorkingCalendar(
    makeup_working_days=frozenset({date(2025, 4, 26)}),
    extra_days_off={date(2025, 3, 14): "Nghỉ theo quyết định của UBND tỉnh"},
)
PARIS = ZoneInfo("Europe/Paris")

days = st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 6, 30))
instants = st.datetimes(
    min_value=datetime(2024, 1, 1),
    max_value=datetime(2028, 6, 30),
    timezones=st.sampled_from([VIETNAM, UTC, PARIS]),
)
durations = st.timedeltas(min_value=timedelta(), max_value=timedelta(hours=300))
calendars = st.sampled_from([NATIONAL, PROVINCE])


def vn(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    """A wall-clock instant in Vietnam."""
    return datetime(year, month, day, hour, minute, second, tzinfo=VIETNAM)


# -- what the holidays package says (verified against holidays 0.109) -----------------------


def test_tet_2026_is_monday_16_to_friday_20_february() -> None:
    tet = [date(2026, 2, d) for d in range(16, 21)]
    assert [NATIONAL.is_working_day(d) for d in tet] == [False] * 5
    assert NATIONAL.day_off_reason(date(2026, 2, 17)) == "Tết Nguyên Đán"
    assert NATIONAL.day_off_reason(date(2026, 2, 16)) == "Giao thừa Tết Nguyên Đán"
    assert NATIONAL.is_working_day(date(2026, 2, 13))
    assert NATIONAL.next_working_day(date(2026, 2, 13)) == date(2026, 2, 23)
    # Sat 14 to Sun 22: the nine-day break announced for Tết Bính Ngọ.
    assert NATIONAL.working_days_between(date(2026, 2, 13), date(2026, 2, 22)) == 0


def test_tet_2027_is_thursday_4_to_wednesday_10_february() -> None:
    assert [NATIONAL.is_working_day(date(2027, 2, d)) for d in range(3, 12)] == [
        True, False, False, False, False, False, False, False, True,
    ]  # fmt: skip
    assert NATIONAL.next_working_day(date(2027, 2, 3)) == date(2027, 2, 11)
    assert NATIONAL.add_working_days(date(2027, 2, 3), 2) == date(2027, 2, 12)


def test_other_2026_and_2027_days_off_from_the_package() -> None:
    for day in (
        date(2026, 4, 27),  # Giỗ Tổ falls on Sunday 26/04: observed Monday
        date(2026, 4, 30),
        date(2026, 5, 1),
        date(2026, 8, 31),  # swapped against Sat 22/08/2026
        date(2026, 9, 1),
        date(2026, 11, 24),  # Ngày Văn hóa Việt Nam, new from 2026
        date(2027, 4, 16),
        date(2027, 5, 3),  # 1 May 2027 is a Saturday: observed Monday
        date(2027, 9, 3),
    ):
        assert not NATIONAL.is_working_day(day), day
    assert NATIONAL.is_working_day(date(2026, 9, 3))
    # The package knows 31/08/2026 was swapped but not that Sat 22/08/2026 is worked instead.
    assert NATIONAL.day_off_reason(date(2026, 8, 22)) == "weekend"
    assert NATIONAL.day_off_reason(date(2026, 2, 21)) == "weekend"
    assert NATIONAL.day_off_reason(date(2026, 2, 23)) is None


# -- overrides ----------------------------------------------------------------------------------


def test_makeup_saturday_counts_only_when_entered() -> None:
    friday = date(2025, 4, 25)
    assert not NATIONAL.is_working_day(date(2025, 4, 26))
    assert NATIONAL.add_working_days(friday, 1) == date(2025, 4, 28)
    assert PROVINCE.is_working_day(date(2025, 4, 26))
    assert PROVINCE.add_working_days(friday, 1) == date(2025, 4, 26)
    # 30/4, 1/5 and the swapped 2/5 stay off in both.
    assert PROVINCE.add_working_days(date(2025, 4, 29), 1) == date(2025, 5, 5)
    assert PROVINCE.working_days_between(friday, date(2025, 5, 5)) == 4


def test_extra_day_off_does_not_count() -> None:
    assert NATIONAL.is_working_day(date(2025, 3, 14))
    assert PROVINCE.day_off_reason(date(2025, 3, 14)) == "Nghỉ theo quyết định của UBND tỉnh"
    assert PROVINCE.add_working_days(date(2025, 3, 13), 1) == date(2025, 3, 17)
    assert PROVINCE.working_days_between(date(2025, 3, 10), date(2025, 3, 17)) == 4


def test_makeup_day_cancels_a_package_holiday() -> None:
    no_culture_day = WorkingCalendar(makeup_working_days=frozenset({date(2026, 11, 24)}))
    assert no_culture_day.is_working_day(date(2026, 11, 24))


def test_saturday_can_be_a_working_day_for_a_unit() -> None:
    six_days = WorkingCalendar(weekend_days=frozenset({6}))
    assert six_days.add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 7)
    assert six_days.is_working_day(date(2026, 2, 21))  # an ordinary Saturday after Tết 2026
    assert not six_days.is_working_day(date(2027, 2, 6))  # Tết 2027 falls on a Saturday


@pytest.mark.parametrize(
    "kwargs",
    [
        {"working_hours": ()},
        {"working_hours": ((time(13), time(17)), (time(7, 30), time(11, 30)))},
        {"working_hours": ((time(8), time(12)), (time(11), time(17)))},
        {"working_hours": ((time(17), time(8)),)},
        {
            "makeup_working_days": frozenset({date(2025, 1, 4)}),
            "extra_days_off": {date(2025, 1, 4): "x"},
        },
        {"weekend_days": frozenset(range(7))},
    ],
)
def test_inconsistent_calendar_is_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        WorkingCalendar(**kwargs)  # type: ignore[arg-type]


# -- working days ---------------------------------------------------------------------------


def test_add_working_days_counts_from_the_day_after() -> None:
    assert NATIONAL.add_working_days(date(2026, 3, 2), 1) == date(2026, 3, 3)
    assert NATIONAL.add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 9)
    assert NATIONAL.add_working_days(date(2026, 3, 7), 1) == date(2026, 3, 9)
    assert NATIONAL.add_working_days(date(2026, 3, 2), 10) == date(2026, 3, 16)


def test_zero_working_days_is_the_same_working_day() -> None:
    assert NATIONAL.add_working_days(date(2026, 3, 2), 0) == date(2026, 3, 2)
    assert NATIONAL.add_working_days(date(2026, 3, 7), 0) == date(2026, 3, 9)
    with pytest.raises(ValueError):
        NATIONAL.add_working_days(date(2026, 3, 2), -1)


def test_datetime_means_its_local_date() -> None:
    # 20:00 UTC on Friday 13/02/2026 is already Saturday 03:00 in Vietnam.
    late_friday_utc = datetime(2026, 2, 13, 20, 0, tzinfo=UTC)
    assert not NATIONAL.is_working_day(late_friday_utc)
    assert NATIONAL.add_working_days(late_friday_utc, 1) == date(2026, 2, 23)


def test_working_days_between_is_antisymmetric() -> None:
    assert NATIONAL.working_days_between(date(2026, 3, 2), date(2026, 3, 9)) == 5
    assert NATIONAL.working_days_between(date(2026, 3, 9), date(2026, 3, 2)) == -5
    assert NATIONAL.working_days_between(date(2026, 3, 2), date(2026, 3, 2)) == 0


# -- working hours --------------------------------------------------------------------------


def test_default_hours_make_an_eight_hour_day() -> None:
    assert NATIONAL.working_day_length == timedelta(hours=8)
    assert NATIONAL.start_of_working_day(date(2026, 3, 2)) == vn(2026, 3, 2, 7, 30)
    assert NATIONAL.end_of_working_day(date(2026, 3, 2)) == vn(2026, 3, 2, 17, 0)
    with pytest.raises(ValueError, match="not a working day"):
        NATIONAL.end_of_working_day(date(2026, 2, 17))


@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [
        (vn(2026, 3, 2, 8, 30), 3, vn(2026, 3, 2, 11, 30)),  # ends at a period end, not 13:00
        (vn(2026, 3, 2, 8, 30), 3.5, vn(2026, 3, 2, 13, 30)),
        (vn(2026, 3, 2, 16, 0), 2, vn(2026, 3, 3, 8, 30)),
        (vn(2026, 3, 2, 12, 15), 1, vn(2026, 3, 2, 14, 0)),  # lunch: starts at 13:00
        (vn(2026, 3, 7, 10, 0), 0, vn(2026, 3, 9, 7, 30)),  # Saturday: next working start
        (vn(2026, 2, 13, 16, 0), 2, vn(2026, 2, 23, 8, 30)),  # across Tết 2026
        (vn(2026, 3, 2, 9, 0), timedelta(minutes=45), vn(2026, 3, 2, 9, 45)),
    ],
)
def test_add_working_hours(start: datetime, hours: float | timedelta, expected: datetime) -> None:
    assert NATIONAL.add_working_hours(start, hours) == expected


def test_results_are_in_the_calendar_timezone() -> None:
    result = NATIONAL.add_working_hours(datetime(2026, 3, 2, 2, 0, tzinfo=UTC), 1)  # 09:00 local
    assert result.tzinfo is VIETNAM
    assert result.replace(tzinfo=None) == datetime(2026, 3, 2, 10, 0)
    assert NATIONAL.start_of_next_working_period(datetime(2026, 3, 2, tzinfo=UTC)).tzinfo is VIETNAM


def test_working_time_between() -> None:
    between = NATIONAL.working_time_between
    assert between(vn(2026, 3, 2, 6), vn(2026, 3, 2, 18)) == timedelta(hours=8)
    assert between(vn(2026, 3, 6, 16), vn(2026, 3, 9, 8, 30)) == timedelta(hours=2)
    assert between(vn(2026, 3, 9, 8, 30), vn(2026, 3, 6, 16)) == -timedelta(hours=2)
    assert between(vn(2026, 3, 2, 9), vn(2026, 3, 2, 9)) == timedelta()
    assert between(vn(2026, 2, 14), vn(2026, 2, 23)) == timedelta()  # weekend + Tết + weekend


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        (vn(2026, 3, 2, 7, 30), vn(2026, 3, 2, 7, 30)),
        (vn(2026, 3, 2, 8, 0), vn(2026, 3, 2, 13, 0)),
        (vn(2026, 3, 2, 12, 0), vn(2026, 3, 2, 13, 0)),
        (vn(2026, 3, 2, 17, 0), vn(2026, 3, 3, 7, 30)),
        (vn(2026, 2, 13, 17, 0), vn(2026, 2, 23, 7, 30)),
    ],
)
def test_start_of_next_working_period(instant: datetime, expected: datetime) -> None:
    assert NATIONAL.start_of_next_working_period(instant) == expected


def test_is_working_time_includes_start_and_excludes_end() -> None:
    assert NATIONAL.is_working_time(vn(2026, 3, 2, 7, 30))
    assert not NATIONAL.is_working_time(vn(2026, 3, 2, 11, 30))
    assert not NATIONAL.is_working_time(vn(2026, 3, 7, 9, 0))


def test_configured_hours() -> None:
    thanh_hoa = WorkingCalendar(working_hours=((time(7), time(11, 30)), (time(13, 30), time(17))))
    assert thanh_hoa.working_day_length == timedelta(hours=8)
    assert thanh_hoa.add_working_hours(vn(2026, 3, 2, 11), 1) == vn(2026, 3, 2, 14)
    one_period = WorkingCalendar(working_hours=((time(8), time(12)),))
    assert one_period.add_working_hours(vn(2026, 3, 2, 11), 2) == vn(2026, 3, 3, 9)


def test_naive_datetimes_are_refused() -> None:
    naive = datetime(2026, 3, 2, 9)
    for call in (
        lambda: NATIONAL.add_working_hours(naive, 1),
        lambda: NATIONAL.working_time_between(naive, vn(2026, 3, 3)),
        lambda: NATIONAL.start_of_next_working_period(naive),
        lambda: NATIONAL.is_working_day(naive),
        lambda: NATIONAL.add_working_days(naive, 1),
    ):
        with pytest.raises(ValueError, match="naive"):
            call()


def test_negative_working_time_is_refused() -> None:
    with pytest.raises(ValueError):
        NATIONAL.add_working_hours(vn(2026, 3, 2, 9), -1)


# -- properties -----------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(calendars, days, st.integers(min_value=0, max_value=60))
def test_add_working_days_lands_on_a_working_day_and_counts_back(
    calendar: WorkingCalendar, start: date, n: int
) -> None:
    result = calendar.add_working_days(start, n)
    assert calendar.is_working_day(result)
    assert calendar.day_off_reason(result) is None
    assert result.weekday() < 5 or result in calendar.makeup_working_days
    if n >= 1 or calendar.is_working_day(start):
        assert calendar.working_days_between(start, result) == n
        assert calendar.working_days_between(result, start) == -n


@settings(max_examples=150, deadline=None)
@given(calendars, days, days)
def test_working_days_between_then_add_returns_the_working_day(
    calendar: WorkingCalendar, a: date, b: date
) -> None:
    count = calendar.working_days_between(a, b)
    if b > a and calendar.is_working_day(b) and count > 0:
        assert calendar.add_working_days(a, count) == b


@settings(max_examples=200, deadline=None)
@given(calendars, instants, durations)
def test_add_working_time_gives_the_time_back(
    calendar: WorkingCalendar, start: datetime, duration: timedelta
) -> None:
    result = calendar.add_working_time(start, duration)
    assert result.tzinfo is calendar.timezone
    assert result >= start
    assert calendar.is_working_day(result)
    # Inside a working period, or exactly at a period end when the time ran out there.
    at_period_end = result.timetz().replace(tzinfo=None) in {e for _, e in calendar.working_hours}
    assert calendar.is_working_time(result) or at_period_end
    assert calendar.working_time_between(start, result) == duration


@settings(max_examples=200, deadline=None)
@given(calendars, instants, instants, instants)
def test_working_time_between_adds_up_and_is_antisymmetric(
    calendar: WorkingCalendar, a: datetime, b: datetime, c: datetime
) -> None:
    ab, bc, ac = (calendar.working_time_between(x, y) for x, y in ((a, b), (b, c), (a, c)))
    assert ab + bc == ac
    assert calendar.working_time_between(b, a) == -ab
    assert (ab > timedelta()) <= (b > a)
    assert calendar.working_time_between(a, b) <= max(b - a, a - b)


@settings(max_examples=100, deadline=None)
@given(calendars, instants)
def test_next_working_period_starts_a_working_day(
    calendar: WorkingCalendar, instant: datetime
) -> None:
    start = calendar.start_of_next_working_period(instant)
    assert start >= instant
    assert calendar.is_working_time(start)
    assert start.timetz().replace(tzinfo=None) in {s for s, _ in calendar.working_hours}
    if not calendar.is_working_time(instant):
        assert calendar.working_time_between(instant, start) == timedelta()
