"""Chấp thuận chủ trương đầu tư của UBND tỉnh: the lead department picks the departments to consult
at run time, each gets its own opinion task (parallel multi-instance, one department per instance)
with its own 15-working-day deadline fired by the scheduler, then the appraisal report, the
provincial office's review and the People's Committee's decision; every path, with the stored state
round-tripped after every step (the workflow cache is off)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from engine.calendar.deadlines import TimeLimit, dossier_due_at, step_due_at
from engine.errors import FormInvalidError
from engine.history.events import HistoryEventType
from engine.persistence.models import DossierStatus, HistoryEvent, TaskStatus
from engine.runtime.actions import withdraw_dossier
from engine.runtime.context import EngineContext
from engine.runtime.tasks import complete_task
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

KEY = "investment_policy"
RECEPTION = ("reception", "trung_tam_hcc", "reception")
SPECIALIST = ("specialist", "so_tai_chinh.phong_dau_tu", "specialist")
FINANCE_LEADER = ("finance_leader", "so_tai_chinh", "unit_leader")
PROVINCIAL_OFFICE = ("provincial_office", "vp_ubnd_tinh", "specialist")
PROVINCIAL_LEADER = ("provincial_leader", "ubnd_tinh", "unit_leader")
OPINION_DAYS = 15
CONSULTED = ["so_xay_dung", "so_nong_nghiep_moi_truong", "cong_an_tinh"]


def consulted(department: str) -> tuple[str, str, str, str]:
    return ("give_opinion", "consulted", department, "specialist")


def check_and_send(departments: list[str]) -> dict[str, Any]:
    return {
        "dossier_check_decision": "send_for_opinions",
        "check_opinion": "Hồ sơ hợp lệ",
        "consulted_departments": departments,
        "consultation_content": "Đề nghị cho ý kiến về sự phù hợp quy hoạch, nhu cầu sử dụng đất và môi trường",
    }


CHECK_SUPPLEMENT = {
    "dossier_check_decision": "request_supplement",
    "check_opinion": "Thiếu báo cáo tài chính",
    "missing_documents": ["Báo cáo tài chính năm 2024 và 2025 của nhà đầu tư"],
}
SUPPLEMENT = {"supplemented_documents": ["Báo cáo tài chính đã kiểm toán 2024, 2025"]}


def answer(decision: str) -> dict[str, Any]:
    data = {
        "opinion_decision": decision,
        "opinion_content": "Ý kiến về các nội dung thuộc phạm vi quản lý",
        "opinion_document_number": "512/CV",
        "opinion_document_date": "2026-12-08",
    }
    if decision == "agree_with_conditions":
        data["opinion_conditions"] = ["Bảo đảm khoảng lùi công trình theo quy hoạch chi tiết"]
    return data


REPORT_APPROVAL = {"report_decision": "propose_approval", "report_summary": "Dự án đáp ứng điều kiện"}
REPORT_REFUSAL = {
    "report_decision": "propose_refusal",
    "report_summary": "Dự án không phù hợp quy hoạch",
    "refusal_grounds": "Địa điểm dự án không phù hợp quy hoạch sử dụng đất cấp tỉnh",
}
SIGN_REPORT = {"report_approval_decision": "submit_to_province"}
REVISE_REPORT = {"report_approval_decision": "return_for_revision", "leader_comment": "Bổ sung đánh giá nguồn vốn"}
REVIEW_OK = {"review_decision": "submit_to_leaders", "review_note": "Hồ sơ trình đầy đủ"}
REVIEW_RETURN = {"review_decision": "return_to_lead_department", "review_note": "Thiếu ý kiến của Sở Xây dựng"}
APPROVE = {"policy_decision": "approve_policy"}
REFUSE = {"policy_decision": "refuse_policy", "decision_comment": "Không phù hợp quy hoạch"}
REAPPRAISE = {"policy_decision": "return_for_reappraisal", "decision_comment": "Làm rõ tiến độ góp vốn"}
RETURN = {"delivery_channel": "counter", "recipient_name": "Phạm Minh Đức", "delivered_on": "2027-01-20"}
NOTIFY_REFUSAL = {"delivery_channel": "electronic", "recipient_name": "Phạm Minh Đức"}


PROCEDURE = Procedure(KEY, {
    "applicant": {
        "applicant_name": "Phạm Minh Đức",
        "id_number": "022080007654",
        "phone": "0904567890",
        "address": "Phường Hạ Long, tỉnh Quảng Ninh",
    },
    "investor_name": "Công ty cổ phần Du lịch Bái Tử Long",
    "investor_type": "domestic_organisation",
    "enterprise_code": "5701987654",
    "project_name": "Khu dịch vụ du lịch sinh thái Bái Tử Long",
    "project_objectives": "Kinh doanh dịch vụ lưu trú, ăn uống và vui chơi giải trí; quy mô 120 phòng",
    "project_location": "Đặc khu Vân Đồn, tỉnh Quảng Ninh",
    "land_area_ha": 12.5,
    "total_capital_vnd": 850_000_000_000,
    "equity_capital_vnd": 170_000_000_000,
    "operation_term_years": 50,
    "implementation_schedule": "Góp đủ vốn trong 24 tháng; đưa vào hoạt động quý IV năm 2029",
    "requests_land_allocation": True,
    "documents": ["investment_application", "investor_legal_status", "financial_capacity", "project_proposal"],
    "result_delivery": "counter",
})


def send_for_opinions(session_factory: SessionFactory, ctx: EngineContext, dossier_id: int, staff: Staff,
                      departments: list[str]) -> None:
    step(session_factory, ctx, dossier_id, "check_dossier", SPECIALIST, check_and_send(departments), staff)
    assert sorted(open_now(session_factory, dossier_id)) == sorted(consulted(d) for d in departments)


def decide_after_report(session_factory: SessionFactory, ctx: EngineContext, dossier_id: int, staff: Staff,
                        report: dict[str, Any], decision: dict[str, Any]) -> None:
    steps(session_factory, ctx, dossier_id, staff, [
        ("prepare_appraisal_report", SPECIALIST, report), ("sign_appraisal_report", FINANCE_LEADER, SIGN_REPORT),
        ("review_submission", PROVINCIAL_OFFICE, REVIEW_OK), ("decide_investment_policy", PROVINCIAL_LEADER, decision)])


@pytest.mark.parametrize("order", [[0, 1, 2], [2, 0, 1]])
def test_happy_path_each_department_answers_in_its_own_task(session_factory, ctx, dossier_id, staff, order):
    outcomes = ["agree", "agree_with_conditions", "disagree"]
    send_for_opinions(session_factory, ctx, dossier_id, staff, CONSULTED)
    for position, index in enumerate(order):
        department = CONSULTED[index]
        complete_one_of(session_factory, ctx, dossier_id, "give_opinion", answer(outcomes[index]), staff,
                        department=department)
        still_open = [consulted(CONSULTED[i]) for i in order[position + 1:]]
        if still_open:
            assert sorted(open_now(session_factory, dossier_id)) == sorted(still_open)  # the others keep waiting
    assert open_now(session_factory, dossier_id) == [("prepare_appraisal_report", *SPECIALIST)]
    decide_after_report(session_factory, ctx, dossier_id, staff, REPORT_APPROVAL, APPROVE)
    step(session_factory, ctx, dossier_id, "return_result", RECEPTION, RETURN, staff)

    dossier = assert_finished(session_factory, dossier_id, DossierStatus.COMPLETED, "result_returned", "Đã trả kết quả")
    assert dossier.data["decision_number"] == f"{dossier.code}-KQ1"
    # one opinion per department (collected in the order the answers came in)
    assert dossier.data["consultation_opinions"] == [
        {"department": CONSULTED[i], "opinion": outcomes[i], "content": "Ý kiến về các nội dung thuộc phạm vi quản lý",
         "replied": True}
        for i in order
    ]
    # what one department wrote stays in its own instance
    assert "opinion_decision" not in dossier.data and "consulted_department" not in dossier.data
    opinions = [(e.payload["data"]["opinion_decision"], e.lane) for e in history(session_factory, dossier_id)
                if e.event_type == "task_completed" and e.element_id == "give_opinion"]
    assert opinions == [(outcomes[i], "consulted") for i in order]
    assert decisions(session_factory, dossier_id)[-4:] == [
        ("prepare_appraisal_report", {"report_decision": "propose_approval"}),
        ("sign_appraisal_report", {"report_approval_decision": "submit_to_province"}),
        ("review_submission", {"review_decision": "submit_to_leaders"}),
        ("decide_investment_policy", {"policy_decision": "approve_policy"}),
    ]
    events = finished_history(session_factory, dossier_id)
    assert not [e for e in events if e.event_type == "timer_fired"]


def test_each_instance_reaches_its_department_with_the_fifteen_day_allotment(session_factory, ctx, dossier_id,
                                                                              staff):
    send_for_opinions(session_factory, ctx, dossier_id, staff, CONSULTED)
    tasks = open_tasks(session_factory, dossier_id)
    assert sorted(t.department for t in tasks) == sorted(CONSULTED)
    assert {(t.element_id, t.lane, t.candidate_role, t.stage) for t in tasks} == {
        ("give_opinion", "consulted", "specialist", "consult")}
    for task in tasks:
        assert task.ready_at == tasks[0].ready_at
        assert task.due_at == step_due_at(task.ready_at, TimeLimit.parse(f"P{OPINION_DAYS}D"), ctx.calendar)
    sent_at = final(session_factory, dossier_id).data["consultation_sent_at"]
    assert wake_at(session_factory, dossier_id) == working_days_after(ctx, sent_at, OPINION_DAYS)


def test_a_single_department_can_be_consulted(session_factory, ctx, dossier_id, staff):
    send_for_opinions(session_factory, ctx, dossier_id, staff, ["ubnd_xa"])
    complete_one_of(session_factory, ctx, dossier_id, "give_opinion", answer("agree"), staff, department="ubnd_xa")
    decide_after_report(session_factory, ctx, dossier_id, staff, REPORT_APPROVAL, APPROVE)
    step(session_factory, ctx, dossier_id, "return_result", RECEPTION, RETURN, staff)
    dossier = final(session_factory, dossier_id)
    assert dossier.status == DossierStatus.COMPLETED
    assert [o["department"] for o in dossier.data["consultation_opinions"]] == ["ubnd_xa"]


def test_the_choice_of_departments_is_checked_by_the_form(session_factory, ctx, dossier_id, staff):
    task = open_tasks(session_factory, dossier_id)[0]
    for bad in ({**check_and_send(["so_khong_ton_tai"])}, {**check_and_send([])},
                {k: v for k, v in check_and_send(CONSULTED).items() if k != "consulted_departments"},
                check_and_send(["so_xay_dung", "so_xay_dung"])):
        with pytest.raises(FormInvalidError), session_factory.begin() as session:
            complete_task(session, ctx, task.id, actor=staff.for_task(task.id), data=bad)
    assert open_now(session_factory, dossier_id) == [("check_dossier", *SPECIALIST)]


def test_dossier_due_date_is_thirty_five_working_days(session_factory, ctx, dossier_id):
    dossier = final(session_factory, dossier_id)
    assert dossier.due_at == dossier_due_at(dossier.received_at, TimeLimit(35, "working_days"), ctx.calendar)


@pytest.mark.parametrize("rounds", [1, 2])
def test_supplementation_loops_back_to_the_check(session_factory, ctx, dossier_id, staff, rounds):
    for _ in range(rounds):
        step(session_factory, ctx, dossier_id, "check_dossier", SPECIALIST, CHECK_SUPPLEMENT, staff)
        assert final(session_factory, dossier_id).status == DossierStatus.AWAITING_SUPPLEMENT
        step(session_factory, ctx, dossier_id, "receive_supplement", RECEPTION, SUPPLEMENT, staff)
    send_for_opinions(session_factory, ctx, dossier_id, staff, CONSULTED[:2])
    for department in CONSULTED[:2]:
        complete_one_of(session_factory, ctx, dossier_id, "give_opinion", answer("agree"), staff,
                        department=department)
    decide_after_report(session_factory, ctx, dossier_id, staff, REPORT_APPROVAL, APPROVE)
    step(session_factory, ctx, dossier_id, "return_result", RECEPTION, RETURN, staff)
    assert final(session_factory, dossier_id).status == DossierStatus.COMPLETED
    assert completed_steps(session_factory, dossier_id)[: 2 * rounds] == (
        ["check_dossier", "receive_supplement"] * rounds)


def test_a_department_silent_for_fifteen_working_days_is_recorded_without_opinion(session_factory, ctx, dossier_id,
                                                                                  staff, clock, traveller):
    send_for_opinions(session_factory, ctx, dossier_id, staff, CONSULTED)
    complete_one_of(session_factory, ctx, dossier_id, "give_opinion", answer("agree"), staff,
                    department="so_xay_dung")
    complete_one_of(session_factory, ctx, dossier_id, "give_opinion", answer("disagree"), staff,
                    department="cong_an_tinh")
    due = wake_at(session_factory, dossier_id)
    assert due == working_days_after(ctx, final(session_factory, dossier_id).data["consultation_sent_at"],
                                     OPINION_DAYS)
    move_time_to(traveller, clock, due - timedelta(minutes=1))
    assert fire_due_timers(session_factory, ctx) == 0
    assert open_now(session_factory, dossier_id) == [consulted("so_nong_nghiep_moi_truong")]

    move_time_to(traveller, clock, due + timedelta(minutes=1))
    assert fire_due_timers(session_factory, ctx) == 1
    assert fire_due_timers(session_factory, ctx) == 0
    assert_state_round_trips(session_factory, ctx, dossier_id)

    silent = [t for t in task_rows(session_factory, dossier_id, "give_opinion")
              if t.department == "so_nong_nghiep_moi_truong"]
    assert [t.status for t in silent] == [TaskStatus.CANCELLED]
    fired = events_of(session_factory, dossier_id, "timer_fired")
    assert [(e.element_id, e.actor_name, e.lane) for e in fired] == [("opinion_deadline", "Hệ thống", "consulted")]
    assert open_now(session_factory, dossier_id) == [("prepare_appraisal_report", *SPECIALIST)]
    opinions = final(session_factory, dossier_id).data["consultation_opinions"]
    assert [(o["department"], o["opinion"], o["replied"]) for o in opinions] == [
        ("so_xay_dung", "agree", True),
        ("cong_an_tinh", "disagree", True),
        ("so_nong_nghiep_moi_truong", "no_reply", False),
    ]
    assert wake_at(session_factory, dossier_id) is None
    decide_after_report(session_factory, ctx, dossier_id, staff, REPORT_APPROVAL, APPROVE)
    step(session_factory, ctx, dossier_id, "return_result", RECEPTION, RETURN, staff)
    assert final(session_factory, dossier_id).status == DossierStatus.COMPLETED


def test_every_department_silent(session_factory, ctx, dossier_id, staff, clock, traveller):
    send_for_opinions(session_factory, ctx, dossier_id, staff, CONSULTED)
    move_time_to(traveller, clock, wake_at(session_factory, dossier_id) + timedelta(hours=2))
    assert fire_due_timers(session_factory, ctx) == 3
    assert_state_round_trips(session_factory, ctx, dossier_id)
    opinions = final(session_factory, dossier_id).data["consultation_opinions"]
    assert sorted((o["department"], o["opinion"]) for o in opinions) == sorted((d, "no_reply") for d in CONSULTED)
    assert open_now(session_factory, dossier_id) == [("prepare_appraisal_report", *SPECIALIST)]


def test_refusal_by_the_peoples_committee(session_factory, ctx, dossier_id, staff):
    send_for_opinions(session_factory, ctx, dossier_id, staff, CONSULTED[:1])
    complete_one_of(session_factory, ctx, dossier_id, "give_opinion", answer("disagree"), staff)
    decide_after_report(session_factory, ctx, dossier_id, staff, REPORT_REFUSAL, REFUSE)
    step(session_factory, ctx, dossier_id, "notify_refusal", RECEPTION, NOTIFY_REFUSAL, staff)
    dossier = assert_finished(session_factory, dossier_id, DossierStatus.REFUSED,
                              "dossier_refused", "Không chấp thuận chủ trương đầu tư")
    assert "decision_number" not in dossier.data


def test_returns_go_back_to_the_report_without_a_new_consultation(session_factory, ctx, dossier_id, staff):
    send_for_opinions(session_factory, ctx, dossier_id, staff, CONSULTED[:2])
    for department in CONSULTED[:2]:
        complete_one_of(session_factory, ctx, dossier_id, "give_opinion", answer("agree"), staff,
                        department=department)
    prepare = ("prepare_appraisal_report", SPECIALIST, REPORT_APPROVAL)
    steps(session_factory, ctx, dossier_id, staff, [
        prepare, ("sign_appraisal_report", FINANCE_LEADER, REVISE_REPORT),
        prepare, ("sign_appraisal_report", FINANCE_LEADER, SIGN_REPORT),
        ("review_submission", PROVINCIAL_OFFICE, REVIEW_RETURN)])
    decide_after_report(session_factory, ctx, dossier_id, staff, REPORT_APPROVAL, REAPPRAISE)
    decide_after_report(session_factory, ctx, dossier_id, staff, REPORT_APPROVAL, APPROVE)
    step(session_factory, ctx, dossier_id, "return_result", RECEPTION, RETURN, staff)
    dossier = final(session_factory, dossier_id)
    assert dossier.status == DossierStatus.COMPLETED
    done = completed_steps(session_factory, dossier_id)
    assert done.count("give_opinion") == 2 and done.count("prepare_appraisal_report") == 4
    assert len(dossier.data["consultation_opinions"]) == 2


def test_withdrawn_during_the_consultation_every_department_task_is_cancelled(session_factory, ctx, dossier_id,
                                                                              staff):
    """The citizen withdraws while the departments are being consulted: no department keeps a task
    for it, and the stored state is the workflow's (the fixture's context checks every write)."""
    send_for_opinions(session_factory, ctx, dossier_id, staff, CONSULTED)
    with session_factory.begin() as session:
        withdraw_dossier(session, ctx, dossier_id, actor=staff.center_leader, reason="Nhà đầu tư xin rút")
    assert open_now(session_factory, dossier_id) == []
    with session_factory() as session:
        cancelled = session.scalars(select(HistoryEvent.element_id).where(
            HistoryEvent.dossier_id == dossier_id, HistoryEvent.event_type == HistoryEventType.STEP_CANCELLED)).all()
    assert cancelled.count("give_opinion") == len(CONSULTED)  # each department's step, in the history
