"""Case-dependent legal time limits: a procedure's ``time_limit_variants`` pick the limit a dossier
runs on, at reception or when a named step completes, and the history records which and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from engine.calendar.deadlines import TimeLimit, dossier_due_at
from engine.errors import WorkflowFailedError
from engine.history.events import HistoryEventType

if TYPE_CHECKING:
    from engine.runtime.command import Command
    from engine.runtime.context import EngineContext

RECEPTION = "reception"
DEFAULT = "default"


@dataclass(frozen=True)
class LimitChoice:
    """The legal time limit chosen for a dossier: a declared variant, or the procedure's default."""

    name: str
    limit: TimeLimit
    at: str = RECEPTION
    condition: str | None = None
    reason: dict[str, str] = field(default_factory=dict)

    def payload(self, due_at: datetime | None) -> dict[str, Any]:
        return {"limit": self.name, **self.limit.to_dict(), "at": self.at, "condition": self.condition,
                "reason": self.reason, "due_at": due_at.isoformat() if due_at else None}


def declares_variants(metadata: dict[str, Any]) -> bool:
    return bool(metadata.get("time_limit_variants"))


def choose(ctx: EngineContext, metadata: dict[str, Any], at: str, data: dict[str, Any]) -> LimitChoice | None:
    """The first variant evaluated ``at`` (reception or a step id) whose condition holds on ``data``."""
    for variant in metadata.get("time_limit_variants", []):
        if variant.get("at", RECEPTION) != at:
            continue
        if _holds(ctx, variant["when"], data, at):
            return LimitChoice(variant["id"], TimeLimit.parse(variant), at, variant["when"],
                               dict(variant.get("reason") or {}))
    return None


def choose_at_reception(ctx: EngineContext, metadata: dict[str, Any], data: dict[str, Any]) -> LimitChoice:
    chosen = choose(ctx, metadata, RECEPTION, data)
    return chosen or LimitChoice(DEFAULT, TimeLimit.parse(metadata["time_limit"]))


def due_for(ctx: EngineContext, metadata: dict[str, Any], received_at: datetime, limit: TimeLimit) -> datetime:
    """The appointment for the result: ``limit`` on the working calendar from the receipt."""
    cutoff = metadata.get("receipt_cutoff")
    return dossier_due_at(received_at, limit, ctx.calendar, cutoff=time.fromisoformat(cutoff) if cutoff else None)


def record(command: Command, choice: LimitChoice, due_at: datetime | None,
           element: dict[str, Any] | None = None) -> None:
    element = element or {}
    command.history.add(HistoryEventType.TIME_LIMIT_SELECTED, command.at, actor_id=command.actor.id,
                        actor_name=command.actor.name, element_id=element.get("id"),
                        element_name=element.get("name"), payload=choice.payload(due_at))


def reselect_at_step(command: Command, values: dict[str, Any], element: dict[str, Any], data: dict[str, Any]) -> None:
    """When a step named by a variant completes, its data may switch the dossier to that limit.

    The new deadline counts from the receipt, as the law's limit does, plus the working time the
    clock already stood still for the citizen.
    """
    metadata, dossier = command.version.metadata, command.dossier
    if not declares_variants(metadata):
        return
    choice = choose(command.ctx, metadata, str(element.get("id")), data)
    if choice is None:
        return
    original = due_for(command.ctx, metadata, dossier.received_at, choice.limit)
    paused = timedelta(seconds=values.get("paused_seconds", dossier.paused_seconds) or 0)
    due_at = command.ctx.calendar.add_working_time(original, paused) if paused else original
    values.update(original_due_at=original, due_at=due_at, deadline_state="on_track")
    record(command, choice, due_at, element)


def _holds(ctx: EngineContext, condition: str, data: dict[str, Any], at: str) -> bool:
    try:
        return bool(ctx.script_engine.environment.evaluate(condition, data))
    except Exception as exc:  # noqa: BLE001 - reported as the dossier's failure, naming the condition
        raise WorkflowFailedError(
            f"Không đánh giá được điều kiện chọn thời hạn giải quyết “{condition}” ({at}): {exc}",
            element_id=None if at == RECEPTION else at, detail=str(exc)) from exc
