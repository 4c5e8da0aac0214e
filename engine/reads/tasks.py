"""Reading tasks as one official: a list, one task, and one task with the schema of its form.

Every function applies the access policy itself (``engine.access.policy.task_scope``): a task
outside the official's scope is "not found", as a missing one; a list never holds it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, joinedload

from engine.access.policy import task_not_found, task_scope
from engine.persistence.models import Dossier, HumanTask, Official, TaskStatus

STATUS_FILTER = {
    "ready": (TaskStatus.READY,),
    "claimed": (TaskStatus.CLAIMED,),
    "open": (TaskStatus.READY, TaskStatus.CLAIMED),
    "completed": (TaskStatus.COMPLETED,),
}
# The people of a task are shown by name: their roles are loaded only if something asks for them
# (an official's roles are otherwise loaded with the official, one more query each time).
_PEOPLE = (joinedload(HumanTask.dossier), joinedload(HumanTask.assignee).lazyload(Official.role_rows),
           joinedload(HumanTask.completed_by).lazyload(Official.role_rows))


class Versions(Protocol):
    """Where the deployed versions are kept (the engine context's cache of immutable versions)."""

    def version(self, session: Session, version_id: int) -> Any: ...


@dataclass(frozen=True)
class TaskQuery:
    status: str = "ready"            # a key of STATUS_FILTER
    dossier: str | None = None       # dossier code
    mine: bool = False               # only the tasks the official holds
    limit: int = 100


def list_tasks(session: Session, official: Official, query: TaskQuery, *, today: date) -> Sequence[HumanTask]:
    """The tasks ``official`` may see that match ``query``, oldest ready first."""
    statement = (
        select(HumanTask).options(*_PEOPLE)
        .where(HumanTask.status.in_(STATUS_FILTER[query.status]), task_scope(session, official, today))
        .order_by(HumanTask.ready_at, HumanTask.id)
        .limit(query.limit)
    )
    if query.dossier:
        statement = statement.join(Dossier, HumanTask.dossier_id == Dossier.id).where(Dossier.code == query.dossier)
    if query.mine:
        statement = statement.where(HumanTask.assignee_id == official.id)
    return session.scalars(statement).unique().all()


def find_task(session: Session, official: Official, task_id: uuid.UUID, *, today: date,
              scope: ColumnElement[bool] | None = None) -> HumanTask:
    """The task if ``official`` may see it, else NotFoundError. ``scope``: the clause, when built beforehand."""
    visible = task_scope(session, official, today) if scope is None else scope
    task = session.scalar(select(HumanTask).options(*_PEOPLE).where(HumanTask.id == task_id, visible))
    if task is None:
        raise task_not_found(task_id)
    return task


def task_with_form(session: Session, official: Official, task_id: uuid.UUID, *, today: date, versions: Versions,
                   scope: ColumnElement[bool] | None = None) -> HumanTask:
    """The task, with the JSON Schema of its step's form as ``form`` (None for a step without one).
    ``versions``: the engine context, whose cache of the deployed (immutable) versions holds the forms."""
    return with_form(session, find_task(session, official, task_id, today=today, scope=scope), versions)


def with_form(session: Session, task: HumanTask, versions: Versions) -> HumanTask:
    """``task`` with its step's form as ``form`` (see ``task_with_form``)."""
    forms = versions.version(session, task.dossier.procedure_version_id).forms or {}
    task.form = forms.get(task.form_name) if task.form_name else None  # type: ignore[attr-defined]
    return task


def shown_task(task: HumanTask, visible: Callable[[HumanTask], bool]) -> HumanTask:
    """A command's task as its answer, if the official may see it as it now stands (``visible``: the
    policy's ``task_reader``, taken before the command), else NotFoundError as for a missing task."""
    if not visible(task):
        raise task_not_found(task.id)
    return task
