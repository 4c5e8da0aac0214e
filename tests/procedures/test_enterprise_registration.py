"""Đăng ký thành lập doanh nghiệp: every path of the diagram, with the stored state round-tripped
after every step (the workflow cache is off, so each command really loads what the last stored).

Other test modules import this module's form data, and step/assert_state_round_trips/final/completed_steps
(re-exported from driver.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.persistence.models import DossierStatus, HumanTask
from tests.conftest import enterprise_start_data, history, open_tasks
from tests.procedures.driver import (
    Procedure,
    assert_finished,
    assert_state_round_trips,
    completed_steps,
    event_types,
    final,
    finished_history,
    step,
    steps,
)

KEY = "enterprise_registration"
PROCEDURE = Procedure(KEY, enterprise_start_data())
RECEPTION = ("reception", "trung_tam_hcc", "reception")
SPECIALIST = ("specialist", "so_tai_chinh.phong_dkkd", "specialist")
LEADER = ("leader", "so_tai_chinh", "unit_leader")

APPRAISE_OK = {"appraisal_decision": "propose_approval", "appraisal_opinion": "Hồ sơ hợp lệ, đủ điều kiện cấp"}
APPRAISE_SUPPLEMENT = {
    "appraisal_decision": "request_supplement",
    "appraisal_opinion": "Thiếu điều lệ có chữ ký của chủ sở hữu",
    "missing_documents": ["Điều lệ công ty có chữ ký của chủ sở hữu"],
}
APPRAISE_REFUSE = {
    "appraisal_decision": "propose_refusal",
    "appraisal_opinion": "Tên doanh nghiệp trùng",
    "refusal_grounds": "Tên doanh nghiệp trùng với doanh nghiệp đã đăng ký (Điều 41 Luật Doanh nghiệp 2020)",
}
SUPPLEMENT = {"supplemented_documents": ["Điều lệ công ty (bản có chữ ký)"], "supplement_note": "Nộp tại quầy"}
SIGN = {"approval_decision": "sign_certificate", "approval_comment": "Đồng ý"}
SIGN_REFUSAL = {"approval_decision": "sign_refusal", "approval_comment": "Đồng ý từ chối"}
REAPPRAISE = {"approval_decision": "return_for_reappraisal", "approval_comment": "Kiểm tra lại ngành nghề"}
RETURN = {"delivery_channel": "counter", "recipient_name": "Nguyễn Văn An", "delivered_on": "2026-12-01"}
NOTIFY_REFUSAL = {"delivery_channel": "counter", "recipient_name": "Nguyễn Văn An"}

ISSUE_PATH = [("appraise_dossier", SPECIALIST, APPRAISE_OK), ("approve_dossier", LEADER, SIGN),
              ("return_result", RECEPTION, RETURN)]
SUPPLEMENT_ROUND = [("appraise_dossier", SPECIALIST, APPRAISE_SUPPLEMENT),
                    ("receive_supplement", RECEPTION, SUPPLEMENT)]


def test_happy_path_issues_the_certificate(session_factory, ctx, dossier_id, staff):
    assert_state_round_trips(session_factory, ctx, dossier_id)
    steps(session_factory, ctx, dossier_id, staff, ISSUE_PATH)

    dossier = assert_finished(session_factory, dossier_id, DossierStatus.COMPLETED, "result_returned", "Đã trả kết quả")
    assert dossier.data["certificate_number"] == f"{dossier.code}-KQ1"
    assert open_tasks(session_factory, dossier_id) == []
    assert completed_steps(session_factory, dossier_id) == ["appraise_dossier", "approve_dossier", "return_result"]
    events = finished_history(session_factory, dossier_id)
    assert event_types(events, "issue_certificate") == ["step_ready", "step_completed"]


@pytest.mark.parametrize("rounds", [1, 2])
def test_supplementation_loops_back_to_appraisal(session_factory, ctx, dossier_id, staff, rounds):
    steps(session_factory, ctx, dossier_id, staff, SUPPLEMENT_ROUND * rounds + ISSUE_PATH)

    assert final(session_factory, dossier_id).status == DossierStatus.COMPLETED
    assert completed_steps(session_factory, dossier_id) == (
        ["appraise_dossier", "receive_supplement"] * rounds + ["appraise_dossier", "approve_dossier", "return_result"]
    )
    decisions = [e.payload["decision"] for e in history(session_factory, dossier_id)
                 if e.event_type == "task_completed" and e.element_id == "appraise_dossier"]
    assert decisions[-1] == {"appraisal_decision": "propose_approval"}


def test_refusal_ends_with_refusal_notice(session_factory, ctx, dossier_id, staff):
    steps(session_factory, ctx, dossier_id, staff, [
        ("appraise_dossier", SPECIALIST, APPRAISE_REFUSE), ("approve_dossier", LEADER, SIGN_REFUSAL),
        ("notify_refusal", RECEPTION, NOTIFY_REFUSAL)])

    dossier = final(session_factory, dossier_id)
    assert dossier.status == DossierStatus.REFUSED
    assert dossier.result_name == "Từ chối giải quyết"
    assert "certificate_number" not in dossier.data


def test_leader_returns_for_reappraisal(session_factory, ctx, dossier_id, staff):
    steps(session_factory, ctx, dossier_id, staff, [
        ("appraise_dossier", SPECIALIST, APPRAISE_OK), ("approve_dossier", LEADER, REAPPRAISE), *ISSUE_PATH])
    assert final(session_factory, dossier_id).status == DossierStatus.COMPLETED


def test_every_human_step_keeps_its_times_and_actor(session_factory, ctx, dossier_id, clock, staff):
    officials = [staff.of(department, role) for _element, (_lane, department, role), _data in ISSUE_PATH]
    for element, expected, data in ISSUE_PATH:
        clock.advance(hours=1)
        step(session_factory, ctx, dossier_id, element, expected, data, staff)
    with session_factory() as session:
        tasks = session.scalars(select(HumanTask).where(HumanTask.dossier_id == dossier_id)
                                .order_by(HumanTask.ready_at)).all()
        assert all(t.ready_at <= t.claimed_at <= t.completed_at for t in tasks)
        assert all(t.due_at is not None and t.due_at > t.ready_at for t in tasks)
    names = [e.actor_name for e in history(session_factory, dossier_id) if e.event_type == "task_completed"]
    assert names == [o.name for o in officials]
