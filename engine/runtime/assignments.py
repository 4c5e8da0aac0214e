"""Moving work between officials: delegation by the assignee, reassignment by a leader."""

from __future__ import annotations

import uuid
from datetime import UTC

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import FieldProblem, FormInvalidError, NotFoundError, PermissionDeniedError
from engine.history.events import HistoryEventType
from engine.history.recorder import HistoryBuffer
from engine.observability import command
from engine.org.directory import can_act, is_available
from engine.persistence.models import Dossier, HumanTask, Official, Role, TaskStatus, Unit
from engine.runtime.command import Actor
from engine.runtime.context import EngineContext
from engine.runtime.human_tasks import check_four_eyes
from engine.runtime.tasks import _lock_task, _not_open, write_task
from engine.runtime.workflow import write_dossier

LEADER_ROLES = {Role.UNIT_LEADER.value, Role.CENTER_LEADER.value, Role.ADMIN.value}


def _reason(reason: str) -> str:
    if not (reason or "").strip():
        raise FormInvalidError([FieldProblem("reason", "Trường “Lý do” là bắt buộc", "Field “reason” is required")])
    return reason.strip()


def _target(session: Session, ctx: EngineContext, task: HumanTask, dossier: Dossier, to_official_id: int) -> Official:
    """The official who receives the task: able to do it, present, and not barred by four-eyes."""
    target = session.get(Official, to_official_id)
    if target is None:
        raise NotFoundError(f"Không có cán bộ {to_official_id}", message_en=f"No official {to_official_id}")
    if not can_act(session, target, task.department, task.candidate_role):
        raise PermissionDeniedError(
            f"{target.full_name} không thuộc {task.department} với vai trò {task.candidate_role}",
            message_en=f"{target.full_name} is not in {task.department} with role {task.candidate_role}")
    day = ctx.clock.now().astimezone(ctx.calendar.timezone).date()
    if not is_available(session, target.id, day):
        raise PermissionDeniedError(f"{target.full_name} đang nghỉ hoặc không hoạt động",
                                    message_en=f"{target.full_name} is away or inactive")
    check_four_eyes(session, ctx.version(session, dossier.procedure_version_id).metadata, task, target.id)
    return target


def _move(session: Session, ctx: EngineContext, task: HumanTask, dossier: Dossier, target: Official,
          actor: Actor, event: HistoryEventType, reason: str, **extra: object) -> None:
    now = ctx.clock.now().astimezone(UTC)
    previous = task.assignee_id
    write_task(session, task, status=TaskStatus.CLAIMED, assignee_id=target.id, assigned_at=now, claimed_at=None,
               **extra)
    buffer = HistoryBuffer(dossier)
    buffer.add(event, now, actor_id=actor.id, actor_name=actor.name, element_id=task.element_id,
               element_name=task.name, element_type="userTask", lane=task.lane, task_id=str(task.id),
               payload={"from_official_id": previous, "to_official_id": target.id, "to": target.full_name,
                        "reason": reason})
    buffer.flush(session)
    write_dossier(session, ctx, dossier, buffer.head_values())


@command("delegate_task")
def delegate_task(session: Session, ctx: EngineContext, task_id: uuid.UUID, *, actor: Actor,
                  to_official_id: int, reason: str) -> HumanTask:
    """The official holding a task hands it to a colleague who can do it, saying why."""
    reason = _reason(reason)
    task, dossier = _lock_task(session, task_id)
    if task.status != TaskStatus.CLAIMED or task.assignee_id != actor.id:
        raise PermissionDeniedError("Chỉ người đang giữ công việc mới ủy quyền được",
                                    message_en="Only the official holding the task can delegate it")
    target = _target(session, ctx, task, dossier, to_official_id)
    _move(session, ctx, task, dossier, target, actor, HistoryEventType.TASK_DELEGATED, reason,
          delegated_by_id=actor.id)
    return task


@command("reassign_tasks")
def reassign_tasks(session: Session, ctx: EngineContext, task_ids: list[uuid.UUID], *, actor: Actor,
                   to_official_id: int, reason: str) -> list[HumanTask]:
    """A leader moves one or many open tasks of their unit to another official, saying why."""
    reason = _reason(reason)
    leader = session.get(Official, actor.id) if actor.id is not None else None
    if leader is None or not LEADER_ROLES & set(leader.roles):
        raise PermissionDeniedError("Chỉ lãnh đạo mới chuyển giao công việc được",
                                    message_en="Only a leader can reassign tasks")
    moved = []
    for task_id in sorted(set(task_ids)):
        task, dossier = _lock_task(session, task_id)
        if task.status not in (TaskStatus.READY, TaskStatus.CLAIMED):
            raise _not_open(task)
        if Role.ADMIN.value not in leader.roles and Role.CENTER_LEADER.value not in leader.roles \
                and not _leads(session, leader, task.department):
            raise PermissionDeniedError(f"Công việc “{task.name}” không thuộc đơn vị anh/chị lãnh đạo",
                                        message_en=f"Task “{task.name}” is not in a unit you lead")
        target = _target(session, ctx, task, dossier, to_official_id)
        _move(session, ctx, task, dossier, target, actor, HistoryEventType.TASK_REASSIGNED, reason)
        moved.append(task)
    return moved


def _leads(session: Session, leader: Official, unit_code: str | None) -> bool:
    """A unit leader leads their own unit and every unit below it."""
    if not unit_code or leader.unit_id is None:
        return False
    unit = session.scalar(select(Unit).where(Unit.code == unit_code))
    while unit is not None:
        if unit.id == leader.unit_id:
            return True
        unit = unit.parent
    return False
