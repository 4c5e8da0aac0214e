"""Phản ánh, kiến nghị: received from the public form (no sign-in, online channel), classified by
the one-stop desk, answered by the unit it chose within 15 working days, no fee; the sender reads
the answer (or the reason it is not handled) through the lookup with the receipt's code and secret."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from engine.errors import FormInvalidError, NotFoundError
from engine.feedback import PUBLIC_FORM, public_answers, submit_feedback
from engine.persistence.models import Channel, DossierStatus
from tests.procedures.driver import (
    Procedure,
    assert_finished,
    assert_state_round_trips,
    final,
    open_now,
    step,
    task_decisions,
)

KEY = "citizen_feedback"
RECEPTION = ("reception", "trung_tam_hcc", "reception")
BUSINESS_OFFICE = ("responsible_unit", "so_tai_chinh.phong_dkkd", "specialist")
VN = ZoneInfo("Asia/Ho_Chi_Minh")

FEEDBACK = {"name": "Trần Thị Bình", "contact": "0912 345 678",
            "subject": "Chậm trả kết quả đăng ký doanh nghiệp",
            "content": "Hồ sơ của tôi đã quá hẹn ba ngày mà chưa nhận được thông báo nào về lý do chậm trễ.",
            "related_dossier_code": "000.00.00.H49-261120-0001"}
FORWARD = {"classification_decision": "forward", "responsible_unit": "so_tai_chinh.phong_dkkd",
           "classification_opinion": "Chuyển Phòng Đăng ký kinh doanh trả lời"}
ANSWER = {"answer": "Hồ sơ chậm do chờ kết quả cấp mã số thuế; Phòng đã trả kết quả ngày 27/11/2026 "
                    "và gửi phiếu xin lỗi.", "answer_document_number": "125/ĐKKD-TL"}
NOT_ACCEPTED = {"classification_decision": "not_accepted",
                "classification_opinion": "Nội dung là đơn khiếu nại",
                "reply_to_sender": "Nội dung là khiếu nại quyết định hành chính; đề nghị Ông/Bà gửi đơn khiếu "
                                   "nại theo Luật Khiếu nại."}

# The procedure tests' fixtures receive dossiers at the counter; this procedure's come from the form.
PROCEDURE = Procedure(KEY, {})


def submit(session_factory, ctx, center, **overrides):
    with session_factory.begin() as session:
        return submit_feedback(session, ctx, center_code=center.code, **{**FEEDBACK, **overrides})


def dossier_id_of(session_factory, code):
    from sqlalchemy import select

    from engine.persistence.models import Dossier
    with session_factory() as session:
        return session.scalar(select(Dossier.id).where(Dossier.code == code))


def answers(session_factory, ctx, receipt, secret=None):
    with session_factory() as session:
        return public_answers(session, ctx, receipt.code, secret or receipt.secret)


def test_public_feedback_is_answered_by_the_unit_the_desk_chose(session_factory, ctx, deployed, center, staff,
                                                                 clock):
    receipt = submit(session_factory, ctx, center)
    dossier_id = dossier_id_of(session_factory, receipt.code)
    assert_state_round_trips(session_factory, ctx, dossier_id)
    dossier = final(session_factory, dossier_id)
    assert (dossier.channel, dossier.created_by_id, dossier.applicant_name) == (Channel.ONLINE, None, "Trần Thị Bình")
    assert dossier.applicant == {"applicant_name": "Trần Thị Bình", "phone": "0912345678"}
    # Friday 27/11/2026 09:00: 15 working days later is Friday 18/12/2026, end of the working day.
    assert receipt.due_at == datetime(2026, 12, 18, 17, tzinfo=VN)
    assert open_now(session_factory, dossier_id) == [("classify_feedback", *RECEPTION)]
    assert answers(session_factory, ctx, receipt) == []

    clock.advance(hours=2)
    step(session_factory, ctx, dossier_id, "classify_feedback", RECEPTION, FORWARD, staff)
    assert open_now(session_factory, dossier_id) == [("answer_feedback", *BUSINESS_OFFICE)]
    clock.advance(days=3)
    step(session_factory, ctx, dossier_id, "answer_feedback", BUSINESS_OFFICE, ANSWER, staff)

    dossier = assert_finished(session_factory, dossier_id, DossierStatus.COMPLETED,
                              "feedback_answered", "Đã trả lời phản ánh, kiến nghị")
    assert dossier.timeliness == "early"
    assert task_decisions(session_factory, dossier_id) == [
        ("classify_feedback", {"classification_decision": "forward"}), ("answer_feedback", None)]
    [answer] = answers(session_factory, ctx, receipt)
    assert (answer.step, answer.text) == ("Xem xét, trả lời phản ánh, kiến nghị", ANSWER["answer"])
    assert answer.answered_at == clock.now()


def test_feedback_the_desk_does_not_handle_tells_the_sender_why(session_factory, ctx, deployed, center, staff):
    receipt = submit(session_factory, ctx, center, contact="binh.tran@example.vn", related_dossier_code="")
    dossier_id = dossier_id_of(session_factory, receipt.code)
    assert final(session_factory, dossier_id).applicant["email"] == "binh.tran@example.vn"
    step(session_factory, ctx, dossier_id, "classify_feedback", RECEPTION, NOT_ACCEPTED, staff)

    assert_finished(session_factory, dossier_id, DossierStatus.REFUSED, "feedback_not_accepted",
                    "Không xử lý, đã thông báo lý do")
    assert [a.text for a in answers(session_factory, ctx, receipt)] == [NOT_ACCEPTED["reply_to_sender"]]


def test_answers_need_the_receipts_secret(session_factory, ctx, deployed, center):
    receipt = submit(session_factory, ctx, center)
    with pytest.raises(NotFoundError):
        answers(session_factory, ctx, receipt, secret="AAAAAAAA")


@pytest.mark.parametrize(("overrides", "fields"), [
    ({"name": "", "contact": "", "subject": "", "content": ""}, ["name", "contact", "subject", "content"]),
    ({"name": "", "subject": "", "content": "ngắn"}, ["name", "subject", "content"]),
    ({"contact": "09123"}, ["contact"]),
    ({"contact": "binh@"}, ["contact"]),
    ({"related_dossier_code": "mã <sai>"}, ["related_dossier_code"]),
])
def test_form_problems_name_the_public_forms_fields(session_factory, ctx, deployed, center, overrides, fields):
    with pytest.raises(FormInvalidError) as refused:
        submit(session_factory, ctx, center, **overrides)
    assert sorted({p.field for p in refused.value.problems}) == sorted(fields)
    assert all(p.message and p.message != p.message_en for p in refused.value.problems)


def test_an_unknown_center_is_a_field_problem(session_factory, ctx, deployed, center):
    with pytest.raises(FormInvalidError) as refused:
        with session_factory.begin() as session:
            submit_feedback(session, ctx, center_code="khong_co", **FEEDBACK)
    assert [p.field for p in refused.value.problems] == ["center"]


def test_the_form_receives_as_the_system_not_as_an_official():
    assert PUBLIC_FORM.id is None
