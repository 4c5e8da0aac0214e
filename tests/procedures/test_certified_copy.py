"""Chứng thực bản sao từ bản chính (same-day, commune level): every path of the diagram, the
same-day appointment with the 15:00 cut-off, and the stored state round-tripped after every step
(the workflow cache is off, so each command really loads what the last stored)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from engine.persistence.models import Center, DossierStatus, HumanTask
from tests.conftest import deploy, open_tasks
from tests.procedures.driver import (
    Procedure,
    assert_finished,
    assert_state_round_trips,
    completed_steps,
    event_types,
    final,
    finished_history,
    start,
    step,
    steps,
    task_decisions,
)

KEY = "certified_copy"
# Received at the one-stop desk of phường Hạ Long: every step is that ward's (routed by locality).
LOCALITY = "ubnd_phuong_ha_long"
RECEPTION = ("reception", f"{LOCALITY}.mot_cua", "reception")
JUSTICE_OFFICER = ("justice_officer", f"{LOCALITY}.tu_phap_ho_tich", "specialist")
LEADER = ("leader", LOCALITY, "unit_leader")
HA_LONG = ZoneInfo("Asia/Ho_Chi_Minh")

APPRAISE_OK = {
    "appraisal_decision": "propose_certification",
    "appraisal_opinion": "Bản chính hợp lệ, bản sao đúng với bản chính",
}
APPRAISE_SUPPLEMENT = {
    "appraisal_decision": "request_supplement",
    "appraisal_opinion": "Học bạ nộp thiếu trang cuối có xác nhận của nhà trường",
    "missing_documents": ["Bản chính học bạ đầy đủ các trang"],
}
APPRAISE_REFUSE = {
    "appraisal_decision": "propose_refusal",
    "appraisal_opinion": "Bản chính bị sửa chữa",
    "refusal_grounds": ["altered"],
    "refusal_detail": "Bản chính bằng tốt nghiệp bị sửa chữa năm tốt nghiệp, không hợp lệ",
}
SUPPLEMENT = {"supplemented_documents": ["Bản chính học bạ (đủ 12 trang)"], "supplement_note": "Nộp tại quầy"}
SIGN = {"approval_decision": "sign_certification", "approval_comment": "Đồng ý"}
SIGN_REFUSAL = {"approval_decision": "sign_refusal", "approval_comment": "Đồng ý từ chối"}
REAPPRAISE = {"approval_decision": "return_for_reappraisal", "approval_comment": "Đối chiếu lại số trang học bạ"}
RETURN = {"delivery_channel": "counter", "recipient_name": "Phạm Thị Hoa", "delivered_on": "2026-11-27",
          "fee_receipt_number": "BL-0001234"}
NOTIFY_REFUSAL = {"delivery_channel": "counter", "recipient_name": "Phạm Thị Hoa"}

ISSUE_PATH = [("appraise_dossier", JUSTICE_OFFICER, APPRAISE_OK), ("approve_dossier", LEADER, SIGN),
              ("return_result", RECEPTION, RETURN)]
SUPPLEMENT_ROUND = [("appraise_dossier", JUSTICE_OFFICER, APPRAISE_SUPPLEMENT),
                    ("receive_supplement", RECEPTION, SUPPLEMENT)]


def vn(day: int, hour: int, minute: int = 0) -> datetime:
    """An instant of November 2026 in Hạ Long (27/11 is a Friday, 28-29/11 the weekend)."""
    return datetime(2026, 11, day, hour, minute, tzinfo=HA_LONG)


PROCEDURE = Procedure(KEY, {
    "applicant": {
        "applicant_name": "Phạm Thị Hoa",
        "id_number": "022190004567",
        "phone": "0987654321",
        "address": "Thôn 3, xã Quảng La, tỉnh Quảng Ninh",
    },
    "documents_to_certify": [
        {"document_name": "Bằng tốt nghiệp trung học phổ thông",
         "issuing_authority": "Sở Giáo dục và Đào tạo tỉnh Quảng Ninh", "page_count": 1, "copy_count": 3},
        {"document_name": "Học bạ trung học phổ thông", "issuing_authority": "Trường THPT Hòn Gai",
         "page_count": 12, "copy_count": 2},
        {"document_name": "Hồ sơ địa chính thửa đất", "issuing_authority": "Văn phòng đăng ký đất đai",
         "page_count": 300, "copy_count": 1},
    ],
    "documents": ["original_document", "prepared_copy"],
    "result_delivery": "counter",
})


@pytest.fixture
def center(session_factory):
    """A commune-level center: the one-stop desk of phường Hạ Long."""
    with session_factory.begin() as session:
        row = Center(code="hcc_ha_long", name="Trung tâm Phục vụ hành chính công phường Hạ Long",
                     agency_identifier="000.00.01.H49", locality=LOCALITY)
        session.add(row)
    return row


def test_happy_path_certifies_the_copies_the_same_day(session_factory, ctx, dossier_id, staff, clock):
    assert_state_round_trips(session_factory, ctx, dossier_id)
    clock.advance(minutes=40)
    step(session_factory, ctx, dossier_id, "appraise_dossier", JUSTICE_OFFICER, APPRAISE_OK, staff)
    clock.advance(minutes=20)
    step(session_factory, ctx, dossier_id, "approve_dossier", LEADER, SIGN, staff)
    clock.advance(minutes=20)
    step(session_factory, ctx, dossier_id, "return_result", RECEPTION, RETURN, staff)

    dossier = assert_finished(session_factory, dossier_id, DossierStatus.COMPLETED,
                              "result_returned", "Đã trả bản sao được chứng thực")
    assert dossier.data["certification_number"] == f"{dossier.code}-KQ1"
    # 3 x 2.000 (one page) + 2 x (2 x 2.000 + 10 x 1.000) + 1 x 200.000 (300 pages, capped per copy)
    assert dossier.data["certification_fee_vnd"] == 6_000 + 28_000 + 200_000
    assert dossier.data["copy_total"] == 6
    assert dossier.due_at == vn(27, 17)
    assert dossier.completed_at <= dossier.due_at
    assert open_tasks(session_factory, dossier_id) == []
    assert task_decisions(session_factory, dossier_id) == [
        ("appraise_dossier", {"appraisal_decision": "propose_certification"}),
        ("approve_dossier", {"approval_decision": "sign_certification"}),
        ("return_result", None),
    ]
    events = finished_history(session_factory, dossier_id)
    assert event_types(events, "record_certification") == ["step_ready", "step_completed"]


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (vn(27, 9), vn(27, 17)),  # in the morning: the same working day
        (vn(27, 15), vn(27, 17)),  # at 15:00 sharp: not after the cut-off
        (vn(27, 15, 30), vn(30, 17)),  # after 15:00 on a Friday: the next working day is Monday
        (vn(27, 17, 30), vn(30, 17)),  # after closing time
        (vn(28, 10), vn(30, 17)),  # on a Saturday
    ],
)
def test_same_day_appointment_with_the_15_00_cutoff(session_factory, ctx, center, staff, clock, received, due):
    deploy(session_factory, ctx, KEY)
    clock.set(received)
    dossier_id = start(session_factory, ctx, PROCEDURE, center, staff)
    assert final(session_factory, dossier_id).due_at == due
    assert_state_round_trips(session_factory, ctx, dossier_id)


def test_step_allotments_fit_between_the_cutoff_and_closing_time(session_factory, ctx, center, staff, clock):
    """A dossier received at 15:00 is due at 17:00; every step done at its own deadline ends on time."""
    deploy(session_factory, ctx, KEY)
    clock.set(vn(27, 15))
    dossier_id = start(session_factory, ctx, PROCEDURE, center, staff)
    for (element, expected, data), step_due in zip(ISSUE_PATH, [vn(27, 16), vn(27, 16, 30), vn(27, 17)], strict=True):
        [task] = open_tasks(session_factory, dossier_id)
        assert (task.element_id, task.due_at) == (element, step_due)
        clock.set(step_due)
        step(session_factory, ctx, dossier_id, element, expected, data, staff)
    dossier = final(session_factory, dossier_id)
    assert dossier.status == DossierStatus.COMPLETED
    assert dossier.completed_at == dossier.due_at == vn(27, 17)


@pytest.mark.parametrize("rounds", [1, 2])
def test_supplementation_loops_back_to_appraisal(session_factory, ctx, dossier_id, staff, rounds):
    steps(session_factory, ctx, dossier_id, staff, SUPPLEMENT_ROUND * rounds + ISSUE_PATH)

    dossier = final(session_factory, dossier_id)
    assert dossier.status == DossierStatus.COMPLETED
    assert dossier.result_element_id == "result_returned"
    assert completed_steps(session_factory, dossier_id) == (
        ["appraise_dossier", "receive_supplement"] * rounds + ["appraise_dossier", "approve_dossier", "return_result"]
    )
    assert [d for element, d in task_decisions(session_factory, dossier_id) if element == "appraise_dossier"] == (
        [{"appraisal_decision": "request_supplement"}] * rounds + [{"appraisal_decision": "propose_certification"}]
    )


def test_refusal_ends_with_refusal_notice(session_factory, ctx, dossier_id, staff):
    steps(session_factory, ctx, dossier_id, staff, [
        ("appraise_dossier", JUSTICE_OFFICER, APPRAISE_REFUSE), ("approve_dossier", LEADER, SIGN_REFUSAL),
        ("notify_refusal", RECEPTION, NOTIFY_REFUSAL)])

    dossier = assert_finished(session_factory, dossier_id, DossierStatus.REFUSED,
                              "dossier_refused", "Từ chối chứng thực")
    assert dossier.data["refusal_grounds"] == ["altered"]
    assert "certification_number" not in dossier.data
    assert task_decisions(session_factory, dossier_id) == [
        ("appraise_dossier", {"appraisal_decision": "propose_refusal"}),
        ("approve_dossier", {"approval_decision": "sign_refusal"}),
        ("notify_refusal", None),
    ]


def test_leader_returns_for_a_new_check(session_factory, ctx, dossier_id, staff):
    steps(session_factory, ctx, dossier_id, staff, [
        ("appraise_dossier", JUSTICE_OFFICER, APPRAISE_OK), ("approve_dossier", LEADER, REAPPRAISE), *ISSUE_PATH])

    assert final(session_factory, dossier_id).status == DossierStatus.COMPLETED
    assert [d for element, d in task_decisions(session_factory, dossier_id) if element == "approve_dossier"] == [
        {"approval_decision": "return_for_reappraisal"}, {"approval_decision": "sign_certification"}]


def test_every_step_is_allotted_hours_not_days(session_factory, ctx, dossier_id, staff, clock):
    steps(session_factory, ctx, dossier_id, staff, ISSUE_PATH)
    with session_factory() as session:
        tasks = session.scalars(select(HumanTask).where(HumanTask.dossier_id == dossier_id)
                                .order_by(HumanTask.ready_at, HumanTask.element_id)).all()
    # Received at 09:00: check 1 h, sign 30 min, return 30 min, all ready at 09:00 in this test.
    assert [(t.element_id, t.stage, t.due_at) for t in tasks] == [
        ("appraise_dossier", "appraise", vn(27, 10)),
        ("approve_dossier", "approve", vn(27, 9, 30)),
        ("return_result", "return", vn(27, 9, 30)),
    ]
