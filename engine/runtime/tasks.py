"""Officials' commands on human tasks: claim, release, complete."""

from __future__ import annotations

import copy
import uuid
from datetime import timezone
from typing import Any

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import DossierClosedError, NotFoundError, PermissionDeniedError, TaskNotReadyError
from engine.history.events import HistoryEventType
from engine.history.recorder import HistoryBuffer
from engine.persistence.models import Dossier, DossierStatus, HumanTask, TaskStatus
from engine.runtime.context import EngineContext
from engine.runtime.forms import check_form_data
from engine.runtime.workflow import (
    Actor,
    Command,
    HumanCompletion,
    bump_version,
    finish_command,
    load_dossier_workflow,
)

OPEN_STATUSES = (TaskStatus.READY, TaskStatus.CLAIMED)
CLOSED_DOSSIER = (DossierStatus.COMPLETED, DossierStatus.REFUSED, DossierStatus.WITHDRAWN, DossierStatus.STOPPED)


def _lock_task(session: Session, task_id: uuid.UUID) -> tuple[HumanTask, Dossier]:
    """Read the task and lock its dossier in one statement (both rows locked on PostgreSQL)."""
    row = session.execute(
        select(HumanTask, Dossier)
        .join(Dossier, HumanTask.dossier_id == Dossier.id)
        .where(HumanTask.id == task_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()
    if row is None:
        raise NotFoundError(f"Không tìm thấy công việc {task_id}", message_en=f"Task {task_id} not found")
    task, dossier = row
    if dossier.status in CLOSED_DOSSIER:
        raise DossierClosedError(
            f"Hồ sơ {dossier.code} đã kết thúc", message_en=f"Dossier {dossier.code} is already closed"
        )
    return task, dossier


def _not_open(task: HumanTask) -> TaskNotReadyError:
    return TaskNotReadyError(
        f"Công việc “{task.name}” không còn chờ xử lý (trạng thái: {task.status})",
        message_en=f"Task “{task.name}” is no longer open (status: {task.status})",
    )


def _record(ctx: EngineContext, dossier: Dossier, task: HumanTask, event: HistoryEventType, actor: Actor,
            payload: dict[str, Any] | None = None) -> HistoryBuffer:
    buffer = HistoryBuffer(dossier)
    buffer.add(event, ctx.clock.now().astimezone(timezone.utc), actor_id=actor.id, actor_name=actor.name,
               element_id=task.element_id, element_name=task.name, element_type="userTask", lane=task.lane,
               task_id=str(task.id), payload=payload)
    return buffer


def claim_task(session: Session, ctx: EngineContext, task_id: uuid.UUID, *, actor: Actor) -> HumanTask:
    """Take an open task for ``actor``. Of two officials claiming at once, one gets TaskNotReadyError."""
    task, dossier = _lock_task(session, task_id)
    if task.status == TaskStatus.CLAIMED and task.assignee_id == actor.id:
        return task
    if task.status != TaskStatus.READY:
        raise _not_open(task)
    task.status, task.assignee_id = TaskStatus.CLAIMED, actor.id
    task.claimed_at = ctx.clock.now().astimezone(timezone.utc)
    buffer = _record(ctx, dossier, task, HistoryEventType.TASK_CLAIMED, actor)
    bump_version(ctx, dossier)
    buffer.flush(session)
    return task


def release_task(session: Session, ctx: EngineContext, task_id: uuid.UUID, *, actor: Actor) -> HumanTask:
    """Give a claimed task back to its pool."""
    task, dossier = _lock_task(session, task_id)
    if task.status != TaskStatus.CLAIMED:
        raise _not_open(task)
    if task.assignee_id != actor.id:
        raise PermissionDeniedError("Chỉ người đang nhận công việc mới trả lại được",
                                    message_en="Only the official holding the task can release it")
    task.status, task.assignee_id, task.claimed_at = TaskStatus.READY, None, None
    buffer = _record(ctx, dossier, task, HistoryEventType.TASK_RELEASED, actor)
    bump_version(ctx, dossier)
    buffer.flush(session)
    return task


def complete_task(
    session: Session, ctx: EngineContext, task_id: uuid.UUID, *, actor: Actor, data: dict[str, Any]
) -> HumanTask:
    """Validate ``data`` against the step's form, finish the step and advance the dossier.

    A READY task completed directly is claimed by the same official first. Does not commit.
    """
    task, dossier = _lock_task(session, task_id)
    if task.status not in OPEN_STATUSES:
        raise _not_open(task)
    if task.status == TaskStatus.CLAIMED and task.assignee_id != actor.id:
        raise PermissionDeniedError(
            f"Công việc “{task.name}” đang do người khác xử lý",
            message_en=f"Task “{task.name}” is claimed by another official",
        )
    version = ctx.version(session, dossier.procedure_version_id)
    check_form_data(version, task.form_name, data)
    workflow = load_dossier_workflow(session, ctx, dossier, version)
    spiff_task = workflow.get_task_from_id(task.id)
    if not spiff_task.has_state(TaskState.READY):
        raise _not_open(task)

    now = ctx.clock.now().astimezone(timezone.utc)
    payload = copy.deepcopy(data)
    if task.status == TaskStatus.READY:
        task.claimed_at, task.assignee_id = now, actor.id
    task.status, task.completed_at, task.completed_by_id = TaskStatus.COMPLETED, now, actor.id
    task.submitted_data = payload

    command = Command(session, ctx, dossier, version, workflow, actor, now,
                      completion=HumanCompletion(task.id, actor, payload))

    def submit() -> None:
        # Copy so later in-place edits by scripts never reach the audit record (brief §0.10).
        spiff_task.data.update(copy.deepcopy(data))
        spiff_task.run()

    command.run(submit)
    finish_command(command)
    return task
