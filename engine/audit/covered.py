"""Rows shown beside the history are held to the chained events.

The history endpoint, the dossier page and the slips show each human step's times and actor from
the task table, and the dossier's clock from the dossier row: fast to query, but no chain covers a
row. Every such field is re-derived here from the dossier's chained events and compared with the
row, so editing a task's ``completed_at`` or ``completed_by_id`` (or a dossier's ``received_at``)
is caught like an edited event. docs/audit.md lists the fields and what covers each.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from engine.audit.chain import Break, BreakKind
from engine.history.events import HistoryEventType as Event
from engine.persistence.models import CLOSED_DOSSIER_STATUSES, DossierStatus, TaskStatus


@dataclass(frozen=True)
class ChainedEvent:
    """What the row checks need of one event."""

    seq: int
    event_type: str
    at: datetime
    actor_id: int | None
    task_id: str | None
    payload: Mapping[str, Any] | None
    element_id: str | None = None


class _Sourced:
    """Fields set from events, remembering which event (``seq``) set each, to name it in a break."""

    source: dict[str, int]

    def set(self, seq: int, **values: Any) -> None:
        for name, value in values.items():
            setattr(self, name, value)
            self.source[name] = seq


@dataclass
class _Step(_Sourced):
    """A human step as its events tell it."""

    ready_at: datetime | None = None
    status: str = TaskStatus.READY.value
    assignee_id: int | None = None
    claimed_at: datetime | None = None
    completed_at: datetime | None = None
    completed_by_id: int | None = None
    submitted_data: Any = None
    source: dict[str, int] = field(default_factory=dict)


TASK_FIELDS = ("status", "assignee_id", "ready_at", "claimed_at", "completed_at", "completed_by_id",
               "submitted_data")


def _apply(step: _Step, event: ChainedEvent) -> None:
    payload, kind, seq = event.payload or {}, event.event_type, event.seq
    if kind == Event.STEP_READY and step.ready_at is None:
        step.set(seq, ready_at=event.at)
    elif kind == Event.TASK_ASSIGNED:
        step.set(seq, assignee_id=payload.get("assignee_id"), claimed_at=None, status=TaskStatus.CLAIMED.value)
    elif kind == Event.TASK_CLAIMED:
        step.set(seq, assignee_id=event.actor_id, claimed_at=event.at, status=TaskStatus.CLAIMED.value)
    elif kind == Event.TASK_RELEASED:
        step.set(seq, assignee_id=None, claimed_at=None, status=TaskStatus.READY.value)
    elif kind in (Event.TASK_DELEGATED, Event.TASK_REASSIGNED):
        step.set(seq, assignee_id=payload.get("to_official_id"), claimed_at=None, status=TaskStatus.CLAIMED.value)
    elif kind == Event.TASK_COMPLETED:
        if step.assignee_id is None:  # completed straight from the queue: claimed by the same official
            step.set(seq, assignee_id=event.actor_id, claimed_at=event.at)
        step.set(seq, status=TaskStatus.COMPLETED.value, completed_at=event.at, completed_by_id=event.actor_id,
                 submitted_data=payload.get("data"))
    elif kind == Event.STEP_CANCELLED and step.status != TaskStatus.COMPLETED.value:
        step.set(seq, status=TaskStatus.CANCELLED.value)


def steps_from_events(events: Iterable[ChainedEvent]) -> dict[str, _Step]:
    """Each human step's fields as the chained events of its task id tell them."""
    steps: dict[str, _Step] = {}
    for event in events:
        if event.task_id:
            _apply(steps.setdefault(event.task_id, _Step()), event)
    return steps


def _instant(value: Any) -> datetime | None:
    """An instant from a payload's ISO text (compared as an instant: offsets differ)."""
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, datetime) else str(value)


def check_tasks(code: str, events: Sequence[ChainedEvent], tasks: Iterable[Mapping[str, Any]]) -> Break | None:
    """The first human task row (of dossier ``code``) that differs from what its events tell."""
    steps = steps_from_events(events)
    for task in tasks:
        task_id, name = str(task["id"]), task.get("name") or task.get("element_id")
        step = steps.get(task_id)
        if step is None or step.ready_at is None:
            return Break(code, BreakKind.ROW,
                         f"Công việc “{name}” ({task_id}) không có sự kiện nào trong chuỗi lịch sử",
                         f"Task “{name}” ({task_id}) has no event in the history chain",
                         field="human_task.id", found=task_id)
        for column in TASK_FIELDS:
            found, expected = task.get(column), getattr(step, column)
            if column == "status":
                found = str(found) if found is not None else None
            if found != expected:
                seq = step.source.get(column)
                return Break(code, BreakKind.ROW,
                             f"Công việc “{name}”: cột {column} trong bảng công việc khác với sự kiện số {seq} "
                             "của chuỗi lịch sử",
                             f"Task “{name}”: column {column} of the task table differs from event {seq} of the "
                             "history chain",
                             seq=seq, field=f"human_task.{column}", expected=_text(expected), found=_text(found))
    return None


_CLOSING = {Event.DOSSIER_WITHDRAWN: DossierStatus.WITHDRAWN.value, Event.DOSSIER_STOPPED: DossierStatus.STOPPED.value}


@dataclass
class _Clock(_Sourced):
    """The dossier's legal clock as its events tell it."""

    received_at: datetime | None = None
    due_at: Any = None           # ISO text from payloads, or None when no event says
    due_known: bool = False
    paused_at: datetime | None = None
    paused_seconds: int = 0
    completed_at: datetime | None = None
    closed_status: str | None = None
    timeliness: Any = None
    result_element_id: str | None = None
    extended_due_at: Any = None
    source: dict[str, int] = field(default_factory=dict)


def _clock_step(clock: _Clock, event: ChainedEvent) -> None:
    payload, kind, seq = event.payload or {}, event.event_type, event.seq
    if kind == Event.DOSSIER_RECEIVED:
        clock.set(seq, received_at=event.at)
        if "due_at" in payload:
            clock.set(seq, due_at=payload["due_at"], due_known=True)
    elif kind == Event.TIME_LIMIT_SELECTED and "due_at" in payload:
        clock.set(seq, due_at=payload["due_at"], due_known=True)
    elif kind == Event.CLOCK_PAUSED and clock.paused_at is None:
        clock.set(seq, paused_at=event.at)
    elif kind == Event.CLOCK_RESUMED:
        clock.set(seq, paused_at=None, paused_seconds=clock.paused_seconds + int(payload.get("paused_working_seconds")
                                                                                 or 0))
        if clock.due_known:
            clock.set(seq, due_at=payload.get("due_at"))
    elif kind == Event.DOSSIER_COMPLETED:
        clock.set(seq, completed_at=event.at, closed_status=payload.get("status"),
                  timeliness=payload.get("timeliness"), result_element_id=event.element_id)
    elif kind == Event.DEADLINE_EXTENDED:
        clock.set(seq, extended_due_at=payload.get("new_due_at"))
    elif kind in _CLOSING:
        clock.set(seq, completed_at=event.at, closed_status=_CLOSING[Event(kind)])


def check_dossier(code: str, events: Sequence[ChainedEvent], dossier: Mapping[str, Any]) -> Break | None:
    """The first column of the dossier row (received, due, paused, completed, status, timeliness)
    that differs from what its events tell."""
    clock = _Clock()
    for event in events:
        _clock_step(clock, event)
    status = str(dossier["status"])
    expected: dict[str, Any] = {
        "received_at": clock.received_at,
        "paused_at": clock.paused_at,
        "paused_seconds": clock.paused_seconds,
        "completed_at": clock.completed_at,
        "result_element_id": clock.result_element_id,
        "extended_due_at": _instant(clock.extended_due_at),
    }
    found: dict[str, Any] = {name: dossier.get(name) for name in expected}
    found["paused_seconds"] = found["paused_seconds"] or 0
    if clock.due_known:
        expected["due_at"], found["due_at"] = _instant(clock.due_at), dossier.get("due_at")
    if clock.closed_status is not None:
        expected["status"], found["status"] = clock.closed_status, status
        if clock.timeliness is not None or dossier.get("timeliness") is not None:
            expected["timeliness"], found["timeliness"] = clock.timeliness, dossier.get("timeliness")
    elif status in {s.value for s in CLOSED_DOSSIER_STATUSES}:
        expected["status"], found["status"] = "(đang xử lý / running)", status
    for name, value in expected.items():
        if found[name] != value:
            seq = clock.source.get(name)
            return Break(code, BreakKind.ROW,
                         f"Hồ sơ {code}: cột {name} khác với " + (f"sự kiện số {seq}" if seq else "các sự kiện")
                         + " của chuỗi lịch sử",
                         f"Dossier {code}: column {name} differs from " + (f"event {seq}" if seq else "the events")
                         + " of the history chain",
                         seq=seq, field=f"dossier.{name}", expected=_text(value), found=_text(found[name]))
    return None
