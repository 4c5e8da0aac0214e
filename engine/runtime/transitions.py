"""Capture every state change SpiffWorkflow makes during one command.

SpiffWorkflow logs one INFO record per task state change on the ``spiff.task`` logger (brief §6).
A handler appends them to the list of the command running in this context; the record order is
the order in which things happened.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Transition:
    task_id: uuid.UUID
    state: str  # SpiffWorkflow's state name: READY, COMPLETED, ...


_sink: contextvars.ContextVar[list[Transition] | None] = contextvars.ContextVar("spiff_transitions", default=None)


class _TransitionHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        sink = _sink.get()
        task_id = getattr(record, "task_id", None)
        if sink is not None and task_id is not None and record.msg.startswith("State changed"):
            sink.append(Transition(task_id, getattr(record, "state", "")))


def _install() -> None:
    logger = logging.getLogger("spiff.task")
    if not any(isinstance(h, _TransitionHandler) for h in logger.handlers):
        logger.addHandler(_TransitionHandler(level=logging.INFO))
    logger.setLevel(logging.INFO)
    # The history table is the record of these transitions; operators' logs need not repeat each.
    logger.propagate = False


_install()


@contextlib.contextmanager
def capture_transitions() -> Iterator[list[Transition]]:
    transitions: list[Transition] = []
    token = _sink.set(transitions)
    try:
        yield transitions
    finally:
        _sink.reset(token)
