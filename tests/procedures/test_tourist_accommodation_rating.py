"""Công nhận hạng cơ sở lưu trú du lịch 1–3 sao: every path of the diagram, the joint on-site
appraisal completed in both orders, and the 30-calendar-day appointment, with the stored state
round-tripped after every step (the workflow cache is off, so each command really loads what the
last one stored)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from engine.calendar.deadlines import TimeLimit, TimeLimitUnit, dossier_due_at, step_due_at
from engine.persistence.models import DossierStatus, HumanTask
from engine.runtime.context import EngineContext
from engine.runtime.tasks import complete_task
from tests.conftest import open_tasks
from tests.procedures.driver import (
    Procedure,
    SessionFactory,
    assert_finished,
    assert_state_round_trips,
    completed_steps,
    decisions,
    do_branches,
    event_types,
    final,
    finished_history,
    open_now,
    start,
    step,
    steps,
)
from tests.staff import Staff

KEY = "tourist_accommodation_rating"
VN = ZoneInfo("Asia/Ho_Chi_Minh")
RECEPTION = ("reception", "trung_tam_hcc", "reception")
SPECIALIST = ("specialist", "so_vhttdl.phong_quan_ly_du_lich", "specialist")
ASSOCIATION = ("association", "hiep_hoi_du_lich", "specialist")
LEADER = ("leader", "so_vhttdl", "unit_leader")

CHECK_OK = {
    "dossier_check_decision": "organise_site_appraisal",
    "check_opinion": "Hồ sơ hợp lệ, đủ thành phần",
    "appraisal_team": ["Trần Văn Minh – Phòng Quản lý du lịch", "Phạm Thị Hoa – Hiệp hội Du lịch tỉnh"],
    "planned_visit_date": "2026-12-03",
}
CHECK_SUPPLEMENT = {
    "dossier_check_decision": "request_supplement",
    "check_opinion": "Thiếu bản tự đánh giá theo TCVN 4391:2015",
    "missing_documents": ["Bản tự đánh giá chất lượng theo tiêu chuẩn xếp hạng"],
}
SUPPLEMENT = {"supplemented_documents": ["Bản tự đánh giá chất lượng (bản có chữ ký, đóng dấu)"]}
DEPARTMENT_MEETS = {
    "department_visit_date": "2026-12-03",
    "department_site_decision": "meets_standard",
    "department_assessed_rating": 3,
    "department_findings": "Đạt các tiêu chí hạng 3 sao",
}
ASSOCIATION_MEETS = {
    "association_visit_date": "2026-12-03",
    "association_site_decision": "meets_standard",
    "association_assessed_rating": 3,
    "association_findings": "Nhất trí đạt hạng 3 sao",
}
DEPARTMENT_BELOW = {
    "department_visit_date": "2026-12-03",
    "department_site_decision": "below_standard",
    "department_findings": "Nhiều tiêu chí về buồng ngủ chưa đạt",
    "department_shortcomings": ["Diện tích buồng ngủ dưới mức tối thiểu của hạng 1 sao"],
}
ASSOCIATION_BELOW = {
    "association_visit_date": "2026-12-03",
    "association_site_decision": "below_standard",
    "association_findings": "Không đạt hạng đề nghị",
    "association_shortcomings": ["Chưa có nhân viên lễ tân sử dụng được ngoại ngữ"],
}
PROPOSE_OK = {
    "proposal_decision": "propose_recognition",
    "appraisal_minutes": "Đoàn thẩm định thống nhất cơ sở đạt hạng 3 sao",
    "proposed_rating": 3,
}
PROPOSE_REFUSAL = {
    "proposal_decision": "propose_refusal",
    "appraisal_minutes": "Đoàn thẩm định thống nhất cơ sở chưa đạt hạng 1 sao",
    "refusal_grounds": "Không đáp ứng tiêu chuẩn TCVN 4391:2015 về diện tích buồng ngủ",
}
RECOGNISE = {"approval_decision": "recognise_rating", "recognised_rating": 3, "approval_comment": "Đồng ý"}
REFUSE = {"approval_decision": "refuse_recognition"}
REAPPRAISE = {"approval_decision": "return_for_reappraisal", "approval_comment": "Làm rõ điểm chấm khu vực lễ tân"}
RETURN = {"delivery_channel": "counter", "recipient_name": "Vũ Thị Mai", "delivered_on": "2026-12-21"}
NOTIFY_REFUSAL = {"delivery_channel": "post", "recipient_name": "Vũ Thị Mai"}

SITE_TASKS = {
    "department": ("department_site_appraisal", SPECIALIST),
    "association": ("association_site_appraisal", ASSOCIATION),
}
RECOGNITION = [("propose_rating", SPECIALIST, PROPOSE_OK), ("approve_rating", LEADER, RECOGNISE),
               ("return_result", RECEPTION, RETURN)]


PROCEDURE = Procedure(KEY, {
    "applicant": {
        "applicant_name": "Vũ Thị Mai",
        "position": "Giám đốc",
        "id_number": "022190004567",
        "phone": "0987654321",
        "address": "Phường Bãi Cháy, tỉnh Quảng Ninh",
    },
    "business_name": "Công ty TNHH Du lịch Vịnh Xanh",
    "business_registration_number": "5701234567",
    "establishment_name": "Khách sạn Vịnh Xanh",
    "establishment_type": "hotel",
    "establishment_address": "Số 8 đường Hạ Long, phường Bãi Cháy, tỉnh Quảng Ninh",
    "room_count": 60,
    "requested_rating": 3,
    "request_type": "first_recognition",
    "documents": ["rating_application", "self_assessment", "staff_list", "staff_qualifications"],
    "result_delivery": "counter",
})


def joint_site_appraisal(session_factory: SessionFactory, ctx: EngineContext, dossier_id: int, staff: Staff,
                         order: tuple[str, str], department: dict[str, Any], association: dict[str, Any]) -> None:
    """Check the dossier; then both on-site tasks are open at once in two departments: do them in `order`."""
    step(session_factory, ctx, dossier_id, "check_dossier", SPECIALIST, CHECK_OK, staff)
    do_branches(session_factory, ctx, dossier_id, staff, SITE_TASKS,
                {"department": department, "association": association}, order)


@pytest.mark.parametrize("order", [("department", "association"), ("association", "department")])
def test_happy_path_recognises_the_rating(session_factory, ctx, dossier_id, staff, order):
    assert_state_round_trips(session_factory, ctx, dossier_id)
    joint_site_appraisal(session_factory, ctx, dossier_id, staff, order, DEPARTMENT_MEETS, ASSOCIATION_MEETS)
    steps(session_factory, ctx, dossier_id, staff, RECOGNITION)

    dossier = assert_finished(session_factory, dossier_id, DossierStatus.COMPLETED, "result_returned", "Đã trả kết quả")
    assert dossier.data["decision_number"] == f"{dossier.code}-KQ1"
    assert dossier.data["recognised_rating"] == 3
    # the join merged what both parties recorded on site
    assert dossier.data["department_assessed_rating"] == dossier.data["association_assessed_rating"] == 3
    assert open_tasks(session_factory, dossier_id) == []
    site_steps = [SITE_TASKS[party][0] for party in order]
    assert completed_steps(session_factory, dossier_id) == (
        ["check_dossier", *site_steps, "propose_rating", "approve_rating", "return_result"]
    )
    assert decisions(session_factory, dossier_id) == [
        ("check_dossier", {"dossier_check_decision": "organise_site_appraisal"}),
        *[(SITE_TASKS[party][0], {f"{party}_site_decision": "meets_standard"}) for party in order],
        ("propose_rating", {"proposal_decision": "propose_recognition"}),
        ("approve_rating", {"approval_decision": "recognise_rating"}),
    ]
    events = finished_history(session_factory, dossier_id)
    assert event_types(events, "issue_decision") == ["step_ready", "step_completed"]


def test_on_site_tasks_are_open_together_with_their_own_allotment(session_factory, ctx, dossier_id, staff):
    step(session_factory, ctx, dossier_id, "check_dossier", SPECIALIST, CHECK_OK, staff)
    tasks = open_tasks(session_factory, dossier_id)
    assert {t.department for t in tasks} == {"so_vhttdl.phong_quan_ly_du_lich", "hiep_hoi_du_lich"}
    assert {(t.element_id, t.stage) for t in tasks} == {
        ("department_site_appraisal", "appraise"), ("association_site_appraisal", "consult")}
    for task in tasks:
        assert task.ready_at == tasks[0].ready_at
        assert task.due_at == step_due_at(task.ready_at, TimeLimit.parse("P7D"), ctx.calendar)
    assert final(session_factory, dossier_id).status == DossierStatus.PROCESSING


@pytest.mark.parametrize("rounds", [1, 2])
def test_supplementation_loops_back_to_the_dossier_check(session_factory, ctx, dossier_id, staff, rounds):
    steps(session_factory, ctx, dossier_id, staff,
          [("check_dossier", SPECIALIST, CHECK_SUPPLEMENT), ("receive_supplement", RECEPTION, SUPPLEMENT)] * rounds)
    joint_site_appraisal(session_factory, ctx, dossier_id, staff, ("department", "association"),
                         DEPARTMENT_MEETS, ASSOCIATION_MEETS)
    steps(session_factory, ctx, dossier_id, staff, RECOGNITION)

    assert final(session_factory, dossier_id).status == DossierStatus.COMPLETED
    assert completed_steps(session_factory, dossier_id) == (
        ["check_dossier", "receive_supplement"] * rounds
        + ["check_dossier", "department_site_appraisal", "association_site_appraisal", "propose_rating",
           "approve_rating", "return_result"]
    )
    checks = [d for element, d in decisions(session_factory, dossier_id) if element == "check_dossier"]
    assert checks == [{"dossier_check_decision": "request_supplement"}] * rounds + [
        {"dossier_check_decision": "organise_site_appraisal"}]


@pytest.mark.parametrize("order", [("department", "association"), ("association", "department")])
def test_refusal_after_the_on_site_appraisal(session_factory, ctx, dossier_id, staff, order):
    joint_site_appraisal(session_factory, ctx, dossier_id, staff, order, DEPARTMENT_BELOW, ASSOCIATION_BELOW)
    steps(session_factory, ctx, dossier_id, staff, [
        ("propose_rating", SPECIALIST, PROPOSE_REFUSAL), ("approve_rating", LEADER, REFUSE),
        ("notify_refusal", RECEPTION, NOTIFY_REFUSAL)])

    dossier = assert_finished(session_factory, dossier_id, DossierStatus.REFUSED,
                              "dossier_refused", "Từ chối giải quyết")
    assert "decision_number" not in dossier.data
    assert decisions(session_factory, dossier_id)[-2:] == [
        ("propose_rating", {"proposal_decision": "propose_refusal"}),
        ("approve_rating", {"approval_decision": "refuse_recognition"}),
    ]


def test_leader_returns_the_proposal_without_a_new_site_visit(session_factory, ctx, dossier_id, staff):
    joint_site_appraisal(session_factory, ctx, dossier_id, staff, ("association", "department"),
                         DEPARTMENT_MEETS, ASSOCIATION_MEETS)
    steps(session_factory, ctx, dossier_id, staff,
          [("propose_rating", SPECIALIST, PROPOSE_OK), ("approve_rating", LEADER, REAPPRAISE), *RECOGNITION])

    assert final(session_factory, dossier_id).status == DossierStatus.COMPLETED
    assert completed_steps(session_factory, dossier_id).count("department_site_appraisal") == 1


def test_a_form_that_misses_its_conditional_fields_is_refused(session_factory, ctx, dossier_id, staff):
    from engine.errors import FormInvalidError

    task = open_tasks(session_factory, dossier_id)[0]
    with pytest.raises(FormInvalidError) as raised, session_factory.begin() as session:
        complete_task(session, ctx, task.id, actor=staff.for_task(task.id),
                      data={"dossier_check_decision": "organise_site_appraisal", "check_opinion": "Hợp lệ"})
    assert {p.field for p in raised.value.problems} == {"appraisal_team", "planned_visit_date"}
    assert open_now(session_factory, dossier_id) == [("check_dossier", *SPECIALIST)]


@pytest.mark.parametrize(("received_local", "due_local"), [
    # Fri 27/11/2026: day 30 is Sunday 27/12, so the limit runs to the end of Monday 28/12
    (datetime(2026, 11, 27, 9, 0), datetime(2026, 12, 28, 17, 0)),
    # Mon 30/11/2026: day 30 is Wednesday 30/12, a working day
    (datetime(2026, 11, 30, 10, 0), datetime(2026, 12, 30, 17, 0)),
    # Received on Saturday: the clock starts on Monday 30/11, as above
    (datetime(2026, 11, 28, 9, 0), datetime(2026, 12, 30, 17, 0)),
])
def test_due_at_is_thirty_calendar_days(session_factory, ctx, deployed, center, staff, clock,
                                        received_local, due_local):
    clock.set(received_local.replace(tzinfo=VN))
    dossier = final(session_factory, start(session_factory, ctx, PROCEDURE, center, staff))
    assert dossier.due_at == due_local.replace(tzinfo=VN)
    assert dossier.due_at == dossier_due_at(dossier.received_at, TimeLimit(30, TimeLimitUnit.CALENDAR_DAYS),
                                            ctx.calendar)


MAIN_PATH = ["check_dossier", "department_site_appraisal", "propose_rating", "approve_rating", "return_result"]


@pytest.mark.parametrize("received_local", [
    datetime(2026, 11, 27, 9, 0),
    datetime(2027, 1, 29, 16, 30),  # the 30 days span Tết Đinh Mùi (04–10/02/2027)
    datetime(2026, 4, 24, 9, 0),  # ... and 27/04, 30/04, 01/05/2026
])
def test_main_path_allotments_fit_the_calendar_day_limit(session_factory, ctx, deployed, center, staff, clock,
                                                         received_local):
    """The steps are allotted working time; on the main path they fit in the 30 days."""
    with session_factory() as session:
        elements = ctx.version(session, deployed).elements
    assert elements["department_site_appraisal"]["properties"]["allottedTime"] == (
        elements["association_site_appraisal"]["properties"]["allottedTime"])
    allotted = sum((TimeLimit.parse(elements[e]["properties"]["allottedTime"]).working_time(ctx.calendar)
                    for e in MAIN_PATH), timedelta())
    clock.set(received_local.replace(tzinfo=VN))
    dossier = final(session_factory, start(session_factory, ctx, PROCEDURE, center, staff))
    assert allotted <= ctx.calendar.working_time_between(dossier.received_at, dossier.due_at)
    with session_factory() as session:
        first = session.scalar(select(HumanTask).where(HumanTask.dossier_id == dossier.id))
        assert first.element_id == "check_dossier" and first.due_at < dossier.due_at
