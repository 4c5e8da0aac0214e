"""A dossier as it stood at any event of its history: the steps it waited at, who held them, the
data each of them saw, the data the event's command changed, and the legal clock then.

The state is rebuilt by replaying the recorded inputs up to the command the event belongs to
(``engine.audit.replay``): commands are atomic, so that command's end is the earliest state the
record can show after the event. Nothing is written. Were the replay to part from the record
before that point, the answer says where, and shows the state the replay reached there.
"""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.access.policy import Someone
from engine.audit.replay import Diverged, Divergence, RecordedEvent, Replay, audited_dossier, stored_events
from engine.calendar.working_calendar import WorkingCalendar
from engine.errors import FieldProblem, FormInvalidError
from engine.history.events import HistoryEventType as Event
from engine.persistence.models import Dossier, Official, TaskStatus
from engine.runtime.context import EngineContext
from engine.runtime.workflow import HUMAN_TYPES, json_data

_DONE = {Event.STEP_COMPLETED, Event.TASK_COMPLETED}
_WAITING = ("intermediateCatchEvent", "receiveTask", "eventBasedGateway")


@dataclass(frozen=True)
class ActiveStep:
    """A step the dossier waited at: a person's task (ready in its unit's queue, or held), or an
    event it waited for (a timer, a message)."""

    element_id: str
    name: str
    kind: str                    # task | event
    status: str                  # ready | claimed | waiting
    task_id: str | None
    holder_id: int | None
    holder: str | None
    since: datetime | None
    data: dict[str, Any]         # what the step saw: the dossier's data as the step had it


@dataclass(frozen=True)
class Change:
    key: str
    before: Any
    after: Any


@dataclass(frozen=True)
class ClockAsOf:
    """The legal clock at the event's instant, in working time."""

    received_at: datetime | None
    due_at: datetime | None
    original_due_at: datetime | None
    extended_due_at: datetime | None
    paused: bool
    paused_since: datetime | None
    elapsed_seconds: int
    paused_seconds: int
    remaining_seconds: int | None   # negative once the deadline has passed


@dataclass(frozen=True)
class EventSummary:
    seq: int
    at: datetime
    event_type: str
    element_id: str | None
    element_name: str | None
    actor: str | None


@dataclass
class AsOf:
    code: str
    seq: int
    at: datetime
    event: EventSummary
    command: list[EventSummary]          # every event of the command the asked event belongs to
    status: str
    done: list[str]
    active: list[ActiveStep]
    data: dict[str, Any]
    changes: list[Change]
    clock: ClockAsOf
    events: int                          # events in the whole history
    divergence: Divergence | None = None

    def as_dict(self) -> dict[str, Any]:
        result = asdict(self)
        result["divergence"] = self.divergence.as_dict() if self.divergence else None
        return result


class _Window:
    """Follows the replay: the data before and after the command that covers the asked event."""

    def __init__(self) -> None:
        self.before: dict[str, Any] = {}
        self.after: dict[str, Any] = {}
        self.first, self.last = 0, -1

    def __call__(self, replay: Replay, first: int, last: int) -> None:
        self.before, self.after = self.after, copy.deepcopy(replay.shadow.data or {})
        self.first, self.last = first, last


@dataclass
class AuditedHistory:
    """What the auditor page lists: the dossier, its procedure and every event of its history."""

    code: str
    status: str
    procedure: str
    procedure_en: str | None
    version: int
    center: str
    applicant: str
    events: list[EventSummary]


def audited_history(session: Session, ctx: EngineContext, who: Someone, code: str) -> AuditedHistory:
    """The history of dossier ``code`` for an auditor or supervisor (as recorded, not yet checked)."""
    dossier = audited_dossier(session, ctx, who, code)
    version = dossier.procedure_version
    return AuditedHistory(code=dossier.code, status=str(dossier.status), procedure=version.procedure.name,
                          procedure_en=version.procedure.name_en, version=version.version,
                          center=dossier.center.name, applicant=dossier.applicant_name,
                          events=[_summary(e) for e in stored_events(session, dossier.id)])


def dossier_as_of(session: Session, ctx: EngineContext, who: Someone, code: str, seq: int) -> AsOf:
    """Dossier ``code`` as it stood right after event ``seq``, for an auditor or supervisor."""
    dossier = audited_dossier(session, ctx, who, code)
    events = stored_events(session, dossier.id)
    if not any(e.seq == seq for e in events):
        raise FormInvalidError([FieldProblem("seq", f"Hồ sơ {code} không có sự kiện số {seq}",
                                             f"Dossier {code} has no event number {seq}")])
    window = _Window()
    replay = Replay(session, ctx, dossier, events, on_step=window)
    divergence = None
    try:
        replay.run(until_seq=seq)
    except Diverged as diverged:
        divergence = diverged.divergence
    covered = events[window.first:window.last + 1]
    asked = next(e for e in events if e.seq == seq)
    at = covered[-1].at if covered else asked.at
    return AsOf(
        code=dossier.code, seq=seq, at=at, event=_summary(asked), command=[_summary(e) for e in covered],
        status=str(replay.shadow.status), done=_done(events[:window.last + 1]),
        active=_active(session, replay), data=window.after, changes=_changes(window.before, window.after),
        clock=_clock(replay.shadow, at, ctx.calendar), events=len(events), divergence=divergence)


def _summary(event: RecordedEvent) -> EventSummary:
    return EventSummary(event.seq, event.at, event.event_type, event.element_id, event.element_name,
                        event.actor_name)


def _done(events: list[RecordedEvent]) -> list[str]:
    done: dict[str, None] = {}
    for event in events:
        if event.element_id and event.event_type in _DONE:
            done[event.element_id] = None
    return list(done)


def _active(session: Session, replay: Replay) -> list[ActiveStep]:
    workflow = replay.workflow
    if workflow is None:
        return []
    holders = {row.id: row.full_name for row in session.execute(
        select(Official.id, Official.full_name).where(Official.id.in_(
            {t["assignee_id"] for t in replay.tasks.values() if t["assignee_id"] is not None})))}
    steps = []
    for task in workflow.get_tasks(state=TaskState.READY | TaskState.WAITING | TaskState.STARTED):
        element_id = task.task_spec.bpmn_id
        element = replay.version.elements.get(element_id or "", {})
        kind = element.get("type")
        recorded = replay.ids.get(task.id)
        if element_id is None or (kind not in HUMAN_TYPES and kind not in _WAITING):
            continue
        row = replay.tasks.get(recorded or "")
        if kind in HUMAN_TYPES and (row is None or row["status"] not in (TaskStatus.READY, TaskStatus.CLAIMED)):
            continue  # a multi-instance parent: its instances are the steps
        holder_id = row["assignee_id"] if row else None
        steps.append(ActiveStep(
            element_id=element_id, name=task.task_spec.bpmn_name or element_id,
            kind="task" if row else "event", status=str(row["status"]) if row else "waiting", task_id=recorded,
            holder_id=holder_id, holder=holders.get(holder_id) if holder_id else None,
            since=_ready_at(replay, recorded), data=json_data(task.data)))
    return steps


def _ready_at(replay: Replay, task_id: str | None) -> datetime | None:
    for event in replay.stored[:replay.pos]:
        if event.task_id == task_id and event.event_type in (Event.STEP_READY, Event.STEP_WAITING):
            return event.at
    return None


def _changes(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    return [Change(key, before.get(key), after.get(key)) for key in sorted(set(before) | set(after))
            if before.get(key) != after.get(key)]


def _clock(dossier: Dossier, at: datetime, calendar: WorkingCalendar) -> ClockAsOf:
    received, due = dossier.received_at, dossier.due_at
    end = min(at, dossier.completed_at) if dossier.completed_at else at
    running_pause = calendar.working_time_between(dossier.paused_at, end) if dossier.paused_at else timedelta()
    paused = timedelta(seconds=dossier.paused_seconds or 0) + running_pause
    elapsed = (calendar.working_time_between(received, end) - paused) if received else timedelta()
    remaining = None
    if due is not None and dossier.completed_at is None:
        remaining = calendar.working_time_between(at, due) if due >= at else -calendar.working_time_between(due, at)
    return ClockAsOf(received_at=received, due_at=due, original_due_at=dossier.original_due_at,
                     extended_due_at=dossier.extended_due_at, paused=dossier.paused_at is not None,
                     paused_since=dossier.paused_at, elapsed_seconds=int(max(elapsed, timedelta()).total_seconds()),
                     paused_seconds=int(paused.total_seconds()),
                     remaining_seconds=int(remaining.total_seconds()) if remaining is not None else None)
