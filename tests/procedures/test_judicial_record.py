"""Cấp Phiếu lý lịch tư pháp: every path of the diagram, the parallel verifications by the police
and the court answered in either order, and the stored state round-tripped after every step (the
workflow cache is off, so each command really loads what the last stored)."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from engine.calendar.deadlines import TimeLimit, TimeLimitUnit
from engine.errors import FormInvalidError
from engine.persistence.models import DossierStatus
from engine.runtime.context import EngineContext
from engine.runtime.dossiers import start_dossier
from engine.runtime.tasks import complete_task
from engine.slips.data import receipt_data
from tests.conftest import deploy, history, open_tasks
from tests.procedures.driver import (
    Procedure,
    SessionFactory,
    assert_finished,
    assert_state_round_trips,
    complete_one_of,
    completed_steps,
    event_types,
    events_of,
    final,
    finished_history,
    open_now,
    start,
    step,
    steps,
    task_decisions,
)
from tests.staff import Staff

KEY = "judicial_record"
RECEPTION = ("reception", "trung_tam_hcc", "reception")
SPECIALIST = ("specialist", "so_tu_phap.phong_hanh_chinh_tu_phap", "specialist")
POLICE = ("police", "cong_an_tinh.phong_ho_so_nghiep_vu", "specialist")
COURT = ("court", "toa_an_nhan_dan_tinh", "specialist")
LEADER = ("leader", "so_tu_phap", "unit_leader")
VERIFIERS = {"verify_police": POLICE, "verify_court": COURT}

CONVICTION = {
    "judgment_reference": "Bản án số 45/2019/HS-ST ngày 12/6/2019",
    "court_name": "Tòa án nhân dân thành phố Hạ Long",
    "offence": "Trộm cắp tài sản (khoản 1 Điều 173 Bộ luật Hình sự)",
    "sentence": "12 tháng tù cho hưởng án treo",
    "enforcement_status": "Đã chấp hành xong hình phạt",
    "expunged": False,
}
APPRAISE_VERIFY = {
    "appraisal_decision": "request_verification",
    "appraisal_opinion": "Hồ sơ hợp lệ; người được cấp Phiếu từng cư trú tại Hạ Long",
    "database_search_result": "not_found",
}
APPRAISE_SUPPLEMENT = {
    "appraisal_decision": "request_supplement",
    "appraisal_opinion": "Tờ khai thiếu họ tên cha, mẹ",
    "missing_documents": ["Tờ khai ghi đầy đủ họ tên cha, mẹ"],
}
APPRAISE_REFUSE = {
    "appraisal_decision": "propose_refusal",
    "appraisal_opinion": "Người nộp không có quyền yêu cầu",
    "refusal_grounds": "Người yêu cầu không thuộc đối tượng được cấp Phiếu lý lịch tư pháp",
}
POLICE_REPLY = {"police_reply_reference": "Công văn số 812/PV06 ngày 02/12/2026"}
COURT_REPLY = {"court_reply_reference": "Công văn số 95/TA ngày 02/12/2026"}
NOT_FOUND = {"police": {"police_finding": "not_found", **POLICE_REPLY},
             "court": {"court_finding": "not_found", **COURT_REPLY}}
FOUND = {"police": {"police_finding": "found", "police_convictions": [CONVICTION], **POLICE_REPLY},
         "court": {"court_finding": "found", "court_convictions": [CONVICTION], **COURT_REPLY}}
SYNTHESISE_CLEAN = {"record_status": "no_record", "synthesis_opinion": "Không có thông tin án tích"}
SYNTHESISE_RECORD = {
    "record_status": "has_record",
    "convictions": [CONVICTION],
    "synthesis_opinion": "Có một án tích chưa được xóa theo kết quả xác minh",
}
SIGN = {"approval_decision": "sign_certificate", "approval_comment": "Đồng ý"}
SIGN_REFUSAL = {"approval_decision": "sign_refusal", "approval_comment": "Đồng ý từ chối"}
RETURN_DRAFT = {"approval_decision": "return_for_reappraisal", "approval_comment": "Ghi rõ tình trạng thi hành án"}
RETURN_REFUSAL = {"approval_decision": "return_for_reappraisal",
                  "approval_comment": "Người nộp là cha của người chưa thành niên, đủ điều kiện yêu cầu"}
SUPPLEMENT = {"supplemented_documents": ["Tờ khai đã bổ sung họ tên cha, mẹ"]}
RETURN = {"delivery_channel": "counter", "recipient_name": "Trần Văn Bình", "delivered_on": "2026-12-08"}
NOTIFY_REFUSAL = {"delivery_channel": "counter", "recipient_name": "Trần Văn Bình"}

SIGN_AND_RETURN = [("approve_certificate", LEADER, SIGN), ("return_result", RECEPTION, RETURN)]
ISSUE_CLEAN = [("synthesise_record", SPECIALIST, SYNTHESISE_CLEAN), *SIGN_AND_RETURN]
ISSUE_RECORD = [("synthesise_record", SPECIALIST, SYNTHESISE_RECORD), *SIGN_AND_RETURN]
SUPPLEMENT_ROUND = [("appraise_dossier", SPECIALIST, APPRAISE_SUPPLEMENT),
                    ("receive_supplement", RECEPTION, SUPPLEMENT)]


PROCEDURE = Procedure(KEY, {
    "applicant": {
        "applicant_name": "Trần Văn Bình",
        "id_number": "022095007890",
        "phone": "0904123456",
        "address": "Phường Bãi Cháy, tỉnh Quảng Ninh",
    },
    "submission_capacity": "self",
    "subject": {
        "full_name": "Trần Văn Bình",
        "gender": "male",
        "date_of_birth": "1995-04-18",
        "place_of_birth": "Phường Hồng Gai, tỉnh Quảng Ninh",
        "nationality": "Việt Nam",
        "id_number": "022095007890",
        "residence": "Phường Bãi Cháy, tỉnh Quảng Ninh",
        "father_name": "Trần Văn Hải",
        "mother_name": "Nguyễn Thị Thu",
    },
    "certificate_type": "phieu_1",
    "copies_requested": 2,
    "purpose": "Bổ sung hồ sơ xin việc",
    "fee_category": "standard",
    "documents": ["request_form", "identity_document"],
    "result_delivery": "counter",
})


def verify(session_factory: SessionFactory, ctx: EngineContext, dossier_id: int, staff: Staff,
           answers: dict[str, dict[str, Any]], order: tuple[str, ...] = ("police", "court")) -> None:
    """Appraise (asking for verification); then both verifications are open at once, each in its agency's lane:
    answer them in ``order``."""
    step(session_factory, ctx, dossier_id, "appraise_dossier", SPECIALIST, APPRAISE_VERIFY, staff)
    assert set(open_now(session_factory, dossier_id)) == {("verify_police", *POLICE), ("verify_court", *COURT)}
    first, second = order
    answer(session_factory, ctx, dossier_id, first, answers[first], staff)
    # The join waits for the other agency: only its task is open, the synthesis is not.
    assert set(open_now(session_factory, dossier_id)) == {(f"verify_{second}", *VERIFIERS[f"verify_{second}"])}
    answer(session_factory, ctx, dossier_id, second, answers[second], staff)


def answer(session_factory: SessionFactory, ctx: EngineContext, dossier_id: int, agency: str,
           data: dict[str, Any], staff: Staff) -> None:
    """Do the agency's verification (a parallel branch), open once and in its lane, then check the stored state."""
    element_id = f"verify_{agency}"
    complete_one_of(session_factory, ctx, dossier_id, element_id, data, staff, expected=VERIFIERS[element_id])


@pytest.mark.parametrize("order", [("police", "court"), ("court", "police")])
def test_clean_record_in_either_order_of_verification(session_factory, ctx, dossier_id, staff, order):
    assert_state_round_trips(session_factory, ctx, dossier_id)
    verify(session_factory, ctx, dossier_id, staff, NOT_FOUND, order)

    data = final(session_factory, dossier_id).data
    assert data["criminal_record_found"] is False and data["reported_convictions"] == []
    assert data["police_reply_reference"] and data["court_reply_reference"]  # both branches' data joined
    steps(session_factory, ctx, dossier_id, staff, ISSUE_CLEAN)

    dossier = assert_finished(session_factory, dossier_id, DossierStatus.COMPLETED,
                              "result_returned", "Đã trả Phiếu lý lịch tư pháp")
    assert dossier.data["certificate_number"] == f"{dossier.code}-KQ1"
    assert dossier.data["certificate_content"] == {
        "certificate_type": "phieu_1",
        "subject_name": "Trần Văn Bình",
        "criminal_record": "no_record",
        "criminal_record_text": "Không có án tích",
        "convictions": [],
    }
    assert open_tasks(session_factory, dossier_id) == []
    verifications = [f"verify_{agency}" for agency in order]
    assert completed_steps(session_factory, dossier_id) == (
        ["appraise_dossier", *verifications, "synthesise_record", "approve_certificate", "return_result"]
    )
    assert task_decisions(session_factory, dossier_id) == [
        ("appraise_dossier", {"appraisal_decision": "request_verification"}),
        (verifications[0], None),
        (verifications[1], None),
        ("synthesise_record", None),
        ("approve_certificate", {"approval_decision": "sign_certificate"}),
        ("return_result", None),
    ]
    events = finished_history(session_factory, dossier_id)
    findings = {e.element_id: e.payload["data"] for e in events
                if e.event_type == "task_completed" and e.element_id in VERIFIERS}
    assert findings == {"verify_police": NOT_FOUND["police"], "verify_court": NOT_FOUND["court"]}
    for script in ("collect_findings", "issue_certificate"):
        assert event_types(events, script) == ["step_ready", "step_completed"]


@pytest.mark.parametrize(
    ("finders", "order"),
    [(("police",), ("police", "court")), (("court",), ("police", "court")), (("police", "court"), ("court", "police"))],
)
def test_found_record_leads_to_the_certificate_content(session_factory, ctx, dossier_id, staff, finders, order):
    answers = {agency: FOUND[agency] if agency in finders else NOT_FOUND[agency] for agency in ("police", "court")}
    verify(session_factory, ctx, dossier_id, staff, answers, order)

    data = final(session_factory, dossier_id).data
    assert data["criminal_record_found"] is True
    assert data["reported_convictions"] == [CONVICTION] * len(finders)  # police first, then court
    steps(session_factory, ctx, dossier_id, staff, ISSUE_RECORD)

    dossier = final(session_factory, dossier_id)
    assert dossier.status == DossierStatus.COMPLETED
    content = dossier.data["certificate_content"]
    assert (content["criminal_record"], content["criminal_record_text"]) == ("has_record", "Có án tích")
    assert content["convictions"] == [CONVICTION]
    findings = {e.element_id: e.payload["data"][e.element_id.replace("verify_", "") + "_finding"]
                for e in history(session_factory, dossier_id)
                if e.event_type == "task_completed" and e.element_id in VERIFIERS}
    assert findings == {f"verify_{a}": "found" if a in finders else "not_found" for a in ("police", "court")}


@pytest.mark.parametrize("rounds", [1, 2])
def test_supplementation_loops_back_to_appraisal(session_factory, ctx, dossier_id, staff, rounds):
    steps(session_factory, ctx, dossier_id, staff, SUPPLEMENT_ROUND * rounds)
    verify(session_factory, ctx, dossier_id, staff, NOT_FOUND)
    steps(session_factory, ctx, dossier_id, staff, ISSUE_CLEAN)

    assert final(session_factory, dossier_id).status == DossierStatus.COMPLETED
    assert completed_steps(session_factory, dossier_id) == (
        ["appraise_dossier", "receive_supplement"] * rounds
        + ["appraise_dossier", "verify_police", "verify_court", "synthesise_record", "approve_certificate",
           "return_result"]
    )
    assert [d for element, d in task_decisions(session_factory, dossier_id) if element == "appraise_dossier"] == (
        [{"appraisal_decision": "request_supplement"}] * rounds + [{"appraisal_decision": "request_verification"}]
    )


def test_refusal_ends_with_refusal_notice_without_verification(session_factory, ctx, dossier_id, staff):
    steps(session_factory, ctx, dossier_id, staff, [
        ("appraise_dossier", SPECIALIST, APPRAISE_REFUSE), ("approve_refusal", LEADER, SIGN_REFUSAL),
        ("notify_refusal", RECEPTION, NOTIFY_REFUSAL)])

    dossier = assert_finished(session_factory, dossier_id, DossierStatus.REFUSED,
                              "dossier_refused", "Từ chối cấp Phiếu lý lịch tư pháp")
    assert "certificate_number" not in dossier.data and "criminal_record_found" not in dossier.data
    assert task_decisions(session_factory, dossier_id) == [
        ("appraise_dossier", {"appraisal_decision": "propose_refusal"}),
        ("approve_refusal", {"approval_decision": "sign_refusal"}),
        ("notify_refusal", None),
    ]


def test_leader_returns_a_refusal_to_appraisal(session_factory, ctx, dossier_id, staff):
    steps(session_factory, ctx, dossier_id, staff,
          [("appraise_dossier", SPECIALIST, APPRAISE_REFUSE), ("approve_refusal", LEADER, RETURN_REFUSAL)])
    verify(session_factory, ctx, dossier_id, staff, NOT_FOUND, ("court", "police"))
    steps(session_factory, ctx, dossier_id, staff, ISSUE_CLEAN)

    dossier = final(session_factory, dossier_id)
    assert dossier.status == DossierStatus.COMPLETED
    assert dossier.result_element_id == "result_returned"


def test_leader_returns_a_draft_to_synthesis_without_new_verification(session_factory, ctx, dossier_id, staff):
    verify(session_factory, ctx, dossier_id, staff, {"police": FOUND["police"], "court": NOT_FOUND["court"]})
    steps(session_factory, ctx, dossier_id, staff,
          [("synthesise_record", SPECIALIST, SYNTHESISE_RECORD), ("approve_certificate", LEADER, RETURN_DRAFT)])
    revised = copy.deepcopy(SYNTHESISE_RECORD)
    revised["convictions"][0]["enforcement_status"] = "Đã chấp hành xong thời gian thử thách ngày 12/6/2020"
    steps(session_factory, ctx, dossier_id, staff, [("synthesise_record", SPECIALIST, revised), *SIGN_AND_RETURN])

    dossier = final(session_factory, dossier_id)
    assert dossier.status == DossierStatus.COMPLETED
    assert dossier.data["certificate_content"]["convictions"] == revised["convictions"]
    assert completed_steps(session_factory, dossier_id) == [
        "appraise_dossier", "verify_police", "verify_court", "synthesise_record", "approve_certificate",
        "synthesise_record", "approve_certificate", "return_result",
    ]


def test_time_limits(session_factory, ctx, dossier_id, staff):
    """10 working days from Friday 27/11/2026 09:00 end on Friday 11/12 at close of business."""
    assert final(session_factory, dossier_id).due_at == datetime(2026, 12, 11, 17, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    step(session_factory, ctx, dossier_id, "appraise_dossier", SPECIALIST, APPRAISE_VERIFY, staff)
    tasks = open_tasks(session_factory, dossier_id)
    assert {t.element_id: t.stage for t in tasks} == {"verify_police": "consult", "verify_court": "consult"}
    # Five working days of 8 working hours from Friday 09:00: the next Friday 09:00 (4/12).
    assert {t.due_at for t in tasks} == {datetime(2026, 12, 4, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))}


def test_intake_form_rules(session_factory, ctx, center, staff):
    deploy(session_factory, ctx, KEY)
    invalid = [
        # Phiếu số 2 cannot be requested through an authorised person.
        PROCEDURE.start_data(certificate_type="phieu_2", submission_capacity="authorised",
                             documents=["request_form", "identity_document", "authorisation_letter"]),
        # An authorised person must bring the authorisation letter.
        PROCEDURE.start_data(submission_capacity="authorised"),
        # Phiếu số 2 needs the parents' names.
        PROCEDURE.start_data(certificate_type="phieu_2", subject={
            k: v for k, v in PROCEDURE.start_data()["subject"].items() if k != "father_name"}),
    ]
    for data in invalid:
        with pytest.raises(FormInvalidError), session_factory.begin() as session:
            start_dossier(session, ctx, KEY, actor=staff.reception, center_code=center.code, data=data)


def test_a_found_record_needs_its_details(session_factory, ctx, dossier_id, staff):
    step(session_factory, ctx, dossier_id, "appraise_dossier", SPECIALIST, APPRAISE_VERIFY, staff)
    [task] = [t for t in open_tasks(session_factory, dossier_id) if t.element_id == "verify_police"]
    with pytest.raises(FormInvalidError), session_factory.begin() as session:
        complete_task(session, ctx, task.id, actor=staff.for_task(task.id),
                      data={"police_finding": "found", "police_reply_reference": "Công văn số 812/PV06"})
    assert set(open_now(session_factory, dossier_id)) == {("verify_police", *POLICE), ("verify_court", *COURT)}
    assert_state_round_trips(session_factory, ctx, dossier_id)


HA_NOI = ZoneInfo("Asia/Ho_Chi_Minh")
TEN_DAYS = datetime(2026, 12, 11, 17, tzinfo=HA_NOI)  # 10 working days from Friday 27/11/2026 09:00
FIFTEEN_DAYS = datetime(2026, 12, 18, 17, tzinfo=HA_NOI)  # 15 working days from the same receipt
APPRAISE_VERIFY_FOUND = {**APPRAISE_VERIFY, "database_search_result": "found"}


def limit_choices(session_factory: SessionFactory, dossier_id: int) -> list[tuple[str | None, str, int]]:
    return [(e.element_id, e.payload["limit"], e.payload["value"])
            for e in events_of(session_factory, dossier_id, "time_limit_selected")]


def receipt_limit(session_factory: SessionFactory, ctx: EngineContext, dossier_id: int) -> tuple[Any, datetime]:
    with session_factory() as session:
        slip = receipt_data(session, dossier_id, calendar=ctx.calendar, base_url="")
    return slip.dossier.time_limit, slip.appointment_at


def test_an_ordinary_request_runs_on_ten_working_days_and_says_so(session_factory, ctx, dossier_id):
    assert final(session_factory, dossier_id).due_at == TEN_DAYS
    [event] = events_of(session_factory, dossier_id, "time_limit_selected")
    assert (event.payload["limit"], event.payload["condition"], event.payload["at"]) == ("default", None, "reception")
    assert receipt_limit(session_factory, ctx, dossier_id) == (TimeLimit(10, TimeLimitUnit.WORKING_DAYS), TEN_DAYS)


def test_a_subject_who_lived_elsewhere_gets_fifteen_working_days_at_reception(
        session_factory, ctx, deployed, center, staff, clock):
    subject = {**PROCEDURE.start_data()["subject"], "lived_elsewhere": True}
    dossier_id = start(session_factory, ctx, PROCEDURE, center, staff, subject=subject)

    dossier = final(session_factory, dossier_id)
    assert (dossier.due_at, dossier.original_due_at) == (FIFTEEN_DAYS, FIFTEEN_DAYS)
    [event] = events_of(session_factory, dossier_id, "time_limit_selected")
    assert event.payload["limit"] == "resided_elsewhere_or_foreigner" and event.payload["at"] == "reception"
    assert event.payload["reason"]["vi"].startswith("Người được cấp Phiếu đã cư trú ở nhiều tỉnh")
    assert receipt_limit(session_factory, ctx, dossier_id) == (TimeLimit(15, TimeLimitUnit.WORKING_DAYS),
                                                               FIFTEEN_DAYS)
    # Finished on Tuesday 15/12: late on ten days, early on the fifteen this case has.
    clock.set(datetime(2026, 12, 15, 10, tzinfo=HA_NOI))
    verify(session_factory, ctx, dossier_id, staff, NOT_FOUND)
    steps(session_factory, ctx, dossier_id, staff, ISSUE_CLEAN)
    assert final(session_factory, dossier_id).timeliness == "early"


def test_a_conviction_to_verify_switches_to_fifteen_days_at_appraisal(session_factory, ctx, dossier_id, staff):
    step(session_factory, ctx, dossier_id, "appraise_dossier", SPECIALIST, APPRAISE_VERIFY_FOUND, staff)

    dossier = final(session_factory, dossier_id)
    assert (dossier.due_at, dossier.original_due_at) == (FIFTEEN_DAYS, FIFTEEN_DAYS)
    assert limit_choices(session_factory, dossier_id) == [
        (None, "default", 10), ("appraise_dossier", "expungement_verification", 15)]
    # The receipt keeps the appointment promised at the counter; the limit it states is the case's.
    assert receipt_limit(session_factory, ctx, dossier_id) == (TimeLimit(15, TimeLimitUnit.WORKING_DAYS),
                                                               FIFTEEN_DAYS)


def test_appraisal_without_a_conviction_keeps_ten_days(session_factory, ctx, dossier_id, staff):
    step(session_factory, ctx, dossier_id, "appraise_dossier", SPECIALIST, APPRAISE_VERIFY, staff)
    assert final(session_factory, dossier_id).due_at == TEN_DAYS
    assert limit_choices(session_factory, dossier_id) == [(None, "default", 10)]
