"""Who gets a new task: pool, round-robin, least-loaded, fixed official; deputies; four-eyes;
delegation and reassignment; and the property that no open task is left without someone who can act."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from engine.errors import PermissionDeniedError
from engine.org.directory import can_act, deputy_for, is_available
from engine.persistence.models import (
    Deputy,
    Dossier,
    HistoryEvent,
    HumanTask,
    LeavePeriod,
    Official,
    TaskStatus,
    WorkflowTask,
)
from engine.runtime.assignments import delegate_task, reassign_tasks
from engine.runtime.command import Actor
from engine.runtime.dossiers import start_dossier
from engine.runtime.tasks import claim_task, complete_task
from tests.conftest import history
from tests.fixtures import tiny_procedure
from tests.unit.engine.org.conftest import PEOPLE, binding_metadata, deploy_tiny

TODAY = date(2026, 11, 27)  # the test clock's day

FOUR_EYES_DIAGRAM = tiny_procedure.bpmn().replace(
    '<bpmn:sequenceFlow id="f3" sourceRef="review" targetRef="decide" />',
    '<bpmn:sequenceFlow id="f3" sourceRef="review" targetRef="second_review" />'
    '<bpmn:sequenceFlow id="f3b" sourceRef="second_review" targetRef="decide" />'
    '<bpmn:userTask id="second_review" name="Kiểm tra lại"><bpmn:extensionElements><spiffworkflow:properties>'
    '<spiffworkflow:property name="formJsonSchemaFilename" value="review.schema.json" />'
    '</spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>',
).replace("<bpmn:flowNodeRef>decide</bpmn:flowNodeRef>",
          "<bpmn:flowNodeRef>decide</bpmn:flowNodeRef><bpmn:flowNodeRef>second_review</bpmn:flowNodeRef>")


def start(session_factory, ctx, center, n: int = 1) -> list[int]:
    ids = []
    for i in range(n):
        with session_factory.begin() as session:
            ids.append(start_dossier(session, ctx, tiny_procedure.KEY, actor=Actor(None, "Hệ thống"),
                                     center_code=center.code, data={"applicant": {"applicant_name": f"Dân {i}"}}).id)
    return ids


def open_task(session_factory, dossier_id) -> HumanTask:
    with session_factory() as session:
        return session.scalar(select(HumanTask).where(HumanTask.dossier_id == dossier_id,
                                                      HumanTask.status.in_([TaskStatus.READY, TaskStatus.CLAIMED])))


def actor(org, username) -> Actor:
    return Actor(org.id(username), PEOPLE[username][0])


def test_pool_tasks_wait_in_the_unit_queue(session_factory, ctx, clock, center, org):
    deploy_tiny(session_factory, clock, binding_metadata("pool"))
    (dossier_id,) = start(session_factory, ctx, center)
    task = open_task(session_factory, dossier_id)
    assert (task.status, task.assignee_id, task.department) == (TaskStatus.READY, None, "so_tai_chinh.phong_dkkd")
    with session_factory.begin() as session, pytest.raises(PermissionDeniedError):
        claim_task(session, ctx, task.id, actor=actor(org, "dung"))  # a leader, not a specialist
    with session_factory.begin() as session:
        claim_task(session, ctx, task.id, actor=actor(org, "an"))
    assert open_task(session_factory, dossier_id).assignee_id == org.id("an")


def test_round_robin_takes_turns_among_present_officials(session_factory, ctx, clock, center, org):
    org.leave("binh", TODAY, TODAY)
    deploy_tiny(session_factory, clock, binding_metadata("round_robin"))
    assignees = []
    for dossier_id in start(session_factory, ctx, center, 4):
        clock.advance(minutes=1)
        assignees.append(open_task(session_factory, dossier_id).assignee_id)
    present = [org.id("an"), org.id("chi"), org.id("giang")]
    assert assignees == present + present[:1]
    events = [e for d in start(session_factory, ctx, center) for e in history(session_factory, d)
              if e.event_type == "task_assigned"]
    assert events[0].payload["policy"] == "round_robin"


def test_least_loaded_goes_to_whoever_holds_fewest(session_factory, ctx, clock, center, org):
    deploy_tiny(session_factory, clock, binding_metadata("round_robin"))
    start(session_factory, ctx, center, 3)  # an, binh, chi now hold one each; giang holds none
    deploy_tiny(session_factory, clock, binding_metadata("least_loaded"))
    (dossier_id,) = start(session_factory, ctx, center)
    assert open_task(session_factory, dossier_id).assignee_id == org.id("giang")


def test_a_fixed_official_away_hands_to_the_deputy(session_factory, ctx, clock, center, org):
    deploy_tiny(session_factory, clock, binding_metadata("fixed", official="an"))
    (first,) = start(session_factory, ctx, center)
    assert open_task(session_factory, first).assignee_id == org.id("an")
    org.leave("an", TODAY, date(2026, 12, 4))
    org.deputy("an", "chi", TODAY, date(2026, 12, 4))
    (second,) = start(session_factory, ctx, center)
    assert open_task(session_factory, second).assignee_id == org.id("chi")
    # The deputy also sees and may complete the task the absent official already held.
    task = open_task(session_factory, first)
    with session_factory.begin() as session:
        complete_task(session, ctx, task.id, actor=actor(org, "chi"), data={"decision": "approve"})
    with session_factory.begin() as session:
        assert deputy_for(session, org.id("an"), TODAY) == org.id("chi")
        assert deputy_for(session, org.id("an"), date(2026, 12, 5)) is None  # back at work


def test_a_deputy_window_outside_the_leave_gives_nothing(session_factory, ctx, clock, center, org):
    org.leave("an", TODAY, TODAY)
    org.deputy("an", "chi", date(2026, 12, 1), date(2026, 12, 4))
    deploy_tiny(session_factory, clock, binding_metadata("fixed", official="an"))
    (dossier_id,) = start(session_factory, ctx, center)
    task = open_task(session_factory, dossier_id)
    assert task.assignee_id is None and task.status == TaskStatus.READY  # back to the pool, not stranded


def test_four_eyes_keeps_the_appraiser_off_the_second_step(session_factory, ctx, clock, center, org):
    deploy_tiny(session_factory, clock, binding_metadata("pool", four_eyes=True), FOUR_EYES_DIAGRAM)
    (dossier_id,) = start(session_factory, ctx, center)
    first = open_task(session_factory, dossier_id)
    with session_factory.begin() as session:
        complete_task(session, ctx, first.id, actor=actor(org, "an"), data={"decision": "approve"})
    second = open_task(session_factory, dossier_id)
    assert second.element_id == "second_review"
    for command in (claim_task, lambda s, c, t, actor: complete_task(s, c, t, actor=actor,
                                                                     data={"decision": "approve"})):
        with session_factory.begin() as session, pytest.raises(PermissionDeniedError, match="bốn mắt"):
            command(session, ctx, second.id, actor=actor(org, "an"))
    with session_factory.begin() as session:
        complete_task(session, ctx, second.id, actor=actor(org, "binh"), data={"decision": "approve"})


def test_four_eyes_round_robin_skips_the_appraiser(session_factory, ctx, clock, center, org):
    deploy_tiny(session_factory, clock, binding_metadata("round_robin", four_eyes=True), FOUR_EYES_DIAGRAM)
    (dossier_id,) = start(session_factory, ctx, center)
    first = open_task(session_factory, dossier_id)
    with session_factory.begin() as session:
        complete_task(session, ctx, first.id, actor=actor(org, "an"), data={"decision": "approve"})
    assert open_task(session_factory, dossier_id).assignee_id not in (None, first.assignee_id)


def test_delegation_with_a_reason_is_recorded(session_factory, ctx, clock, center, org):
    deploy_tiny(session_factory, clock, binding_metadata("fixed", official="an"))
    (dossier_id,) = start(session_factory, ctx, center)
    task = open_task(session_factory, dossier_id)
    with session_factory.begin() as session, pytest.raises(PermissionDeniedError):
        delegate_task(session, ctx, task.id, actor=actor(org, "binh"), to_official_id=org.id("chi"), reason="x")
    with session_factory.begin() as session, pytest.raises(PermissionDeniedError):
        delegate_task(session, ctx, task.id, actor=actor(org, "an"), to_official_id=org.id("dung"), reason="x")
    with session_factory.begin() as session:
        delegate_task(session, ctx, task.id, actor=actor(org, "an"), to_official_id=org.id("chi"),
                      reason="Đi họp cả ngày")
    moved = open_task(session_factory, dossier_id)
    assert (moved.assignee_id, moved.delegated_by_id) == (org.id("chi"), org.id("an"))
    event = history(session_factory, dossier_id)[-1]
    assert event.event_type == "task_delegated" and event.payload["reason"] == "Đi họp cả ngày"


def test_a_leader_reassigns_many_tasks_at_once(session_factory, ctx, clock, center, org):
    deploy_tiny(session_factory, clock, binding_metadata("fixed", official="an"))
    dossiers = start(session_factory, ctx, center, 3)
    task_ids = [open_task(session_factory, d).id for d in dossiers]
    with session_factory.begin() as session, pytest.raises(PermissionDeniedError):
        reassign_tasks(session, ctx, task_ids, actor=actor(org, "binh"), to_official_id=org.id("chi"), reason="x")
    with session_factory.begin() as session:
        reassign_tasks(session, ctx, task_ids, actor=actor(org, "dung"), to_official_id=org.id("chi"),
                       reason="Anh An nghỉ ốm")
    assert {open_task(session_factory, d).assignee_id for d in dossiers} == {org.id("chi")}
    assert all(history(session_factory, d)[-1].event_type == "task_reassigned" for d in dossiers)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    policy=st.sampled_from(["pool", "round_robin", "least_loaded", "fixed"]),
    away=st.sets(st.sampled_from(["an", "binh", "chi", "giang"]), max_size=4),
    inactive=st.sets(st.sampled_from(["an", "binh", "chi", "giang"]), max_size=2),
    with_deputy=st.booleans(),
)
def test_no_open_task_is_ever_without_someone_who_can_act(session_factory, ctx, clock, center, org, policy,
                                                          away, inactive, with_deputy):
    deploy_tiny(session_factory, clock, binding_metadata(policy, official="an"))
    for username in away:
        org.leave(username, TODAY, TODAY)
    if with_deputy:
        org.deputy("an", "giang", TODAY, TODAY)
    for username in inactive:
        org.deactivate(username)
    for dossier_id in start(session_factory, ctx, center, 2):
        task = open_task(session_factory, dossier_id)
        with session_factory() as session:
            officials = session.scalars(select(Official)).all()
            able = [o for o in officials if is_available(session, o.id, TODAY)
                    and (task.assignee_id == o.id or (task.status == TaskStatus.READY and
                                                      can_act(session, o, task.department, task.candidate_role)))]
            stranded = task.status == TaskStatus.READY and not able
            pool_empty = not [o for o in officials if is_available(session, o.id, TODAY)
                              and can_act(session, o, task.department, task.candidate_role)]
        # An assigned task is held by someone present; a pool task has a present candidate, unless
        # the whole unit is away — then it waits in the pool for the first to return, never hidden.
        if task.assignee_id is not None:
            assert able, (policy, away, inactive)
        else:
            assert not stranded or pool_empty
    # Hypothesis runs every example in the same test: put the organisation back as it was.
    with session_factory.begin() as session:
        for table in (LeavePeriod, Deputy, HistoryEvent, WorkflowTask, HumanTask, Dossier):
            session.execute(delete(table))
        for official in session.scalars(select(Official)):
            official.active = True
