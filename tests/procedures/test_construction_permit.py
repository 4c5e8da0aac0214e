"""Cấp giấy phép xây dựng: every path of the diagram, the two consulted agencies answering in both
orders and with each kind of opinion, and the 12-working-day silence that counts as agreement
(fired by the scheduler with real time moved), with the stored state round-tripped after every
step (the workflow cache is off, so each command really loads what the last one stored)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from engine.calendar.deadlines import TimeLimit, dossier_due_at, step_due_at
from engine.persistence.models import DossierStatus, TaskStatus
from engine.runtime.context import EngineContext
from engine.scheduling import fire_due_timers
from tests.conftest import history, open_tasks
from tests.procedures.driver import (
    Procedure,
    SessionFactory,
    assert_finished,
    assert_state_round_trips,
    complete_one_of,
    completed_steps,
    decisions,
    event_types,
    events_of,
    final,
    finished_history,
    move_time_to,
    open_now,
    step,
    steps,
    task_rows,
    wake_at,
    working_days_after,
)
from tests.staff import Staff

pytestmark = pytest.mark.usefixtures("traveller")

KEY = "construction_permit"
RECEPTION = ("reception", "trung_tam_hcc", "reception")
SPECIALIST = ("specialist", "so_xay_dung.phong_qlhdxd", "specialist")
FIRE_POLICE = ("fire_police", "cong_an_tinh.phong_canh_sat_pccc", "specialist")
ENVIRONMENT = ("environment", "so_nong_nghiep_moi_truong", "specialist")
LEADER = ("leader", "so_xay_dung", "unit_leader")
OPINION_DAYS = 12

APPRAISE_CONSULT = {
    "appraisal_decision": "consult_agencies",
    "appraisal_opinion": "Hồ sơ hợp lệ; công trình thuộc diện lấy ý kiến về phòng cháy, chữa cháy và môi trường",
    "site_inspected_on": "2026-11-27",
    "consultation_questions": "Đề nghị cho ý kiến về giải pháp phòng cháy, chữa cháy và sự phù hợp về đất đai, "
                              "môi trường",
}
APPRAISE_ISSUE = {"appraisal_decision": "propose_issue",
                  "appraisal_opinion": "Đủ điều kiện cấp phép, không cần lấy ý kiến"}
APPRAISE_SUPPLEMENT = {
    "appraisal_decision": "request_supplement",
    "appraisal_opinion": "Bản vẽ thiếu mặt cắt",
    "missing_documents": ["Bản vẽ mặt cắt công trình tỷ lệ 1/100"],
}
APPRAISE_REFUSE = {
    "appraisal_decision": "propose_refusal",
    "appraisal_opinion": "Công trình không phù hợp quy hoạch",
    "refusal_grounds": "Vị trí xây dựng nằm trong hành lang bảo vệ công trình giao thông theo quy hoạch đã duyệt",
}
SUPPLEMENT = {"supplemented_documents": ["Bản vẽ mặt cắt công trình"], "supplement_note": "Nộp tại quầy"}


def opinion(prefix: str, decision: str, **extra: Any) -> dict[str, Any]:
    data = {
        f"{prefix}_decision": decision,
        f"{prefix}_comments": "Ý kiến của cơ quan về hồ sơ thiết kế",
        f"{prefix}_document_number": "125/PC07-PC" if prefix == "fire_safety" else "88/SNNMT-MT",
        f"{prefix}_document_date": "2026-12-03",
    }
    if decision == "agree_with_conditions":
        data[f"{prefix}_conditions"] = ["Bổ sung họng nước chữa cháy ngoài nhà trước khi nghiệm thu"]
    data.update(extra)
    return data


AGENCIES = {
    "fire_safety": ("fire_safety_opinion", FIRE_POLICE),
    "environment": ("environment_opinion", ENVIRONMENT),
}
SYNTH_ISSUE = {"synthesis_decision": "propose_issue", "synthesis_report": "Các cơ quan đồng ý; đủ điều kiện cấp phép"}
SYNTH_REFUSE = {
    "synthesis_decision": "propose_refusal",
    "synthesis_report": "Cơ quan Cảnh sát phòng cháy, chữa cháy không đồng ý",
    "refusal_grounds": "Giải pháp phòng cháy, chữa cháy không bảo đảm yêu cầu của QCVN 06:2022/BXD",
}
SIGN = {"approval_decision": "sign_permit", "approval_comment": "Đồng ý"}
SIGN_REFUSAL = {"approval_decision": "sign_refusal", "approval_comment": "Đồng ý từ chối"}
REAPPRAISE = {"approval_decision": "return_for_reappraisal", "approval_comment": "Làm rõ chiều cao công trình"}
RETURN = {"delivery_channel": "counter", "recipient_name": "Trần Quốc Hưng", "delivered_on": "2026-12-18"}
NOTIFY_REFUSAL = {"delivery_channel": "post", "recipient_name": "Trần Quốc Hưng"}

SIGN_AND_RETURN = [("approve_permit", LEADER, SIGN), ("return_result", RECEPTION, RETURN)]
ISSUE_PATH = [("synthesize_opinions", SPECIALIST, SYNTH_ISSUE), *SIGN_AND_RETURN]
REFUSAL_NOTICE = [("approve_permit", LEADER, SIGN_REFUSAL), ("notify_refusal", RECEPTION, NOTIFY_REFUSAL)]


PROCEDURE = Procedure(KEY, {
    "applicant": {
        "applicant_name": "Trần Quốc Hưng",
        "id_number": "022085004321",
        "phone": "0983456789",
        "address": "Phường Bãi Cháy, tỉnh Quảng Ninh",
    },
    "investor_name": "Công ty cổ phần Đầu tư Vịnh Xanh",
    "investor_tax_code": "5701234567",
    "work_name": "Nhà văn phòng Công ty cổ phần Đầu tư Vịnh Xanh",
    "construction_address": "Lô A3, đường Hạ Long, phường Bãi Cháy, tỉnh Quảng Ninh",
    "land_parcel_number": "215",
    "map_sheet_number": "12",
    "permit_type": "new_construction",
    "work_category": "civil",
    "work_grade": "grade_2",
    "construction_area_m2": 850.5,
    "total_floor_area_m2": 7200,
    "floors_above_ground": 9,
    "basement_floors": 1,
    "height_m": 36.5,
    "documents": ["permit_application", "land_use_right_papers", "project_approval", "design_drawings",
                  "fire_safety_design_approval"],
    "result_delivery": "counter",
})


# --------------------------------------------------------------------------- this procedure's helpers
def consult(session_factory: SessionFactory, ctx: EngineContext, dossier_id: int, staff: Staff,
            answers: dict[str, dict[str, Any]], order: tuple[str, ...] = ("fire_safety", "environment")) -> None:
    """Send the requests, check both opinion steps are open in their agencies, answer in `order`."""
    step(session_factory, ctx, dossier_id, "appraise_dossier", SPECIALIST, APPRAISE_CONSULT, staff)
    assert open_now(session_factory, dossier_id) == [
        ("environment_opinion", *ENVIRONMENT),
        ("fire_safety_opinion", *FIRE_POLICE),
    ]
    for agency in order:
        element_id, expected = AGENCIES[agency]
        complete_one_of(session_factory, ctx, dossier_id, element_id, answers[agency], staff)
    if len(order) == 1:
        (other,) = set(AGENCIES) - set(order)
        assert open_now(session_factory, dossier_id) == [(AGENCIES[other][0], *AGENCIES[other][1])]


@pytest.mark.parametrize("order", [("fire_safety", "environment"), ("environment", "fire_safety")])
def test_happy_path_issues_the_permit_after_both_agencies_agree(session_factory, ctx, dossier_id, staff, order):
    answers = {"fire_safety": opinion("fire_safety", "agree"), "environment": opinion("environment", "agree")}
    step(session_factory, ctx, dossier_id, "appraise_dossier", SPECIALIST, APPRAISE_CONSULT, staff)
    first, second = order
    complete_one_of(session_factory, ctx, dossier_id, AGENCIES[first][0], answers[first], staff)
    assert open_now(session_factory, dossier_id) == [(AGENCIES[second][0], *AGENCIES[second][1])]  # the join waits
    complete_one_of(session_factory, ctx, dossier_id, AGENCIES[second][0], answers[second], staff)
    steps(session_factory, ctx, dossier_id, staff, ISSUE_PATH)

    dossier = assert_finished(session_factory, dossier_id, DossierStatus.COMPLETED, "result_returned", "Đã trả kết quả")
    assert dossier.data["permit_number"] == f"{dossier.code}-KQ1"
    assert dossier.data["fire_safety_decision"] == dossier.data["environment_decision"] == "agree"
    assert "fire_safety_deemed_agreed" not in dossier.data and "environment_deemed_agreed" not in dossier.data
    assert open_tasks(session_factory, dossier_id) == []
    assert completed_steps(session_factory, dossier_id) == [
        "appraise_dossier", *[AGENCIES[a][0] for a in order], "synthesize_opinions", "approve_permit", "return_result"]
    assert decisions(session_factory, dossier_id) == [
        ("appraise_dossier", {"appraisal_decision": "consult_agencies"}),
        *[(AGENCIES[a][0], {f"{a}_decision": "agree"}) for a in order],
        ("synthesize_opinions", {"synthesis_decision": "propose_issue"}),
        ("approve_permit", {"approval_decision": "sign_permit"}),
    ]
    events = finished_history(session_factory, dossier_id)
    assert not [e for e in events if e.event_type == "timer_fired"]
    assert event_types(events, "issue_permit") == ["step_ready", "step_completed"]


def test_opinion_steps_open_together_with_the_statutory_allotment(session_factory, ctx, dossier_id, staff):
    step(session_factory, ctx, dossier_id, "appraise_dossier", SPECIALIST, APPRAISE_CONSULT, staff)
    tasks = open_tasks(session_factory, dossier_id)
    assert {(t.element_id, t.stage) for t in tasks} == {("fire_safety_opinion", "consult"),
                                                        ("environment_opinion", "consult")}
    for task in tasks:
        assert task.ready_at == tasks[0].ready_at
        assert task.due_at == step_due_at(task.ready_at, TimeLimit.parse(f"P{OPINION_DAYS}D"), ctx.calendar)
    # the silence timers of both agencies count 12 working days from the day the requests were sent
    sent_at = final(session_factory, dossier_id).data["consultation_sent_at"]
    expected = working_days_after(ctx, sent_at, OPINION_DAYS)
    assert wake_at(session_factory, dossier_id) == expected
    assert final(session_factory, dossier_id).status == DossierStatus.PROCESSING


def test_dossier_due_date_is_twenty_working_days(session_factory, ctx, dossier_id):
    dossier = final(session_factory, dossier_id)
    assert dossier.due_at == dossier_due_at(dossier.received_at, TimeLimit(20, "working_days"), ctx.calendar)


def test_permit_without_consultation(session_factory, ctx, dossier_id, staff):
    steps(session_factory, ctx, dossier_id, staff, [("appraise_dossier", SPECIALIST, APPRAISE_ISSUE), *SIGN_AND_RETURN])
    dossier = final(session_factory, dossier_id)
    assert dossier.status == DossierStatus.COMPLETED and dossier.result_name == "Đã trả kết quả"
    assert "consultation_sent_at" not in dossier.data
    assert wake_at(session_factory, dossier_id) is None


@pytest.mark.parametrize("rounds", [1, 2])
def test_supplementation_loops_back_to_appraisal(session_factory, ctx, dossier_id, staff, rounds):
    for _ in range(rounds):
        step(session_factory, ctx, dossier_id, "appraise_dossier", SPECIALIST, APPRAISE_SUPPLEMENT, staff)
        assert final(session_factory, dossier_id).status == DossierStatus.AWAITING_SUPPLEMENT
        step(session_factory, ctx, dossier_id, "receive_supplement", RECEPTION, SUPPLEMENT, staff)
        assert final(session_factory, dossier_id).status == DossierStatus.PROCESSING
    consult(session_factory, ctx, dossier_id, staff,
            {"fire_safety": opinion("fire_safety", "agree"), "environment": opinion("environment", "agree")})
    steps(session_factory, ctx, dossier_id, staff, ISSUE_PATH)

    assert final(session_factory, dossier_id).status == DossierStatus.COMPLETED
    assert completed_steps(session_factory, dossier_id)[: 2 * rounds] == (
        ["appraise_dossier", "receive_supplement"] * rounds)
    pauses = events_of(session_factory, dossier_id, "clock_paused", "clock_resumed")
    assert [e.event_type for e in pauses] == ["clock_paused", "clock_resumed"] * rounds


def test_refusal_straight_from_appraisal(session_factory, ctx, dossier_id, staff):
    steps(session_factory, ctx, dossier_id, staff, [("appraise_dossier", SPECIALIST, APPRAISE_REFUSE), *REFUSAL_NOTICE])
    dossier = assert_finished(session_factory, dossier_id, DossierStatus.REFUSED,
                              "dossier_refused", "Từ chối cấp giấy phép xây dựng")
    assert "permit_number" not in dossier.data


@pytest.mark.parametrize("fire_safety", ["agree", "agree_with_conditions", "disagree"])
@pytest.mark.parametrize("environment", ["agree", "agree_with_conditions", "disagree"])
def test_each_consultation_outcome_reaches_the_synthesis(session_factory, ctx, dossier_id, staff,
                                                         fire_safety, environment):
    answers = {"fire_safety": opinion("fire_safety", fire_safety),
               "environment": opinion("environment", environment)}
    consult(session_factory, ctx, dossier_id, staff, answers)
    assert open_now(session_factory, dossier_id) == [("synthesize_opinions", *SPECIALIST)]
    data = final(session_factory, dossier_id).data
    for agency, decision in (("fire_safety", fire_safety), ("environment", environment)):
        assert data[f"{agency}_decision"] == decision
        assert f"{agency}_deemed_agreed" not in data
        assert (f"{agency}_conditions" in data) == (decision == "agree_with_conditions")
    assert decisions(session_factory, dossier_id)[1:] == [
        ("fire_safety_opinion", {"fire_safety_decision": fire_safety}),
        ("environment_opinion", {"environment_decision": environment}),
    ]
    assert wake_at(session_factory, dossier_id) is None  # both replied: no silence timer left


def test_an_agency_disagreement_leads_to_a_refusal(session_factory, ctx, dossier_id, staff):
    consult(session_factory, ctx, dossier_id, staff, {
        "fire_safety": opinion("fire_safety", "disagree"),
        "environment": opinion("environment", "agree_with_conditions"),
    })
    steps(session_factory, ctx, dossier_id, staff, [("synthesize_opinions", SPECIALIST, SYNTH_REFUSE), *REFUSAL_NOTICE])
    dossier = final(session_factory, dossier_id)
    assert dossier.status == DossierStatus.REFUSED and dossier.result_name == "Từ chối cấp giấy phép xây dựng"
    assert dossier.data["fire_safety_decision"] == "disagree"
    assert dossier.data["environment_conditions"] == ["Bổ sung họng nước chữa cháy ngoài nhà trước khi nghiệm thu"]


@pytest.mark.parametrize("silent", ["fire_safety", "environment"])
def test_silence_for_twelve_working_days_counts_as_agreement(session_factory, ctx, dossier_id, staff, clock,
                                                             traveller, silent):
    (answering,) = set(AGENCIES) - {silent}
    consult(session_factory, ctx, dossier_id, staff, {answering: opinion(answering, "agree_with_conditions")},
            order=(answering,))
    due = wake_at(session_factory, dossier_id)
    sent_at = final(session_factory, dossier_id).data["consultation_sent_at"]
    assert due == working_days_after(ctx, sent_at, OPINION_DAYS)

    move_time_to(traveller, clock, due - timedelta(minutes=1))
    assert fire_due_timers(session_factory, ctx) == 0  # one minute early: nothing fires
    assert open_now(session_factory, dossier_id) == [(AGENCIES[silent][0], *AGENCIES[silent][1])]

    move_time_to(traveller, clock, due + timedelta(minutes=1))
    assert fire_due_timers(session_factory, ctx) == 1
    assert fire_due_timers(session_factory, ctx) == 0  # never twice
    assert_state_round_trips(session_factory, ctx, dossier_id)

    silent_task = task_rows(session_factory, dossier_id, AGENCIES[silent][0])
    assert [t.status for t in silent_task] == [TaskStatus.CANCELLED]
    fired = events_of(session_factory, dossier_id, "timer_fired")
    assert [(e.element_id, e.actor_name, e.lane) for e in fired] == [
        (f"{silent}_no_reply", "Hệ thống", AGENCIES[silent][1][0])]
    deemed = event_types(history(session_factory, dossier_id), f"deem_{silent}_agreed")
    assert deemed == ["step_ready", "step_completed"]
    data = final(session_factory, dossier_id).data
    assert data[f"{silent}_decision"] == "agree" and data[f"{silent}_deemed_agreed"] is True
    assert "coi như đồng ý" in data[f"{silent}_comments"]
    assert data[f"{answering}_decision"] == "agree_with_conditions" and f"{answering}_deemed_agreed" not in data
    assert wake_at(session_factory, dossier_id) is None

    steps(session_factory, ctx, dossier_id, staff, ISSUE_PATH)
    assert final(session_factory, dossier_id).status == DossierStatus.COMPLETED


def test_both_agencies_silent(session_factory, ctx, dossier_id, staff, clock, traveller):
    step(session_factory, ctx, dossier_id, "appraise_dossier", SPECIALIST, APPRAISE_CONSULT, staff)
    move_time_to(traveller, clock, wake_at(session_factory, dossier_id) + timedelta(hours=1))
    assert fire_due_timers(session_factory, ctx) == 2
    assert_state_round_trips(session_factory, ctx, dossier_id)
    fired = sorted(e.element_id for e in events_of(session_factory, dossier_id, "timer_fired"))
    assert fired == ["environment_no_reply", "fire_safety_no_reply"]
    assert open_now(session_factory, dossier_id) == [("synthesize_opinions", *SPECIALIST)]
    data = final(session_factory, dossier_id).data
    assert data["fire_safety_deemed_agreed"] is True and data["environment_deemed_agreed"] is True
    assert {e.element_id for e in events_of(session_factory, dossier_id, "step_cancelled")} >= {
        "fire_safety_opinion", "environment_opinion"}


def test_leader_returns_for_reappraisal_and_agencies_are_consulted_again(session_factory, ctx, dossier_id, staff,
                                                                          clock, traveller):
    agree = {"fire_safety": opinion("fire_safety", "agree"), "environment": opinion("environment", "agree")}
    consult(session_factory, ctx, dossier_id, staff, agree)
    steps(session_factory, ctx, dossier_id, staff,
          [("synthesize_opinions", SPECIALIST, SYNTH_ISSUE), ("approve_permit", LEADER, REAPPRAISE)])
    # second round: the environment department answers, fire safety stays silent this time
    clock.advance(days=1)
    traveller.shift(timedelta(days=1))
    consult(session_factory, ctx, dossier_id, staff, {"environment": opinion("environment", "agree")},
            order=("environment",))
    move_time_to(traveller, clock, wake_at(session_factory, dossier_id) + timedelta(minutes=5))
    assert fire_due_timers(session_factory, ctx) == 1
    assert_state_round_trips(session_factory, ctx, dossier_id)
    data = final(session_factory, dossier_id).data
    # the fire-safety answer of the first round does not leak into the second one
    assert data["fire_safety_deemed_agreed"] is True and "environment_deemed_agreed" not in data
    assert "fire_safety_document_number" not in data
    steps(session_factory, ctx, dossier_id, staff, ISSUE_PATH)
    assert final(session_factory, dossier_id).status == DossierStatus.COMPLETED
    assert completed_steps(session_factory, dossier_id).count("appraise_dossier") == 2
