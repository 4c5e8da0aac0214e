"""Typed actions on a whole dossier, each one command with its effect on the legal clock.

Supplementation and fee payment are steps of the diagrams (see clock_rules); refusal is an end
event. What remains outside any single step: the citizen withdrawing the dossier, and the one
extension with an apology letter and a new appointment.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.access.policy import authorize, dossier_not_found
from engine.access.rules import Action
from engine.errors import ConflictError, DossierClosedError, FieldProblem, FormInvalidError
from engine.history.events import HistoryEventType
from engine.history.recorder import HistoryBuffer
from engine.observability import command, note_dossier
from engine.persistence.models import CLOSED_DOSSIER_STATUSES, Dossier, DossierStatus
from engine.runtime.command import Actor, Command
from engine.runtime.context import EngineContext
from engine.runtime.workflow import finish_command, load_dossier_workflow, write_dossier


def lock_dossier_by_ref(session: Session, ctx: EngineContext, ref: str | int, actor: Actor,
                        action: Action) -> Dossier:
    """The dossier by code (text from a request) or id (an int, from code), locked for this command
    (FOR UPDATE on PostgreSQL), if ``actor`` may do ``action`` to it; a dossier the actor may not see
    is not found, as a missing one."""
    condition = Dossier.id == ref if isinstance(ref, int) else Dossier.code == ref
    dossier = session.scalar(
        select(Dossier).where(condition).with_for_update().execution_options(populate_existing=True)
    )
    if dossier is None:
        raise dossier_not_found(ref)
    authorize(session, actor, action, dossier, today=ctx.today(), ref=ref)
    note_dossier(dossier.code)
    if dossier.status in CLOSED_DOSSIER_STATUSES:
        raise DossierClosedError(f"Hồ sơ {dossier.code} đã kết thúc", message_en=f"Dossier {dossier.code} is closed")
    return dossier


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise FormInvalidError([FieldProblem("reason", "Trường “Lý do” là bắt buộc", "Field “reason” is required")])
    return reason


def _close(session: Session, ctx: EngineContext, ref: str | int, actor: Actor, reason: str,
           status: DossierStatus, event: HistoryEventType, action: Action) -> Dossier:
    """End a dossier before its diagram does: every open step is cancelled, in one command."""
    reason = _require_reason(reason)
    dossier = lock_dossier_by_ref(session, ctx, ref, actor, action)
    version = ctx.version(session, dossier.procedure_version_id)
    workflow = load_dossier_workflow(session, ctx, dossier, version)
    command = Command(session, ctx, dossier, version, workflow, actor, ctx.clock.now().astimezone(UTC))
    finish_command(command, run_close(command, status, event, reason))
    return dossier


def run_close(command: Command, status: DossierStatus, event: HistoryEventType, reason: str) -> dict[str, Any]:
    """Record why the dossier ends and cancel every open step (a withdrawal or stop, and its replay);
    returns the dossier columns the closing sets."""
    command.history.add(event, command.at, actor_id=command.actor.id, actor_name=command.actor.name,
                        payload={"reason": reason})
    command.run(command.workflow.cancel)
    return {"status": status, "completed_at": command.at, "wake_at": None}


@command("withdraw_dossier")
def withdraw_dossier(session: Session, ctx: EngineContext, ref: str | int, *, actor: Actor, reason: str) -> Dossier:
    """The citizen withdraws the dossier (rút hồ sơ). Does not commit."""
    return _close(session, ctx, ref, actor, reason, DossierStatus.WITHDRAWN, HistoryEventType.DOSSIER_WITHDRAWN,
                  Action.DOSSIER_WITHDRAW)


@command("stop_dossier")
def stop_dossier(session: Session, ctx: EngineContext, ref: str | int, *, actor: Actor, reason: str) -> Dossier:
    """Stop processing (dừng giải quyết hồ sơ), e.g. the citizen never supplemented. Does not commit."""
    return _close(session, ctx, ref, actor, reason, DossierStatus.STOPPED, HistoryEventType.DOSSIER_STOPPED,
                  Action.DOSSIER_STOP)


@command("extend_deadline")
def extend_deadline(session: Session, ctx: EngineContext, ref: str | int, *, actor: Actor,
                    new_due_at: datetime, reason: str) -> Dossier:
    """Give the one new appointment the law allows, with the apology letter's reason.

    Must be given before the deadline passes; the legal deadline (``due_at``) stays as it was for
    the on-time rate. Does not commit.
    """
    reason = _require_reason(reason)
    dossier = lock_dossier_by_ref(session, ctx, ref, actor, Action.DOSSIER_EXTEND)
    at = ctx.clock.now().astimezone(UTC)
    if new_due_at.tzinfo is None:
        raise FormInvalidError([FieldProblem("new_due_at", "Thời điểm hẹn mới phải có múi giờ",
                                             "The new appointment needs a timezone")])
    if dossier.extended:
        raise ConflictError("Hồ sơ đã được hẹn lại một lần; pháp luật chỉ cho phép một lần",
                            message_en="The dossier was already given a new appointment; the law allows one")
    if dossier.due_at is not None and at >= dossier.due_at:
        raise ConflictError("Đã quá hạn giải quyết: văn bản xin lỗi và gia hạn phải gửi trước khi hết hạn",
                            message_en="The deadline has passed: the apology and extension must come before it")
    if dossier.due_at is not None and new_due_at <= dossier.due_at:
        raise FormInvalidError([FieldProblem("new_due_at", "Ngày hẹn mới phải sau ngày hẹn hiện tại",
                                             "The new appointment must be after the current one")])
    working_days_before = ctx.calendar.working_days_between(at, dossier.due_at) if dossier.due_at else None
    buffer = HistoryBuffer(dossier)
    buffer.add(HistoryEventType.DEADLINE_EXTENDED, at, actor_id=actor.id, actor_name=actor.name,
               payload={"reason": reason, "due_at": _iso(dossier.due_at), "new_due_at": new_due_at.isoformat(),
                        "working_days_before_deadline": working_days_before,
                        # Decree 61/118: at the latest one working day before the deadline.
                        "in_time_for_apology": working_days_before is not None and working_days_before >= 1})
    buffer.flush(session)
    write_dossier(session, ctx, dossier, {"extended": True, "extended_due_at": new_due_at, **buffer.head_values()})
    return dossier


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def appointment(dossier: Dossier) -> datetime | None:
    """What the citizen was last told: the new appointment if one was given, else the deadline."""
    return dossier.extended_due_at or dossier.due_at
