"""The life of a procedure version: deployed → active → retired, one active version per procedure.

Deploying stores a version and nothing more; only an explicit activation makes new dossiers use
it. Activating a version retires the one it replaces; activating a version that was active before
is a rollback. Every change is a ProcedureVersionEvent saying who, when and why. Running dossiers
are never touched: they stay on the version they started on.

Each command here is one transaction's work and does not commit: the caller owns the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session

from engine.access.policy import authorize
from engine.access.rules import Action
from engine.audit.admin_chain import record_admin
from engine.calendar.clock import Clock
from engine.errors import (
    ConflictError,
    FieldProblem,
    FormInvalidError,
    NotFoundError,
    ProcedureNotActiveError,
)
from engine.persistence.models import (
    Procedure,
    ProcedureVersion,
    ProcedureVersionEvent,
    VersionAction,
    VersionState,
)
from engine.runtime.command import Actor

REASON_MAX_LENGTH = 500


@dataclass
class VersionChange:
    """What a lifecycle command did: the version, whether it changed, and the version it replaced."""

    version: ProcedureVersion
    changed: bool
    replaced: ProcedureVersion | None = None


def authorize_procedure_change(session: Session, actor: Actor, action: Action, clock: Clock) -> None:
    """Analysts alone deploy, activate, roll back and retire procedure versions (the access policy's rule).

    The system actor (no official: the command line and the demo seeder, which hold the database
    already) passes; every API call acts as its signed-in official.
    """
    authorize(session, actor, action, today=_now(clock).date())


def active_version_id(session: Session, procedure_key: str) -> int:
    """The id of the version new dossiers of the procedure start on."""
    row = session.execute(
        select(Procedure.id, ProcedureVersion.id)
        .outerjoin(ProcedureVersion, and_(ProcedureVersion.procedure_id == Procedure.id,
                                          ProcedureVersion.state == VersionState.ACTIVE))
        .where(Procedure.key == procedure_key)
    ).first()
    if row is None:
        raise NotFoundError(
            f"Chưa triển khai thủ tục '{procedure_key}'", message_en=f"Procedure '{procedure_key}' is not deployed"
        )
    if row[1] is None:
        raise ProcedureNotActiveError(
            f"Thủ tục '{procedure_key}' không có phiên bản đang áp dụng nên không tiếp nhận hồ sơ mới",
            message_en=f"Procedure '{procedure_key}' has no active version, so it takes no new dossiers",
        )
    return int(row[1])


def activate_version(session: Session, procedure_key: str, number: int, *, actor: Actor, reason: str | None,
                     clock: Clock) -> VersionChange:
    """Make version ``number`` the one new dossiers use; the active one it replaces is retired.

    Activating the version that is already active changes nothing and records nothing.
    """
    authorize_procedure_change(session, actor, Action.PROCEDURE_ACTIVATE, clock)
    why = checked_reason(reason)
    procedure = _locked_procedure(session, procedure_key)
    return _make_active(session, _version(session, procedure, number), actor, why, clock)


def rollback_procedure(session: Session, procedure_key: str, *, actor: Actor, reason: str | None,
                       clock: Clock) -> VersionChange:
    """Undo the latest activation: re-activate the version that was active before it."""
    authorize_procedure_change(session, actor, Action.PROCEDURE_ROLLBACK, clock)
    why = checked_reason(reason)
    procedure = _locked_procedure(session, procedure_key)
    target = _previously_active(session, procedure)
    if target is None:
        raise ConflictError(
            f"Thủ tục '{procedure_key}' không có phiên bản nào từng áp dụng trước đó để quay lại",
            message_en=f"Procedure '{procedure_key}' has no earlier active version to roll back to",
        )
    return _make_active(session, target, actor, why, clock)


def retire_version(session: Session, procedure_key: str, number: int, *, actor: Actor, reason: str | None,
                   clock: Clock) -> VersionChange:
    """Stop version ``number`` receiving new dossiers; dossiers already on it run to their end.

    Retiring the active version leaves the procedure without one: it refuses new dossiers until
    a version is activated. Retiring a retired version changes nothing.
    """
    authorize_procedure_change(session, actor, Action.PROCEDURE_RETIRE, clock)
    why = checked_reason(reason)
    target = _version(session, _locked_procedure(session, procedure_key), number)
    if target.state == VersionState.RETIRED:
        return VersionChange(target, changed=False)
    record_transition(session, target, VersionState.RETIRED, VersionAction.RETIRE, actor, why, _now(clock))
    session.flush()
    return VersionChange(target, changed=True)


def record_transition(session: Session, version: ProcedureVersion, to_state: VersionState, action: VersionAction,
                      actor: Actor, reason: str | None, at: datetime) -> None:
    """Move a version to ``to_state`` and record who did it, when and why."""
    from_state = None if action == VersionAction.DEPLOY else version.state
    version.state = to_state
    session.add(ProcedureVersionEvent(procedure_version_id=version.id, action=action, from_state=from_state,
                                      to_state=to_state, at=at, actor_id=actor.id, actor_name=actor.name,
                                      reason=reason))
    record_admin(session, f"version_{action.value}", actor=actor, at=at,
                 subject=f"procedure:{version.procedure.key}:{version.version}",
                 payload={"from": from_state.value if from_state else None, "to": to_state.value, "reason": reason,
                          "content_hash": version.content_hash})


def checked_reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise FormInvalidError([FieldProblem("reason", "Cần ghi lý do thay đổi phiên bản",
                                             "A reason for the version change is required")])
    if len(text) > REASON_MAX_LENGTH:
        raise FormInvalidError([FieldProblem("reason", f"Lý do dài quá {REASON_MAX_LENGTH} ký tự",
                                             f"The reason is longer than {REASON_MAX_LENGTH} characters")])
    return text


def _make_active(session: Session, target: ProcedureVersion, actor: Actor, reason: str,
                 clock: Clock) -> VersionChange:
    if target.state == VersionState.ACTIVE:
        return VersionChange(target, changed=False)
    now = _now(clock)
    current = session.scalar(select(ProcedureVersion).where(ProcedureVersion.procedure_id == target.procedure_id,
                                                            ProcedureVersion.state == VersionState.ACTIVE))
    if current is not None:
        record_transition(session, current, VersionState.RETIRED, VersionAction.RETIRE, actor, reason, now)
        # The old version leaves 'active' before the new one enters: the database allows one at a time.
        session.flush()
    action = VersionAction.ROLLBACK if _was_active(session, target) else VersionAction.ACTIVATE
    record_transition(session, target, VersionState.ACTIVE, action, actor, reason, now)
    session.flush()
    return VersionChange(target, changed=True, replaced=current)


def _was_active(session: Session, version: ProcedureVersion) -> bool:
    return bool(session.scalar(select(exists().where(ProcedureVersionEvent.procedure_version_id == version.id,
                                                     ProcedureVersionEvent.to_state == VersionState.ACTIVE))))


def _previously_active(session: Session, procedure: Procedure) -> ProcedureVersion | None:
    """The version that was active before the latest activation, whether or not that one is still active."""
    activated = iter(session.scalars(
        select(ProcedureVersionEvent.procedure_version_id)
        .join(ProcedureVersion, ProcedureVersion.id == ProcedureVersionEvent.procedure_version_id)
        .where(ProcedureVersion.procedure_id == procedure.id, ProcedureVersionEvent.to_state == VersionState.ACTIVE)
        .order_by(ProcedureVersionEvent.id.desc())
    ))
    latest = next(activated, None)
    earlier = next((version_id for version_id in activated if version_id != latest), None)
    return None if earlier is None else session.get(ProcedureVersion, earlier)


def _locked_procedure(session: Session, procedure_key: str) -> Procedure:
    # The procedure row is the lock that serialises its version changes (FOR UPDATE on PostgreSQL;
    # SQLite has one writer anyway), so two activations cannot race to the unique index.
    procedure = session.scalar(select(Procedure).where(Procedure.key == procedure_key).with_for_update())
    if procedure is None:
        raise NotFoundError(f"Không có thủ tục '{procedure_key}'", message_en=f"No procedure '{procedure_key}'")
    return procedure


def _version(session: Session, procedure: Procedure, number: int) -> ProcedureVersion:
    version = session.scalar(select(ProcedureVersion).where(ProcedureVersion.procedure_id == procedure.id,
                                                            ProcedureVersion.version == number))
    if version is None:
        raise NotFoundError(f"Thủ tục '{procedure.key}' không có phiên bản {number}",
                            message_en=f"Procedure '{procedure.key}' has no version {number}")
    return version


def _now(clock: Clock) -> datetime:
    return clock.now().astimezone(UTC)
