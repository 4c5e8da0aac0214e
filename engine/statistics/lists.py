"""The dossiers behind the figures: overdue and due-soon work with who holds each step, and the
drill-down from any counted figure to the dossiers it counts."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from engine.calendar.deadlines import due_soon_edge
from engine.calendar.working_calendar import WorkingCalendar
from engine.persistence.models import (
    CLOSED_DOSSIER_STATUSES,
    OPEN_TASK_STATUSES,
    Center,
    Dossier,
    DossierStatus,
    HumanTask,
    Official,
    Procedure,
    ProcedureVersion,
    Unit,
)
from engine.statistics.figures import open_at, running_late
from engine.statistics.period import Period
from engine.statistics.reach import StatScope
from engine.statistics.scope_sql import dossier_filter
from engine.statistics.verdict import finished_verdict, running_is_late

LIST_LIMIT = 200


@dataclass(frozen=True)
class Holder:
    """An open step of a dossier and who holds it: an official, or the unit's queue (official None)."""

    step: str
    unit: str
    official: str | None
    due_at: datetime | None


@dataclass(frozen=True)
class DossierLine:
    code: str
    procedure: str
    center: str
    status: str
    received_at: datetime
    due_at: datetime | None
    completed_at: datetime | None
    verdict: str | None  # early | on_time | late; for an open dossier, late or None
    holders: list[Holder]


def overdue_and_due_soon(session: Session, scope: StatScope, *, now: datetime, calendar: WorkingCalendar,
                         limit: int = LIST_LIMIT) -> tuple[list[DossierLine], list[DossierLine]]:
    """Open dossiers of the scope past their deadline, and those with less than a working day left,
    each soonest due first, with the steps waiting and who holds them. Paused dossiers wait for the
    citizen and are in neither list."""
    soon = due_soon_edge(calendar, now)
    rows = _lines(session, [Dossier.completed_at.is_(None), Dossier.status.not_in(CLOSED_DOSSIER_STATUSES),
                            Dossier.status != DossierStatus.FAILED, Dossier.paused_at.is_(None),
                            Dossier.due_at < soon, *dossier_filter(scope)],
                  order=Dossier.due_at, limit=limit, now=now, calendar=calendar)
    return [r for r in rows if r.due_at is not None and r.due_at < now], \
        [r for r in rows if r.due_at is not None and r.due_at >= now]


class Drill(enum.StrEnum):
    """The figures whose dossiers can be listed (early and on time are listed together: in_time)."""

    RECEIVED = "received"
    FINISHED = "finished"
    IN_TIME = "in_time"
    LATE = "late"
    REFUSED = "refused"
    STOPPED = "stopped"
    SUPPLEMENTED = "supplemented"
    IN_PROGRESS = "in_progress"
    IN_PROGRESS_LATE = "in_progress_late"


def drill_down(session: Session, scope: StatScope, period: Period, figure: Drill, *, now: datetime,
               calendar: WorkingCalendar, limit: int = LIST_LIMIT) -> list[DossierLine]:
    """The dossiers ``figure`` counts over ``period`` and ``scope``, at most ``limit``, newest first."""
    zone = calendar.timezone
    start, end, as_of = period.start(zone), period.end(zone), period.as_of(zone, now)
    finished = and_(Dossier.completed_at >= start, Dossier.completed_at < end,
                    Dossier.status.in_(CLOSED_DOSSIER_STATUSES))
    # coalesce: NOT over a NULL comparison is NULL, which would drop a withdrawal from "in time" too.
    late = or_(Dossier.late_by_rule.is_(True), func.coalesce(Dossier.timeliness, "") == "late",
               and_(Dossier.timeliness.is_(None), Dossier.due_at.is_not(None), Dossier.completed_at > Dossier.due_at))
    conditions: dict[Drill, ColumnElement[bool]] = {
        Drill.RECEIVED: and_(Dossier.received_at >= start, Dossier.received_at < end),
        Drill.FINISHED: finished,
        Drill.IN_TIME: and_(finished, ~late),
        Drill.LATE: and_(finished, late),
        Drill.REFUSED: and_(finished, Dossier.status == DossierStatus.REFUSED),
        Drill.STOPPED: and_(finished, Dossier.status.in_((DossierStatus.STOPPED, DossierStatus.WITHDRAWN))),
        Drill.SUPPLEMENTED: and_(finished, Dossier.supplement_requests > 0),
        Drill.IN_PROGRESS: open_at(as_of, now),
        Drill.IN_PROGRESS_LATE: and_(open_at(as_of, now), running_late(as_of)),
    }
    order = Dossier.received_at.desc() if figure in (Drill.RECEIVED, Drill.IN_PROGRESS, Drill.IN_PROGRESS_LATE) \
        else Dossier.completed_at.desc()
    return _lines(session, [conditions[figure], *dossier_filter(scope)], order=order, limit=limit, now=as_of,
                  calendar=calendar)


_LINE_COLUMNS = (Dossier.id, Dossier.code, Dossier.status, Dossier.received_at, Dossier.due_at, Dossier.completed_at,
                 Dossier.late_by_rule, Dossier.paused_at)


def _lines(session: Session, where: list[ColumnElement[bool]], *, order: object, limit: int, now: datetime,
           calendar: WorkingCalendar) -> list[DossierLine]:
    # The columns a line shows, not the Dossier: its state and applicant JSON would be decoded for nothing.
    rows = session.execute(
        select(*_LINE_COLUMNS, Procedure.name.label("procedure_name"), Center.name.label("center_name"))
        .join(ProcedureVersion, Dossier.procedure_version_id == ProcedureVersion.id)
        .join(Procedure, ProcedureVersion.procedure_id == Procedure.id)
        .join(Center, Dossier.center_id == Center.id)
        .where(*where).order_by(order, Dossier.id).limit(limit)  # type: ignore[arg-type]
    ).all()
    holders = _holders(session, [row.id for row in rows])
    return [DossierLine(code=row.code, procedure=row.procedure_name, center=row.center_name, status=str(row.status),
                        received_at=row.received_at, due_at=row.due_at, completed_at=row.completed_at,
                        verdict=_verdict(row, now, calendar), holders=holders.get(row.id, []))
            for row in rows]


def _verdict(dossier: Any, now: datetime, calendar: WorkingCalendar) -> str | None:
    """``dossier``: a row of ``_LINE_COLUMNS`` (or a Dossier)."""
    if dossier.completed_at is not None and dossier.completed_at <= now:
        return finished_verdict(dossier.completed_at, dossier.due_at, dossier.late_by_rule, calendar).value
    return "late" if running_is_late(now, dossier.due_at, dossier.paused_at, dossier.late_by_rule) else None


def _holders(session: Session, dossier_ids: list[int]) -> dict[int, list[Holder]]:
    if not dossier_ids:
        return {}
    rows = session.execute(
        select(HumanTask.dossier_id, HumanTask.name, Unit.name, HumanTask.department, Official.full_name,
               HumanTask.due_at)
        .outerjoin(Unit, Unit.code == HumanTask.department)
        .outerjoin(Official, Official.id == HumanTask.assignee_id)
        .where(HumanTask.dossier_id.in_(dossier_ids), HumanTask.status.in_(OPEN_TASK_STATUSES))
        .order_by(HumanTask.ready_at)
    ).all()
    found: dict[int, list[Holder]] = {}
    for dossier_id, step, unit_name, department, official, due_at in rows:
        found.setdefault(dossier_id, []).append(Holder(step, unit_name or department or "", official, due_at))
    return found
