"""Deterministic replay: run a dossier's recorded inputs again and compare with what is stored.

The inputs are read from the dossier's chained history: the intake data, channel, center, code
and receiving official (``dossier_received``); each completion's data, official and instant
(``task_completed``); timer firings (``timer_fired``); withdrawals and stops with their reasons;
incident retries; and what people decided about who holds a step (claims, releases, delegations,
reassignments, automatic assignments), the deadline extensions and the scheduler's deadline marks,
which change no step and are taken as recorded. Each command is run again at its recorded instant
on the dossier's pinned procedure version, through the engine's own command steps
(``Reception.command``, ``run_completion``, ``run_timers``, ``run_close`` and ``settle_command``),
so a replay derives events, task rows and dossier columns exactly as the commands did.

A replay never writes: the workflow is built fresh in memory from the version's spec, the dossier
it runs on is a detached copy that no session holds, history buffers are never flushed and the
process's workflow cache is not touched. The answer is "identical" or the first divergence: the
stored event (or row) where the record and the replay part, what the replay expected and what the
record holds.

SpiffWorkflow's timers compare with the wall clock; while a replay runs they compare with the
replayed command's recorded instant instead (``_RecordedClock``), so a timer fires in the replay
exactly when it fired in the record. The working calendar is today's: a day off declared after a
dossier's dates would show as a divergence in its deadlines.
"""

from __future__ import annotations

import contextlib
import contextvars
import copy
import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any, Protocol, cast

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions import timer as spiff_timer
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.task import Task as SpiffTask
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from engine.access.policy import Someone, authorize, dossier_not_found
from engine.access.rules import Action
from engine.errors import FormInvalidError, WorkflowFailedError
from engine.history.events import HistoryEventType as Event
from engine.history.recorder import HistoryBuffer
from engine.persistence.models import Channel, Dossier, DossierStatus, HistoryEvent, HumanTask, TaskStatus, table_of
from engine.persistence.state import load_stored_workflow
from engine.persistence.task_rows import read_task_rows
from engine.runtime import time_limits
from engine.runtime.actions import run_close
from engine.runtime.command import Actor, Command, HumanCompletion
from engine.runtime.context import EngineContext, LoadedVersion
from engine.runtime.dossiers import Reception
from engine.runtime.forms import check_form_data
from engine.runtime.incidents import INCIDENT_STATUS
from engine.runtime.script_env import command_instant
from engine.runtime.tasks import run_completion
from engine.runtime.workflow import Settlement, current_data, settle_command
from engine.scheduling import run_timers

# Events a command derives from the run (compared), as opposed to inputs (taken as recorded).
DERIVED = frozenset({
    Event.STEP_READY, Event.STEP_WAITING, Event.STEP_STARTED, Event.STEP_COMPLETED, Event.STEP_CANCELLED,
    Event.STEP_FAILED, Event.TASK_COMPLETED, Event.TASK_ASSIGNED, Event.CLOCK_PAUSED, Event.CLOCK_RESUMED,
    Event.TIME_LIMIT_SELECTED, Event.DOSSIER_COMPLETED,
})
CLOSING = {Event.DOSSIER_WITHDRAWN: DossierStatus.WITHDRAWN, Event.DOSSIER_STOPPED: DossierStatus.STOPPED}
# Fields of an event a replay compares, in the order a difference is reported.
EVENT_FIELDS = ("event_type", "element_id", "task_id", "at", "actor_id", "actor_name", "element_name",
                "element_type", "lane", "payload")
# The dossier's columns a replay recomputes and compares once every event is replayed.
DOSSIER_FIELDS = ("status", "due_at", "original_due_at", "paused_at", "paused_reason", "paused_seconds",
                  "supplement_requests", "late_by_rule", "extended", "extended_due_at", "timeliness",
                  "deadline_state", "apology_required", "completed_at", "result_element_id", "result_name",
                  "wake_at")
TASK_FIELDS = ("element_id", "status", "assignee_id", "delegated_by_id", "claimed_at", "completed_at",
               "completed_by_id", "submitted_data")
_DEFINITE = TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.FINISHED_MASK


@dataclass(frozen=True)
class Divergence:
    """Where replay and record first part. ``expected`` is what replaying the recorded inputs
    gives, ``found`` what is stored. ``seq`` names the stored event (None: a row checked after
    the whole history, named by ``subject`` and ``field``)."""

    subject: str          # event | input | task | dossier | data | workflow | unsupported
    message: str
    message_en: str
    seq: int | None = None
    event_type: str | None = None
    field: str | None = None
    expected: Any = None
    found: Any = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ReplayResult:
    code: str
    version_id: int
    events: int
    commands: int
    divergence: Divergence | None
    path: list[str] = field(default_factory=list)   # the steps completed, in order

    @property
    def identical(self) -> bool:
        return self.divergence is None

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "version_id": self.version_id, "identical": self.identical,
                "events": self.events, "commands": self.commands, "path": self.path,
                "divergence": self.divergence.as_dict() if self.divergence else None}


class _UnhashedBuffer(HistoryBuffer):
    """A command's events as a replay derives them: compared field by field, never stored, so
    not hashed (a replayed task has another random id than the recorded one anyway)."""

    def add(self, event_type: str, at: datetime, **fields: Any) -> dict[str, Any]:
        self.seq += 1
        row = {name: fields.get(name) for name in EVENT_FIELDS}
        row.update(event_type=str(event_type), at=at, seq=self.seq)
        self.rows.append(row)
        return row


class Diverged(Exception):
    def __init__(self, divergence: Divergence) -> None:
        super().__init__(divergence.message_en)
        self.divergence = divergence


# --- The recorded clock for SpiffWorkflow's timers ----------------------------------------------

_replaying: contextvars.ContextVar[bool] = contextvars.ContextVar("replaying", default=False)


class _RecordedClock(datetime):
    """``datetime`` as SpiffWorkflow's timer module sees it: during a replay, ``now`` is the
    replayed command's recorded instant (the library has no clock of its own to pass in); at any
    other time, and in every other thread, the wall clock as before."""

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
        at = command_instant.get() if _replaying.get() else None
        if at is None or tz is None:
            return datetime.now(tz)
        return at.astimezone(tz)


@contextlib.contextmanager
def _recorded_clock() -> Iterator[None]:
    if spiff_timer.datetime is not _RecordedClock:
        spiff_timer.datetime = _RecordedClock  # type: ignore[misc]
    token = _replaying.set(True)
    try:
        yield
    finally:
        _replaying.reset(token)


# --- Comparison helpers -------------------------------------------------------------------------

def _same(expected: Any, found: Any) -> bool:
    """Equal as stored: equal values need no normalising (most of them, and the fast path)."""
    return bool(expected == found) or _plain(expected) == _plain(found)


def _plain(value: Any) -> Any:
    """A value as JSON would store it, so a replayed value compares with a stored one."""
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC).isoformat()
    if isinstance(value, (DossierStatus, TaskStatus, Channel)):
        return str(value)
    if isinstance(value, (dict, list, tuple)):
        return json.loads(json.dumps(value, default=str))
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _actor(event: RecordedEvent) -> Actor:
    return Actor(event.actor_id, event.actor_name or "")


def _instant(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else None


# --- The replay ---------------------------------------------------------------------------------

StepHook = Callable[["Replay", int, int], None]
"""Called after each command or recorded input with the replay and the first and last list
positions of the stored events it covered (time travel looks at the state there)."""


class Replay:
    """One dossier's replay, event by event. ``run`` goes to the end (or to an event), raising
    Diverged at the first difference; ``compare_rows`` then checks the stored rows."""

    def __init__(self, session: Session, ctx: EngineContext, dossier: Dossier, events: list[RecordedEvent],
                 on_step: StepHook | None = None) -> None:
        self.session, self.ctx, self.stored, self.on_step = session, ctx, events, on_step
        self.version: LoadedVersion = ctx.version(session, dossier.procedure_version_id)
        self.code = dossier.code
        self.shadow = Dossier(id=dossier.id, code=dossier.code, center_id=dossier.center_id, locality=None,
                              applicant_name=dossier.applicant_name, procedure_version_id=dossier.procedure_version_id,
                              event_count=0, last_event_hash=None, status=DossierStatus.PROCESSING,
                              paused_at=None, paused_reason=None, paused_seconds=0, supplement_requests=0,
                              late_by_rule=False, extended=False, extended_due_at=None, timeliness=None,
                              deadline_state="on_track", apology_required=False, completed_at=None,
                              result_element_id=None, result_name=None, wake_at=None, due_at=None,
                              original_due_at=None, data={})
        self.workflow: BpmnWorkflow | None = None
        self.pos = 0
        self.commands = 0
        self.ids: dict[uuid.UUID, str] = {}        # replay task id -> recorded task id
        self.back: dict[str, uuid.UUID] = {}       # recorded task id -> replay task id
        self.tasks: dict[str, dict[str, Any]] = {}  # recorded task id -> the human task row it implies
        self.path: list[str] = []

    # -- driving ---------------------------------------------------------------------------------

    def run(self, until_seq: int | None = None) -> None:
        """Replay every stored event (or up to the command that holds event ``until_seq``)."""
        with _recorded_clock():
            while self.pos < len(self.stored):
                if until_seq is not None and self.stored[self.pos].seq > until_seq:
                    return
                first = self.pos
                self._dispatch(self.stored[self.pos])
                if self.on_step is not None:
                    self.on_step(self, first, self.pos - 1)

    def _dispatch(self, event: RecordedEvent) -> None:
        kind = event.event_type
        if self.pos == 0 and kind != Event.DOSSIER_RECEIVED:
            raise self._diverged(event, "input", "Lịch sử không bắt đầu bằng sự kiện tiếp nhận hồ sơ",
                                 "The history does not start with the dossier's reception",
                                 expected=Event.DOSSIER_RECEIVED.value, found=kind)
        if kind == Event.DOSSIER_RECEIVED:
            self._receive(event)
        elif kind in CLOSING:
            self._close(event)
        elif kind == Event.TIMER_FIRED:
            self._timers(event)
        elif kind == Event.INCIDENT_RETRIED:
            self._retry(event)
        elif kind == Event.DOSSIER_MIGRATED:
            raise self._diverged(event, "unsupported",
                                 "Phát lại chưa hỗ trợ hồ sơ đã chuyển sang phiên bản quy trình khác",
                                 "Replay does not cover a dossier moved to another procedure version yet")
        elif kind in DERIVED:
            self._complete(self._completion_of_window(event))
        else:
            self._carry(event)

    # -- commands --------------------------------------------------------------------------------

    def _receive(self, event: RecordedEvent) -> None:
        payload = event.payload or {}
        data = payload.get("data") or {}
        shadow, version = self.shadow, self.version
        shadow.received_at, shadow.locality = event.at, payload.get("locality")
        shadow.code = str(payload.get("code") or self.code)  # histories before the code was recorded
        try:
            limit = time_limits.choose_at_reception(self.ctx, version.metadata, data)
            channel = Channel(payload.get("channel") or Channel.DIRECT)
        except (WorkflowFailedError, ValueError) as error:
            raise self._diverged(event, "input", f"Không dùng được dữ liệu tiếp nhận: {error}",
                                 f"The reception's recorded inputs cannot be used: {error}") from error
        shadow.due_at = shadow.original_due_at = time_limits.due_for(self.ctx, version.metadata, event.at,
                                                                     limit.limit)
        reception = Reception(str(payload.get("procedure") or ""), version, _actor(event),
                              str(payload.get("center") or ""), channel, data, limit)
        command = reception.command(self.session, self.ctx, shadow)
        self.workflow = command.workflow
        try:
            self._execute(command, command.run)
        except WorkflowFailedError:
            # The reception failed in the record too (if it did): the dossier was kept as received,
            # its diagram not run, and the failure follows (engine.runtime.dossiers).
            kept = reception.command(self.session, self.ctx, shadow)
            self.workflow = kept.workflow
            self._settle(kept, None)

    def _complete(self, index: int) -> None:
        event = self.stored[index]
        workflow = self._workflow(event)
        replay_id = self.back.get(event.task_id or "")
        spiff_task = self._task(replay_id)
        if spiff_task is None or not spiff_task.has_state(TaskState.READY):
            raise self._diverged(event, "input", "Hồ sơ hoàn thành một bước mà phát lại không thấy đang chờ xử lý",
                                 "The record completes a step the replay does not have open",
                                 field="task_id", expected=None, found=event.task_id)
        data = (event.payload or {}).get("data")
        row = self.tasks.get(event.task_id or "")
        try:
            check_form_data(self.version, self._form(spiff_task), data)
        except FormInvalidError as error:
            problem = error.problems[0] if error.problems else None
            raise self._diverged(event, "input", "Dữ liệu đã ghi của bước không hợp lệ với biểu mẫu",
                                 "The step's recorded data is not valid for its form",
                                 field=f"payload.data.{problem.field}" if problem else "payload.data",
                                 expected=problem.message_en if problem else None, found=data) from error
        assert isinstance(data, dict) and replay_id is not None
        actor = _actor(event)
        if row is not None:
            if row["status"] == TaskStatus.READY:
                row.update(claimed_at=event.at, assignee_id=actor.id)
            row.update(status=TaskStatus.COMPLETED, completed_at=event.at, completed_by_id=actor.id,
                       submitted_data=copy.deepcopy(data))
        command = self._command(workflow, actor, event.at, HumanCompletion(replay_id, actor, copy.deepcopy(data)))
        self._execute(command, lambda: run_completion(command, spiff_task, data))

    def _timers(self, event: RecordedEvent) -> None:
        command = self._command(self._workflow(event), Actor.of(None), event.at)
        self._execute(command, lambda: run_timers(command))

    def _close(self, event: RecordedEvent) -> None:
        command = self._command(self._workflow(event), _actor(event), event.at)
        reason = str((event.payload or {}).get("reason") or "")
        forced: dict[str, Any] = {}
        self._execute(command, lambda: forced.update(run_close(command, CLOSING[Event(event.event_type)],
                                                               Event(event.event_type), reason)), forced)

    def _retry(self, event: RecordedEvent) -> None:
        failure = next((e for e in reversed(self.stored[:self.pos]) if e.event_type == Event.DOSSIER_FAILED), None)
        previous = ((failure.payload or {}) if failure else {}).get("previous_status") or "processing"
        self.shadow.status = DossierStatus(previous)
        self._accept(event)
        plan = (event.payload or {}).get("retry") or {"kind": "resume"}
        if plan.get("kind") != "complete":  # a completion's retry is the completion the record holds next
            command = self._command(self._workflow(event), _actor(event), event.at)
            self._execute(command, command.run)

    def _command(self, workflow: BpmnWorkflow, actor: Actor, at: datetime,
                 completion: HumanCompletion | None = None) -> Command:
        command = Command(self.session, self.ctx, self.shadow, self.version, workflow, actor, at,
                          completion=completion)
        command.history = _UnhashedBuffer(self.shadow)
        return command

    def _execute(self, command: Command, action: Callable[[], object], forced: dict[str, Any] | None = None) -> None:
        """Run one command, then compare the events it derives with the record from ``pos`` on."""
        try:
            action()
        except WorkflowFailedError as failure:
            if self.stored[self.pos].event_type == Event.DOSSIER_RECEIVED and command.starting:
                raise
            here = self.stored[min(self.pos + len(command.history.rows), len(self.stored) - 1)]
            raise self._diverged(here, "event", f"Phát lại gặp lỗi tại bước {failure.element_id}: {failure.detail}",
                                 f"The replay fails at step {failure.element_id}: {failure.detail}",
                                 expected=Event.DOSSIER_FAILED.value, found=here.event_type) from failure
        self._settle(command, forced)

    def _settle(self, command: Command, forced: dict[str, Any] | None) -> None:
        settled = settle_command(command, forced, lambda spiff_task, element: self._ready(command, spiff_task,
                                                                                           element))
        self._compare(command.history.rows)
        self._apply(command, settled)
        self.commands += 1

    def _ready(self, command: Command, spiff_task: SpiffTask, element: dict[str, Any]) -> dict[str, Any]:
        """The task row of a step that became ready. Who it went to automatically depended on the
        organisation that day, so the recorded assignment is taken as an input."""
        index = self.pos + len(command.history.rows)
        row: dict[str, Any] = {"id": spiff_task.id, "element_id": element["id"], "status": TaskStatus.READY,
                               "assignee_id": None, "delegated_by_id": None, "claimed_at": None,
                               "completed_at": None, "completed_by_id": None, "submitted_data": None}
        stored = self.stored[index] if index < len(self.stored) else None
        if stored is not None and stored.event_type == Event.TASK_ASSIGNED and stored.element_id == element["id"]:
            payload = copy.deepcopy(stored.payload or {})
            command.history.add(Event.TASK_ASSIGNED, command.at, actor_name=Actor.of(None).name,
                                element_id=element["id"], element_name=spiff_task.task_spec.bpmn_name or element["id"],
                                element_type=element.get("type"), lane=element.get("lane"),
                                task_id=str(spiff_task.id), payload=payload)
            row.update(status=TaskStatus.CLAIMED, assignee_id=payload.get("assignee_id"))
        return row

    # -- inputs taken as recorded ----------------------------------------------------------------

    def _carry(self, event: RecordedEvent) -> None:
        kind, payload, shadow = event.event_type, event.payload or {}, self.shadow
        if kind in (Event.TASK_CLAIMED, Event.TASK_RELEASED, Event.TASK_DELEGATED, Event.TASK_REASSIGNED):
            self._move_task(event)
        elif kind == Event.DEADLINE_EXTENDED:
            shadow.extended, shadow.extended_due_at = True, _instant(payload.get("new_due_at"))
            self._as_reloaded()
        elif kind in (Event.DOSSIER_DUE_SOON, Event.DOSSIER_OVERDUE):
            shadow.deadline_state = "overdue" if kind == Event.DOSSIER_OVERDUE else "due_soon"
        elif kind == Event.APOLOGY_REQUIRED:
            shadow.apology_required = True
        elif kind == Event.PAUSE_EXPIRED:
            shadow.deadline_state = "pause_expired"
        elif kind == Event.DOSSIER_FAILED:
            shadow.status = INCIDENT_STATUS  # the failed command left nothing else: it was rolled back
        elif kind in (Event.RESULT_SIGNED, Event.RESULT_SIGNING_FAILED):
            pass  # the closed dossier's result signed (or not) by the center: its state is unchanged
        else:
            raise self._diverged(event, "event", "Sự kiện không thuộc loại nào phát lại biết",
                                 "An event of a kind replay does not know", field="event_type", found=kind)
        self._accept(event)

    def _move_task(self, event: RecordedEvent) -> None:
        row = self.tasks.get(event.task_id or "")
        kind, payload = event.event_type, event.payload or {}
        wanted = (TaskStatus.READY,) if kind == Event.TASK_CLAIMED else (TaskStatus.CLAIMED,) \
            if kind == Event.TASK_RELEASED else (TaskStatus.READY, TaskStatus.CLAIMED)
        if row is None or row["status"] not in wanted or row["element_id"] != event.element_id:
            raise self._diverged(event, "event", "Sự kiện giao, nhận hoặc trả lại một bước không đang chờ xử lý",
                                 "The record moves a step the replay does not have open", field="task_id",
                                 expected=row["status"].value if row else None, found=event.task_id)
        if kind == Event.TASK_CLAIMED:
            row.update(status=TaskStatus.CLAIMED, assignee_id=event.actor_id, claimed_at=event.at)
        elif kind == Event.TASK_RELEASED:
            row.update(status=TaskStatus.READY, assignee_id=None, claimed_at=None)
        else:
            row.update(status=TaskStatus.CLAIMED, assignee_id=payload.get("to_official_id"), claimed_at=None)
            if kind == Event.TASK_DELEGATED:
                row["delegated_by_id"] = event.actor_id

    def _as_reloaded(self) -> None:
        """Instants as the next command reads them back from the database: in UTC (a command's
        payloads print them, so the offset shows)."""
        for name in ("due_at", "original_due_at", "paused_at", "extended_due_at", "completed_at", "wake_at"):
            value = getattr(self.shadow, name)
            if isinstance(value, datetime):
                setattr(self.shadow, name, value.astimezone(UTC))

    def _accept(self, event: RecordedEvent) -> None:
        self.pos += 1
        self.shadow.event_count = event.seq
        self.shadow.last_event_hash = event.hash

    # -- comparing -------------------------------------------------------------------------------

    def _completion_of_window(self, event: RecordedEvent) -> int:
        """The completion whose command the events from ``pos`` on were derived by."""
        for index in range(self.pos, len(self.stored)):
            kind = self.stored[index].event_type
            if kind == Event.TASK_COMPLETED:
                return index
            if kind not in DERIVED:
                break
        raise self._diverged(event, "event", "Sự kiện này không do đầu vào nào đã ghi sinh ra",
                             "No recorded input accounts for this event", field="event_type", found=event.event_type)

    def _compare(self, rows: list[dict[str, Any]]) -> None:
        for offset, row in enumerate(rows):
            index = self.pos + offset
            if index >= len(self.stored):
                last = self.stored[-1]
                raise Diverged(Divergence("event", "Lịch sử thiếu sự kiện mà phát lại sinh ra",
                                          "The history lacks an event the replay derives", seq=last.seq + 1,
                                          event_type=row["event_type"], field="event_type",
                                          expected=row["event_type"], found=None))
            self._compare_event(row, self.stored[index])
        self.pos += len(rows)

    def _compare_event(self, row: dict[str, Any], stored: RecordedEvent) -> None:
        for name in EVENT_FIELDS:
            expected, found = row[name], getattr(stored, name)
            if name == "task_id" and expected is not None:
                if not self._same_task(uuid.UUID(expected), found):
                    raise self._diverged(stored, "event", "Sự kiện nói về một bước khác với bước phát lại",
                                         "The event names another step than the replay", field=name,
                                         expected=self.ids.get(uuid.UUID(expected)), found=found)
                continue
            if not _same(expected, found):
                raise self._diverged(stored, "event", f"Sự kiện khác với phát lại ở trường “{name}”",
                                     f"The event differs from the replay in “{name}”", field=name,
                                     expected=_plain(expected), found=_plain(found))

    def _same_task(self, replay_id: uuid.UUID, recorded: str | None) -> bool:
        """Task ids are random: the first event naming a replayed task pairs it with the recorded one."""
        known = self.ids.get(replay_id)
        if known is not None:
            return known == recorded
        if recorded is None or recorded in self.back:
            return False
        self.ids[replay_id], self.back[recorded] = recorded, replay_id
        return True

    def _apply(self, command: Command, settled: Settlement) -> None:
        for name, value in settled.values.items():
            setattr(self.shadow, name, value)
        self._as_reloaded()
        self.shadow.event_count = self.stored[self.pos - 1].seq if self.pos else 0
        self.shadow.last_event_hash = self.stored[self.pos - 1].hash if self.pos else None
        for row in settled.new_tasks:
            recorded = self.ids[row["id"]]
            self.tasks[recorded] = {**row, "id": recorded}
        for replay_id in settled.cancelled:
            cancelled = self.tasks.get(self.ids.get(replay_id, ""))
            if cancelled is not None:
                cancelled["status"] = TaskStatus.CANCELLED
        if command.completion is not None:
            element = self._task(command.completion.task_id)
            if element is not None and element.task_spec.bpmn_id:
                self.path.append(element.task_spec.bpmn_id)

    def compare_rows(self, dossier: Dossier) -> None:
        """After the whole history: the dossier's columns and data, its task rows and its stored
        workflow must be what the replay arrived at."""
        for name in DOSSIER_FIELDS:
            expected, found = getattr(self.shadow, name), getattr(dossier, name)
            if not _same(expected, found):
                raise Diverged(Divergence("dossier", f"Hồ sơ khác với phát lại ở trường “{name}”",
                                          f"The dossier differs from the replay in “{name}”", field=name,
                                          expected=_plain(expected), found=_plain(found)))
        if self.workflow is not None:
            expected_data, stored_data = _plain(current_data(self.workflow)), _plain(dossier.data or {})
            keys = sorted(set(expected_data) | set(stored_data))
            key = next((k for k in keys if expected_data.get(k) != stored_data.get(k)), None)
            if key is not None:
                raise Diverged(Divergence("data", "Dữ liệu hồ sơ khác với phát lại",
                                          "The dossier's data differs from the replay", field=key,
                                          expected=expected_data.get(key), found=stored_data.get(key)))
        self._compare_tasks(dossier)
        self._compare_workflow(dossier)

    def _compare_tasks(self, dossier: Dossier) -> None:
        rows = self.session.scalars(select(HumanTask).where(HumanTask.dossier_id == dossier.id))
        stored = {str(t.id): t for t in rows}
        for task_id in sorted(set(stored) | set(self.tasks)):
            row, found = self.tasks.get(task_id), stored.get(task_id)
            if row is None or found is None:
                raise Diverged(Divergence("task", "Công việc của hồ sơ không khớp với phát lại",
                                          "The dossier's tasks do not match the replay", field="id",
                                          expected=task_id if row else None, found=task_id if found else None))
            for name in TASK_FIELDS:
                if not _same(row[name], getattr(found, name)):
                    raise Diverged(Divergence("task", f"Công việc “{found.name}” khác với phát lại ở “{name}”",
                                              f"Task “{found.name}” differs from the replay in “{name}”",
                                              field=f"{task_id}.{name}", expected=_plain(row[name]),
                                              found=_plain(getattr(found, name))))

    def _compare_workflow(self, dossier: Dossier) -> None:
        if self.workflow is None:
            return
        stored = load_stored_workflow(dossier.state, read_task_rows(self.session, dossier.id), self.version.spec,
                                      self.version.subprocess_specs)
        for task in stored.get_tasks(state=_DEFINITE):
            if task.task_spec.bpmn_id is None:
                continue
            replayed = self._task(self.back.get(str(task.id)))
            if replayed is None or replayed.state != task.state:
                raise Diverged(Divergence("workflow", f"Trạng thái bước {task.task_spec.bpmn_id} đã lưu khác với "
                                          "phát lại", f"The stored state of step {task.task_spec.bpmn_id} differs "
                                          "from the replay", field=str(task.id),
                                          expected=TaskState.get_name(replayed.state) if replayed else None,
                                          found=TaskState.get_name(task.state)))

    # -- small helpers ---------------------------------------------------------------------------

    def _workflow(self, event: RecordedEvent) -> BpmnWorkflow:
        if self.workflow is None:
            raise self._diverged(event, "input", "Không có quy trình để chạy lại", "Nothing to run the input on")
        return self.workflow

    def _task(self, replay_id: uuid.UUID | None) -> SpiffTask | None:
        if replay_id is None or self.workflow is None:
            return None
        try:
            return self.workflow.get_task_from_id(replay_id)
        except (WorkflowException, KeyError):
            return None

    def _form(self, spiff_task: SpiffTask) -> str | None:
        element = self.version.elements.get(spiff_task.task_spec.bpmn_id or "", {})
        form = element.get("properties", {}).get("formJsonSchemaFilename")
        return str(form) if form else None

    @staticmethod
    def _diverged(event: RecordedEvent, subject: str, message: str, message_en: str, *, field: str | None = None,
                  expected: Any = None, found: Any = None) -> Diverged:
        return Diverged(Divergence(subject, message, message_en, seq=event.seq, event_type=event.event_type,
                                   field=field, expected=expected, found=found))


class RecordedEvent(Protocol):
    """One stored history event as a replay reads it (a plain row: no ORM object is built)."""

    id: int
    seq: int
    at: datetime
    event_type: str
    actor_id: int | None
    actor_name: str | None
    element_id: str | None
    element_name: str | None
    element_type: str | None
    lane: str | None
    task_id: str | None
    payload: dict[str, Any] | None
    hash: str


_EVENT_COLUMNS = [table_of(HistoryEvent).c[name] for name in (
    "id", "seq", "at", "event_type", "actor_id", "actor_name", "element_id", "element_name", "element_type",
    "lane", "task_id", "payload", "hash")]


def stored_events(session: Session, dossier_id: int) -> list[RecordedEvent]:
    rows = session.execute(select(*_EVENT_COLUMNS).where(table_of(HistoryEvent).c.dossier_id == dossier_id)
                           .order_by(table_of(HistoryEvent).c.seq)).all()
    return cast(list[RecordedEvent], rows)


def audited_dossier(session: Session, ctx: EngineContext, who: Someone, code: str) -> Dossier:
    """Dossier ``code`` with its state and data, if ``who`` may audit it (else NotFoundError, as
    for a missing one, or PermissionDeniedError naming the rule)."""
    dossier = session.scalar(select(Dossier).options(undefer(Dossier.state), undefer(Dossier.data))
                             .where(Dossier.code == code))
    if dossier is None:
        raise dossier_not_found(code)
    authorize(session, who, Action.AUDIT_READ, dossier, today=ctx.today(), ref=code)
    return dossier


def replay_dossier(session: Session, ctx: EngineContext, who: Someone, code: str) -> ReplayResult:
    """Replay dossier ``code`` for an auditor or supervisor; writes nothing."""
    return replay(session, ctx, audited_dossier(session, ctx, who, code))


def replay(session: Session, ctx: EngineContext, dossier: Dossier) -> ReplayResult:
    """Replay ``dossier`` (its state and data loaded, already authorized) and compare; writes nothing."""
    events = stored_events(session, dossier.id)
    run = Replay(session, ctx, dossier, events)
    divergence = None
    try:
        run.run()
        run.compare_rows(dossier)
    except Diverged as diverged:
        divergence = diverged.divergence
    return ReplayResult(dossier.code, dossier.procedure_version_id, len(events), run.commands, divergence, run.path)
