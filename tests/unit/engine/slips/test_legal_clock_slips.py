"""A dossier supplemented twice and extended once (as in test_legal_clock): the supplementation
requests, the apology and the control slip show the due times as the clock moved, and the
control slip classifies each step and the dossier (late by the second request)."""

from __future__ import annotations

import lxml.html
import pytest

from engine.calendar.deadlines import Timeliness
from engine.slips import data as slips
from engine.slips.layout import SlipOptions
from engine.slips.render import slip_html
from tests.unit.engine.slips.conftest import EXTENSION_REASON, local, supplemented_twice_and_extended

OPTIONS = SlipOptions(place="Hạ Long")


@pytest.fixture
def code(driver):
    return supplemented_twice_and_extended(driver).code


def text_of(html: str) -> str:
    return " ".join(lxml.html.fromstring(html).text_content().split())


def test_each_supplementation_request_has_its_own_slip(session_factory, ctx, code):
    with session_factory() as session:
        first = slips.supplement_request_data(session, code, calendar=ctx.calendar, number=1)
        second = slips.supplement_request_data(session, code, calendar=ctx.calendar)
        with pytest.raises(slips.NotFoundError):
            slips.supplement_request_data(session, code, calendar=ctx.calendar, number=3)
    assert (first.number, first.total, second.number) == (1, 2, 2)
    # The clock paused with the appointment then in force; the citizen's time moved it on resuming.
    assert (first.requested_at, first.due_at_before, first.resumed_at, first.due_at_after) == (
        local(30, 11, 9), local(2, 12, 17), local(1, 12, 9), local(3, 12, 17))
    assert (second.requested_at, second.due_at_before, second.resumed_at, second.due_at_after) == (
        local(1, 12, 10), local(3, 12, 17), local(1, 12, 14), local(4, 12, 10))
    assert [item.name for item in first.items] == ["Điều lệ công ty có chữ ký của chủ sở hữu"]
    assert first.reason == "Thiếu điều lệ có chữ ký của chủ sở hữu"
    assert (first.guide_name, first.guide_unit) == ("Trần Văn Minh", "Phòng Đăng ký kinh doanh")

    text = text_of(slip_html(second, OPTIONS))
    for expected in [
        "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", f"Mã hồ sơ: {code}", "Hạ Long, ngày 01 tháng 12 năm 2026",
        "tiếp nhận hồ sơ của Ông/Bà: Nguyễn Văn An",
        "Yêu cầu bổ sung, hoàn thiện hồ sơ lần thứ: 02",
        "Yêu cầu Ông/Bà hoàn thiện hồ sơ gồm những nội dung như sau:",
        "Lý do: Thiếu điều lệ có chữ ký của chủ sở hữu",
        "Thời gian yêu cầu bổ sung: 10 giờ 00 phút, ngày 01 tháng 12 năm 2026",
        "Thời gian hẹn trả kết quả khi tạm dừng: 17 giờ 00 phút, ngày 03 tháng 12 năm 2026",
        "Thời gian nhận hồ sơ bổ sung: 14 giờ 00 phút, ngày 01 tháng 12 năm 2026",
        "Thời gian hẹn trả kết quả mới: 10 giờ 00 phút, ngày 04 tháng 12 năm 2026",
        "NGƯỜI HƯỚNG DẪN", "Trần Văn Minh (Phòng Đăng ký kinh doanh)",
    ]:
        assert expected in text, expected


def test_the_apology_gives_the_old_and_the_new_appointment(session_factory, ctx, code):
    with session_factory() as session:
        data = slips.apology_data(session, code, calendar=ctx.calendar)
    assert (data.extended_at, data.old_due_at, data.new_due_at) == (local(2, 12, 9), local(4, 12, 10),
                                                                      local(7, 12, 17))
    assert data.reason == EXTENSION_REASON
    text = text_of(slip_html(data, OPTIONS))
    for expected in [
        "PHÒNG ĐĂNG KÝ KINH DOANH, SỞ TÀI CHÍNH", "Số: ………/PXL", "Hạ Long, ngày 02 tháng 12 năm 2026",
        "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT", "Kính gửi: Ông/Bà Nguyễn Văn An",
        "Ngày 27/11/2026, Trung tâm Phục vụ hành chính công (kiểm thử) tiếp nhận giải quyết hồ sơ của Ông/Bà:",
        f"Mã hồ sơ (số biên nhận): {code}",
        "Thời gian hẹn trả kết quả: 10 giờ 00 phút, ngày 04 tháng 12 năm 2026",
        f"Lý do: {EXTENSION_REASON}",
        "Sự chậm trễ này đã gây phiền hà, tốn kém chi phí, công sức của Ông/Bà.",
        "Thời gian hẹn trả kết quả lại: 17 giờ 00 phút, ngày 07 tháng 12 năm 2026",
        "THỦ TRƯỞNG CƠ QUAN",
    ]:
        assert expected in text, expected


def test_the_control_slip_classifies_every_step_and_the_dossier(session_factory, ctx, code):
    with session_factory() as session:
        data = slips.control_data(session, code, calendar=ctx.calendar)
    summary = data.dossier
    assert (summary.due_at, summary.original_due_at, summary.extended_due_at) == (
        local(4, 12, 10), local(2, 12, 17), local(7, 12, 17))
    assert [(r.step_name, r.handed_at, r.due_at, r.completed_at, r.timeliness, r.state) for r in data.rows] == [
        ("Thẩm định hồ sơ", local(27, 11, 9), local(1, 12, 9), local(30, 11, 9), Timeliness.EARLY, "done"),
        ("Tiếp nhận hồ sơ bổ sung", local(30, 11, 9), local(30, 11, 14, 30), local(1, 12, 9), None, "citizen"),
        ("Thẩm định hồ sơ", local(1, 12, 9), local(3, 12, 9), local(1, 12, 10), Timeliness.EARLY, "done"),
        ("Tiếp nhận hồ sơ bổ sung", local(1, 12, 10), local(1, 12, 15, 30), local(1, 12, 14), None, "citizen"),
        ("Thẩm định hồ sơ", local(1, 12, 14), local(3, 12, 14), local(3, 12, 9), Timeliness.ON_TIME, "done"),
        ("Phê duyệt kết quả", local(3, 12, 9), local(3, 12, 14, 30), local(3, 12, 10), Timeliness.ON_TIME, "done"),
        ("Trả kết quả", local(3, 12, 10), local(3, 12, 15, 30), local(3, 12, 11), Timeliness.ON_TIME, "done"),
        # Finished a day before the shifted deadline, yet late: supplementation was requested twice.
        ("Giao kết quả cho tổ chức, cá nhân", local(3, 12, 11), local(4, 12, 10), local(3, 12, 11),
         Timeliness.LATE, "result"),
    ]
    assert [(r.from_official, r.to_official) for r in data.rows[:3]] == [
        ("Nguyễn Thị Lan", "Trần Văn Minh"), ("Trần Văn Minh", "Nguyễn Thị Lan"), ("Nguyễn Thị Lan", "Trần Văn Minh")]

    html = slip_html(data, OPTIONS)
    cells = [[" ".join(" ".join(td.itertext()).split()) for td in tr.findall("td")]
             for tr in lxml.html.fromstring(html).xpath("//table[contains(@class, 'grid')]/tbody/tr")]
    assert [row[2] for row in cells] == ["Trước hạn", "Tạm dừng", "Trước hạn", "Tạm dừng", "Đúng hạn", "Đúng hạn",
                                         "Đúng hạn", "Quá hạn"]
    assert cells[1][0] == ("1. Giao: Phòng Đăng ký kinh doanh – Trần Văn Minh "
                           "2. Nhận: Bộ phận Một cửa – Nguyễn Thị Lan")
    assert "Nhận hồ sơ bổ sung: 09:00 ngày 01/12/2026" in cells[1][3]
    assert "Hạn xử lý: 14:00 ngày 03/12/2026" in cells[4][3]
    text = text_of(html)
    for expected in [
        "Thời gian nhận hồ sơ: 09 giờ 00 phút, ngày 27 tháng 11 năm 2026",
        "Thời gian trả kết quả giải quyết hồ sơ: 10 giờ 00 phút, ngày 04 tháng 12 năm 2026",
        "(Hẹn ban đầu: 17 giờ 00 phút, ngày 02 tháng 12 năm 2026; đã cộng 10 giờ 30 phút làm việc tạm dừng",
        "Thời gian hẹn trả kết quả lại (gia hạn): 17 giờ 00 phút, ngày 07 tháng 12 năm 2026",
        "Kết quả giải quyết hồ sơ: Đã trả kết quả – Quá hạn",
        "Số lần yêu cầu bổ sung, hoàn thiện hồ sơ: 2",
        "Quyết định số 766/QĐ-TTg",
    ]:
        assert expected in text, expected
