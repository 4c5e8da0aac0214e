"""Jobs the scheduler process runs: sweeps over the database, safe with any number of replicas.

Each due dossier is taken with ``FOR UPDATE SKIP LOCKED`` (PostgreSQL; SQLite serialises writers
anyway), handled and committed in its own transaction, so two schedulers never fire the same
timer and a failure in one dossier does not hold back the others.
"""

from __future__ import annotations

import logging
from datetime import UTC

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine.errors import EngineError
from engine.history.events import HistoryEventType
from engine.persistence.models import Dossier, DossierStatus
from engine.runtime.context import EngineContext
from engine.runtime.workflow import Actor, Command, finish_command, load_dossier_workflow

log = logging.getLogger(__name__)
SYSTEM = Actor(None, "Hệ thống")
OPEN_STATUSES = (DossierStatus.PROCESSING, DossierStatus.AWAITING_SUPPLEMENT, DossierStatus.AWAITING_PAYMENT)


def _next_due(session: Session, ctx: EngineContext, skip: set[int]) -> Dossier | None:
    query = (
        select(Dossier)
        .where(Dossier.wake_at <= ctx.clock.now(), Dossier.status.in_(OPEN_STATUSES))
        .order_by(Dossier.wake_at)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    if skip:
        query = query.where(Dossier.id.not_in(skip))
    return session.scalar(query)


def fire_timers(session: Session, ctx: EngineContext, dossier: Dossier) -> int:
    """Fire the dossier's due timers and run it until it waits again; returns timers fired."""
    version = ctx.version(session, dossier.procedure_version_id)
    workflow = load_dossier_workflow(session, ctx, dossier, version)
    at = ctx.clock.now().astimezone(UTC)
    command = Command(session, ctx, dossier, version, workflow, SYSTEM, at)
    command.run(workflow.refresh_timers)
    fired = [
        t for t in command.transitions
        if t.state == "READY" and _timer_element(command, t.task_id)
    ]
    for transition in fired:
        element_id = workflow.get_task_from_id(transition.task_id).task_spec.bpmn_id
        element = version.elements.get(element_id, {})
        command.history.add(HistoryEventType.TIMER_FIRED, at, actor_name=SYSTEM.name, element_id=element_id,
                            element_name=element.get("name"), element_type=element.get("type"),
                            lane=element.get("lane"), task_id=str(transition.task_id))
    finish_command(command)
    return len(fired)


def _timer_element(command: Command, task_id: object) -> bool:
    spiff_task = command.workflow.get_task_from_id(task_id)
    element = command.version.elements.get(spiff_task.task_spec.bpmn_id or "", {})
    return element.get("event") == "timer"


def fire_due_timers(session_factory: sessionmaker[Session], ctx: EngineContext, limit: int = 500) -> int:
    """Fire every due timer, one dossier per transaction; returns the number of timers fired."""
    fired: int = 0
    seen: set[int] = set()
    while len(seen) < limit:
        with session_factory() as session:
            dossier = _next_due(session, ctx, seen)
            if dossier is None:
                break
            seen.add(dossier.id)
            try:
                fired += fire_timers(session, ctx, dossier)
                session.commit()
            except EngineError as error:
                # A failing diagram must not stop the sweep: the dossier keeps its wake_at, the
                # error goes to the operators' log, and nothing is written for it.
                session.rollback()
                log.warning("timer_failed", extra={"dossier": dossier.code, "error": error.message})
    return fired
