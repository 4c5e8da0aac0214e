"""Deadlines: time limits, effective receipt, due instants, timeliness and pauses."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
from engine.calendar.working_calendar import VIETNAM, WorkingCalendar

NATIONAL = WorkingCalendar()
CUTOFF = time(15, 0)
WORKING_DAYS, WORKING_HOURS, CALENDAR_DAYS = TimeLimitUnit

instants = st.datetimes(
    min_value=datetime(2024, 1, 1),
    max_value=datetime(2028, 6, 30),
    timezones=st.sampled_from([VIETNAM, UTC]),
)


def vn(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    """A wall-clock instant in Vietnam."""
    return datetime(year, month, day, hour, minute, second, tzinfo=VIETNAM)


# -- TimeLimit ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({"value": 3, "unit": "working_days"}, TimeLimit(3, WORKING_DAYS)),
        ({"value": 24, "unit": "working_hours"}, TimeLimit(24, WORKING_HOURS)),
        ({"value": 30, "unit": "calendar_days"}, TimeLimit(30, CALENDAR_DAYS)),
        ({"value": 0, "unit": "working_days"}, TimeLimit(0, WORKING_DAYS)),
        ("P2D", TimeLimit(2, WORKING_DAYS)),
        ("PT4H", TimeLimit(4, WORKING_HOURS)),
        ("PT30M", TimeLimit(0.5, WORKING_HOURS)),
        ("PT1H30M", TimeLimit(1.5, WORKING_HOURS)),
        ("PT0,5H", TimeLimit(0.5, WORKING_HOURS)),
    ],
)
def test_time_limit_parses_json_and_iso(spec: dict[str, object] | str, expected: TimeLimit) -> None:
    assert TimeLimit.parse(spec) == expected


@pytest.mark.parametrize(
    "spec",
    [
        "P1W",
        "P1M",
        "P1DT2H",
        "PT",
        "P",
        "2D",
        "",
        {"value": -1, "unit": "working_days"},
        {"value": 1.5, "unit": "working_days"},
        {"value": True, "unit": "working_hours"},
        {"value": "3", "unit": "working_days"},
        {"value": 3, "unit": "days"},
        {"value": 3},
        {"unit": "working_days"},
    ],
)
def test_time_limit_refuses_bad_specs(spec: dict[str, object] | str) -> None:
    with pytest.raises(ValueError):
        TimeLimit.parse(spec)


def test_time_limit_round_trips_and_converts() -> None:
    assert TimeLimit.parse({"value": 3, "unit": "working_days"}).to_dict() == {
        "value": 3,
        "unit": "working_days",
    }
    assert TimeLimit.parse("PT20M").working_time(NATIONAL) == timedelta(minutes=20)
    assert TimeLimit.parse("P2D").working_time(NATIONAL) == timedelta(hours=16)
    with pytest.raises(ValueError):
        TimeLimit(30, CALENDAR_DAYS).working_time(NATIONAL)


# -- effective receipt and the 15:00 cut-off ------------------------------------------------


@pytest.mark.parametrize(
    ("received", "cutoff", "expected"),
    [
        (vn(2026, 3, 2, 10, 0), CUTOFF, vn(2026, 3, 2, 10, 0)),
        (vn(2026, 3, 2, 15, 0), CUTOFF, vn(2026, 3, 2, 15, 0)),  # "after 15:00" is strict
        (vn(2026, 3, 2, 15, 1), CUTOFF, vn(2026, 3, 3, 7, 30)),
        (vn(2026, 3, 2, 15, 30), None, vn(2026, 3, 2, 15, 30)),  # no cut-off for this procedure
        (vn(2026, 3, 2, 12, 0), CUTOFF, vn(2026, 3, 2, 13, 0)),  # lunch
        (vn(2026, 3, 2, 6, 0), CUTOFF, vn(2026, 3, 2, 7, 30)),  # online, before opening
        (vn(2026, 3, 2, 21, 0), None, vn(2026, 3, 3, 7, 30)),  # online, at night
        (vn(2026, 3, 7, 10, 0), CUTOFF, vn(2026, 3, 9, 7, 30)),  # Saturday
        (vn(2026, 2, 13, 15, 30), CUTOFF, vn(2026, 2, 23, 7, 30)),  # Friday before Tết 2026
        (datetime(2026, 3, 2, 8, 30, tzinfo=UTC), CUTOFF, vn(2026, 3, 3, 7, 30)),  # 15:30 local
    ],
)
def test_effective_receipt_time(
    received: datetime, cutoff: time | None, expected: datetime
) -> None:
    result = effective_receipt_time(received, cutoff, NATIONAL)
    assert result == expected
    assert result.tzinfo is VIETNAM


# -- dossier due instants, one unit at a time -----------------------------------------------


@pytest.mark.parametrize(
    ("received", "limit", "cutoff", "expected"),
    [
        (vn(2026, 3, 2, 10), TimeLimit(3, WORKING_DAYS), None, vn(2026, 3, 5, 17)),
        (vn(2026, 3, 2, 7, 30), TimeLimit(3, WORKING_DAYS), None, vn(2026, 3, 5, 17)),
        (vn(2026, 3, 2, 15, 30), TimeLimit(3, WORKING_DAYS), CUTOFF, vn(2026, 3, 6, 17)),
        (vn(2026, 3, 2, 15, 30), TimeLimit(3, WORKING_DAYS), None, vn(2026, 3, 5, 17)),
        (vn(2026, 3, 6, 10), TimeLimit(1, WORKING_DAYS), None, vn(2026, 3, 9, 17)),
        (vn(2026, 2, 13, 10), TimeLimit(5, WORKING_DAYS), None, vn(2026, 2, 27, 17)),  # Tết
        (vn(2026, 4, 29, 10), TimeLimit(2, WORKING_DAYS), None, vn(2026, 5, 5, 17)),  # 30/4-1/5
        (vn(2027, 2, 3, 9), TimeLimit(1, WORKING_DAYS), None, vn(2027, 2, 11, 17)),  # Tết 2027
    ],
)
def test_working_days_due_at_close_of_the_nth_working_day(
    received: datetime, limit: TimeLimit, cutoff: time | None, expected: datetime
) -> None:
    assert dossier_due_at(received, limit, NATIONAL, cutoff) == expected


def test_same_day_procedure_and_the_15_oclock_rule() -> None:
    # Hộ tịch / chứng thực: same day; after 15:00, the next working day.
    same_day = TimeLimit(0, WORKING_DAYS)
    assert dossier_due_at(vn(2026, 3, 2, 14, 59), same_day, NATIONAL, CUTOFF) == vn(2026, 3, 2, 17)
    assert dossier_due_at(vn(2026, 3, 2, 15, 30), same_day, NATIONAL, CUTOFF) == vn(2026, 3, 3, 17)
    assert dossier_due_at(vn(2026, 3, 6, 16, 0), same_day, NATIONAL, CUTOFF) == vn(2026, 3, 9, 17)


@pytest.mark.parametrize(
    ("received", "hours", "cutoff", "expected"),
    [
        (vn(2026, 3, 2, 16, 0), 4, None, vn(2026, 3, 3, 10, 30)),
        (vn(2026, 3, 2, 16, 0), 24, None, vn(2026, 3, 5, 16, 0)),  # LLTP urgent: 24 h
        (vn(2026, 3, 2, 15, 30), 2, CUTOFF, vn(2026, 3, 3, 9, 30)),
        (vn(2026, 3, 2, 9, 0), 0.5, None, vn(2026, 3, 2, 9, 30)),
        (vn(2026, 3, 7, 9, 0), 2, None, vn(2026, 3, 9, 9, 30)),
    ],
)
def test_working_hours_walk_from_the_effective_receipt(
    received: datetime, hours: float, cutoff: time | None, expected: datetime
) -> None:
    assert dossier_due_at(received, TimeLimit(hours, WORKING_HOURS), NATIONAL, cutoff) == expected


@pytest.mark.parametrize(
    ("received", "days", "expected"),
    [
        (vn(2026, 3, 2, 10), 30, vn(2026, 4, 1, 17)),  # a Wednesday: no roll
        (vn(2026, 3, 2, 10), 5, vn(2026, 3, 9, 17)),  # Saturday 7/3 rolls to Monday
        (vn(2026, 4, 17, 10), 10, vn(2026, 4, 28, 17)),  # Mon 27/4 is Giỗ Tổ (observed)
        (vn(2026, 4, 20, 10), 10, vn(2026, 5, 4, 17)),  # Thu 30/4, Fri 1/5 and a weekend
        (vn(2026, 1, 16, 10), 30, vn(2026, 2, 23, 17)),  # Sun 15/2, then Tết until 22/2
    ],
)
def test_calendar_days_follow_civil_code_147_148(
    received: datetime, days: int, expected: datetime
) -> None:
    assert dossier_due_at(received, TimeLimit(days, CALENDAR_DAYS), NATIONAL) == expected


def test_calendar_days_start_from_the_effective_receipt_day() -> None:
    limit = TimeLimit(3, CALENDAR_DAYS)
    assert dossier_due_at(vn(2026, 3, 2, 10), limit, NATIONAL) == vn(2026, 3, 5, 17)
    assert dossier_due_at(vn(2026, 3, 2, 15, 30), limit, NATIONAL, CUTOFF) == vn(2026, 3, 6, 17)


def test_makeup_saturday_can_be_a_due_day() -> None:
    province = WorkingCalendar(makeup_working_days=frozenset({date(2025, 4, 26)}))
    limit = TimeLimit(1, WORKING_DAYS)
    assert dossier_due_at(vn(2025, 4, 25, 9), limit, NATIONAL) == vn(2025, 4, 28, 17)
    assert dossier_due_at(vn(2025, 4, 25, 9), limit, province) == vn(2025, 4, 26, 17)


@settings(max_examples=150, deadline=None)
@given(
    instants,
    st.integers(min_value=0, max_value=40),
    st.sampled_from([WORKING_DAYS, CALENDAR_DAYS]),
    st.sampled_from([None, CUTOFF]),
)
def test_day_limits_end_at_close_of_a_working_day(
    received: datetime, n: int, unit: TimeLimitUnit, cutoff: time | None
) -> None:
    due = dossier_due_at(received, TimeLimit(n, unit), NATIONAL, cutoff)
    assert NATIONAL.is_working_day(due)
    assert due == NATIONAL.end_of_working_day(due)
    assert due > received
    if unit is WORKING_DAYS:
        start = effective_receipt_time(received, cutoff, NATIONAL)
        assert NATIONAL.working_days_between(start, due) == n
        # Never earlier than the OpenCPS-style walk of n x 8 working hours.
        assert due >= NATIONAL.add_working_time(start, n * NATIONAL.working_day_length)


# -- steps ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ready", "spec", "expected"),
    [
        (vn(2026, 3, 2, 10), "PT4H", vn(2026, 3, 2, 15, 30)),
        (vn(2026, 3, 2, 10), "PT30M", vn(2026, 3, 2, 10, 30)),
        (vn(2026, 3, 2, 10), "P2D", vn(2026, 3, 4, 10)),
        (vn(2026, 3, 2, 18), "P1D", vn(2026, 3, 3, 17)),
        (vn(2026, 2, 13, 16), "P2D", vn(2026, 2, 24, 16)),  # across Tết 2026
        (vn(2026, 3, 2, 10), "P0D", vn(2026, 3, 2, 17)),  # within the day
        (vn(2026, 3, 2, 10), {"value": 5, "unit": "calendar_days"}, vn(2026, 3, 9, 17)),
    ],
)
def test_step_due_at(ready: datetime, spec: dict[str, object] | str, expected: datetime) -> None:
    assert step_due_at(ready, TimeLimit.parse(spec), NATIONAL) == expected


# -- timeliness -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("finished", "due", "expected"),
    [
        (vn(2026, 3, 4, 10), vn(2026, 3, 5, 17), Timeliness.EARLY),
        (vn(2026, 3, 5, 9), vn(2026, 3, 5, 17), Timeliness.ON_TIME),
        (vn(2026, 3, 5, 17), vn(2026, 3, 5, 17), Timeliness.ON_TIME),
        (vn(2026, 3, 5, 17, 0, 1), vn(2026, 3, 5, 17), Timeliness.LATE),
        (vn(2026, 3, 6, 8), vn(2026, 3, 5, 17), Timeliness.LATE),
        (vn(2026, 3, 5, 11), vn(2026, 3, 5, 10, 30), Timeliness.LATE),
        # 20:00 UTC on the 4th is 03:00 on the due day in Vietnam: on time, not early.
        (datetime(2026, 3, 4, 20, tzinfo=UTC), vn(2026, 3, 5, 17), Timeliness.ON_TIME),
    ],
)
def test_classify_completion(finished: datetime, due: datetime, expected: Timeliness) -> None:
    assert classify_completion(finished, due, NATIONAL) is expected


def test_timeliness_values_are_stored_strings() -> None:
    assert [t.value for t in Timeliness] == ["early", "on_time", "late"]
    with pytest.raises(ValueError, match="naive"):
        classify_completion(datetime(2026, 3, 5, 9), vn(2026, 3, 5, 17), NATIONAL)


# -- pauses ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("paused_from", "resumed_at", "expected"),
    [
        (vn(2026, 3, 2, 10), vn(2026, 3, 3, 10), vn(2026, 3, 6, 17)),  # one working day
        (vn(2026, 3, 2, 10), vn(2026, 3, 2, 12, 30), vn(2026, 3, 6, 9, 0)),  # 1.5 h
        (vn(2026, 3, 6, 17), vn(2026, 3, 9, 7, 30), vn(2026, 3, 5, 17)),  # weekend only
        (vn(2026, 3, 2, 10), vn(2026, 3, 2, 10), vn(2026, 3, 5, 17)),
    ],
)
def test_shift_for_pause(paused_from: datetime, resumed_at: datetime, expected: datetime) -> None:
    assert shift_for_pause(vn(2026, 3, 5, 17), paused_from, resumed_at, NATIONAL) == expected


def test_pause_across_tet_counts_only_working_time() -> None:
    # Thu 12/02 15:00 to Tue 24/02 09:00: 2 h + 8 h + (Tết, weekends) + 8 h + 1.5 h = 19.5 h.
    paused, resumed = vn(2026, 2, 12, 15), vn(2026, 2, 24, 9)
    assert NATIONAL.working_time_between(paused, resumed) == timedelta(hours=19.5)
    assert shift_for_pause(vn(2026, 3, 2, 17), paused, resumed, NATIONAL) == vn(2026, 3, 5, 11)


def test_two_pauses_add_up_and_a_backwards_pause_is_refused() -> None:
    due = vn(2026, 3, 5, 17)
    due = shift_for_pause(due, vn(2026, 3, 2, 9), vn(2026, 3, 2, 11), NATIONAL)
    due = shift_for_pause(due, vn(2026, 3, 3, 14), vn(2026, 3, 3, 16), NATIONAL)
    assert due == vn(2026, 3, 6, 11, 30)
    with pytest.raises(ValueError):
        shift_for_pause(due, vn(2026, 3, 3, 16), vn(2026, 3, 3, 14), NATIONAL)


@settings(max_examples=150, deadline=None)
@given(instants, instants, instants)
def test_pause_moves_the_due_by_the_paused_working_time(
    due: datetime, a: datetime, b: datetime
) -> None:
    paused_from, resumed_at = min(a, b), max(a, b)
    new_due = shift_for_pause(due, paused_from, resumed_at, NATIONAL)
    paused = NATIONAL.working_time_between(paused_from, resumed_at)
    assert new_due >= due
    assert NATIONAL.working_time_between(due, new_due) == paused
    if not paused:
        assert new_due == due
