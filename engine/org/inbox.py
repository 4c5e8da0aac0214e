"""The officials' inbox: my tasks, my unit's queue, what I delegated — filtered, sorted by due time,
paged by cursor, counted. Every query reads the human_task table alone (its inbox columns are
copied from the dossier when the task is created) and walks an index in due-time order.

A page comes two ways, the same tasks in the same order: ``inbox_listing`` reads only the columns a
list shows, as plain rows (the API, whose most frequent request this is), ``inbox_page`` reads
HumanTask objects for the pages that follow a task's relationships (the officials' inbox page shows
each dossier's applicant)."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import starmap
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy import Executable, Select, bindparam, func, literal_column, select, text, true, tuple_, union_all
from sqlalchemy.orm import Session
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


@dataclass(slots=True)
class TaskListing:
    """A task as a list shows it: the HumanTask columns the API's task answer names, under the same
    names, read as a plain row (no HumanTask object to build, no JSON column to parse), and the
    officials it names, as ``task.assignee`` and ``task.completed_by`` would give them."""

    id: uuid.UUID
    dossier_id: int
    dossier_code: str | None
    procedure_key: str | None
    element_id: str
    name: str
    lane: str | None
    department: str | None
    candidate_role: str | None
    stage: str | None
    form_name: str | None
    status: TaskStatus
    assignee_id: int | None
    assigned_at: datetime | None
    delegated_by_id: int | None
    ready_at: datetime
    claimed_at: datetime | None
    completed_at: datetime | None
    completed_by_id: int | None
    due_at: datetime | None
    assignee: Official | NamedOfficial | None = None
    completed_by: Official | NamedOfficial | None = None


@dataclass(frozen=True, slots=True)
class NamedOfficial:
    """An official as a list names them: a listing's holder or completer whom the session does not
    hold already (two columns read, instead of an Official with its unit and roles, which cost a
    deputy's page about 3 ms for two absent colleagues)."""

    id: int
    full_name: str


_PEOPLE = ("assignee", "completed_by")
# The columns of a listing, in its fields' order (a row of them builds one positionally).
LISTED_COLUMNS = tuple(getattr(HumanTask, f.name) for f in dataclasses.fields(TaskListing) if f.name not in _PEOPLE)


class ListedTask(Protocol):
    """What a page's task offers either way (a HumanTask or a TaskListing): enough to page and group."""

    @property
    def id(self) -> uuid.UUID: ...

    @property
    def dossier_id(self) -> int: ...

    @property
    def dossier_code(self) -> str | None: ...

    @property
    def due_at(self) -> datetime | None: ...


T = TypeVar("T", HumanTask, TaskListing)

# What every page selects, built once (a select of twenty columns takes about a third of the time
# SQLite takes to answer a page of them); each request adds its clauses to a copy.
_TASKS = select(HumanTask)
_LISTED = select(*LISTED_COLUMNS)


@dataclass
class InboxPage(Generic[T]):
    tasks: list[T]
    next_cursor: str | None
    counts: dict[str, int] = field(default_factory=dict)


def view_query(session: Session, official: Official, view: str, day: date, *, listed: bool = False) -> Select[Any]:
    """The tasks of one inbox view, unfiltered and unsorted: only those the access policy lets the
    official see (a shared unit's queue holds only the tasks of the official's centers). The policy
    is told what the view asks of its tasks, so its clause repeats none of it (see ``TaskFacts``).
    HumanTask objects, or with ``listed`` the LISTED_COLUMNS."""
    base = _LISTED if listed else _TASKS
    if view == "mine":
        holders = _holders(session, official, day)
        return _visible(session, official, day, TaskFacts(status=TaskStatus.CLAIMED, held=True), base) \
            .where(HumanTask.assignee_id.in_(holders), HumanTask.status == TaskStatus.CLAIMED)
    if view == "queue":
        roles = list(official.roles)
        if official.unit_code is None or not roles:
            return _visible(session, official, day, TaskFacts(), base).where(HumanTask.id.is_(None))
        facts = TaskFacts(status=TaskStatus.READY, department=official.unit_code)
        query = _visible(session, official, day, facts, base) \
            .where(HumanTask.department == official.unit_code, HumanTask.candidate_role.in_(roles),
                   HumanTask.status == TaskStatus.READY)
        return query.where(IN_QUEUE_INDEX) if session.get_bind().dialect.name == "sqlite" else query
    if view == "delegated":
        return _visible(session, official, day, TaskFacts(delegated=True), base) \
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


def _soonest_of_each_holder(query: Select[Any], holders: list[int], count: int, *, listed: bool,
                            dialect: str) -> Executable:
    """The first ``count`` tasks of ``query`` by due time, for a deputy's several holders: each holder's
    soonest from the index, merged. PostgreSQL (before 17) walks an index in order for one holder, not
    for a list of them, and would sort all their tasks for one page (bench.inbox).

    The UNION itself is ordered and limited, by its columns' names: a SELECT over it as a subquery
    would build a collection of its twenty columns, and each holder's part as a subquery another,
    which cost a deputy's page 2-3 ms of Python before a row was read."""
    order = (HumanTask.due_at, HumanTask.id)
    parts = [query.where(HumanTask.assignee_id == holder).order_by(*order).limit(count) for holder in holders]
    if dialect == "sqlite":  # SQLite takes ORDER BY and LIMIT in a UNION's parts only inside subqueries
        parts = [select(part.subquery()) for part in parts]
    merged = union_all(*parts).order_by(literal_column("due_at"), literal_column("id")).limit(count)
    return merged if listed else select(HumanTask).from_statement(merged)


def _visible(session: Session, official: Official, day: date, facts: TaskFacts, base: Select[Any]) -> Select[Any]:
    return base.where(task_scope(session, official, day, facts=facts))


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


def encode_task_cursor(task: ListedTask) -> str:
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


def _page_statement(session: Session, official: Official, view: str, filters: InboxFilters, *, now: datetime,
                    day: date, limit: int, cursor: str | None, listed: bool) -> Executable:
    """The statement of one page of a view, soonest due first, one task more than ``limit`` (whether
    a next page exists): HumanTask objects, or with ``listed`` the LISTED_COLUMNS."""
    query = apply_filters(view_query(session, official, view, day, listed=listed), filters, now)
    if cursor:
        due, task_id = decode_task_cursor(cursor)
        query = query.where(tuple_(HumanTask.due_at, HumanTask.id) > tuple_(due, task_id))
    if view == "mine" and len(holders := _holders(session, official, day)) > 1:
        return _soonest_of_each_holder(query, holders, limit + 1, listed=listed,
                                       dialect=session.get_bind().dialect.name)
    return query.order_by(HumanTask.due_at, HumanTask.id).limit(limit + 1)


def _cut(rows: Sequence[T], limit: int) -> InboxPage[T]:
    tasks = list(rows[:limit])
    return InboxPage(tasks, encode_task_cursor(tasks[-1]) if len(rows) > limit and tasks else None)


def inbox_page(session: Session, official: Official, view: str, filters: InboxFilters, *, now: datetime,
               day: date, limit: int = 50, cursor: str | None = None) -> InboxPage[HumanTask]:
    """One page of a view as HumanTask objects, soonest due first; ``next_cursor`` continues after the
    last task. For a page that follows the tasks' relationships; a list of tasks alone takes
    ``inbox_listing``."""
    statement = _page_statement(session, official, view, filters, now=now, day=day, limit=limit, cursor=cursor,
                                listed=False)
    page = _cut(session.scalars(statement).all(), limit)
    load_people(session, page.tasks)
    return page


def inbox_listing(session: Session, official: Official, view: str, filters: InboxFilters, *, now: datetime,
                  day: date, limit: int = 50, cursor: str | None = None) -> InboxPage[TaskListing]:
    """``inbox_page``'s tasks, the same ones in the same order, as TaskListings: plain rows of the
    columns a list shows, without a HumanTask object per task (a page of 50 tasks reads in about 0.8
    of the time, and the API dumps it in about 0.7)."""
    statement = _page_statement(session, official, view, filters, now=now, day=day, limit=limit, cursor=cursor,
                                listed=True)
    page = _cut(list(starmap(TaskListing, session.execute(statement))), limit)  # rows in the fields' order
    people = _names(session, {person for task in page.tasks
                              for person in (task.assignee_id, task.completed_by_id) if person is not None})
    for task in page.tasks:
        if task.assignee_id is not None:
            task.assignee = people.get(task.assignee_id)
        if task.completed_by_id is not None:
            task.completed_by = people.get(task.completed_by_id)
    return page


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
    _people(session, {person for task in tasks for person in (task.assignee_id, task.completed_by_id)
                      if person is not None})


def _held(session: Session, wanted: set[int]) -> tuple[dict[int, Official], list[int]]:
    """Of the officials ``wanted``, those the session holds, and the ids of the others."""
    held = {person: session.identity_map.get(identity_key(Official, person)) for person in wanted}
    people = {person: official for person, official in held.items() if official is not None}
    return people, sorted(person for person in wanted if person not in people)


def _people(session: Session, wanted: set[int]) -> dict[int, Official]:
    """The officials ``wanted``: those the session holds, and the others in one query."""
    people, missing = _held(session, wanted)
    if missing:
        people.update((official.id, official) for official in
                      session.scalars(select(Official).where(Official.id.in_(missing))))
    return people


_NAMES = select(Official.id, Official.full_name).where(Official.id.in_(bindparam("ids", expanding=True)))


def _names(session: Session, wanted: set[int]) -> dict[int, Official | NamedOfficial]:
    """The officials ``wanted`` as a list names them: those the session holds, the others' names."""
    held, missing = _held(session, wanted)
    people: dict[int, Official | NamedOfficial] = dict(held)
    if missing:
        people.update((row.id, NamedOfficial(row.id, row.full_name))
                      for row in session.execute(_NAMES, {"ids": missing}))
    return people


def group_by_dossier(tasks: Sequence[T]) -> list[dict[str, Any]]:
    """Tasks of the same dossier together, in the order of each dossier's most urgent task."""
    groups: dict[int, dict[str, Any]] = {}
    for task in tasks:
        group = groups.setdefault(task.dossier_id, {"dossier_id": task.dossier_id,
                                                    "dossier_code": task.dossier_code, "tasks": []})
        group["tasks"].append(task)
    return list(groups.values())


