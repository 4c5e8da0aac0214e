"""A command on one dossier and who issues it: the shared vocabulary of every runtime module."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from sqlalchemy.orm import Session

from engine.errors import EngineError
from engine.history.recorder import HistoryBuffer
from engine.observability import note_dossier
from engine.persistence.models import Dossier, HumanTask, Official
from engine.runtime.context import EngineContext, LoadedVersion
from engine.runtime.failures import diagram_failure
from engine.runtime.script_env import command_instant
from engine.runtime.script_limits import limit_reached_in
from engine.runtime.transitions import Transition, capture_transitions


@dataclass
class Actor:
    """Who issues a command: an official, or the system (scheduler, integrations)."""

    id: int | None
    name: str

    @classmethod
    def of(cls, official: Official | None) -> Actor:
        return cls(None, "Hệ thống") if official is None else cls(official.id, official.full_name)


@dataclass
class HumanCompletion:
    """The person and data behind the completion of one human task in this command."""

    task_id: uuid.UUID
    actor: Actor
    payload: dict[str, Any]
    task: HumanTask | None = None  # the row the command holds, when it has one (the daily figures read it)


@dataclass
class Command:
    """One command on one dossier: everything it changes is written together, then committed once."""

    session: Session
    ctx: EngineContext
    dossier: Dossier
    version: LoadedVersion
    workflow: BpmnWorkflow
    actor: Actor
    at: datetime
    history: HistoryBuffer = field(init=False)
    transitions: list[Transition] = field(default_factory=list)
    completion: HumanCompletion | None = None
    starting: bool = False

    def __post_init__(self) -> None:
        self.history = HistoryBuffer(self.dossier)
        note_dossier(self.dossier.code)

    def retry_plan(self) -> dict[str, Any] | None:
        """How an administrator re-runs this command once its cause is fixed (None: a dossier
        being received is rolled back whole, so there is nothing to retry)."""
        if self.starting:
            return None
        if self.completion is not None:
            return {"kind": "complete", "task_id": str(self.completion.task_id), "data": self.completion.payload,
                    "actor_id": self.completion.actor.id, "actor_name": self.completion.actor.name}
        return {"kind": "resume"}

    def run(self, action: Callable[[], object] | None = None) -> None:
        """Run ``action`` (may be None) then the engine until the workflow waits."""
        token = command_instant.set(self.at)
        try:
            with capture_transitions(self.ctx.settings.max_steps_per_command) as transitions:
                try:
                    if action is not None:
                        action()
                    self.workflow.do_engine_steps()
                    if self.version.has_timers:
                        # do_engine_steps refreshes timers only at its end: a timer that fired
                        # then is READY but not run yet (brief §3), so step once more.
                        self.workflow.refresh_timers()
                        self.workflow.do_engine_steps()
                except EngineError:
                    raise
                except BaseException as exc:  # noqa: BLE001 - any failure of diagram code is the step's
                    if not isinstance(exc, Exception) and limit_reached_in(exc) is None:
                        raise  # KeyboardInterrupt, SystemExit: not the diagram's doing
                    failure = diagram_failure(exc, self.workflow, transitions)
                    failure.dossier_id, failure.retry = self.dossier.id, self.retry_plan()
                    raise failure from exc
            self.transitions.extend(transitions)
        finally:
            command_instant.reset(token)
