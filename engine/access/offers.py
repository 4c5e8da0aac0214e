"""What the policy offers an official on a dossier or a list of tasks: which leader actions
(delegate, reassign, extend, stop, withdraw) they may take, and to whom a task may be handed.

The pages show only what is offered here; the commands still ask the policy themselves, so a
form posted by hand for an action not offered is refused all the same.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from engine.access.policy import dossier_not_found, dossier_scope, may, task_not_found, task_scope
from engine.access.rules import Action
from engine.calendar.working_calendar import WorkingCalendar
from engine.errors import FieldProblem, FormInvalidError
from engine.org.directory import candidate_ids
from engine.persistence.models import (
    CLOSED_DOSSIER_STATUSES,
    OPEN_TASK_STATUSES,
    Dossier,
    DossierStatus,
    HumanTask,
    Official,
)

# Statuses in which a dossier takes no more commands: ended, or an incident waiting for an administrator.
NO_ACTIONS = (*CLOSED_DOSSIER_STATUSES, DossierStatus.FAILED)


@dataclass(frozen=True)
class Colleague:
    """An official a task may be handed to."""

    id: int
    full_name: str


@dataclass(frozen=True)
class TaskOffer:
    task: HumanTask
    delegate: bool  # the official holds it and may hand it to a colleague
    reassign: bool  # the official leads its unit (or the center) and may move it
    colleagues: tuple[Colleague, ...]  # who could take it now, its holder left out


@dataclass(frozen=True)
class DossierOffer:
    dossier: Dossier
    extend: bool  # allowed, and still possible: not extended yet and before the deadline
    stop: bool
    withdraw: bool
    tasks: tuple[TaskOffer, ...]

    @property
    def anything(self) -> bool:
        return self.extend or self.stop or self.withdraw or any(t.delegate or t.reassign for t in self.tasks)


@dataclass(frozen=True)
class BulkOffer:
    """Tasks of a list the official may reassign together, and the officials who could take any of them."""

    tasks: tuple[HumanTask, ...]
    colleagues: tuple[Colleague, ...]


def colleagues_for(session: Session, task: HumanTask, day: date) -> tuple[Colleague, ...]:
    """Officials of the task's unit and role who serve its dossier's center and are present on ``day``."""
    ids = [i for i in candidate_ids(session, task.department, task.candidate_role, day, center_id=task.center_id)
           if i != task.assignee_id]
    return _colleagues(session, ids)


def _colleagues(session: Session, ids: Iterable[int]) -> tuple[Colleague, ...]:
    wanted = set(ids)
    if not wanted:
        return ()
    rows = session.execute(select(Official.id, Official.full_name).where(Official.id.in_(sorted(wanted)))
                           .order_by(Official.full_name, Official.id))
    return tuple(Colleague(row.id, row.full_name) for row in rows)


def _task_offer(session: Session, official: Official, task: HumanTask, day: date) -> TaskOffer:
    delegate = may(session, official, Action.TASK_DELEGATE, task, today=day)
    reassign = may(session, official, Action.TASK_REASSIGN, task, today=day)
    colleagues = colleagues_for(session, task, day) if delegate or reassign else ()
    return TaskOffer(task, delegate, reassign, colleagues)


def dossier_offer(session: Session, official: Official, code: str, *, now: datetime, today: date) -> DossierOffer:
    """The leader actions ``official`` may take on the dossier ``code`` and on each of its open tasks
    they may see; NotFoundError for a dossier they may not read, as for a missing one."""
    dossier = session.scalar(select(Dossier).where(Dossier.code == code, dossier_scope(session, official, today)))
    if dossier is None:
        raise dossier_not_found(code)
    if dossier.status in NO_ACTIONS:
        return DossierOffer(dossier, False, False, False, ())
    tasks = session.scalars(
        select(HumanTask).options(joinedload(HumanTask.assignee))
        .where(HumanTask.dossier_id == dossier.id, HumanTask.status.in_(OPEN_TASK_STATUSES),
                                task_scope(session, official, today)).order_by(HumanTask.ready_at, HumanTask.id)
    ).all()
    before_deadline = dossier.due_at is None or now < dossier.due_at
    return DossierOffer(
        dossier,
        extend=not dossier.extended and before_deadline
        and may(session, official, Action.DOSSIER_EXTEND, dossier, today=today),
        stop=may(session, official, Action.DOSSIER_STOP, dossier, today=today),
        withdraw=may(session, official, Action.DOSSIER_WITHDRAW, dossier, today=today),
        tasks=tuple(_task_offer(session, official, task, today) for task in tasks),
    )


def bulk_reassign_offer(session: Session, official: Official, task_ids: Sequence[uuid.UUID], *,
                        today: date) -> BulkOffer:
    """Of ``task_ids`` (a page's tasks), the open ones ``official`` may reassign, and who could take them."""
    if not task_ids:
        return BulkOffer((), ())
    tasks = session.scalars(
        select(HumanTask).options(joinedload(HumanTask.assignee))
        .where(HumanTask.id.in_(sorted(set(task_ids))), HumanTask.status.in_(OPEN_TASK_STATUSES),
                                task_scope(session, official, today, Action.TASK_REASSIGN))
        .order_by(HumanTask.ready_at, HumanTask.id)
    ).all()
    # Tasks of the same unit, role and center share their candidates: ask once per such lane.
    lanes = {(t.department, t.candidate_role, t.center_id) for t in tasks}
    ids = [i for unit, role, center in sorted(lanes, key=str)
           for i in candidate_ids(session, unit, role, today, center_id=center)]
    return BulkOffer(tuple(tasks), _colleagues(session, ids))


def appointment_on(calendar: WorkingCalendar, day: date, *, field: str = "new_due_on") -> datetime:
    """The new appointment an extension gives for ``day``: the end of that working day."""
    if not calendar.is_working_day(day):
        raise FormInvalidError([FieldProblem(field, "Ngày hẹn mới phải là ngày làm việc",
                                             "The new appointment must be on a working day")])
    return calendar.end_of_working_day(day)


def task_offer(session: Session, official: Official, task_id: uuid.UUID, *, today: date) -> TaskOffer:
    """The moves ``official`` may make with one open task they may see; NotFoundError otherwise."""
    task = session.scalar(select(HumanTask).where(HumanTask.id == task_id, HumanTask.status.in_(OPEN_TASK_STATUSES),
                                                  task_scope(session, official, today)))
    if task is None:
        raise task_not_found(task_id)
    return _task_offer(session, official, task, today)
