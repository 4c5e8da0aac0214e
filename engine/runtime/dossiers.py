"""Start a dossier: validate the intake data, number it, run the diagram to its first waits."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.access.policy import authorize
from engine.access.rules import Action
from engine.calendar.deadlines import TimeLimit
from engine.deployment.lifecycle import active_version_id
from engine.errors import FieldProblem, FormInvalidError, NotFoundError, WorkflowFailedError
from engine.history.events import HistoryEventType
from engine.observability import command
from engine.org.text import fold, phone_number
from engine.persistence.models import (
    Center,
    Channel,
    Dossier,
    DossierStatus,
    new_row_version,
)
from engine.runtime import time_limits
from engine.runtime.codes import next_dossier_code
from engine.runtime.command import Actor, Command
from engine.runtime.context import EngineContext, LoadedVersion
from engine.runtime.forms import check_form_data
from engine.runtime.incidents import mark_incident
from engine.runtime.localities import dossier_locality
from engine.runtime.workflow import finish_command


def start_form_name(version: LoadedVersion) -> str | None:
    return start_form_of(version.elements)


def start_form_of(elements: dict[str, Any]) -> str | None:
    """The form a version's start event asks for, from its elements (no need to build the spec)."""
    for element in elements.values():
        if element["type"] == "startEvent" and element.get("properties", {}).get("formJsonSchemaFilename"):
            return str(element["properties"]["formJsonSchemaFilename"])
    return None


@command("start_dossier")
def start_dossier(
    session: Session,
    ctx: EngineContext,
    procedure_key: str,
    *,
    actor: Actor,
    center_code: str,
    channel: Channel | str = Channel.DIRECT,
    data: dict[str, Any],
    applicant: dict[str, Any] | None = None,
) -> Dossier:
    """Receive a dossier (tiếp nhận hồ sơ) and run it until it waits for people or time.

    Does not commit: the caller owns the transaction. When the diagram fails, the session holds the
    dossier as received, in incident state, and WorkflowFailedError is raised with ``incident``
    set: commit to keep it (the API does).
    """
    center = session.scalar(select(Center).where(Center.code == center_code))
    if center is None:
        raise NotFoundError(f"Không có trung tâm '{center_code}'", message_en=f"No center '{center_code}'")
    authorize(session, actor, Action.DOSSIER_START, center, today=ctx.today())
    version = ctx.version(session, active_version_id(session, procedure_key))
    check_form_data(version, start_form_name(version), data)
    locality = dossier_locality(session, version, start_form_name(version), center, data)
    applicant = applicant if applicant is not None else dict(data.get("applicant") or {})
    applicant_name = str(applicant.get("applicant_name") or applicant.get("name") or "").strip()
    if not applicant_name:
        raise FormInvalidError(
            [FieldProblem("applicant/applicant_name", "Trường “Họ và tên người nộp” là bắt buộc",
                          "Field “applicant_name” is required")]
        )
    try:
        channel = Channel(channel)
    except ValueError:
        raise FormInvalidError(
            [FieldProblem("channel", "Kênh nộp hồ sơ không hợp lệ", "Unknown submission channel")]
        ) from None
    received_at = ctx.clock.now().astimezone(UTC)
    code = next_dossier_code(session, center.agency_identifier, received_at, ctx.settings.timezone)

    limit = time_limits.choose_at_reception(ctx, version.metadata, data)
    due_at = time_limits.due_for(ctx, version.metadata, received_at, limit.limit)
    dossier = Dossier(
        due_at=due_at,
        original_due_at=due_at,
        paused_seconds=0,
        supplement_requests=0,
        extended=False,
        late_by_rule=False,
        deadline_state="on_track",
        apology_required=False,
        code=code,
        procedure_version_id=version.id,
        center_id=center.id,
        locality=locality,
        channel=channel,
        status=DossierStatus.PROCESSING,
        applicant_name=applicant_name,
        search_text=fold(f"{code} {applicant_name}"),
        applicant=applicant,
        applicant_phone=phone_number(str(applicant.get("phone") or "")),
        received_at=received_at,
        created_by_id=actor.id,
        event_count=0,
        state="",  # written by finish_command, once the workflow has run
        data={},
        row_version=new_row_version(),
    )
    session.add(dossier)
    session.flush()  # the history rows and task rows need the dossier's id
    reception = Reception(procedure_key, version, actor, center_code, channel, data, limit)
    # The diagram runs in a savepoint: if it fails, only what it did is undone and the dossier
    # stays, as received, in incident state for an administrator to retry (never lost, never stuck).
    savepoint = session.begin_nested()
    try:
        command = reception.command(session, ctx, dossier)
        command.run()
        finish_command(command)
    except WorkflowFailedError as failure:
        savepoint.rollback()
        _keep_failed_reception(session, ctx, dossier, reception, failure)
        raise
    savepoint.commit()
    return dossier


@dataclass
class Reception:
    """What a dossier was received with: enough to run its reception again from the start."""

    procedure_key: str
    version: LoadedVersion
    actor: Actor
    center_code: str
    channel: Channel
    data: dict[str, Any]
    limit: time_limits.LimitChoice

    def command(self, session: Session, ctx: EngineContext, dossier: Dossier) -> Command:
        """The receiving command on a fresh workflow, its start event holding the intake data, with
        the reception's history events."""
        workflow = BpmnWorkflow(self.version.spec, self.version.subprocess_specs, script_engine=ctx.script_engine)
        start = workflow.get_next_task(state=TaskState.READY)
        start.data.update(copy.deepcopy(self.data))
        start.data.update(dossier_code=dossier.code, received_at=dossier.received_at.isoformat(),
                          channel=str(self.channel))
        command = Command(session, ctx, dossier, self.version, workflow, self.actor, dossier.received_at,
                          starting=True)
        command.history.add(
            HistoryEventType.DOSSIER_RECEIVED,
            dossier.received_at,
            actor_id=self.actor.id,
            actor_name=self.actor.name,
            # The code is an input of the run (scripts see dossier_code): chained, so replay reads it here.
            payload={"procedure": self.procedure_key, "version": self.version.id, "code": dossier.code,
                     "channel": str(self.channel),
                     "center": self.center_code, "data": copy.deepcopy(self.data),
                     # The legal deadline given at the counter, so the chain covers the dossier's due time.
                     "due_at": dossier.due_at.isoformat() if dossier.due_at else None,
                     **({"locality": dossier.locality} if dossier.locality else {})},
        )
        if time_limits.declares_variants(self.version.metadata):
            time_limits.record(command, self.limit, dossier.due_at)
        return command


def _keep_failed_reception(session: Session, ctx: EngineContext, dossier: Dossier, reception: Reception,
                           failure: WorkflowFailedError) -> None:
    """Store the dossier as it was received, its diagram not yet run, and open an incident whose
    retry runs the diagram from its start."""
    command = reception.command(session, ctx, dossier)
    finish_command(command)  # nothing ran: the received state and the reception's history
    failure.dossier_id, failure.retry = dossier.id, {"kind": "resume"}
    mark_incident(session, ctx, dossier, failure, reception.actor)


def legal_due_at(ctx: EngineContext, version: LoadedVersion, received_at: datetime) -> datetime:
    """The appointment for the result under the procedure's default legal limit."""
    return time_limits.due_for(ctx, version.metadata, received_at, TimeLimit.parse(version.metadata["time_limit"]))
