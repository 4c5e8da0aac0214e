"""Draft save (lưu nháp): the official holding a task keeps a half-filled form on it and comes back.

The draft is not checked against the form (it is half-filled on purpose), only that it is a JSON
object of bounded size; completion checks the whole form and clears the draft in the same write.
Only the task's holder may save or read it: a draft is work in progress, not part of the record,
so it is neither in the history nor on any slip.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.access.rules import Action
from engine.errors import FieldProblem, FormInvalidError, TaskNotReadyError
from engine.observability import command
from engine.persistence.models import HumanTask, TaskStatus
from engine.runtime.command import Actor
from engine.runtime.context import EngineContext
from engine.runtime.tasks import check_may_act, lock_task, write_task

MAX_DRAFT_BYTES = 256 * 1024  # a form's text, many times over; bounds what a page can store per task


def _not_held(task: HumanTask) -> TaskNotReadyError:
    return TaskNotReadyError(
        f"Chỉ người đang xử lý công việc “{task.name}” mới lưu được bản nháp; vui lòng nhận xử lý trước",
        message_en=f"Only the official holding task “{task.name}” may save a draft; claim it first")


def _check_draft(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise FormInvalidError([FieldProblem("", "Bản nháp phải là một đối tượng JSON",
                                             "A draft must be a JSON object")])
    if len(json.dumps(data, ensure_ascii=False).encode()) > MAX_DRAFT_BYTES:
        raise FormInvalidError([FieldProblem("", f"Bản nháp quá lớn (tối đa {MAX_DRAFT_BYTES // 1024} KB)",
                                             f"The draft is too large (at most {MAX_DRAFT_BYTES // 1024} KB)")])
    return data


@command("save_task_draft")
def save_draft(session: Session, ctx: EngineContext, task_id: uuid.UUID, *, actor: Actor,
               data: dict[str, Any]) -> HumanTask:
    """Keep ``data`` as the task's draft; the actor must hold the task. Does not commit."""
    task, dossier = lock_task(session, ctx, task_id, actor)
    if task.status != TaskStatus.CLAIMED or task.assignee_id != actor.id:
        raise _not_held(task)
    check_may_act(session, ctx, task, dossier, actor, Action.TASK_COMPLETE)
    write_task(session, task, draft=_check_draft(data), draft_saved_at=ctx.clock.now().astimezone(UTC))
    return task


def held_draft(session: Session, task: HumanTask, actor: Actor) -> dict[str, Any] | None:
    """The task's draft if ``actor`` holds the task (a task already read through the access policy)."""
    if task.status != TaskStatus.CLAIMED or task.assignee_id != actor.id:
        return None
    draft: dict[str, Any] | None = session.scalar(select(HumanTask.draft).where(HumanTask.id == task.id))
    return draft
