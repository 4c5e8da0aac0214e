"""The slip data builders: what each slip reads from the dossier, its history and its steps."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from engine.calendar.deadlines import Timeliness
from engine.errors import FormInvalidError, NotFoundError
from engine.persistence.models import LOOKUP_SECRET_ALPHABET, Dossier
from engine.slips import data as slips
from tests.conftest import TEST_CENTER
from tests.unit.engine.slips.conftest import BASE_URL, local, one_late_step, received, refused


def test_receipt_reads_the_procedure_and_the_first_appointment(session_factory, ctx, driver):
    code = received(driver).code
    with session_factory() as session:
        data = slips.receipt_data(session, code, calendar=ctx.calendar, base_url=BASE_URL + "/")
        secret = session.scalar(select(Dossier.lookup_secret).where(Dossier.code == code))
    summary = data.dossier
    assert summary.code == code == f"{TEST_CENTER[2]}-261127-0001"
    assert len(secret) == 8 and set(secret) <= set(LOOKUP_SECRET_ALPHABET)
    assert summary.lookup_secret == secret and summary.lookup_url == f"{BASE_URL}/tra-cuu/{code}?mbm={secret}"
    assert summary.applicant.name == "Nguyễn Văn An" and summary.applicant.phone == "0912345678"
    assert summary.procedure_name.startswith("Đăng ký thành lập doanh nghiệp")
    assert summary.received_at == local(27, 11, 9) and summary.received_at.utcoffset().total_seconds() == 7 * 3600
    assert data.appointment_at == local(2, 12, 17)
    assert summary.received_by == "Nguyễn Thị Lan"
    assert summary.result_delivery == "Nhận trực tiếp tại Bộ phận Một cửa"
    assert [(d.name, d.copy_type, d.quantity) for d in data.documents][:2] == [
        ("Giấy đề nghị đăng ký doanh nghiệp", "ban_chinh", 1), ("Điều lệ công ty", "ban_chinh", 1)]
    assert len(data.documents) == 4
    assert [(f.name, f.amount_vnd) for f in data.fees] == [("Lệ phí đăng ký doanh nghiệp", 50000.0)]
    assert data.logbook_number == "0001"


def test_slips_that_do_not_apply_are_not_found(session_factory, ctx, driver):
    dossier = received(driver)
    code = dossier.code
    with session_factory() as session:
        for kind in ("supplement_request", "refusal", "apology"):
            with pytest.raises(NotFoundError) as caught:
                slips.slip_data(session, kind, dossier.dossier_id, calendar=ctx.calendar)
            assert code in caught.value.message and caught.value.message_en != caught.value.message
        with pytest.raises(NotFoundError):
            slips.receipt_data(session, "000.00.00.H99-000000-9999", calendar=ctx.calendar, base_url=BASE_URL)


def test_refusal_takes_the_grounds_from_the_steps(session_factory, ctx, driver):
    code = refused(driver).code
    with session_factory() as session:
        data = slips.refusal_data(session, code, calendar=ctx.calendar)
    assert data.grounds == "Tên doanh nghiệp trùng với doanh nghiệp đã đăng ký (Điều 41 Luật Doanh nghiệp 2020)"
    assert (data.refused_by, data.refused_unit) == ("Lê Quang Huy", "Lãnh đạo Sở")
    assert data.refused_at == local(27, 11, 14)
    assert data.dossier.status == "refused"


def test_control_rows_classify_each_step_against_its_own_due_time(session_factory, ctx, driver):
    code = one_late_step(driver).code
    with session_factory() as session:
        data = slips.control_data(session, code, calendar=ctx.calendar)
    rows = [(r.from_unit, r.from_official, r.to_unit, r.to_official, r.handed_at, r.due_at, r.timeliness, r.state)
            for r in data.rows]
    assert rows == [
        ("Trung tâm Phục vụ hành chính công (kiểm thử)", "Nguyễn Thị Lan", "Phòng Đăng ký kinh doanh",
         "Trần Văn Minh", local(27, 11, 9), local(1, 12, 9), Timeliness.EARLY, "done"),
        ("Phòng Đăng ký kinh doanh", "Trần Văn Minh", "Lãnh đạo Sở", "Lê Quang Huy",
         local(27, 11, 10), local(27, 11, 15, 30), Timeliness.LATE, "done"),
        ("Lãnh đạo Sở", "Lê Quang Huy", "Bộ phận Một cửa", "Nguyễn Thị Lan",
         local(30, 11, 9), local(30, 11, 14, 30), Timeliness.ON_TIME, "done"),
        ("Bộ phận Một cửa", "Nguyễn Thị Lan", "Tổ chức, cá nhân", "Nguyễn Văn An",
         local(30, 11, 10), local(2, 12, 17), Timeliness.EARLY, "result"),
    ]
    assert data.rows[0].decision == "Đề xuất cấp Giấy chứng nhận đăng ký doanh nghiệp"
    assert data.rows[-1].decision == "Đã trả kết quả"


def test_an_open_step_is_in_progress(session_factory, ctx, driver):
    dossier = received(driver)
    with session_factory() as session:
        (row,) = slips.control_data(session, dossier.dossier_id, calendar=ctx.calendar).rows
    assert (row.to_unit, row.to_official, row.state, row.timeliness) == ("Phòng Đăng ký kinh doanh", "", "open", None)


def test_logbook_filters_by_center_and_days(session_factory, ctx, driver):
    first = one_late_step(driver).code
    second = driver.start(local(1, 12, 16)).code
    with session_factory() as session:
        def codes(**filters):
            return [e.code for e in slips.logbook_data(session, calendar=ctx.calendar, **filters).entries]

        assert codes() == [first, second]
        assert codes(center=TEST_CENTER[0], received_from=date(2026, 12, 1), received_to=date(2026, 12, 1)) == [
            second]
        assert codes(received_to=date(2026, 11, 30)) == [first]
        book = slips.logbook_data(session, calendar=ctx.calendar, center=TEST_CENTER[0])
        entry = book.entries[0]
        assert book.center_name == TEST_CENTER[1]
        assert (entry.returned_at, entry.recipient, entry.timeliness) == (local(30, 11, 10), "Nguyễn Văn An", "early")
        assert entry.delivery == "Nhận trực tiếp tại Bộ phận Một cửa"
        with pytest.raises(NotFoundError):
            slips.logbook_data(session, calendar=ctx.calendar, center="khong_co")
        with pytest.raises(FormInvalidError):
            slips.logbook_data(session, calendar=ctx.calendar, received_from=date(2026, 12, 2),
                               received_to=date(2026, 12, 1))


def test_a_logbook_with_more_dossiers_than_the_cap_asks_for_a_shorter_period(session_factory, ctx, driver):
    driver.start(local(27, 11, 9))
    driver.start(local(27, 11, 10))
    with session_factory() as session:
        assert len(slips.logbook_data(session, calendar=ctx.calendar, max_rows=2).entries) == 2
        with pytest.raises(FormInvalidError) as refused_:
            slips.logbook_data(session, calendar=ctx.calendar, max_rows=1)
    assert [p.field for p in refused_.value.problems] == ["from"]


@pytest.mark.parametrize(("given", "window"), [
    ((None, None), (date(2026, 10, 28), date(2026, 11, 27))),
    ((date(2026, 11, 1), None), (date(2026, 11, 1), date(2026, 12, 1))),
    ((None, date(2026, 11, 10)), (date(2026, 10, 11), date(2026, 11, 10))),
    ((date(2026, 11, 1), date(2026, 11, 30)), (date(2026, 11, 1), date(2026, 11, 30))),
])
def test_the_logbook_window_is_at_most_31_days(given, window):
    assert slips.logbook_window(*given, today=date(2026, 11, 27)) == window


def test_a_logbook_window_over_31_days_names_the_end(ctx):
    with pytest.raises(FormInvalidError) as refused_:
        slips.logbook_window(date(2026, 1, 1), date(2026, 12, 31), today=date(2026, 11, 27))
    assert [p.field for p in refused_.value.problems] == ["to"]
    assert "31" in refused_.value.problems[0].message
