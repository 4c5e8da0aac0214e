"""The officials' inbox: my tasks, my unit's queue, what I delegated — filtered, sorted by due time,
paged by cursor, counted. Every query reads the human_task table alone (its inbox columns are
copied from the dossier when the task is created) and walks an index in due-time order."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, select, text, true, tuple_, union_all
from sqlalchemy.orm import Session, aliased
from sqlalchemy.orm.util import identity_key

from engine.access.policy import task_scope
from engine.access.scopes import TaskFacts
from engine.errors import FieldProblem, FormInvalidError
from engine.org.directory import absent_officials_covered_by
from engine.org.text import fold
from engine.persistence.models import Center, HumanTask, Official, TaskStatus
from engine.reads.pages import decode_cursor, encode_cursor, invalid_cursor

OPEN = (TaskStatus.READY, TaskStatus.CLAIMED)
VIEWS = ("mine", "queue", "delegated")
# The queue index covers open tasks only (models.HumanTask). SQLite uses a partial index only when the
# query states the index's own condition word for word (a bound "status = ?" does not prove it), so
# without this a unit's queue scans every task the province ever had. PostgreSQL proves it unaided.
IN_QUEUE_INDEX = text("human_task.status IN ('ready', 'claimed')")


@dataclass(frozen=True)
class InboxFilters:
    procedure: str | None = None
    stage: str | None = None
    center_id: int | None = None
    due_before: datetime | None = None
    overdue: bool = False
    text: str | None = None


def inbox_filters(session: Session, *, center: str | None = None, **filters: Any) -> InboxFilters:
    """The filters with a center named by its code (an unknown code matches no task)."""
    center_id = None
    if center:
        center_id = session.scalar(select(Center.id).where(Center.code == center)) or -1
    return InboxFilters(center_id=center_id, **filters)


@dataclass
class InboxPage:
    tasks: list[HumanTask]
    next_cursor: str | None
    counts: dict[str, int] = field(default_factory=dict)


def view_query(session: Session, official: Official, view: str, day: date) -> Select[Any]:
    """The tasks of one inbox view, unfiltered and unsorted: only those the access policy lets the
    official see (a shared unit's queue holds only the tasks of the official's centers). The policy
    is told what the view asks of its tasks, so its clause repeats none of it (see ``TaskFacts``)."""
    if view == "mine":
        holders = _holders(session, official, day)
        return _visible(session, official, day, TaskFacts(status=TaskStatus.CLAIMED, held=True)) \
            .where(HumanTask.assignee_id.in_(holders), HumanTask.status == TaskStatus.CLAIMED)
    if view == "queue":
        roles = list(official.roles)
        if official.unit_code is None or not roles:
            return _visible(session, official, day, TaskFacts()).where(HumanTask.id.is_(None))
        query = _visible(session, official, day, TaskFacts(status=TaskStatus.READY, department=official.unit_code)) \
            .where(HumanTask.department == official.unit_code, HumanTask.candidate_role.in_(roles),
                   HumanTask.status == TaskStatus.READY)
        return query.where(IN_QUEUE_INDEX) if session.get_bind().dialect.name == "sqlite" else query
    if view == "delegated":
        return _visible(session, official, day, TaskFacts(delegated=True)) \
            .where(HumanTask.delegated_by_id == official.id, HumanTask.status.in_(OPEN))
    raise FormInvalidError([FieldProblem("view", f"Không có hộp công việc '{view}'", f"No inbox view '{view}'")])


def _holders(session: Session, official: Official, day: date) -> list[int]:
    """The official and the absent officials they deputise for today (asked once per transaction)."""
    known: dict[tuple[int, date], list[int]] = session.info.setdefault(_HOLDERS, {})
    key = (official.id, day)
    if key not in known:
        known[key] = [official.id, *absent_officials_covered_by(session, official.id, day)]
    return known[key]


_HOLDERS = "motcua_inbox_holders"


def _soonest_of_each_holder(session: Session, query: Select[Any], holders: list[int], count: int) -> list[HumanTask]:
    """The first ``count`` tasks of ``query`` by due time, for a deputy's several holders: each holder's
    soonest from the index, merged. PostgreSQL (before 17) walks an index in order for one holder, not
    for a list of them, and would sort all their tasks for one page (bench.inbox)."""
    order = (HumanTask.due_at, HumanTask.id)
    parts = [select(query.where(HumanTask.assignee_id == holder).order_by(*order).limit(count).subquery())
             for holder in holders]
    task = aliased(HumanTask, union_all(*parts).subquery())
    return list(session.scalars(select(task).order_by(task.due_at, task.id).limit(count)))


def _visible(session: Session, official: Official, day: date, facts: TaskFacts) -> Select[Any]:
    return select(HumanTask).where(task_scope(session, official, day, facts=facts))


def apply_filters(query: Select[Any], filters: InboxFilters, now: datetime) -> Select[Any]:
    if filters.procedure:
        query = query.where(HumanTask.procedure_key == filters.procedure)
    if filters.stage:
        query = query.where(HumanTask.stage == filters.stage)
    if filters.center_id is not None:
        query = query.where(HumanTask.center_id == filters.center_id)
    if filters.due_before is not None:
        query = query.where(HumanTask.due_at < filters.due_before)
    if filters.overdue:
        query = query.where(HumanTask.due_at < now)
    if filters.text and fold(filters.text):
        query = query.where(HumanTask.search_text.contains(fold(filters.text), autoescape=True))
    return query


def encode_task_cursor(task: HumanTask) -> str:
    return encode_cursor(task.due_at.isoformat() if task.due_at is not None else "", str(task.id))


def decode_task_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    due, task_id = decode_cursor(cursor)
    try:
        instant, key = datetime.fromisoformat(due), uuid.UUID(task_id)
    except ValueError as exc:
        raise invalid_cursor() from exc
    if instant.tzinfo is None:
        raise invalid_cursor()
    return instant, key


def inbox_page(session: Session, official: Official, view: str, filters: InboxFilters, *, now: datetime,
               day: date, limit: int = 50, cursor: str | None = None) -> InboxPage:
    """One page of a view, soonest due first; ``next_cursor`` continues after the last task."""
    query = apply_filters(view_query(session, official, view, day), filters, now)
    if cursor:
        due, task_id = decode_task_cursor(cursor)
        query = query.where(tuple_(HumanTask.due_at, HumanTask.id) > tuple_(due, task_id))
    if view == "mine" and len(holders := _holders(session, official, day)) > 1:
        rows = _soonest_of_each_holder(session, query, holders, limit + 1)
    else:
        rows = list(session.scalars(query.order_by(HumanTask.due_at, HumanTask.id).limit(limit + 1)))
    more = len(rows) > limit
    tasks = rows[:limit]
    load_people(session, tasks)
    return InboxPage(tasks, encode_task_cursor(tasks[-1]) if more and tasks else None)


def inbox_counts(session: Session, official: Official, filters: InboxFilters, *, now: datetime,
                 day: date) -> dict[str, int]:
    """How many tasks each view holds under the filters, and how many of them are overdue.

    One statement: each view's two counts as a one-row aggregate, the three cross-joined. (As
    UNION ALL, PostgreSQL plans it in parallel, and starting workers costs more than the query.)
    """
    parts = [
        apply_filters(view_query(session, official, view, day), filters, now)
        .with_only_columns(func.count().label(view),
                           func.count().filter(HumanTask.due_at < now).label(f"{view}_overdue"))
        .select_from(HumanTask)
        .subquery(f"{view}_counts")
        for view in VIEWS
    ]
    statement = select(*[column for part in parts for column in part.c]).select_from(parts[0])
    for part in parts[1:]:
        statement = statement.join(part, true())
    row = session.execute(statement).one()
    return {key: int(value) for key, value in row._mapping.items()}


def load_people(session: Session, tasks: list[HumanTask]) -> None:
    """Load the assignees and completers of a page that the session does not hold yet, in one query
    instead of one per task. A queue's tasks have none and one's own tasks name oneself (loaded with
    the token), so most pages need no query at all; ``task.assignee`` then comes from the session."""
    wanted = {person for task in tasks for person in (task.assignee_id, task.completed_by_id) if person is not None}
    missing = sorted(person for person in wanted if session.identity_map.get(identity_key(Official, person)) is None)
    if missing:
        session.scalars(select(Official).where(Official.id.in_(missing))).all()


def group_by_dossier(tasks: list[HumanTask]) -> list[dict[str, Any]]:
    """Tasks of the same dossier together, in the order of each dossier's most urgent task."""
    groups: dict[int, dict[str, Any]] = {}
    for task in tasks:
        group = groups.setdefault(task.dossier_id, {"dossier_id": task.dossier_id,
                                                    "dossier_code": task.dossier_code, "tasks": []})
        group["tasks"].append(task)
    return list(groups.values())


