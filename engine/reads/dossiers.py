"""Reading dossiers as one official: one by code, its open tasks and history, and the search.

Every function applies the access policy itself (``engine.access.policy.dossier_scope``): a dossier
outside the official's scope is "not found", as a missing one; a search never lists it.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, case, func, literal, null, select, tuple_
from sqlalchemy.orm import Session, joinedload, undefer

from engine.access.policy import Someone, dossier_not_found, dossier_scope
from engine.access.rules import Action
from engine.calendar.deadlines import due_soon_edge
from engine.calendar.working_calendar import WorkingCalendar
from engine.org.text import fold
from engine.persistence.models import (
    OPEN_TASK_STATUSES,
    Center,
    Dossier,
    DossierStatus,
    HistoryEvent,
    HumanTask,
    Official,
    Procedure,
    ProcedureVersion,
)
from engine.reads.pages import decode_cursor, encode_cursor, invalid_cursor

# A dossier whose legal clock still runs (or is paused): the others have a final verdict instead.
RUNNING = (DossierStatus.PROCESSING, DossierStatus.AWAITING_SUPPLEMENT, DossierStatus.AWAITING_PAYMENT)


# A dossier with what its page and its commands name (version, procedure, center), without and with its
# data. Built once: the loader options cost about as much to construct as the query costs to run.
_DOSSIER = select(Dossier).options(
    joinedload(Dossier.procedure_version).joinedload(ProcedureVersion.procedure), joinedload(Dossier.center)
)
_DOSSIER_WITH_DATA = _DOSSIER.options(undefer(Dossier.data))


def find_dossier(session: Session, official: Official, ref: str | int, *, today: date, with_data: bool = False,
                 scope: ColumnElement[bool] | None = None) -> Dossier:
    """A dossier by its code (mã hồ sơ), or by id from code (URLs never carry sequential ids), among
    those ``official`` may read; else NotFoundError. ``scope``: the clause, when built beforehand."""
    query = _DOSSIER_WITH_DATA if with_data else _DOSSIER
    condition = Dossier.id == ref if isinstance(ref, int) else Dossier.code == ref
    visible = dossier_scope(session, official, today) if scope is None else scope
    dossier = session.scalar(query.where(condition, visible))
    if dossier is None:
        raise dossier_not_found(ref)
    return dossier


def open_tasks(session: Session, dossier: Dossier) -> Sequence[HumanTask]:
    """The steps waiting for someone, oldest first (of a dossier already read through ``find_dossier``)."""
    return session.scalars(
        select(HumanTask)
        .where(HumanTask.dossier_id == dossier.id, HumanTask.status.in_(OPEN_TASK_STATUSES))
        .order_by(HumanTask.ready_at)
    ).all()


def dossier_with_open_tasks(session: Session, official: Official, ref: str | int, *, today: date,
                            scope: ColumnElement[bool] | None = None) -> Dossier:
    """The dossier with its data and its open tasks (as ``open_tasks``), as the dossier's page shows it."""
    dossier = find_dossier(session, official, ref, today=today, with_data=True, scope=scope)
    dossier.open_tasks = open_tasks(session, dossier)  # type: ignore[attr-defined]
    return dossier


@dataclass(frozen=True)
class StepTimes:
    """One human step of a dossier: when it became ready, was claimed, was done, and by whom."""

    task_id: Any
    element_id: str
    name: str
    lane: str | None
    status: str
    ready_at: datetime
    claimed_at: datetime | None
    completed_at: datetime | None
    actor: str | None
    due_at: datetime | None


@dataclass(frozen=True)
class DossierHistory:
    dossier: str
    steps: list[StepTimes]
    events: Sequence[HistoryEvent]


def _in_order_of_arrival(tasks: Sequence[HumanTask], events: Sequence[HistoryEvent]) -> list[HumanTask]:
    """Steps by the time they became ready; steps ready at the same instant (one command readies
    several, or a clock that stands still) by their first event in the history, since the database
    returns rows of equal ``ready_at`` in no fixed order."""
    first_seq: dict[str, int] = {}
    for event in events:
        if event.task_id is not None:
            first_seq.setdefault(event.task_id, event.seq)
    return sorted(tasks, key=lambda t: (t.ready_at, first_seq.get(str(t.id), len(events))))


def dossier_history(session: Session, official: Official, ref: str, *, today: date) -> DossierHistory:
    """Every stage of a dossier ``official`` may read: human steps with their times, and all events."""
    dossier = find_dossier(session, official, ref, today=today)
    tasks = session.scalars(
        select(HumanTask)
        .options(joinedload(HumanTask.completed_by), joinedload(HumanTask.assignee))
        .where(HumanTask.dossier_id == dossier.id)
        .order_by(HumanTask.ready_at)
    ).all()
    events = session.scalars(
        select(HistoryEvent).where(HistoryEvent.dossier_id == dossier.id).order_by(HistoryEvent.seq)
    ).all()
    steps = [
        StepTimes(task_id=t.id, element_id=t.element_id, name=t.name, lane=t.lane, status=t.status,
                  ready_at=t.ready_at, claimed_at=t.claimed_at, completed_at=t.completed_at,
                  actor=_person(t.completed_by or t.assignee), due_at=t.due_at)
        for t in _in_order_of_arrival(tasks, events)
    ]
    return DossierHistory(dossier.code, steps, events)


def _person(official: Official | None) -> str | None:
    return official.full_name if official is not None else None


# --- Search ------------------------------------------------------------------------------------


class DossierTimeliness(enum.StrEnum):
    """Where a running dossier's legal clock stands now; a closed dossier has none (its verdict —
    early, on time, late — is ``Dossier.timeliness``).

    paused: waiting for the citizen (supplementation, payment), the clock stopped; overdue: the
    deadline has passed; due_soon: less than one working day left (``due_soon_edge``, as the
    scheduler's sweep); on_time: more than that left, or no deadline.
    """

    ON_TIME = "on_time"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    PAUSED = "paused"


@dataclass(frozen=True)
class DossierSearch:
    text: str | None = None           # dossier code or applicant name, accents optional
    procedure: str | None = None      # procedure key
    status: DossierStatus | None = None
    timeliness: DossierTimeliness | None = None
    received_from: date | None = None  # local days, both included
    received_to: date | None = None
    center: str | None = None         # center code


@dataclass(frozen=True)
class DossierRow:
    code: str
    procedure_key: str
    procedure_name: str
    applicant_name: str
    status: str
    received_at: datetime
    due_at: datetime | None
    timeliness: str | None
    center: str


@dataclass(frozen=True)
class DossierPage:
    dossiers: list[DossierRow]
    next_cursor: str | None


def _timeliness(now: datetime, soon: datetime) -> ColumnElement[Any]:
    """The DossierTimeliness of each row, as SQL (so it filters and answers from the same rule)."""
    return case(
        (Dossier.status.not_in(RUNNING), null()),
        (Dossier.paused_at.is_not(None), literal(DossierTimeliness.PAUSED.value)),
        (Dossier.due_at < now, literal(DossierTimeliness.OVERDUE.value)),
        (Dossier.due_at < soon, literal(DossierTimeliness.DUE_SOON.value)),
        else_=literal(DossierTimeliness.ON_TIME.value),
    )


def timeliness_at(due_at: datetime | None, paused: bool, *, now: datetime, soon: datetime) -> DossierTimeliness:
    """``_timeliness`` for one due time, in Python: the inbox's traffic light on a task's due time.
    Keep the two in step: the same order of tests, the same edge."""
    if paused:
        return DossierTimeliness.PAUSED
    if due_at is None or due_at >= soon:
        return DossierTimeliness.ON_TIME
    return DossierTimeliness.OVERDUE if due_at < now else DossierTimeliness.DUE_SOON


def _local_day_start(day: date, calendar: WorkingCalendar) -> datetime:
    return datetime.combine(day, time.min, tzinfo=calendar.timezone)


def _filters(search: DossierSearch, timeliness: ColumnElement[Any], calendar: WorkingCalendar
             ) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    text = fold(search.text)
    if text:
        where.append(Dossier.search_text.contains(text, autoescape=True))
    if search.procedure:
        where.append(Procedure.key == search.procedure)
    if search.status is not None:
        where.append(Dossier.status == search.status)
    if search.timeliness is not None:
        where.append(timeliness == search.timeliness.value)
    if search.received_from is not None:
        where.append(Dossier.received_at >= _local_day_start(search.received_from, calendar))
    if search.received_to is not None:
        where.append(Dossier.received_at < _local_day_start(search.received_to + timedelta(days=1), calendar))
    if search.center:
        where.append(Center.code == search.center)
    return where


def search_dossiers(session: Session, official: Official, search: DossierSearch, *, now: datetime, today: date,
                    calendar: WorkingCalendar, limit: int = 50, cursor: str | None = None) -> DossierPage:
    """One page of the dossiers ``official`` may read that match ``search``, newest received first;
    ``next_cursor`` continues after the last one."""
    timeliness = _timeliness(now, due_soon_edge(calendar, now)).label("timeliness")
    query = (
        select(Dossier.id, Dossier.code, Procedure.key, Procedure.name, Dossier.applicant_name, Dossier.status,
               Dossier.received_at, Dossier.due_at, timeliness, Center.code.label("center"))
        .join(ProcedureVersion, Dossier.procedure_version_id == ProcedureVersion.id)
        .join(Procedure, ProcedureVersion.procedure_id == Procedure.id)
        .join(Center, Dossier.center_id == Center.id)
        .where(dossier_scope(session, official, today, Action.DOSSIER_READ),
               *_filters(search, timeliness, calendar))
    )
    if cursor:
        query = query.where(tuple_(Dossier.received_at, Dossier.id) < tuple_(*_after(cursor)))
    rows = session.execute(query.order_by(Dossier.received_at.desc(), Dossier.id.desc()).limit(limit + 1)).all()
    page = rows[:limit]
    next_cursor = (encode_cursor(page[-1].received_at.isoformat(), str(page[-1].id))
                   if len(rows) > limit and page else None)
    return DossierPage([_row(row) for row in page], next_cursor)


def _after(cursor: str) -> tuple[datetime, int]:
    received_at, dossier_id = decode_cursor(cursor)
    try:
        instant, number = datetime.fromisoformat(received_at), int(dossier_id)
    except ValueError as exc:
        raise invalid_cursor() from exc
    if instant.tzinfo is None:
        raise invalid_cursor()
    return instant, number


def _row(row: Any) -> DossierRow:
    return DossierRow(code=row.code, procedure_key=row.key, procedure_name=row.name,
                      applicant_name=row.applicant_name, status=str(row.status), received_at=row.received_at,
                      due_at=row.due_at, timeliness=row.timeliness, center=row.center)


# --- Counts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DossierCounts:
    processing: int
    resolved: int  # completed or refused: a decision was returned


def dossier_counts(session: Session, who: Someone, *, today: date) -> DossierCounts:
    """How many dossiers ``who`` may read are being processed and have been resolved."""
    rows = session.execute(
        select(Dossier.status, func.count(Dossier.id))
        .where(dossier_scope(session, who, today, Action.DOSSIER_READ))
        .group_by(Dossier.status)
    ).all()
    counts = {DossierStatus(status): int(count) for status, count in rows}
    return DossierCounts(processing=counts.get(DossierStatus.PROCESSING, 0),
                         resolved=counts.get(DossierStatus.COMPLETED, 0) + counts.get(DossierStatus.REFUSED, 0))
