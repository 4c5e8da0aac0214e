"""Incidents: a dossier whose diagram failed waits, visibly, for an administrator to retry it.

When a command fails while SpiffWorkflow runs diagram code, the command's partial work is rolled
back and, in the same request, the dossier is put in status ``failed`` ("an open incident": the
public and the slips already read it as "being fixed") with a ``dossier_failed`` history event that
names the element, the expression or script line and the error in Vietnamese and English, and
says how to re-run the command. Administrators list open incidents and retry one once its cause
is fixed (a setting, the organisation, the script limits); the retry re-runs the recorded command
on the dossier's state from before the failure. ``failed`` is never final: a retry that succeeds
returns the dossier to the status it had.

A dossier whose diagram fails while it is being received is kept as received (its intake data,
number and deadline, its diagram not yet run) in the same incident state; its retry runs the
diagram from the start.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.access.policy import authorize
from engine.access.rules import Action
from engine.audit.admin_chain import record_admin
from engine.errors import IncidentStateError, NotFoundError, WorkflowFailedError
from engine.history.events import HistoryEventType
from engine.history.recorder import HistoryBuffer
from engine.persistence.models import Dossier, DossierStatus, HistoryEvent, HumanTask, Official, OfficialRole, Role
from engine.runtime.command import Actor, Command
from engine.runtime.context import EngineContext
from engine.runtime.tasks import finish_completion
from engine.runtime.workflow import finish_command, load_dossier_workflow, write_dossier

INCIDENT_STATUS = DossierStatus.FAILED
# Who is told of an incident and may retry it.
INCIDENT_HANDLER_ROLES = (Role.ADMIN.value,)


@dataclass
class Incident:
    """An open incident: the dossier and the failure recorded in its history."""

    dossier_id: int
    dossier_code: str
    procedure_version_id: int
    failed_at: datetime
    element_id: str | None
    element_name: str | None
    payload: dict[str, Any]


def record_incident(session: Session, ctx: EngineContext, error: WorkflowFailedError, actor: Actor) -> bool:
    """Roll back the failed command, then mark its dossier failed with a history event naming the
    step and the error. Does not commit. Returns False when there is no dossier to mark;
    ``error.incident`` then stays None."""
    session.rollback()
    if error.dossier_id is None or error.retry is None:
        return False
    dossier = session.get(Dossier, error.dossier_id, with_for_update=True, populate_existing=True)
    if dossier is None:
        return False
    mark_incident(session, ctx, dossier, error, actor)
    return True


def mark_incident(session: Session, ctx: EngineContext, dossier: Dossier, error: WorkflowFailedError,
                  actor: Actor) -> None:
    """Put ``dossier`` (as stored before the failed command) in incident state, with the history
    event that names the step, the error and how to retry it; sets ``error.incident``."""
    at = ctx.clock.now().astimezone(UTC)
    version = ctx.version(session, dossier.procedure_version_id)
    element = version.elements.get(error.element_id or "", {})
    previous = dossier.status if dossier.status != INCIDENT_STATUS else _open_incident_payload(
        session, dossier.id).get("previous_status", DossierStatus.PROCESSING)
    told = incident_handlers(session)
    history = HistoryBuffer(dossier)
    history.add(HistoryEventType.DOSSIER_FAILED, at, actor_id=actor.id, actor_name=actor.name,
                element_id=error.element_id, element_name=element.get("name"), element_type=element.get("type"),
                lane=element.get("lane"),
                payload={"error": error.code, "message": error.message, "message_en": error.message_en,
                         **error.details(), "previous_status": str(previous), "retry": error.retry,
                         "told": told})
    history.flush(session)
    write_dossier(session, ctx, dossier, {"status": INCIDENT_STATUS, **history.head_values()})
    error.incident = {"dossier": dossier.code, "status": str(INCIDENT_STATUS), "told": told}
    names = ", ".join(told) or "—"
    error.message += f". Hồ sơ {dossier.code} chuyển sang trạng thái sự cố; đã báo quản trị viên: {names}"
    error.message_en += f". Dossier {dossier.code} is now an incident; administrators told: {names}"


def incident_handlers(session: Session) -> list[str]:
    """The names of the active officials who are told of incidents (they see them in their list)."""
    return list(session.scalars(
        select(Official.full_name).join(OfficialRole, OfficialRole.official_id == Official.id)
        .where(OfficialRole.role.in_(INCIDENT_HANDLER_ROLES), Official.active.is_(True))
        .order_by(Official.full_name).distinct()
    ))


def check_may_handle_incidents(session: Session, actor: Actor) -> None:
    """Only administrators list and retry incidents (the access policy's rule); the system may too."""
    authorize(session, actor, Action.INCIDENT_MANAGE, today=datetime.now(UTC).date())


def list_incidents(session: Session, actor: Actor, limit: int = 200) -> list[Incident]:
    """Open incidents, oldest first, each with the failure its history recorded last."""
    check_may_handle_incidents(session, actor)
    dossiers = session.scalars(
        select(Dossier).where(Dossier.status == INCIDENT_STATUS).order_by(Dossier.id).limit(limit)).all()
    incidents = []
    for dossier in dossiers:
        event = _last_failure(session, dossier.id)
        if event is not None:
            incidents.append(Incident(dossier.id, dossier.code, dossier.procedure_version_id, event.at,
                                      event.element_id, event.element_name, event.payload or {}))
    return incidents


def retry_incident(session: Session, ctx: EngineContext, dossier_code: str, *, actor: Actor) -> Dossier:
    """Re-run the command that failed, on the dossier's state from before the failure. Does not
    commit; a retry that fails again raises WorkflowFailedError, for a new incident."""
    check_may_handle_incidents(session, actor)
    dossier = lock_dossier(session, dossier_code)
    if dossier.status != INCIDENT_STATUS:
        raise IncidentStateError(f"Hồ sơ {dossier.code} không có sự cố đang chờ xử lý",
                                 message_en=f"Dossier {dossier.code} has no open incident")
    payload = _open_incident_payload(session, dossier.id)
    at = ctx.clock.now().astimezone(UTC)
    history = HistoryBuffer(dossier)
    history.add(HistoryEventType.INCIDENT_RETRIED, at, actor_id=actor.id, actor_name=actor.name,
                element_id=payload.get("element_id"), payload={"retry": payload.get("retry")})
    history.flush(session)
    record_admin(session, "incident_retried", actor=actor, at=at, subject=f"dossier:{dossier.code}",
                 payload={"retry": payload.get("retry"), "element_id": payload.get("element_id")})
    write_dossier(session, ctx, dossier, {"status": DossierStatus(payload.get("previous_status", "processing")),
                                          **history.head_values()})
    plan = payload.get("retry") or {"kind": "resume"}
    if plan["kind"] == "complete":
        _retry_completion(session, ctx, dossier, plan)
    else:
        version = ctx.version(session, dossier.procedure_version_id)
        command = Command(session, ctx, dossier, version, load_dossier_workflow(session, ctx, dossier, version),
                          actor, at)
        command.run()
        finish_command(command)
    return dossier


def _retry_completion(session: Session, ctx: EngineContext, dossier: Dossier, plan: dict[str, Any]) -> None:
    # The completion is re-run as the official who submitted it, with the data they submitted:
    # the administrator only repeats it, so the history keeps who decided what.
    task = session.get(HumanTask, uuid.UUID(plan["task_id"]))
    if task is None:
        raise NotFoundError(f"Không tìm thấy công việc {plan['task_id']}",
                            message_en=f"Task {plan['task_id']} not found")
    finish_completion(session, ctx, task, dossier, Actor(plan.get("actor_id"), plan.get("actor_name") or ""),
                      plan.get("data") or {})


def lock_dossier(session: Session, ref: str) -> Dossier:
    dossier = session.scalar(select(Dossier).where(Dossier.code == ref).with_for_update()
                             .execution_options(populate_existing=True))
    if dossier is None:
        raise NotFoundError(f"Không tìm thấy hồ sơ {ref}", message_en=f"Dossier {ref} not found")
    return dossier


def _last_failure(session: Session, dossier_id: int) -> HistoryEvent | None:
    return session.scalar(
        select(HistoryEvent).where(HistoryEvent.dossier_id == dossier_id,
                                   HistoryEvent.event_type == HistoryEventType.DOSSIER_FAILED.value)
        .order_by(HistoryEvent.seq.desc()).limit(1))


def _open_incident_payload(session: Session, dossier_id: int) -> dict[str, Any]:
    event = _last_failure(session, dossier_id)
    return dict(event.payload or {}) if event is not None else {}
