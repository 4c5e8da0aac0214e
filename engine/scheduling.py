"""Jobs the scheduler process runs: sweeps over the database, safe with any number of replicas.

Each due dossier is taken with ``FOR UPDATE SKIP LOCKED`` (PostgreSQL; SQLite serialises writers
anyway), handled and committed in its own transaction, so two schedulers never fire the same
timer and a failure in one dossier does not hold back the others.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import Select, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from engine.audit.anchors import anchor_if_due
from engine.calendar.deadlines import TimeLimit, TimeLimitUnit, due_soon_edge
from engine.errors import EngineError, WorkflowFailedError
from engine.history.events import HistoryEventType
from engine.history.recorder import HistoryBuffer
from engine.idempotency import purge_expired_keys
from engine.identity.officials import purge_expired_tokens
from engine.observability import command, note_dossier
from engine.persistence.models import OPEN_TASK_STATUSES, Dossier, DossierStatus, HumanTask
from engine.runtime.command import Actor, Command
from engine.runtime.context import EngineContext
from engine.runtime.incidents import record_incident
from engine.runtime.workflow import finish_command, load_dossier_workflow, write_dossier
from engine.signing.credentials import SigningUnavailableError
from engine.signing.results import sign_result, unsigned_results
from engine.statistics.fold import fold_figures

log = logging.getLogger(__name__)
SYSTEM = Actor(None, "Hệ thống")
OPEN_STATUSES = (DossierStatus.PROCESSING, DossierStatus.AWAITING_SUPPLEMENT, DossierStatus.AWAITING_PAYMENT)


def _sweep_each(session_factory: sessionmaker[Session], query: Select[Dossier],
                handle: Callable[[Session, Dossier], int], limit: int) -> int:
    """Take the dossiers ``query`` selects one at a time, each locked (SKIP LOCKED) in its own
    transaction, and add up what ``handle`` returns. A dossier whose diagram fails is rolled back
    and logged, and the sweep goes on: one dossier never holds back the others."""
    total, seen = 0, set[int]()
    while len(seen) < limit:
        with session_factory() as session:
            locked = query.limit(1).with_for_update(skip_locked=True)
            if seen:
                locked = locked.where(Dossier.id.not_in(seen))
            dossier = session.scalar(locked)
            if dossier is None:
                break
            seen.add(dossier.id)
            try:
                total += handle(session, dossier)
                session.commit()
            except EngineError as error:
                session.rollback()
                log.warning("sweep_failed", extra={"dossier": dossier.code, "error": error.message})
    return total


@command("fire_timers")
def fire_timers(session: Session, ctx: EngineContext, dossier: Dossier) -> int:
    """Fire the dossier's due timers and run it until it waits again; returns timers fired."""
    version = ctx.version(session, dossier.procedure_version_id)
    workflow = load_dossier_workflow(session, ctx, dossier, version)
    at = ctx.clock.now().astimezone(UTC)
    command = Command(session, ctx, dossier, version, workflow, SYSTEM, at)
    fired = run_timers(command)
    finish_command(command)
    return fired


def run_timers(command: Command) -> int:
    """Fire what is due at the command's instant and record each timer that fired (the scheduler's
    command, and its replay in engine.audit.replay); returns how many fired."""
    command.run(command.workflow.refresh_timers)
    fired = [
        t for t in command.transitions
        if t.state == "READY" and _timer_element(command, t.task_id)
    ]
    for transition in fired:
        element_id = command.workflow.get_task_from_id(transition.task_id).task_spec.bpmn_id
        element = command.version.elements.get(element_id, {})
        command.history.add(HistoryEventType.TIMER_FIRED, command.at, actor_name=SYSTEM.name, element_id=element_id,
                            element_name=element.get("name"), element_type=element.get("type"),
                            lane=element.get("lane"), task_id=str(transition.task_id))
    return len(fired)


def _timer_element(command: Command, task_id: object) -> bool:
    spiff_task = command.workflow.get_task_from_id(task_id)
    element = command.version.elements.get(spiff_task.task_spec.bpmn_id or "", {})
    return element.get("event") == "timer"


def fire_due_timers(session_factory: sessionmaker[Session], ctx: EngineContext, limit: int = 500) -> int:
    """Fire every due timer, one dossier per transaction; returns the number of timers fired."""
    due = (select(Dossier).where(Dossier.wake_at <= ctx.clock.now(), Dossier.status.in_(OPEN_STATUSES))
           .order_by(Dossier.wake_at))
    return _sweep_each(session_factory, due, lambda session, dossier: _fire_or_record(session, ctx, dossier), limit)


def _fire_or_record(session: Session, ctx: EngineContext, dossier: Dossier) -> int:
    """A timer whose diagram fails leaves an incident (committed by the sweep), not a silent retry."""
    try:
        return fire_timers(session, ctx, dossier)
    except WorkflowFailedError as error:
        if not record_incident(session, ctx, error, SYSTEM):
            raise
        log.warning("timer_incident", extra={"dossier_id": error.dossier_id, "error": error.message_en})
        return 0


# --- Deadlines ---------------------------------------------------------------------------------
#
# "Due soon" means less than one working day left (engine.calendar.deadlines.due_soon_edge).

ON_TRACK, DUE_SOON, OVERDUE, PAUSE_EXPIRED = "on_track", "due_soon", "overdue", "pause_expired"


def mark_task_deadlines(session_factory: sessionmaker[Session], ctx: EngineContext) -> int:
    """Flag open tasks due within a working day, or past due; two set-based UPDATEs, idempotent."""
    now = ctx.clock.now().astimezone(UTC)
    soon = due_soon_edge(ctx.calendar, now)
    with session_factory.begin() as session:
        overdue = session.scalars(
            update(HumanTask)
            .where(HumanTask.status.in_(OPEN_TASK_STATUSES), HumanTask.due_at < now,
                   HumanTask.deadline_state != OVERDUE)
            .values(deadline_state=OVERDUE).returning(HumanTask.id)
        ).all()
        due_soon = session.scalars(
            update(HumanTask)
            .where(HumanTask.status.in_(OPEN_TASK_STATUSES), HumanTask.due_at >= now, HumanTask.due_at < soon,
                   HumanTask.deadline_state == ON_TRACK)
            .values(deadline_state=DUE_SOON).returning(HumanTask.id)
        ).all()
    return len(overdue) + len(due_soon)


def mark_dossier_deadlines(session_factory: sessionmaker[Session], ctx: EngineContext, limit: int = 1000) -> int:
    """Move open dossiers to due_soon / overdue, one dossier per transaction, with their history.

    A dossier whose deadline is less than a working day away and that was never extended now
    requires the apology letter and new appointment, before the deadline passes.
    """
    now = ctx.clock.now().astimezone(UTC)
    soon = due_soon_edge(ctx.calendar, now)
    due = (select(Dossier)
           .where(Dossier.status == DossierStatus.PROCESSING, Dossier.due_at < soon,
                  or_(Dossier.deadline_state == ON_TRACK,
                      (Dossier.deadline_state == DUE_SOON) & (Dossier.due_at < now)))
           .order_by(Dossier.due_at))
    return _sweep_each(session_factory, due, lambda session, dossier: _mark_dossier(session, ctx, dossier, now),
                       limit)


@command("mark_dossier_deadline")
def _mark_dossier(session: Session, ctx: EngineContext, dossier: Dossier, now: datetime) -> int:
    note_dossier(dossier.code)
    state = OVERDUE if dossier.due_at is not None and dossier.due_at < now else DUE_SOON
    buffer = HistoryBuffer(dossier)
    event = HistoryEventType.DOSSIER_OVERDUE if state == OVERDUE else HistoryEventType.DOSSIER_DUE_SOON
    buffer.add(event, now, actor_name=SYSTEM.name, payload={"due_at": dossier.due_at.isoformat()
                                                            if dossier.due_at else None})
    values: dict[str, object] = {"deadline_state": state}
    if state == DUE_SOON and not dossier.extended and not dossier.apology_required:
        values["apology_required"] = True
        buffer.add(HistoryEventType.APOLOGY_REQUIRED, now, actor_name=SYSTEM.name,
                   payload={"due_at": dossier.due_at.isoformat() if dossier.due_at else None,
                            "reason": "Còn dưới một ngày làm việc đến hạn trả kết quả"})
    buffer.flush(session)
    write_dossier(session, ctx, dossier, {**values, **buffer.head_values()})
    return 1


def sign_pending_results(session_factory: sessionmaker[Session], ctx: EngineContext, limit: int = 200) -> int:
    """Sign the results of recently closed dossiers that have none yet (engine.signing.results);
    nothing while signing is not configured. Returns how many were signed."""
    if not ctx.settings.signing.configured:
        return 0
    return _sweep_each(session_factory, unsigned_results(ctx.clock.now().astimezone(UTC)),
                       lambda session, dossier: _sign_or_say_why(session, ctx, dossier), limit)


def _sign_or_say_why(session: Session, ctx: EngineContext, dossier: Dossier) -> int:
    try:
        sign_result(session, ctx, dossier)
    except SigningUnavailableError as error:
        # Committed all the same: the dossier's history now says why (once per reason).
        log.warning("signing_unavailable", extra={"dossier": dossier.code, "error": error.message_en})
        return 0
    return 1


def sweep(session_factory: sessionmaker[Session], ctx: EngineContext) -> dict[str, int]:
    """Everything the scheduler does on each tick."""
    ctx.refresh_calendar(session_factory)  # deadlines follow a calendar another process changed
    return {
        "timers_fired": fire_due_timers(session_factory, ctx),
        "tasks_marked": mark_task_deadlines(session_factory, ctx),
        "dossiers_marked": mark_dossier_deadlines(session_factory, ctx),
        "pauses_expired": flag_expired_pauses(session_factory, ctx),
        "idempotency_keys_purged": purge_idempotency_keys(session_factory, ctx),
        "tokens_purged": purge_tokens(session_factory, ctx),
        "results_signed": sign_pending_results(session_factory, ctx),
        "anchors_written": anchor_if_due(session_factory, ctx.settings, ctx.clock.now()),
        "figures_folded": fold_daily_figures(session_factory),
    }


def fold_daily_figures(session_factory: sessionmaker[Session]) -> int:
    """Fold what commands appended to the figures' journals into the daily rows (changes no figure)."""
    with session_factory.begin() as session:
        return fold_figures(session)


def purge_idempotency_keys(session_factory: sessionmaker[Session], ctx: EngineContext) -> int:
    """Forget the answers kept for retries once their keys have expired."""
    with session_factory.begin() as session:
        return purge_expired_keys(session, ctx.clock.now())


def purge_tokens(session_factory: sessionmaker[Session], ctx: EngineContext) -> int:
    """Delete expired tokens (and so browser sessions): one set-based DELETE, idempotent."""
    with session_factory.begin() as session:
        return purge_expired_tokens(session, ctx.clock.now())


def flag_expired_pauses(session_factory: sessionmaker[Session], ctx: EngineContext, limit: int = 1000) -> int:
    """Record, once, every dossier that has waited for the citizen longer than its procedure allows."""
    now = ctx.clock.now().astimezone(UTC)
    paused = (select(Dossier).where(Dossier.paused_at.is_not(None), Dossier.deadline_state != PAUSE_EXPIRED)
              .order_by(Dossier.paused_at))
    return _sweep_each(session_factory, paused,
                       lambda session, dossier: int(_pause_expired(session, ctx, dossier, now)), limit)


@command("flag_expired_pause")
def _pause_expired(session: Session, ctx: EngineContext, dossier: Dossier, now: datetime) -> bool:
    note_dossier(dossier.code)
    limit = ctx.version(session, dossier.procedure_version_id).metadata.get("max_pause")
    if not limit or dossier.paused_at is None:
        return False
    ends = pause_limit_end(dossier.paused_at, TimeLimit.parse(limit), ctx)
    if now < ends:
        return False
    buffer = HistoryBuffer(dossier)
    buffer.add(HistoryEventType.PAUSE_EXPIRED, now, actor_name=SYSTEM.name,
               payload={"paused_at": dossier.paused_at.isoformat(), "limit": limit, "ended_at": ends.isoformat(),
                        "reason": "Quá thời hạn công dân bổ sung hồ sơ"})
    buffer.flush(session)
    write_dossier(session, ctx, dossier, {"deadline_state": PAUSE_EXPIRED, **buffer.head_values()})
    return True


def pause_limit_end(paused_at: datetime, limit: TimeLimit, ctx: EngineContext) -> datetime:
    if limit.unit == TimeLimitUnit.CALENDAR_DAYS:
        return paused_at + timedelta(days=limit.value)
    return ctx.calendar.add_working_time(paused_at, limit.working_time(ctx.calendar))
