"""Capture every state change SpiffWorkflow makes during one command.

The library announces each task state change as one INFO record on its ``spiff.task`` logger
(``State changed to X``, with ``task_id`` and ``state`` in the record; reference
spiffworkflow-3.2 §6): that documented channel is the feed the history relies on. While it is
the feed, the logger is kept enabled for INFO (a logging configuration that silenced it would
otherwise silently empty the history), so the records also reach the application's handlers.

Building a log record per transition costs more than the transition itself, so with the
speed-ups on (engine/runtime/library_patches.py) ``Task._set_state`` hands each transition to
``record`` directly and the logger feed stands aside. Either way the list a command gets holds
the same transitions in the order they happened.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from SpiffWorkflow.util.task import TaskState


@dataclass(frozen=True)
class Transition:
    task_id: uuid.UUID
    state: str  # SpiffWorkflow's state name: READY, COMPLETED, ...


class StepLimitReached(Exception):
    """Raised inside SpiffWorkflow's run when one command changed task states too often."""


class TransitionLog(list[Transition]):
    """The transitions of one command; past ``limit`` of them the run is stopped (a runaway loop)."""

    def __init__(self, limit: int | None = None) -> None:
        super().__init__()
        self.limit = limit
        self.exceeded = False

    def add(self, transition: Transition) -> None:
        self.append(transition)
        if self.limit is not None and len(self) > self.limit:
            self.exceeded = True
            raise StepLimitReached(self.limit)


_sink: contextvars.ContextVar[TransitionLog | None] = contextvars.ContextVar("spiff_transitions", default=None)
_STATE_NAMES = {value: TaskState.get_name(value) for value in (
    TaskState.MAYBE, TaskState.LIKELY, TaskState.FUTURE, TaskState.WAITING, TaskState.READY,
    TaskState.STARTED, TaskState.COMPLETED, TaskState.ERROR, TaskState.CANCELLED)}
_SPIFF_TASK_LOG = logging.getLogger("spiff.task")
_STATE_CHANGED = "State changed to "
_hooked = False


def record(task_id: uuid.UUID, state: int) -> None:
    """Append a transition to the running command's list (the speed-up hook calls this)."""
    sink = _sink.get()
    if sink is not None:
        sink.add(Transition(task_id, _STATE_NAMES.get(state, str(state))))


def feed_from_hook(hooked: bool) -> None:
    """Whether ``Task._set_state`` reports transitions itself (then the logger feed stands aside)."""
    global _hooked
    _hooked = hooked


class _LogFeed(logging.Handler):
    def emit(self, log_record: logging.LogRecord) -> None:
        if _hooked:
            return
        sink = _sink.get()
        message = log_record.msg
        if sink is not None and isinstance(message, str) and message.startswith(_STATE_CHANGED):
            extra = vars(log_record)  # the library's ``extra`` fields, set on the record by name
            sink.add(Transition(extra["task_id"], extra["state"]))


_LOG_FEED = _LogFeed()


def _listen_to_library_log() -> None:
    if _LOG_FEED not in _SPIFF_TASK_LOG.handlers:
        _SPIFF_TASK_LOG.addHandler(_LOG_FEED)
    if _SPIFF_TASK_LOG.disabled or not _SPIFF_TASK_LOG.isEnabledFor(logging.INFO):
        _SPIFF_TASK_LOG.disabled = False
        _SPIFF_TASK_LOG.setLevel(logging.INFO)


@contextlib.contextmanager
def capture_transitions(limit: int | None = None) -> Iterator[TransitionLog]:
    if not _hooked:
        _listen_to_library_log()
    transitions = TransitionLog(limit)
    token = _sink.set(transitions)
    try:
        yield transitions
    finally:
        _sink.reset(token)
