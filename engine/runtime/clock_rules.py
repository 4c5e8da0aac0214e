"""The dossier's legal clock as the diagram drives it.

A user task whose ``clock`` property is ``supplement`` or ``payment`` is time the citizen owns:
while it is open the dossier clock is paused; when it completes, the due time moves by the
working time the pause took (domain brief §2.3, variant a). The second supplementation request of
a dossier is recorded as making it late (Decision 766).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from engine.calendar.deadlines import Timeliness, classify_completion, shift_for_pause
from engine.history.events import HistoryEventType
from engine.persistence.models import DossierStatus
from engine.runtime.command import Command
from forms.roles import fields_with_role

PAUSE_STATUS = {"supplement": DossierStatus.AWAITING_SUPPLEMENT, "payment": DossierStatus.AWAITING_PAYMENT}
PAUSE_REASON_VI = {"supplement": "Chờ công dân bổ sung hồ sơ", "payment": "Chờ thực hiện nghĩa vụ tài chính"}


def clock_kind(element: dict[str, Any]) -> str | None:
    kind = element.get("properties", {}).get("clock")
    return kind if kind in PAUSE_STATUS else None


def pause(command: Command, values: dict[str, Any], kind: str, element: dict[str, Any], data: dict[str, Any]) -> None:
    """Stop the clock: the dossier waits for the citizen from now on."""
    dossier = command.dossier
    if dossier.paused_at is not None or "paused_at" in values:
        return  # already waiting (two waiting steps at once): one pause
    requests = (dossier.supplement_requests or 0) + (1 if kind == "supplement" else 0)
    late = requests > 1
    values.update(paused_at=command.at, paused_reason=kind, status=PAUSE_STATUS[kind], supplement_requests=requests)
    if late:
        values["late_by_rule"] = True
    reason = _declared_reason(command.version.forms, data) or PAUSE_REASON_VI[kind]
    command.history.add(
        HistoryEventType.CLOCK_PAUSED, command.at, actor_id=command.actor.id, actor_name=command.actor.name,
        element_id=element.get("id"), element_name=element.get("name"),
        payload={"kind": kind, "reason": reason, "due_at": _iso(dossier.due_at),
                 "supplement_request": requests if kind == "supplement" else None,
                 "counts_as_late": late},
    )


def _declared_reason(forms: dict[str, Any], data: dict[str, Any]) -> Any:
    """What the forms declare as the reason: missing documents, a supplementation reason, an opinion."""
    for role in ("missing_documents", "supplement_reason", "opinion"):
        for name in fields_with_role(forms.values(), role):
            if data.get(name):
                return data[name]
    return None


def resume(command: Command, values: dict[str, Any], element: dict[str, Any]) -> None:
    """Restart the clock: the due time moves by the working time the citizen took."""
    dossier = command.dossier
    paused_at = values.get("paused_at", dossier.paused_at)
    if paused_at is None:
        return
    calendar = command.ctx.calendar
    paused = calendar.working_time_between(paused_at, command.at)
    new_due = shift_for_pause(dossier.due_at, paused_at, command.at, calendar) if dossier.due_at else None
    # deadline_state goes back to on_track so the scheduler judges the shifted deadline afresh.
    values.update(paused_at=None, paused_reason=None, status=DossierStatus.PROCESSING, due_at=new_due,
                  deadline_state="on_track",
                  paused_seconds=(dossier.paused_seconds or 0) + int(paused.total_seconds()))
    command.history.add(
        HistoryEventType.CLOCK_RESUMED, command.at, actor_id=command.actor.id, actor_name=command.actor.name,
        element_id=element.get("id"), element_name=element.get("name"),
        payload={"paused_from": _iso(paused_at), "resumed_at": _iso(command.at),
                 "paused_working_seconds": int(paused.total_seconds()),
                 "due_at_before": _iso(dossier.due_at), "due_at": _iso(new_due)},
    )


def final_timeliness(command: Command, values: dict[str, Any]) -> str | None:
    dossier = command.dossier
    due_at = values.get("due_at", dossier.due_at)
    if due_at is None:
        return None
    if values.get("late_by_rule", dossier.late_by_rule):
        return Timeliness.LATE.value
    return classify_completion(command.at, due_at, command.ctx.calendar).value


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
