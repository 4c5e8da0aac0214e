"""Moving work between officials: delegation by the assignee, reassignment by a leader."""

from __future__ import annotations

import uuid
from datetime import UTC

from sqlalchemy.orm import Session

from engine.access.policy import authorize, check_new_holder
from engine.access.rules import Action
from engine.audit.admin_chain import record_admin
from engine.errors import FieldProblem, FormInvalidError, NotFoundError, PermissionDeniedError
from engine.history.events import HistoryEventType
from engine.history.recorder import HistoryBuffer
from engine.observability import command
from engine.org.directory import is_available
from engine.persistence.models import Dossier, HumanTask, Official, TaskStatus
from engine.runtime.command import Actor
from engine.runtime.context import EngineContext
from engine.runtime.human_tasks import check_four_eyes
from engine.runtime.tasks import _not_open, lock_task, write_task
from engine.runtime.workflow import write_dossier


def _reason(reason: str) -> str:
    if not (reason or "").strip():
        raise FormInvalidError([FieldProblem("reason", "Trường “Lý do” là bắt buộc", "Field “reason” is required")])
    return reason.strip()


def _target(session: Session, ctx: EngineContext, task: HumanTask, dossier: Dossier, to_official_id: int) -> Official:
    """The official who receives the task: able to do it, present, and not barred by four-eyes."""
    target = session.get(Official, to_official_id)
    if target is None:
        raise NotFoundError(f"Không có cán bộ {to_official_id}", message_en=f"No official {to_official_id}")
    day = ctx.today()
    check_new_holder(session, target, task, today=day)
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
    record_admin(session, str(event), actor=actor, at=now, subject=f"dossier:{dossier.code}",
                 payload={"task_id": str(task.id), "element_id": task.element_id, "from_official_id": previous,
                          "to_official_id": target.id, "reason": reason})


@command("delegate_task")
def delegate_task(session: Session, ctx: EngineContext, task_id: uuid.UUID, *, actor: Actor,
                  to_official_id: int, reason: str) -> HumanTask:
    """The official holding a task hands it to a colleague who can do it, saying why."""
    reason = _reason(reason)
    task, dossier = lock_task(session, ctx, task_id, actor)
    authorize(session, actor, Action.TASK_DELEGATE, task, today=ctx.today())
    target = _target(session, ctx, task, dossier, to_official_id)
    _move(session, ctx, task, dossier, target, actor, HistoryEventType.TASK_DELEGATED, reason,
          delegated_by_id=actor.id)
    return task


@command("reassign_tasks")
def reassign_tasks(session: Session, ctx: EngineContext, task_ids: list[uuid.UUID], *, actor: Actor,
                   to_official_id: int, reason: str) -> list[HumanTask]:
    """A leader moves one or many open tasks of their unit to another official, saying why."""
    reason = _reason(reason)
    moved = []
    for task_id in sorted(set(task_ids)):
        task, dossier = lock_task(session, ctx, task_id, actor)
        if task.status not in (TaskStatus.READY, TaskStatus.CLAIMED):
            raise _not_open(task)
        authorize(session, actor, Action.TASK_REASSIGN, task, today=ctx.today())
        target = _target(session, ctx, task, dossier, to_official_id)
        _move(session, ctx, task, dossier, target, actor, HistoryEventType.TASK_REASSIGNED, reason)
        moved.append(task)
    return moved
