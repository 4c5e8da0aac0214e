"""Decision 766's verdict on hand-made dossiers: the due instant the engine computes (cut-off,
weekend, Tết), moved by pauses, never by an extension; a second supplementation request is late."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from engine.calendar.deadlines import TimeLimit, TimeLimitUnit, Timeliness, dossier_due_at, shift_for_pause
from engine.calendar.working_calendar import WorkingCalendar
from engine.statistics.verdict import finished_verdict, running_is_late

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
CALENDAR = WorkingCalendar()
THREE_DAYS = TimeLimit(3, TimeLimitUnit.WORKING_DAYS)
CUTOFF = time(15, 0)


def local(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=HANOI)


def verdict(end: datetime, due: datetime, late_by_rule: bool = False) -> Timeliness:
    return finished_verdict(end, due, late_by_rule, CALENDAR)


def test_after_the_cutoff_the_clock_starts_the_next_working_day():
    # Friday 27/11/2026 at 15:30: after 15:00, so counted from Monday; three days: Tue, Wed, Thu.
    received = local(2026, 11, 27, 15, 30)
    due = dossier_due_at(received, THREE_DAYS, CALENDAR, cutoff=CUTOFF)
    assert due == local(2026, 12, 3, 17)
    assert verdict(local(2026, 12, 3, 10), due) is Timeliness.ON_TIME
    # The same finish would be late for a procedure without the cut-off rule (due Wednesday).
    assert verdict(local(2026, 12, 3, 10), dossier_due_at(received, THREE_DAYS, CALENDAR)) is Timeliness.LATE


def test_a_weekend_does_not_count():
    received = local(2026, 11, 27, 9)  # Friday
    due = dossier_due_at(received, TimeLimit(1, TimeLimitUnit.WORKING_DAYS), CALENDAR)
    assert due == local(2026, 11, 30, 17)  # Monday, close of business
    assert verdict(local(2026, 11, 28, 10), due) is Timeliness.EARLY
    assert verdict(local(2026, 11, 30, 16, 59), due) is Timeliness.ON_TIME
    assert verdict(local(2026, 12, 1, 8), due) is Timeliness.LATE


def test_tet_days_do_not_count():
    # Tết Đinh Mùi: Thursday 4/2 to Wednesday 10/2/2027 off; received the day before it starts.
    received = local(2027, 2, 3, 9)
    due = dossier_due_at(received, THREE_DAYS, CALENDAR)
    assert due == local(2027, 2, 15, 17)  # Thu 11, Fri 12, Mon 15
    assert verdict(local(2027, 2, 12, 10), due) is Timeliness.EARLY
    assert verdict(local(2027, 2, 15, 10), due) is Timeliness.ON_TIME
    assert verdict(local(2027, 2, 16, 8), due) is Timeliness.LATE


def test_a_pause_for_supplementation_moves_the_due_instant():
    due = dossier_due_at(local(2026, 11, 27, 9), THREE_DAYS, CALENDAR)  # Wednesday 2/12 17:00
    # The citizen took from Monday 09:00 to Tuesday 09:00: eight working hours.
    shifted = shift_for_pause(due, local(2026, 11, 30, 9), local(2026, 12, 1, 9), CALENDAR)
    assert shifted == local(2026, 12, 3, 17)
    finish = local(2026, 12, 3, 11)
    assert verdict(finish, due) is Timeliness.LATE  # against the appointment first given
    assert verdict(finish, shifted) is Timeliness.ON_TIME  # time waiting for the citizen is left out


def test_an_extension_does_not_make_a_late_dossier_on_time():
    legal_due = dossier_due_at(local(2026, 11, 27, 9), THREE_DAYS, CALENDAR)
    extended_to = legal_due + timedelta(days=5)
    finish = legal_due + timedelta(days=1)
    assert finish < extended_to
    # The verdict takes the legal deadline; the new appointment of the apology letter plays no part.
    assert verdict(finish, legal_due) is Timeliness.LATE


def test_a_second_supplementation_request_is_late_whatever_the_times():
    due = local(2026, 12, 3, 17)
    assert verdict(local(2026, 11, 30, 9), due, late_by_rule=True) is Timeliness.LATE


def test_a_procedure_without_a_time_limit_is_never_late():
    assert finished_verdict(local(2026, 12, 30, 9), None, False, CALENDAR) is Timeliness.ON_TIME


@pytest.mark.parametrize(("paused_at", "late_by_rule", "late"), [
    (None, False, True),                          # open past its deadline at the period's end
    (local(2026, 12, 2, 10), False, False),       # waiting for the citizen since before the deadline
    (local(2026, 12, 3, 10), False, True),        # paused only after the deadline had passed
    (local(2026, 12, 2, 10), True, True),         # a second request counts as late at once
])
def test_an_open_dossier_at_the_period_end(paused_at, late_by_rule, late):
    due, period_end = local(2026, 12, 2, 17), local(2026, 12, 5, 0)
    assert running_is_late(period_end, due, paused_at, late_by_rule) is late


def test_an_open_dossier_before_its_deadline_is_in_time():
    assert running_is_late(local(2026, 12, 1, 0), local(2026, 12, 2, 17), None, False) is False
