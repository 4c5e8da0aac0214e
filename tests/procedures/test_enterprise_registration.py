"""Đăng ký thành lập doanh nghiệp: every path of the diagram, with the stored state round-tripped
after every step (the workflow cache is off, so each command really loads what the last stored)."""

from __future__ import annotations

from typing import Any

import pytest
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import undefer

from engine.persistence.models import Dossier, DossierStatus, HumanTask, TaskStatus
from engine.persistence.state import dump_workflow, full_document, load_workflow
from engine.runtime.context import EngineContext, build_context
from engine.runtime.dossiers import start_dossier
from engine.runtime.tasks import claim_task, complete_task
from engine.runtime.workflow import Actor
from engine.settings import EngineSettings
from tests.conftest import LIBRARY, deploy, enterprise_start_data, history, open_tasks, stored_workflow

KEY = "enterprise_registration"
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


@pytest.fixture
def ctx(clock: Any) -> EngineContext:
    return build_context(EngineSettings(library_path=LIBRARY, workflow_cache_size=0, verify_state_writes=True), clock)


@pytest.fixture
def dossier_id(session_factory: Any, ctx: EngineContext, center: Any, actor: Actor) -> int:
    deploy(session_factory, ctx, KEY)
    with session_factory.begin() as session:
        dossier = start_dossier(session, ctx, KEY, actor=actor, center_code=center.code, data=enterprise_start_data())
        return dossier.id


def assert_state_round_trips(session_factory: Any, ctx: EngineContext, dossier_id: int) -> None:
    """The stored state restores and re-serializes identically; its READY user tasks are our open tasks."""
    with session_factory() as session:
        workflow = stored_workflow(session, ctx, dossier_id)
        restored = load_workflow(dump_workflow(workflow), workflow.spec, workflow.subprocess_specs)
        assert full_document(restored) == full_document(workflow)
        ready = {t.id for t in workflow.get_tasks(state=TaskState.READY, manual=True)}
        rows = session.scalars(
            select(HumanTask.id).where(HumanTask.dossier_id == dossier_id, HumanTask.status == TaskStatus.READY)
        )
        assert ready == set(rows)


def step(session_factory: Any, ctx: EngineContext, dossier_id: int, element_id: str,
         expected: tuple[str, str, str], data: dict[str, Any], actor: Actor) -> None:
    """Check the single open task is `element_id` in the expected lane/department/role, then do it."""
    tasks = open_tasks(session_factory, dossier_id)
    assert [(t.element_id, t.lane, t.department, t.candidate_role) for t in tasks] == [(element_id, *expected)]
    with session_factory.begin() as session:
        claim_task(session, ctx, tasks[0].id, actor=actor)
    with session_factory.begin() as session:
        complete_task(session, ctx, tasks[0].id, actor=actor, data=data)
    assert_state_round_trips(session_factory, ctx, dossier_id)


def final(session_factory: Any, dossier_id: int) -> Dossier:
    with session_factory() as session:
        return session.scalar(select(Dossier).options(undefer(Dossier.data)).where(Dossier.id == dossier_id))


def completed_steps(session_factory: Any, dossier_id: int) -> list[str]:
    return [e.element_id for e in history(session_factory, dossier_id) if e.event_type == "task_completed"]


def test_happy_path_issues_the_certificate(session_factory, ctx, dossier_id, actor):
    assert_state_round_trips(session_factory, ctx, dossier_id)
    step(session_factory, ctx, dossier_id, "appraise_dossier", SPECIALIST, APPRAISE_OK, actor)
    step(session_factory, ctx, dossier_id, "approve_dossier", LEADER, SIGN, actor)
    step(session_factory, ctx, dossier_id, "return_result", RECEPTION, RETURN, actor)

    dossier = final(session_factory, dossier_id)
    assert dossier.status == DossierStatus.COMPLETED
    assert (dossier.result_element_id, dossier.result_name) == ("result_returned", "Đã trả kết quả")
    assert dossier.data["certificate_number"] == f"{dossier.code}-KQ1"
    assert open_tasks(session_factory, dossier_id) == []
    assert completed_steps(session_factory, dossier_id) == ["appraise_dossier", "approve_dossier", "return_result"]
    events = history(session_factory, dossier_id)
    assert events[0].event_type == "dossier_received" and events[-1].event_type == "dossier_completed"
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    script = [e for e in events if e.element_id == "issue_certificate"]
    assert [e.event_type for e in script] == ["step_ready", "step_completed"]


@pytest.mark.parametrize("rounds", [1, 2])
def test_supplementation_loops_back_to_appraisal(session_factory, ctx, dossier_id, actor, rounds):
    for _ in range(rounds):
        step(session_factory, ctx, dossier_id, "appraise_dossier", SPECIALIST, APPRAISE_SUPPLEMENT, actor)
        step(session_factory, ctx, dossier_id, "receive_supplement", RECEPTION, SUPPLEMENT, actor)
    step(session_factory, ctx, dossier_id, "appraise_dossier", SPECIALIST, APPRAISE_OK, actor)
    step(session_factory, ctx, dossier_id, "approve_dossier", LEADER, SIGN, actor)
    step(session_factory, ctx, dossier_id, "return_result", RECEPTION, RETURN, actor)

    assert final(session_factory, dossier_id).status == DossierStatus.COMPLETED
    assert completed_steps(session_factory, dossier_id) == (
        ["appraise_dossier", "receive_supplement"] * rounds + ["appraise_dossier", "approve_dossier", "return_result"]
    )
    decisions = [e.payload["decision"] for e in history(session_factory, dossier_id)
                 if e.event_type == "task_completed" and e.element_id == "appraise_dossier"]
    assert decisions[-1] == {"appraisal_decision": "propose_approval"}


def test_refusal_ends_with_refusal_notice(session_factory, ctx, dossier_id, actor):
    step(session_factory, ctx, dossier_id, "appraise_dossier", SPECIALIST, APPRAISE_REFUSE, actor)
    step(session_factory, ctx, dossier_id, "approve_dossier", LEADER, SIGN_REFUSAL, actor)
    step(session_factory, ctx, dossier_id, "notify_refusal", RECEPTION, NOTIFY_REFUSAL, actor)

    dossier = final(session_factory, dossier_id)
    assert dossier.status == DossierStatus.REFUSED
    assert dossier.result_name == "Từ chối giải quyết"
    assert "certificate_number" not in dossier.data


def test_leader_returns_for_reappraisal(session_factory, ctx, dossier_id, actor):
    step(session_factory, ctx, dossier_id, "appraise_dossier", SPECIALIST, APPRAISE_OK, actor)
    step(session_factory, ctx, dossier_id, "approve_dossier", LEADER, REAPPRAISE, actor)
    step(session_factory, ctx, dossier_id, "appraise_dossier", SPECIALIST, APPRAISE_OK, actor)
    step(session_factory, ctx, dossier_id, "approve_dossier", LEADER, SIGN, actor)
    step(session_factory, ctx, dossier_id, "return_result", RECEPTION, RETURN, actor)
    assert final(session_factory, dossier_id).status == DossierStatus.COMPLETED


def test_every_human_step_keeps_its_times_and_actor(session_factory, ctx, dossier_id, clock):
    officials = [Actor(None, "Trần Văn Minh"), Actor(None, "Lê Quang Huy"), Actor(None, "Nguyễn Thị Lan")]
    for (element, expected, data), official in zip(
        [("appraise_dossier", SPECIALIST, APPRAISE_OK), ("approve_dossier", LEADER, SIGN),
         ("return_result", RECEPTION, RETURN)], officials, strict=True):
        clock.advance(hours=1)
        step(session_factory, ctx, dossier_id, element, expected, data, official)
    with session_factory() as session:
        tasks = session.scalars(select(HumanTask).where(HumanTask.dossier_id == dossier_id)
                                .order_by(HumanTask.ready_at)).all()
        assert all(t.ready_at <= t.claimed_at <= t.completed_at for t in tasks)
        assert all(t.due_at is not None and t.due_at > t.ready_at for t in tasks)
    names = [e.actor_name for e in history(session_factory, dossier_id) if e.event_type == "task_completed"]
    assert names == [o.name for o in officials]
