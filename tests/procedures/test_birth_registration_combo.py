"""Liên thông đăng ký khai sinh – đăng ký thường trú – cấp thẻ BHYT cho trẻ em dưới 6 tuổi: every
path of the diagram, the two inter-agency branches completed in both orders, and the 3-working-day
appointment with the 15:00 cut-off, with the stored state round-tripped after every step (the
workflow cache is off, so each command really loads what the last one stored)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from engine.calendar.deadlines import TimeLimit, TimeLimitUnit, dossier_due_at, step_due_at
from engine.errors import FormInvalidError
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
    events_of,
    final,
    finished_history,
    open_now,
    start,
    step,
    steps,
)
from tests.staff import Staff

KEY = "birth_registration_combo"
VN = ZoneInfo("Asia/Ho_Chi_Minh")
RECEPTION = ("reception", "trung_tam_hcc_xa", "reception")
CIVIL_STATUS = ("civil_status", "ubnd_xa.tu_phap_ho_tich", "specialist")
COMMUNE_LEADER = ("commune_leader", "ubnd_xa", "unit_leader")
POLICE = ("commune_police", "cong_an_xa", "specialist")
SOCIAL_INSURANCE = ("social_insurance", "bhxh_co_so", "specialist")

REGISTER_OK = {"civil_status_decision": "propose_registration", "civil_status_opinion": "Hồ sơ hợp lệ"}
REGISTER_SUPPLEMENT = {
    "civil_status_decision": "request_supplement",
    "civil_status_opinion": "Thiếu Giấy chứng sinh",
    "missing_documents": ["Giấy chứng sinh do cơ sở y tế cấp"],
}
REGISTER_REFUSE = {
    "civil_status_decision": "propose_refusal",
    "civil_status_opinion": "Trẻ đã được đăng ký khai sinh",
    "refusal_grounds": "Trẻ đã được đăng ký khai sinh tại UBND phường Hồng Gai ngày 02/11/2026",
}
SUPPLEMENT = {"supplemented_documents": ["Giấy chứng sinh"], "supplement_note": "Nộp bản điện tử"}
SIGN = {"approval_decision": "sign_birth_certificate"}
SIGN_REFUSAL = {"approval_decision": "sign_refusal", "approval_comment": "Đồng ý từ chối"}
REAPPRAISE = {"approval_decision": "return_for_reappraisal", "approval_comment": "Kiểm tra lại tên của trẻ"}
RESIDENCE_OK = {
    "residence_decision": "registered",
    "residence_verified": False,
    "personal_id_number": "022226001234",
    "registered_address": "Số 5 phố Cao Thắng, phường Hạ Long, tỉnh Quảng Ninh",
}
RESIDENCE_PROBLEM = {
    "residence_decision": "not_registered",
    "residence_verified": False,
    "residence_problem": "Chỗ ở đề nghị đăng ký chưa có ý kiến đồng ý của chủ hộ",
}
INSURANCE_OK = {
    "insurance_decision": "card_issued",
    "health_insurance_card_number": "2226012345",
    "card_valid_from": "2026-11-20",
    "card_valid_to": "2032-11-30",
    "initial_care_facility": "Trạm Y tế phường Hạ Long",
}
INSURANCE_PROBLEM = {"insurance_decision": "not_issued", "insurance_problem": "Nơi khám bệnh ban đầu không hợp lệ"}
RETURN = {"delivery_channel": "electronic", "recipient_name": "Nguyễn Thị Hằng", "delivered_on": "2026-12-01"}
RETURN_PARTIAL = {
    **RETURN,
    "unresolved_notice": "Chưa đăng ký được thường trú: cần văn bản đồng ý của chủ hộ; nộp bổ sung tại Công an xã",
}
NOTIFY_REFUSAL = {"delivery_channel": "counter", "recipient_name": "Nguyễn Thị Hằng"}

BRANCHES = {
    "residence": ("register_residence", POLICE),
    "insurance": ("issue_health_insurance_card", SOCIAL_INSURANCE),
}
BOTH_ORDERS = [("residence", "insurance"), ("insurance", "residence")]
REGISTRATION = [("register_birth", CIVIL_STATUS, REGISTER_OK), ("approve_birth_registration", COMMUNE_LEADER, SIGN)]
SUPPLEMENT_ROUND = [("register_birth", CIVIL_STATUS, REGISTER_SUPPLEMENT),
                    ("receive_supplement", RECEPTION, SUPPLEMENT)]


PROCEDURE = Procedure(KEY, {
    "applicant": {
        "applicant_name": "Nguyễn Thị Hằng",
        "id_number": "022195001234",
        "relationship_to_child": "mother",
        "phone": "0912345678",
        "address": "Số 5 phố Cao Thắng, phường Hạ Long, tỉnh Quảng Ninh",
    },
    "child": {
        "full_name": "Trần Minh Khôi",
        "sex": "male",
        "date_of_birth": "2026-11-20",
        "place_of_birth": "Bệnh viện Sản Nhi Quảng Ninh",
        "ethnicity": "Kinh",
        "nationality": "Việt Nam",
    },
    "mother": {"full_name": "Nguyễn Thị Hằng", "id_number": "022195001234"},
    "father": {"full_name": "Trần Văn Dũng", "id_number": "022093005678"},
    "residence": {
        "permanent_address": "Số 5 phố Cao Thắng, phường Hạ Long, tỉnh Quảng Ninh",
        "household_head_name": "Trần Văn Dũng",
        "relationship_to_household_head": "Con",
    },
    "health_insurance": {"initial_care_facility": "Trạm Y tế phường Hạ Long"},
    "documents": ["interlink_declaration", "medical_birth_certificate"],
    "result_delivery": "electronic",
})


def register_birth(session_factory: SessionFactory, ctx: EngineContext, dossier_id: int, staff: Staff) -> None:
    steps(session_factory, ctx, dossier_id, staff, REGISTRATION)


def interlink(session_factory: SessionFactory, ctx: EngineContext, dossier_id: int, staff: Staff,
              order: tuple[str, str], residence: dict[str, Any], insurance: dict[str, Any]) -> None:
    """Register the birth; then police and social insurance both have the dossier at once and finish in `order`."""
    register_birth(session_factory, ctx, dossier_id, staff)
    do_branches(session_factory, ctx, dossier_id, staff, BRANCHES, {"residence": residence, "insurance": insurance},
                order)


@pytest.mark.parametrize("order", BOTH_ORDERS)
def test_happy_path_returns_all_three_results(session_factory, ctx, dossier_id, staff, order):
    assert_state_round_trips(session_factory, ctx, dossier_id)
    interlink(session_factory, ctx, dossier_id, staff, order, RESIDENCE_OK, INSURANCE_OK)
    step(session_factory, ctx, dossier_id, "return_results", RECEPTION, RETURN, staff)

    dossier = assert_finished(session_factory, dossier_id, DossierStatus.COMPLETED,
                              "results_returned", "Đã trả kết quả")
    assert dossier.data["birth_certificate_number"] == f"{dossier.code}-KQ1"
    # the join merged both agencies' results
    assert dossier.data["personal_id_number"] == "022226001234"
    assert dossier.data["health_insurance_card_number"] == "2226012345"
    assert open_tasks(session_factory, dossier_id) == []
    branch_steps = [BRANCHES[agency][0] for agency in order]
    assert completed_steps(session_factory, dossier_id) == (
        ["register_birth", "approve_birth_registration", *branch_steps, "return_results"]
    )
    outcomes = {"residence": {"residence_decision": "registered"}, "insurance": {"insurance_decision": "card_issued"}}
    assert decisions(session_factory, dossier_id) == [
        ("register_birth", {"civil_status_decision": "propose_registration"}),
        ("approve_birth_registration", {"approval_decision": "sign_birth_certificate"}),
        *[(BRANCHES[agency][0], outcomes[agency]) for agency in order],
    ]
    events = finished_history(session_factory, dossier_id)
    assert event_types(events, "issue_birth_certificate") == ["step_ready", "step_completed"]


def test_both_agencies_get_the_dossier_at_once_after_the_birth_is_registered(session_factory, ctx, dossier_id,
                                                                              staff):
    register_birth(session_factory, ctx, dossier_id, staff)
    tasks = open_tasks(session_factory, dossier_id)
    assert {t.department for t in tasks} == {"cong_an_xa", "bhxh_co_so"}
    assert {t.stage for t in tasks} == {"consult"}
    for task in tasks:
        assert task.ready_at == tasks[0].ready_at
        assert task.due_at == step_due_at(task.ready_at, TimeLimit.parse("P2D"), ctx.calendar)
    dossier = final(session_factory, dossier_id)
    assert dossier.status == DossierStatus.PROCESSING
    assert dossier.data["birth_certificate_number"] == f"{dossier.code}-KQ1"


@pytest.mark.parametrize("rounds", [1, 2])
def test_supplementation_loops_back_to_the_civil_status_step(session_factory, ctx, dossier_id, staff, rounds):
    steps(session_factory, ctx, dossier_id, staff, SUPPLEMENT_ROUND * rounds)
    interlink(session_factory, ctx, dossier_id, staff, ("residence", "insurance"), RESIDENCE_OK, INSURANCE_OK)
    step(session_factory, ctx, dossier_id, "return_results", RECEPTION, RETURN, staff)

    assert final(session_factory, dossier_id).status == DossierStatus.COMPLETED
    assert completed_steps(session_factory, dossier_id) == (
        ["register_birth", "receive_supplement"] * rounds
        + ["register_birth", "approve_birth_registration", "register_residence", "issue_health_insurance_card",
           "return_results"]
    )
    registrations = [d for element, d in decisions(session_factory, dossier_id) if element == "register_birth"]
    assert registrations == [{"civil_status_decision": "request_supplement"}] * rounds + [
        {"civil_status_decision": "propose_registration"}]


def test_refusal_ends_before_any_interlinked_procedure(session_factory, ctx, dossier_id, staff):
    steps(session_factory, ctx, dossier_id, staff, [
        ("register_birth", CIVIL_STATUS, REGISTER_REFUSE), ("approve_birth_registration", COMMUNE_LEADER, SIGN_REFUSAL),
        ("notify_refusal", RECEPTION, NOTIFY_REFUSAL)])

    dossier = assert_finished(session_factory, dossier_id, DossierStatus.REFUSED,
                              "dossier_refused", "Từ chối giải quyết")
    assert "birth_certificate_number" not in dossier.data
    with session_factory() as session:
        departments = set(session.scalars(select(HumanTask.department).where(HumanTask.dossier_id == dossier_id)))
    assert departments == {"ubnd_xa.tu_phap_ho_tich", "ubnd_xa", "trung_tam_hcc_xa"}
    assert decisions(session_factory, dossier_id) == [
        ("register_birth", {"civil_status_decision": "propose_refusal"}),
        ("approve_birth_registration", {"approval_decision": "sign_refusal"}),
    ]


def test_leader_returns_for_reappraisal(session_factory, ctx, dossier_id, staff):
    steps(session_factory, ctx, dossier_id, staff,
          [("register_birth", CIVIL_STATUS, REGISTER_OK), ("approve_birth_registration", COMMUNE_LEADER, REAPPRAISE)])
    interlink(session_factory, ctx, dossier_id, staff, ("insurance", "residence"), RESIDENCE_OK, INSURANCE_OK)
    step(session_factory, ctx, dossier_id, "return_results", RECEPTION, RETURN, staff)
    assert final(session_factory, dossier_id).status == DossierStatus.COMPLETED
    with session_factory() as session:
        count = session.scalar(select(func.count(HumanTask.id)).where(
            HumanTask.dossier_id == dossier_id, HumanTask.element_id == "register_residence"))
    assert count == 1


@pytest.mark.parametrize(("residence", "insurance"), [
    (RESIDENCE_PROBLEM, INSURANCE_OK),
    (RESIDENCE_OK, INSURANCE_PROBLEM),
    (RESIDENCE_PROBLEM, INSURANCE_PROBLEM),
])
@pytest.mark.parametrize("order", BOTH_ORDERS)
def test_an_unresolved_interlinked_procedure_returns_partial_results(session_factory, ctx, dossier_id, staff,
                                                                     order, residence, insurance):
    interlink(session_factory, ctx, dossier_id, staff, order, residence, insurance)
    step(session_factory, ctx, dossier_id, "return_partial_results", RECEPTION, RETURN_PARTIAL, staff)

    dossier = assert_finished(session_factory, dossier_id, DossierStatus.COMPLETED,
                              "partial_results_returned", "Đã trả kết quả một phần")
    assert dossier.data["birth_certificate_number"] == f"{dossier.code}-KQ1"
    assert dossier.data["residence_decision"] == residence["residence_decision"]
    assert dossier.data["insurance_decision"] == insurance["insurance_decision"]
    assert completed_steps(session_factory, dossier_id)[-1] == "return_partial_results"


@pytest.mark.parametrize(("received_local", "due_local"), [
    # Fri 27/11/2026 09:00: Mon 30/11, Tue 01/12, Wed 02/12
    (datetime(2026, 11, 27, 9, 0), datetime(2026, 12, 2, 17, 0)),
    # at 15:00 exactly the day still counts as the day of receipt ("sau 15 giờ" is strictly after)
    (datetime(2026, 11, 27, 15, 0), datetime(2026, 12, 2, 17, 0)),
    # after 15:00: counted from Monday 30/11, so Tue, Wed, Thu
    (datetime(2026, 11, 27, 15, 30), datetime(2026, 12, 3, 17, 0)),
    (datetime(2026, 11, 27, 16, 59), datetime(2026, 12, 3, 17, 0)),
    # Mon 23/11/2026 15:30: counted from Wed 25/11 (24/11 is Ngày Văn hóa Việt Nam)
    (datetime(2026, 11, 23, 15, 30), datetime(2026, 11, 30, 17, 0)),
])
def test_due_at_is_three_working_days_with_the_1500_cutoff(session_factory, ctx, deployed, center, staff, clock,
                                                           received_local, due_local):
    clock.set(received_local.replace(tzinfo=VN))
    dossier = final(session_factory, start(session_factory, ctx, PROCEDURE, center, staff))
    assert dossier.due_at == due_local.replace(tzinfo=VN)
    assert dossier.due_at == dossier_due_at(dossier.received_at, TimeLimit(3, TimeLimitUnit.WORKING_DAYS),
                                            ctx.calendar, cutoff=datetime(2026, 1, 1, 15, 0).time())


MAIN_PATH = ["register_birth", "approve_birth_registration", "register_residence", "return_results"]


@pytest.mark.parametrize("received_local", [
    datetime(2026, 11, 27, 9, 0), datetime(2026, 11, 27, 15, 0), datetime(2026, 11, 27, 15, 30)])
def test_main_path_allotments_fit_the_three_working_days(session_factory, ctx, deployed, center, staff, clock,
                                                         received_local):
    """Birth registration within the day, each agency 2 working days, then the return: 3 working days."""
    with session_factory() as session:
        elements = ctx.version(session, deployed).elements
    allotted = {e: TimeLimit.parse(elements[e]["properties"]["allottedTime"]).working_time(ctx.calendar)
                for e in (*MAIN_PATH, "issue_health_insurance_card")}
    assert allotted["register_residence"] == allotted["issue_health_insurance_card"] == timedelta(hours=16)
    assert allotted["register_birth"] + allotted["approve_birth_registration"] <= timedelta(hours=8)
    total = sum((allotted[e] for e in MAIN_PATH), timedelta())
    assert total <= TimeLimit(3, TimeLimitUnit.WORKING_DAYS).working_time(ctx.calendar)
    clock.set(received_local.replace(tzinfo=VN))
    dossier = final(session_factory, start(session_factory, ctx, PROCEDURE, center, staff))
    assert total <= ctx.calendar.working_time_between(dossier.received_at, dossier.due_at)


def test_an_authorised_applicant_must_file_the_authorisation(session_factory, ctx, deployed, center, staff):
    from engine.errors import FormInvalidError

    applicant = {**PROCEDURE.start_data()["applicant"], "relationship_to_child": "authorised"}
    with pytest.raises(FormInvalidError) as raised:
        start(session_factory, ctx, PROCEDURE, center, staff, applicant=applicant)
    assert [p.field for p in raised.value.problems] == ["documents"]
    dossier_id = start(session_factory, ctx, PROCEDURE, center, staff, applicant=applicant,
                       documents=["interlink_declaration", "birth_witness_statement", "authorisation_letter"])
    assert open_now(session_factory, dossier_id) == [("register_birth", *CIVIL_STATUS)]


THREE_DAYS = datetime(2026, 12, 2, 17, 0, tzinfo=VN)  # 3 working days from Friday 27/11/2026 09:00
FIVE_DAYS = datetime(2026, 12, 4, 17, 0, tzinfo=VN)  # 5 working days from the same receipt


def limit_choices(session_factory: SessionFactory, dossier_id: int) -> list[tuple[str | None, str, int]]:
    return [(e.element_id, e.payload["limit"], e.payload["value"])
            for e in events_of(session_factory, dossier_id, "time_limit_selected")]


def test_residence_registered_without_verification_keeps_three_working_days(session_factory, ctx, dossier_id, staff):
    interlink(session_factory, ctx, dossier_id, staff, ("residence", "insurance"), RESIDENCE_OK, INSURANCE_OK)
    assert final(session_factory, dossier_id).due_at == THREE_DAYS
    assert limit_choices(session_factory, dossier_id) == [(None, "default", 3)]


def test_residence_verification_gives_the_dossier_five_working_days(session_factory, ctx, dossier_id, staff):
    verified = {**RESIDENCE_OK, "residence_verified": True}
    interlink(session_factory, ctx, dossier_id, staff, ("residence", "insurance"), verified, INSURANCE_OK)
    dossier = final(session_factory, dossier_id)
    assert (dossier.due_at, dossier.original_due_at) == (FIVE_DAYS, FIVE_DAYS)
    assert limit_choices(session_factory, dossier_id) == [
        (None, "default", 3), ("register_residence", "residence_verification", 5)]
    [event] = [e for e in events_of(session_factory, dossier_id, "time_limit_selected") if e.element_id]
    assert "05 ngày làm việc" in event.payload["reason"]["vi"]


def test_the_police_must_say_whether_they_verified(session_factory, ctx, dossier_id, staff):
    register_birth(session_factory, ctx, dossier_id, staff)
    [task] = [t for t in open_tasks(session_factory, dossier_id) if t.element_id == "register_residence"]
    unsaid = {k: v for k, v in RESIDENCE_OK.items() if k != "residence_verified"}
    with pytest.raises(FormInvalidError) as refused, session_factory.begin() as session:
        complete_task(session, ctx, task.id, actor=staff.for_task(task.id), data=unsaid)
    assert [p.field for p in refused.value.problems] == ["residence_verified"]
