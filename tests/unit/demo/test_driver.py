"""Step data placeholders are filled per dossier and day: a whole-string placeholder keeps its
value's type, one inside a text becomes text, dates move by the offset given."""

from __future__ import annotations

from datetime import date

import pytest

from demo.driver import fill

DAY = date(2026, 11, 27)


def test_placeholders_are_filled_in_nested_step_data() -> None:
    template = {"recipient_name": "$applicant", "delivered_on": "$date", "valid_to": "$date+2190",
                "reference": "Công văn số $number/PV06 ngày $dmy", "departments": "$two", "count": 3,
                "documents": ["$applicant", "Bản chính"]}
    values = {"applicant": "Đặng Văn Nhiên", "number": "123", "two": ["so_xay_dung", "cong_an_tinh"]}
    assert fill(template, values, DAY) == {
        "recipient_name": "Đặng Văn Nhiên", "delivered_on": "2026-11-27", "valid_to": "2032-11-25",
        "reference": "Công văn số 123/PV06 ngày 27/11/2026", "departments": ["so_xay_dung", "cong_an_tinh"],
        "count": 3, "documents": ["Đặng Văn Nhiên", "Bản chính"]}


def test_a_placeholder_without_a_value_is_an_error() -> None:
    with pytest.raises(KeyError):
        fill({"serial": "$serial"}, {}, DAY)
