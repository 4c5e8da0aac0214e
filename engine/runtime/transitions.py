"""Capture every state change SpiffWorkflow makes during one command.

SpiffWorkflow announces each task state change only as an INFO record on the ``spiff.task``
logger (brief §6). Building a LogRecord per transition costs more than the transition itself,
so instead ``Task._set_state`` (the one place every state change passes through, including
forced ones during resets) is wrapped to append to the list of the command running in this
context. The record order is the order in which things happened.
"""

from __future__ import annotations

import contextlib
import contextvars
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState


@dataclass(frozen=True)
class Transition:
    task_id: uuid.UUID
    state: str  # SpiffWorkflow's state name: READY, COMPLETED, ...


_sink: contextvars.ContextVar[list[Transition] | None] = contextvars.ContextVar("spiff_transitions", default=None)
_STATE_NAMES = {value: TaskState.get_name(value) for value in (
    TaskState.MAYBE, TaskState.LIKELY, TaskState.FUTURE, TaskState.WAITING, TaskState.READY,
    TaskState.STARTED, TaskState.COMPLETED, TaskState.ERROR, TaskState.CANCELLED)}


def _install() -> None:
    original = Task._set_state
    if getattr(original, "motcua_wrapped", False):
        return

    def _set_state(self: Task, value: int) -> None:
        changed = value != self._state
        original(self, value)
        if changed:
            sink = _sink.get()
            if sink is not None:
                sink.append(Transition(self.id, _STATE_NAMES.get(value, str(value))))

    _set_state.motcua_wrapped = True  # type: ignore[attr-defined]
    _set_state.motcua_library = original  # type: ignore[attr-defined]  # for timing the library alone
    Task._set_state = _set_state  # type: ignore[method-assign]


_install()


@contextlib.contextmanager
def capture_transitions() -> Iterator[list[Transition]]:
    transitions: list[Transition] = []
    token = _sink.set(transitions)
    try:
        yield transitions
    finally:
        _sink.reset(token)
