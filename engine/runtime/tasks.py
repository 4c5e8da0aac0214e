"""Officials' commands on human tasks: claim, release, complete."""

from __future__ import annotations

import copy
import functools
import uuid
from datetime import UTC, datetime
from typing import Any

from SpiffWorkflow.task import Task as SpiffTask
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from engine.access.policy import authorize, task_not_found
from engine.access.rules import Action
from engine.errors import DossierClosedError, IncidentStateError, TaskNotReadyError
from engine.history.events import HistoryEventType
from engine.history.recorder import HistoryBuffer
from engine.observability import command, note_dossier
from engine.persistence.models import CLOSED_DOSSIER_STATUSES, Dossier, DossierStatus, HumanTask, TaskStatus, table_of
from engine.runtime.command import Actor, Command, HumanCompletion
from engine.runtime.context import EngineContext
from engine.runtime.forms import check_form_data
from engine.runtime.human_tasks import check_four_eyes
from engine.runtime.workflow import finish_command, load_dossier_workflow, write_dossier

OPEN_STATUSES = (TaskStatus.READY, TaskStatus.CLAIMED)


# Built once: constructing the ORM select costs about as much as running it.
_LOCK_TASK = (
    select(HumanTask, Dossier)
    .join(Dossier, HumanTask.dossier_id == Dossier.id)
    .where(HumanTask.id == bindparam("task_id"))
    .with_for_update()
    .execution_options(populate_existing=True)
)


def lock_task(session: Session, ctx: EngineContext, task_id: uuid.UUID, actor: Actor) -> tuple[HumanTask, Dossier]:
    """Read the task and lock its dossier in one statement (both rows locked on PostgreSQL).

    A task the actor may not see is not found, exactly as a missing one."""
    row = session.execute(_LOCK_TASK, {"task_id": task_id}).one_or_none()
    if row is None:
        raise task_not_found(task_id)
    task, dossier = row
    # The task holds on to its dossier: an answer that reads ``task.dossier`` (its form, its code) finds
    # it without loading the row again (the session keeps only objects something refers to).
    set_committed_value(task, "dossier", dossier)
    note_dossier(dossier.code)  # logged even when refused: a refused attempt is worth finding too
    authorize(session, actor, Action.TASK_READ, task, today=ctx.today())
    if dossier.status in CLOSED_DOSSIER_STATUSES:
        raise DossierClosedError(
            f"Hồ sơ {dossier.code} đã kết thúc", message_en=f"Dossier {dossier.code} is already closed"
        )
    if dossier.status == DossierStatus.FAILED:
        raise IncidentStateError(
            f"Hồ sơ {dossier.code} đang có sự cố chờ quản trị viên xử lý",
            message_en=f"Dossier {dossier.code} has an open incident waiting for an administrator")
    return task, dossier


def _not_open(task: HumanTask) -> TaskNotReadyError:
    return TaskNotReadyError(
        f"Công việc “{task.name}” không còn chờ xử lý (trạng thái: {task.status})",
        message_en=f"Task “{task.name}” is no longer open (status: {task.status})",
    )


def _record(ctx: EngineContext, dossier: Dossier, task: HumanTask, event: HistoryEventType, actor: Actor,
            payload: dict[str, Any] | None = None, at: datetime | None = None) -> HistoryBuffer:
    buffer = HistoryBuffer(dossier)
    buffer.add(event, at or ctx.clock.now().astimezone(UTC), actor_id=actor.id, actor_name=actor.name,
               element_id=task.element_id, element_name=task.name, element_type="userTask", lane=task.lane,
               task_id=str(task.id), payload=payload)
    return buffer


@functools.lru_cache(maxsize=32)
def _task_update(columns: tuple[str, ...]) -> Any:
    table = table_of(HumanTask)
    return update(table).where(table.c.id == bindparam("b_id")).values({c: bindparam(c) for c in columns})


def check_may_act(session: Session, ctx: EngineContext, task: HumanTask, dossier: Dossier, actor: Actor,
                  action: Action) -> None:
    """The access policy decides who may act on the task; the procedure's four-eyes rule comes on top."""
    authorize(session, actor, action, task, today=ctx.today())
    check_four_eyes(session, ctx.version(session, dossier.procedure_version_id).metadata, task, actor.id)


def write_task(session: Session, task: HumanTask, **values: Any) -> None:
    """One UPDATE of the task row; the loaded object is brought up to date without a second write."""
    session.connection().execute(_task_update(tuple(sorted(values))), {**values, "b_id": task.id})
    for name, value in values.items():
        set_committed_value(task, name, value)


@command("claim_task")
def claim_task(session: Session, ctx: EngineContext, task_id: uuid.UUID, *, actor: Actor) -> HumanTask:
    """Take an open task for ``actor``. Of two officials claiming at once, one gets TaskNotReadyError."""
    task, dossier = lock_task(session, ctx, task_id, actor)
    if task.status == TaskStatus.CLAIMED and task.assignee_id == actor.id:
        return task
    if task.status != TaskStatus.READY:
        raise _not_open(task)
    check_may_act(session, ctx, task, dossier, actor, Action.TASK_CLAIM)
    # One instant for the row and the chained event, so the row says exactly what the history does.
    now = ctx.clock.now().astimezone(UTC)
    write_task(session, task, status=TaskStatus.CLAIMED, assignee_id=actor.id, claimed_at=now)
    buffer = _record(ctx, dossier, task, HistoryEventType.TASK_CLAIMED, actor, at=now)
    buffer.flush(session)
    write_dossier(session, ctx, dossier, buffer.head_values())
    return task


@command("release_task")
def release_task(session: Session, ctx: EngineContext, task_id: uuid.UUID, *, actor: Actor) -> HumanTask:
    """Give a claimed task back to its pool."""
    task, dossier = lock_task(session, ctx, task_id, actor)
    if task.status != TaskStatus.CLAIMED:
        raise _not_open(task)
    authorize(session, actor, Action.TASK_RELEASE, task, today=ctx.today())
    write_task(session, task, status=TaskStatus.READY, assignee_id=None, claimed_at=None)
    buffer = _record(ctx, dossier, task, HistoryEventType.TASK_RELEASED, actor)
    buffer.flush(session)
    write_dossier(session, ctx, dossier, buffer.head_values())
    return task


@command("complete_task")
def complete_task(
    session: Session, ctx: EngineContext, task_id: uuid.UUID, *, actor: Actor, data: dict[str, Any]
) -> HumanTask:
    """Validate ``data`` against the step's form, finish the step and advance the dossier.

    A READY task completed directly is claimed by the same official first. Does not commit.
    """
    task, dossier = lock_task(session, ctx, task_id, actor)
    if task.status not in OPEN_STATUSES:
        raise _not_open(task)
    check_may_act(session, ctx, task, dossier, actor, Action.TASK_COMPLETE)
    finish_completion(session, ctx, task, dossier, actor, data)
    return task


def finish_completion(session: Session, ctx: EngineContext, task: HumanTask, dossier: Dossier, actor: Actor,
                      data: dict[str, Any]) -> None:
    """Check ``data`` against the step's form, complete the step as ``actor`` and run the dossier on
    (also how an incident's failed completion is retried)."""
    version = ctx.version(session, dossier.procedure_version_id)
    check_form_data(version, task.form_name, data)
    workflow = load_dossier_workflow(session, ctx, dossier, version)
    spiff_task = workflow.get_task_from_id(task.id)
    if not spiff_task.has_state(TaskState.READY):
        raise _not_open(task)

    now = ctx.clock.now().astimezone(UTC)
    payload = copy.deepcopy(data)
    claim = {"claimed_at": now, "assignee_id": actor.id} if task.status == TaskStatus.READY else {}
    # The draft goes in the same write: it served until now (engine.runtime.drafts).
    write_task(session, task, status=TaskStatus.COMPLETED, completed_at=now, completed_by_id=actor.id,
               submitted_data=payload, draft=None, draft_saved_at=None, **claim)

    command = Command(session, ctx, dossier, version, workflow, actor, now,
                      completion=HumanCompletion(task.id, actor, payload, task))
    run_completion(command, spiff_task, data)
    finish_command(command)


def run_completion(command: Command, spiff_task: SpiffTask, data: dict[str, Any]) -> None:
    """Put the submitted data on the step and run the dossier on (a completion, and its replay)."""

    def submit() -> None:
        # Copy so later in-place edits by scripts never reach the audit record (brief §0.10).
        spiff_task.data.update(copy.deepcopy(data))
        spiff_task.run()

    command.run(submit)
