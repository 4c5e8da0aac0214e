"""A dossier as its page shows it to one official: the submitted data under its form, the legal
clock, the timeline of every stage, the path on the diagram and the slips that apply.

Everything is read through ``engine.reads.dossiers`` (so the access policy decides: a dossier out
of scope is "not found") and derived from the history, the one record of what happened.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.access.policy import dossier_scope
from engine.history.events import HistoryEventType as Event
from engine.persistence.models import Dossier, DossierStatus, HistoryEvent, Official, ProcedureVersion
from engine.reads.counter import printable_kinds
from engine.reads.dossiers import StepTimes, dossier_history, find_dossier
from engine.runtime.context import EngineContext
from engine.slips.data import start_form_name

# What each event tells about the element it names: reached (waiting for something), or left.
_REACHED = {Event.STEP_READY, Event.STEP_WAITING, Event.STEP_STARTED}
_DONE = {Event.STEP_COMPLETED, Event.TASK_COMPLETED}  # a human step is done by its task's completion
_LEFT = {*_DONE, Event.STEP_CANCELLED, Event.STEP_FAILED}
RUNNING = (DossierStatus.PROCESSING, DossierStatus.AWAITING_SUPPLEMENT, DossierStatus.AWAITING_PAYMENT)


@dataclass(frozen=True)
class Pause:
    """One stretch of waiting for the citizen, the legal clock stopped (ongoing: no ``resumed_at``)."""

    kind: str            # supplement | payment
    reason: str
    paused_at: datetime
    resumed_at: datetime | None
    working_seconds: int | None


@dataclass(frozen=True)
class Extension:
    at: datetime
    by: str
    reason: str
    old_due_at: datetime | None
    new_due_at: datetime | None


@dataclass(frozen=True)
class LegalClock:
    received_at: datetime
    due_at: datetime | None
    original_due_at: datetime | None
    completed_at: datetime | None
    paused_seconds: int
    pauses: list[Pause]
    extensions: list[Extension]


@dataclass(frozen=True)
class CurrentStep:
    """A step the dossier waits at now, and who holds it (None: in its unit's queue, or a timer)."""

    element_id: str
    name: str
    holder: str | None
    queue: str | None


@dataclass(frozen=True)
class DiagramPath:
    """The marks on the diagram: the elements done, and the steps waiting now."""

    done: list[str]
    current: list[CurrentStep]


@dataclass(frozen=True)
class Document:
    name: str
    copy_type: str
    quantity: int | None


@dataclass
class DossierSheet:
    dossier: Dossier
    start_form: Mapping[str, Any] | None
    start_data: Mapping[str, Any]
    documents: list[Document]
    clock: LegalClock
    steps: list[StepTimes]
    path: DiagramPath
    slips: list[str] = field(default_factory=list)


def dossier_sheet(session: Session, ctx: EngineContext, official: Official, code: str) -> DossierSheet:
    """The page of dossier ``code`` if ``official`` may read it, else NotFoundError."""
    today = ctx.today()
    dossier = find_dossier(session, official, code, today=today, scope=dossier_scope(session, official, today))
    history = dossier_history(session, official, code, today=today)
    version = ctx.version(session, dossier.procedure_version_id)
    events = list(history.events)
    received = next((e for e in events if e.event_type == Event.DOSSIER_RECEIVED), None)
    form_name = start_form_name(version.elements)
    return DossierSheet(
        dossier=dossier,
        start_form=version.forms.get(form_name) if form_name else None,
        start_data=((received.payload or {}).get("data") or {}) if received else {},
        documents=_documents(version.metadata),
        clock=_clock(dossier, events),
        steps=history.steps,
        path=diagram_path(dossier, events, history.steps, version.elements),
        slips=list(printable_kinds(dossier)),
    )


def _documents(metadata: Mapping[str, Any]) -> list[Document]:
    return [Document(str(d["name"]), str(d.get("copy_type") or ""), d.get("quantity"))
            for d in metadata.get("required_documents") or () if isinstance(d, Mapping) and d.get("name")]


def _instant(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _reason(value: Any) -> str:
    return "; ".join(str(v) for v in value) if isinstance(value, list) else str(value or "")


def _clock(dossier: Dossier, events: Sequence[HistoryEvent]) -> LegalClock:
    pauses: list[Pause] = []
    extensions: list[Extension] = []
    for event in events:
        payload = event.payload or {}
        if event.event_type == Event.CLOCK_PAUSED:
            pauses.append(Pause(str(payload.get("kind") or ""), _reason(payload.get("reason")), event.at, None, None))
        elif event.event_type == Event.CLOCK_RESUMED and pauses and pauses[-1].resumed_at is None:
            last = pauses[-1]
            pauses[-1] = Pause(last.kind, last.reason, last.paused_at, event.at, payload.get("paused_working_seconds"))
        elif event.event_type == Event.DEADLINE_EXTENDED:
            extensions.append(Extension(event.at, event.actor_name or "", _reason(payload.get("reason")),
                                        _instant(payload.get("due_at")), _instant(payload.get("new_due_at"))))
    return LegalClock(received_at=dossier.received_at, due_at=dossier.due_at,
                      original_due_at=dossier.original_due_at or dossier.due_at, completed_at=dossier.completed_at,
                      paused_seconds=dossier.paused_seconds or 0, pauses=pauses, extensions=extensions)


def diagram_path(dossier: Dossier, events: Sequence[HistoryEvent], steps: Sequence[StepTimes],
                 elements: Mapping[str, Any]) -> DiagramPath:
    """Done: every element the history says was completed. Current: the elements reached and not yet
    left, with the open human step's holder, while the dossier still runs."""
    done: dict[str, None] = {}
    reached: dict[str, None] = {}
    for event in events:
        if not event.element_id:
            continue
        if event.event_type in _DONE:
            done[event.element_id] = None
        if event.event_type in _REACHED:
            reached[event.element_id] = None
        elif event.event_type in _LEFT:
            reached.pop(event.element_id, None)
    if dossier.status not in RUNNING:
        return DiagramPath(list(done), [])
    open_steps = {s.element_id: s for s in steps if s.completed_at is None and s.status in ("ready", "claimed")}
    current = []
    for element_id in reached:
        element = elements.get(element_id) or {}
        step = open_steps.get(element_id)
        holder = step.actor if step is not None and step.status == "claimed" else None
        queue = element.get("lane_name") if step is not None and holder is None else None
        current.append(CurrentStep(element_id, str(element.get("name") or element_id), holder, queue))
    return DiagramPath(list(done), current)


def dossier_diagram(session: Session, ctx: EngineContext, official: Official, code: str) -> str:
    """The BPMN XML of the version dossier ``code`` runs on, if ``official`` may read the dossier."""
    dossier = find_dossier(session, official, code, today=ctx.today())
    xml: str = session.scalar(select(ProcedureVersion.bpmn_xml)
                              .where(ProcedureVersion.id == dossier.procedure_version_id)) or ""
    return xml
