"""Đăng ký đất đai lần đầu, cấp Giấy chứng nhận: two pools in one workflow (the land registration
office and the tax authority) exchanging messages: the cadastral transfer, the payment notice, the
confirmation that the land user paid (or is exempt) and, for a refused dossier, the notice that
no transfer will come. Every path, with the stored state round-tripped after every step (the
workflow cache is off)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from engine.calendar.deadlines import TimeLimit, dossier_due_at
from engine.persistence.models import DossierStatus
from engine.runtime.context import EngineContext
from tests.conftest import history, open_tasks
from tests.procedures.driver import (
    Procedure,
    SessionFactory,
    assert_finished,
    complete_one_of,
    completed_steps,
    decisions,
    events_of,
    final,
    numbered_history,
    open_now,
    step,
    steps,
    wake_at,
)
from tests.staff import Staff

pytestmark = pytest.mark.usefixtures("traveller")

KEY = "land_first_registration"
RECEPTION = ("reception", "trung_tam_hcc_xa", "reception")
COMMUNE = ("commune", "ubnd_xa.dia_chinh", "specialist")
CERTIFICATE_AUTHORITY = ("certificate_authority", "ubnd_xa", "unit_leader")
LAND_REGISTRY = ("land_registry", "vpdkdd.chi_nhanh", "specialist")
TAX_ASSESSMENT = ("tax_assessment", "thue_co_so", "specialist")
TAX_ACCOUNTING = ("tax_accounting", "thue_co_so.ke_khai_ke_toan", "specialist")

VERIFY = {
    "land_origin": "Đất ở do ông bà để lại, sử dụng ổn định từ năm 1992",
    "land_use_since": "1992-05-01",
    "dispute_status": "no_dispute",
    "planning_conformity": "conforms",
    "posted_from": "2026-11-30",
    "posted_to": "2026-12-14",
    "verification_note": "Sử dụng ổn định, không tranh chấp, phù hợp quy hoạch",
}
APPRAISE_OK = {"appraisal_decision": "propose_registration", "appraisal_opinion": "Đủ điều kiện cấp Giấy chứng nhận",
               "surveyed_area_m2": 152.4}
APPRAISE_SUPPLEMENT = {
    "appraisal_decision": "request_supplement",
    "appraisal_opinion": "Thiếu giấy tờ về tài sản gắn liền với đất",
    "missing_documents": ["Giấy phép xây dựng nhà ở"],
}
APPRAISE_REFUSE = {
    "appraisal_decision": "propose_refusal",
    "appraisal_opinion": "Thửa đất đang có tranh chấp",
    "refusal_grounds": "Thửa đất đang có tranh chấp về ranh giới với thửa liền kề (Điều 151 Luật Đất đai)",
}
SUPPLEMENT = {"supplemented_documents": ["Giấy phép xây dựng nhà ở số 12/GPXD"]}
APPROVE_REGISTRATION = {"registration_decision": "approve_registration"}
SIGN_REFUSAL = {"registration_decision": "sign_refusal", "registration_comment": "Đất đang có tranh chấp ranh giới"}
REAPPRAISE = {"registration_decision": "return_for_reappraisal", "registration_comment": "Kiểm tra lại diện tích"}
TRANSFER = {"tax_transfer_number": "125/PCTT", "transferred_on": "2026-12-16", "transfer_area_m2": 152.4,
            "land_use_term": "long_term"}
ASSESS_PAYABLE = {
    "obligation_decision": "payable",
    "tax_notice_number": "TB-2026-0815",
    "land_use_fee_vnd": 45_000_000,
    "registration_fee_vnd": 1_250_000,
    "payment_deadline": "2027-01-15",
}
ASSESS_EXEMPT = {
    "obligation_decision": "exempt",
    "tax_notice_number": "TB-2026-0816",
    "land_use_fee_vnd": 0,
    "registration_fee_vnd": 0,
    "payment_deadline": "2027-01-15",
    "exemption_basis": "Đất sử dụng ổn định trước 15/10/1993, không phải nộp tiền sử dụng đất",
}
DELIVER_NOTICE = {"notice_delivery_channel": "counter", "notice_recipient_name": "Vũ Văn Toàn",
                  "notice_delivered_on": "2026-12-18"}
PAID = {"obligation_status": "paid", "amount_paid_vnd": 46_250_000,
        "proof_documents": ["Giấy nộp tiền số 0012345 ngày 24/12/2026"], "confirmed_on": "2026-12-24"}
EXEMPT = {"obligation_status": "exempt", "amount_paid_vnd": 0,
          "proof_documents": ["Thông báo miễn số TB-2026-0816"], "confirmed_on": "2026-12-18"}
PREPARE = {"certificate_serial": "DA 123456", "cadastral_database_updated": True}
SIGN = {"certificate_decision": "sign_certificate"}
CORRECT = {"certificate_decision": "return_for_correction", "certificate_comment": "Sai tên đường trên trang 2"}
RETURN = {"delivery_channel": "counter", "recipient_name": "Vũ Văn Toàn", "delivered_on": "2027-01-08"}
NOTIFY_REFUSAL = {"delivery_channel": "counter", "recipient_name": "Vũ Văn Toàn"}

TRANSFER_PATH = [("appraise_dossier", LAND_REGISTRY, APPRAISE_OK),
                 ("approve_registration", CERTIFICATE_AUTHORITY, APPROVE_REGISTRATION),
                 ("prepare_tax_transfer", LAND_REGISTRY, TRANSFER)]
ISSUE_PATH = [("prepare_certificate", LAND_REGISTRY, PREPARE), ("approve_certificate", CERTIFICATE_AUTHORITY, SIGN),
              ("return_result", RECEPTION, RETURN)]


PROCEDURE = Procedure(KEY, {
    "applicant": {
        "applicant_name": "Vũ Văn Toàn",
        "id_number": "022070003456",
        "phone": "0978123456",
        "address": "Thôn 3, xã Quảng La, tỉnh Quảng Ninh",
    },
    "land_user_name": "Vũ Văn Toàn",
    "land_user_type": "household",
    "parcel_number": "318",
    "map_sheet_number": "27",
    "land_address": "Thôn 3, xã Quảng La, tỉnh Quảng Ninh",
    "declared_area_m2": 150,
    "land_use_purpose": "residential",
    "declared_land_origin": "Ông bà để lại, sử dụng từ năm 1992",
    "registers_house": True,
    "documents": ["registration_application", "asset_ownership_papers"],
    "result_delivery": "counter",
})


def event_order(session_factory: SessionFactory, dossier_id: int, *wanted: tuple[str, str]) -> list[int]:
    """Positions in the history of the first (event type, element) pairs asked for."""
    events = [(e.event_type, e.element_id) for e in history(session_factory, dossier_id)]
    return [events.index(pair) for pair in wanted]


def up_to_the_tax_authority(session_factory: SessionFactory, ctx: EngineContext, dossier_id: int, staff: Staff) -> None:
    steps(session_factory, ctx, dossier_id, staff, [("verify_land_status", COMMUNE, VERIFY), *TRANSFER_PATH])


def pay_and_deliver(session_factory: SessionFactory, ctx: EngineContext, dossier_id: int, staff: Staff,
                    assessment: dict[str, Any], payment: dict[str, Any], payment_first: bool) -> None:
    step(session_factory, ctx, dossier_id, "assess_financial_obligation", TAX_ASSESSMENT, assessment, staff)
    # the notice reached the land office: the one-stop unit hands it over while the tax authority waits for money
    assert open_now(session_factory, dossier_id) == [
        ("deliver_tax_notice", *RECEPTION),
        ("record_payment", *TAX_ACCOUNTING),
    ]
    assert final(session_factory, dossier_id).status == DossierStatus.AWAITING_PAYMENT
    order = [("record_payment", payment), ("deliver_tax_notice", DELIVER_NOTICE)]
    for element_id, data in order if payment_first else reversed(order):
        complete_one_of(session_factory, ctx, dossier_id, element_id, data, staff)
    assert final(session_factory, dossier_id).status == DossierStatus.PROCESSING


def issue_and_return(session_factory: SessionFactory, ctx: EngineContext, dossier_id: int, staff: Staff) -> None:
    steps(session_factory, ctx, dossier_id, staff, ISSUE_PATH)


@pytest.mark.parametrize("payment_first", [True, False])
def test_happy_path_with_the_tax_liaison(session_factory, ctx, dossier_id, staff, payment_first):
    assert open_now(session_factory, dossier_id) == [("verify_land_status", *COMMUNE)]
    up_to_the_tax_authority(session_factory, ctx, dossier_id, staff)
    # the transfer went to the tax authority's pool, which was waiting for it from the start
    assert open_now(session_factory, dossier_id) == [("assess_financial_obligation", *TAX_ASSESSMENT)]
    pay_and_deliver(session_factory, ctx, dossier_id, staff, ASSESS_PAYABLE, PAID, payment_first)
    assert open_now(session_factory, dossier_id) == [("prepare_certificate", *LAND_REGISTRY)]
    issue_and_return(session_factory, ctx, dossier_id, staff)

    dossier = assert_finished(session_factory, dossier_id, DossierStatus.COMPLETED, "result_returned", "Đã trả kết quả")
    assert dossier.data["certificate_number"] == f"{dossier.code}-KQ1"
    # what each pool received by message ends up in the dossier's data
    assert dossier.data["land_tax_transfer"] == {
        "dossier_code": dossier.code, "land_user": "Vũ Văn Toàn", "parcel_number": "318",
        "map_sheet_number": "27", "area_m2": 152.4, "land_use_purpose": "residential",
        "land_origin": VERIFY["land_origin"], "transfer_number": "125/PCTT"}
    assert dossier.data["tax_notice"] == {
        "notice_number": "TB-2026-0815", "obligation": "payable", "land_use_fee_vnd": 45_000_000,
        "registration_fee_vnd": 1_250_000, "total_payable_vnd": 46_250_000, "payment_deadline": "2027-01-15"}
    assert dossier.data["payment_confirmation"] == {
        "status": "paid", "amount_paid_vnd": 46_250_000, "proof_documents": PAID["proof_documents"],
        "confirmed_on": "2026-12-24"}
    assert open_tasks(session_factory, dossier_id) == []
    # the messages went out before they were caught, in the liaison's order
    positions = event_order(
        session_factory, dossier_id,
        ("step_completed", "send_tax_transfer"), ("step_completed", "tax_transfer_received"),
        ("task_completed", "assess_financial_obligation"),
        ("step_completed", "send_tax_notice"), ("step_completed", "receive_tax_notice"),
        ("task_completed", "record_payment"),
        ("step_completed", "send_payment_confirmation"), ("step_completed", "receive_payment_confirmation"),
        ("dossier_completed", "result_returned"))
    assert positions == sorted(positions)
    ended = event_order(session_factory, dossier_id, ("step_completed", "send_payment_confirmation"),
                        ("step_completed", "obligations_fulfilled"))
    assert ended == sorted(ended)  # the tax authority's pool ends once its confirmation is out
    assert decisions(session_factory, dossier_id) == [
        ("appraise_dossier", {"appraisal_decision": "propose_registration"}),
        ("approve_registration", {"registration_decision": "approve_registration"}),
        ("assess_financial_obligation", {"obligation_decision": "payable"}),
        ("approve_certificate", {"certificate_decision": "sign_certificate"}),
    ]
    lanes = {e.element_id: e.lane for e in events_of(session_factory, dossier_id, "task_completed")}
    assert lanes["assess_financial_obligation"] == "tax_assessment"
    assert lanes["record_payment"] == "tax_accounting"
    events = numbered_history(session_factory, dossier_id)
    # the tax authority's end is not the dossier's result
    assert [e.element_id for e in events if e.event_type == "dossier_completed"] == ["result_returned"]


def test_exempt_land_user_gets_the_exemption_notice_and_confirmation(session_factory, ctx, dossier_id, staff):
    up_to_the_tax_authority(session_factory, ctx, dossier_id, staff)
    pay_and_deliver(session_factory, ctx, dossier_id, staff, ASSESS_EXEMPT, EXEMPT, payment_first=False)
    issue_and_return(session_factory, ctx, dossier_id, staff)
    dossier = final(session_factory, dossier_id)
    assert dossier.status == DossierStatus.COMPLETED
    assert dossier.data["tax_notice"]["total_payable_vnd"] == 0
    assert dossier.data["payment_confirmation"]["status"] == "exempt"


def test_the_payment_time_does_not_count(session_factory, ctx, dossier_id, staff, clock, traveller):
    up_to_the_tax_authority(session_factory, ctx, dossier_id, staff)
    step(session_factory, ctx, dossier_id, "assess_financial_obligation", TAX_ASSESSMENT, ASSESS_PAYABLE, staff)
    due_before = final(session_factory, dossier_id).due_at
    complete_one_of(session_factory, ctx, dossier_id, "deliver_tax_notice", DELIVER_NOTICE, staff)
    assert final(session_factory, dossier_id).status == DossierStatus.AWAITING_PAYMENT  # still waiting for money
    clock.advance(days=7)  # the land user pays a week later
    traveller.shift(timedelta(days=7))
    complete_one_of(session_factory, ctx, dossier_id, "record_payment", PAID, staff)
    dossier = final(session_factory, dossier_id)
    assert dossier.status == DossierStatus.PROCESSING
    assert dossier.due_at > due_before
    pauses = [(e.event_type, e.element_id)
              for e in events_of(session_factory, dossier_id, "clock_paused", "clock_resumed")]
    assert pauses == [("clock_paused", "record_payment"), ("clock_resumed", "record_payment")]
    assert wake_at(session_factory, dossier_id) is None


def test_dossier_due_date_is_twenty_three_working_days(session_factory, ctx, dossier_id):
    dossier = final(session_factory, dossier_id)
    assert dossier.due_at == dossier_due_at(dossier.received_at, TimeLimit(23, "working_days"), ctx.calendar)


@pytest.mark.parametrize("rounds", [1, 2])
def test_supplementation_loops_back_to_the_appraisal(session_factory, ctx, dossier_id, staff, rounds):
    step(session_factory, ctx, dossier_id, "verify_land_status", COMMUNE, VERIFY, staff)
    for _ in range(rounds):
        step(session_factory, ctx, dossier_id, "appraise_dossier", LAND_REGISTRY, APPRAISE_SUPPLEMENT, staff)
        assert final(session_factory, dossier_id).status == DossierStatus.AWAITING_SUPPLEMENT
        step(session_factory, ctx, dossier_id, "receive_supplement", RECEPTION, SUPPLEMENT, staff)
    steps(session_factory, ctx, dossier_id, staff, TRANSFER_PATH)
    pay_and_deliver(session_factory, ctx, dossier_id, staff, ASSESS_PAYABLE, PAID, payment_first=True)
    issue_and_return(session_factory, ctx, dossier_id, staff)
    assert final(session_factory, dossier_id).status == DossierStatus.COMPLETED
    assert completed_steps(session_factory, dossier_id)[1: 1 + 2 * rounds] == (
        ["appraise_dossier", "receive_supplement"] * rounds)


def test_refusal_tells_the_tax_authority_and_ends_both_pools(session_factory, ctx, dossier_id, staff):
    steps(session_factory, ctx, dossier_id, staff, [
        ("verify_land_status", COMMUNE, VERIFY), ("appraise_dossier", LAND_REGISTRY, APPRAISE_REFUSE),
        ("approve_registration", CERTIFICATE_AUTHORITY, SIGN_REFUSAL)])
    # the tax authority's pool has ended already; only the refusal notice is left
    ended = [e.element_id for e in events_of(session_factory, dossier_id, "step_completed")]
    assert "tax_liaison_stopped" in ended and "no_financial_obligation" in ended
    assert final(session_factory, dossier_id).data["tax_liaison_stop"] == {
        "dossier_code": final(session_factory, dossier_id).code, "reason": "Đất đang có tranh chấp ranh giới"}
    assert final(session_factory, dossier_id).status == DossierStatus.PROCESSING
    step(session_factory, ctx, dossier_id, "notify_refusal", RECEPTION, NOTIFY_REFUSAL, staff)

    dossier = assert_finished(session_factory, dossier_id, DossierStatus.REFUSED,
                              "dossier_refused", "Từ chối đăng ký, cấp Giấy chứng nhận")
    assert "certificate_number" not in dossier.data and "tax_notice" not in dossier.data
    assert "assess_financial_obligation" not in completed_steps(session_factory, dossier_id)


def test_returns_for_reappraisal_and_for_correction(session_factory, ctx, dossier_id, staff):
    steps(session_factory, ctx, dossier_id, staff, [
        ("verify_land_status", COMMUNE, VERIFY), ("appraise_dossier", LAND_REGISTRY, APPRAISE_OK),
        ("approve_registration", CERTIFICATE_AUTHORITY, REAPPRAISE), *TRANSFER_PATH])
    pay_and_deliver(session_factory, ctx, dossier_id, staff, ASSESS_PAYABLE, PAID, payment_first=True)
    steps(session_factory, ctx, dossier_id, staff,
          [("prepare_certificate", LAND_REGISTRY, PREPARE), ("approve_certificate", CERTIFICATE_AUTHORITY, CORRECT)])
    issue_and_return(session_factory, ctx, dossier_id, staff)
    dossier = final(session_factory, dossier_id)
    assert dossier.status == DossierStatus.COMPLETED
    done = completed_steps(session_factory, dossier_id)
    assert done.count("appraise_dossier") == 2 and done.count("prepare_certificate") == 2
    assert done.count("assess_financial_obligation") == 1  # one transfer, one notice
