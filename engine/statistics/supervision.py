"""What supervisors (Party Committee, Inspectorate) watch: who appraised a dossier, what was decided,
which opinions were gathered and when; and the dossiers that went late, were refused, stopped,
withdrawn or reassigned in a period, with the reasons given. Read-only, through the access policy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.calendar.working_calendar import WorkingCalendar
from engine.history.events import HistoryEventType
from engine.persistence.models import (
    NOTABLE_EVENTS,
    Dossier,
    HistoryEvent,
    HumanTask,
    Official,
    ProcedureVersion,
    TaskStatus,
    Unit,
)
from engine.reads.dossiers import find_dossier
from engine.statistics.lists import LIST_LIMIT, DossierLine, Drill, drill_down
from engine.statistics.period import Period
from engine.statistics.reach import StatScope
from engine.statistics.scope_sql import dossier_filter
from forms.display import value_text
from forms.roles import fields_with_role

# The stages whose steps make up the appraisal record (the step's ``stage`` property).
APPRAISAL_STAGES = ("appraise", "consult", "approve")
_OPINION_ROLES = ("opinion", "supplement_reason", "refusal_grounds", "missing_documents")


@dataclass(frozen=True)
class AppraisalEntry:
    """One appraisal, consultation or approval step of a dossier, as it was done."""

    step: str
    stage: str
    unit: str
    official: str | None
    ready_at: datetime
    completed_at: datetime | None
    status: str
    decision: Any         # the value of the step's declared decision field, if any
    decision_text: str | None  # that value as the form names it (the choice's title)
    opinions: list[str]   # what the official wrote in the fields the form declares as opinions or reasons
    reassignments: list[str]  # "to <name>: <reason>" for each time the step changed hands by a leader


@dataclass(frozen=True)
class AppraisalRecord:
    code: str
    procedure: str
    status: str
    entries: list[AppraisalEntry]


def appraisal_record(session: Session, official: Official, code: str, *, today: date) -> AppraisalRecord:
    """The appraisal record of the dossier ``code`` (NotFoundError if ``official`` may not read it)."""
    dossier = find_dossier(session, official, code, today=today)
    version = dossier.procedure_version
    forms = (version.forms or {}).values()
    opinion_fields = [name for role in _OPINION_ROLES for name in fields_with_role(forms, role)]
    decision_fields = {element_id: element.get("properties", {}).get("decisionField")
                       for element_id, element in (version.elements or {}).items()}
    tasks = session.execute(
        select(HumanTask, Unit.name, Official.full_name)
        .outerjoin(Unit, Unit.code == HumanTask.department)
        .outerjoin(Official, Official.id == HumanTask.completed_by_id)
        .where(HumanTask.dossier_id == dossier.id, HumanTask.stage.in_(APPRAISAL_STAGES),
               HumanTask.status != TaskStatus.CANCELLED)
        .order_by(HumanTask.ready_at, HumanTask.element_id)
    ).all()
    moves = session.execute(
        select(HistoryEvent.task_id, HistoryEvent.payload)
        .where(HistoryEvent.dossier_id == dossier.id,
               HistoryEvent.event_type == HistoryEventType.TASK_REASSIGNED.value)
        .order_by(HistoryEvent.seq)
    ).all()
    entries = []
    for task, unit_name, person in tasks:
        data = task.submitted_data or {}
        field = decision_fields.get(task.element_id)
        decision = data.get(field) if field else None
        form = (version.forms or {}).get(task.form_name or "") or {}
        field_schema = (form.get("properties") or {}).get(field or "") or {}
        entries.append(AppraisalEntry(
            step=task.name, stage=task.stage or "", unit=unit_name or task.department or "", official=person,
            ready_at=task.ready_at, completed_at=task.completed_at, status=str(task.status),
            decision=decision, decision_text=None if decision is None else value_text(field_schema, decision),
            opinions=[str(data[name]) for name in opinion_fields if data.get(name)],
            reassignments=[f"{(p or {}).get('to', '')}: {(p or {}).get('reason', '')}"
                           for task_id, p in moves if task_id == str(task.id)]))
    return AppraisalRecord(code=dossier.code, procedure=version.procedure.name, status=str(dossier.status),
                           entries=entries)


@dataclass(frozen=True)
class NotableEvent:
    """A reassignment, stop, withdrawal or extension, with its reason."""

    code: str
    kind: str
    at: datetime
    actor: str | None
    step: str | None
    reason: str | None
    to: str | None


def notable_events(session: Session, scope: StatScope, period: Period, *, calendar: WorkingCalendar,
                   limit: int = LIST_LIMIT) -> list[NotableEvent]:
    """Reassignments, stops, withdrawals and extensions in ``period`` over ``scope``, newest first."""
    zone = calendar.timezone
    rows = session.execute(
        select(HistoryEvent, Dossier.code)
        .join(Dossier, Dossier.id == HistoryEvent.dossier_id)
        .where(HistoryEvent.event_type.in_(NOTABLE_EVENTS), HistoryEvent.at >= period.start(zone),
               HistoryEvent.at < period.end(zone), *dossier_filter(scope))
        .order_by(HistoryEvent.at.desc(), HistoryEvent.id.desc()).limit(limit)
    ).all()
    return [NotableEvent(code=code, kind=event.event_type, at=event.at, actor=event.actor_name,
                         step=event.element_name, reason=(event.payload or {}).get("reason"),
                         to=(event.payload or {}).get("to")) for event, code in rows]


@dataclass(frozen=True)
class Watchlist:
    late: list[DossierLine]
    refused: list[DossierLine]
    stopped: list[DossierLine]
    events: list[NotableEvent]
    refusal_grounds: dict[str, str]  # dossier code -> the grounds its refusal gave


def watchlist(session: Session, scope: StatScope, period: Period, *, now: datetime,
              calendar: WorkingCalendar) -> Watchlist:
    """The supervisors' list of the period: late, refused, stopped or withdrawn dossiers, and the
    reassignments and other decisions taken with a reason."""
    refused = drill_down(session, scope, period, Drill.REFUSED, now=now, calendar=calendar)
    return Watchlist(
        late=drill_down(session, scope, period, Drill.LATE, now=now, calendar=calendar),
        refused=refused,
        stopped=drill_down(session, scope, period, Drill.STOPPED, now=now, calendar=calendar),
        events=notable_events(session, scope, period, calendar=calendar),
        refusal_grounds=refusal_grounds(session, [line.code for line in refused]))


def refusal_grounds(session: Session, codes: list[str]) -> dict[str, str]:
    """The grounds each refused dossier gave: the field its forms declare as ``refusal_grounds``."""
    if not codes:
        return {}
    rows = session.execute(
        select(Dossier.code, ProcedureVersion.forms, HumanTask.submitted_data)
        .join(ProcedureVersion, Dossier.procedure_version_id == ProcedureVersion.id)
        .join(HumanTask, HumanTask.dossier_id == Dossier.id)
        .where(Dossier.code.in_(codes), HumanTask.status == TaskStatus.COMPLETED)
        .order_by(HumanTask.completed_at)
    ).all()
    grounds: dict[str, str] = {}
    for code, forms, data in rows:
        for name in fields_with_role((forms or {}).values(), "refusal_grounds"):
            if (data or {}).get(name):
                grounds[code] = str(data[name])
    return grounds
