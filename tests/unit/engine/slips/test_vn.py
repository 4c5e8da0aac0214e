"""How slips write instants, dates, money and time limits (brief §7, Decree 30/2020)."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from engine.calendar.deadlines import TimeLimit, TimeLimitUnit, Timeliness
from engine.slips import vn

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def test_an_instant_reads_hours_minutes_day_month_year():
    assert vn.instant(datetime(2026, 11, 27, 9, 0, tzinfo=HANOI)) == "09 giờ 00 phút, ngày 27 tháng 11 năm 2026"
    assert vn.instant(datetime(2026, 12, 4, 10, 5, tzinfo=HANOI)) == "10 giờ 05 phút, ngày 04 tháng 12 năm 2026"
    assert vn.instant(None) == "…… giờ …… phút, ngày …… tháng …… năm ……"


@pytest.mark.parametrize(("day", "expected"), [
    (date(2026, 2, 5), "ngày 05 tháng 02 năm 2026"),   # day < 10 and months 1, 2 take a zero
    (date(2026, 3, 7), "ngày 07 tháng 3 năm 2026"),
    (date(2026, 11, 27), "ngày 27 tháng 11 năm 2026"),
])
def test_dates_follow_decree_30(day, expected):
    assert vn.day_month_year(day) == expected


def test_place_and_date_line():
    assert vn.place_date("Hạ Long", date(2026, 11, 5)) == "Hạ Long, ngày 05 tháng 11 năm 2026"
    assert vn.place_date("", date(2026, 11, 5)) == "Ngày 05 tháng 11 năm 2026"


def test_numbers_money_and_durations():
    assert vn.money(1_250_000) == "1.250.000 đồng"
    assert vn.money(0) == "0 đồng"
    assert vn.number(2.5) == "2,5"
    assert vn.working_duration(10 * 3600 + 30 * 60) == "10 giờ 30 phút"
    assert vn.working_duration(8 * 3600) == "8 giờ"
    assert vn.short_date(date(2026, 12, 2)) == "02/12/2026"
    assert vn.short_instant(datetime(2026, 12, 3, 14, 30, tzinfo=HANOI)) == "14:30 ngày 03/12/2026"


def test_time_limits_and_labels():
    assert vn.time_limit(TimeLimit(3, TimeLimitUnit.WORKING_DAYS)) == "3 ngày làm việc"
    assert vn.time_limit(TimeLimit(0, TimeLimitUnit.WORKING_DAYS)) == "Trong ngày làm việc"
    assert vn.time_limit(TimeLimit(4, TimeLimitUnit.WORKING_HOURS)) == "4 giờ làm việc"
    assert vn.time_limit(TimeLimit(30, TimeLimitUnit.CALENDAR_DAYS)) == "30 ngày"
    assert [vn.timeliness(t) for t in Timeliness] == ["Trước hạn", "Đúng hạn", "Quá hạn"]
    assert vn.copy_type("ban_sao") == "Bản sao"


def test_text_is_normalised_to_nfc():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Lan")
    assert vn.nfc(decomposed) == "Nguyễn Thị Lan" and unicodedata.is_normalized("NFC", vn.nfc(decomposed))
