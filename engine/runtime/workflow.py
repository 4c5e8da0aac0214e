"""Shared machinery of every command: lock, load, run SpiffWorkflow until it waits, write back."""

from __future__ import annotations

import copy
import functools
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.task import Task as SpiffTask
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import Table, bindparam, insert, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from engine.errors import ConflictError, WorkflowFailedError
from engine.history.events import HistoryEventType
from engine.persistence.models import (
    Dossier,
    DossierStatus,
    HumanTask,
    TaskStatus,
    new_row_version,
    table_of,
)
from engine.persistence.state import (
    drop_detached_subprocesses,
    dump_changes,
    full_document,
    load_stored_workflow,
)
from engine.persistence.task_rows import read_task_rows, write_task_rows
from engine.runtime import clock_rules, time_limits
from engine.runtime.command import Command
from engine.runtime.context import EngineContext, LoadedVersion
from engine.runtime.human_tasks import new_human_task
from engine.runtime.transitions import Transition
from engine.statistics.upkeep import (
    FigureRows,
    journal_ctes,
    journal_rows,
    record_command,
    write_figures,
)

_EVENT_FOR_STATE = {
    "READY": HistoryEventType.STEP_READY,
    "WAITING": HistoryEventType.STEP_WAITING,
    "STARTED": HistoryEventType.STEP_STARTED,
    "COMPLETED": HistoryEventType.STEP_COMPLETED,
    "ERROR": HistoryEventType.STEP_FAILED,
    "CANCELLED": HistoryEventType.STEP_CANCELLED,
}
HUMAN_TYPES = ("userTask", "manualTask", "task")  # SpiffWorkflow leaves a plain task for a person too
_DOSSIER = table_of(Dossier)
_HUMAN_TASK = table_of(HumanTask)


def load_dossier_workflow(
    session: Session, ctx: EngineContext, dossier: Dossier, version: LoadedVersion
) -> BpmnWorkflow:
    """The dossier's workflow, from the process cache when its row version still matches."""
    workflow = ctx.workflows.take(dossier.id, dossier.row_version)
    if workflow is None:
        workflow = load_stored_workflow(
            dossier.state, read_task_rows(session, dossier.id), version.spec, version.subprocess_specs
        )
    # A deserialized workflow gets SpiffWorkflow's unrestricted engine back (brief §0.5).
    workflow.script_engine = ctx.script_engine
    return workflow


def write_dossier(session: Session, ctx: EngineContext, dossier: Dossier, values: dict[str, Any],
                  workflow: BpmnWorkflow | None = None, figures: Sequence[FigureRows] = ()) -> None:
    """UPDATE the dossier row in one statement, guarded by its row version, with what the command
    adds to the daily figures (``engine.statistics.upkeep``): inside that statement on PostgreSQL.

    The loaded object is brought up to date without being marked dirty, so the ORM never writes
    the row a second time. The cached workflow moves to the new row version.
    """
    old_version = dossier.row_version
    values = {**values, "row_version": new_row_version()}
    params = {**values, "b_id": dossier.id, "b_old_version": old_version}
    connection = session.connection()
    if figures and connection.dialect.name == "postgresql":
        journals, figure_params = journal_rows(figures)
        statement = _dossier_update(tuple(sorted(values)), journals)
        params.update(figure_params)
    else:
        write_figures(session, figures)
        statement = _dossier_update(tuple(sorted(values)))
    result = connection.execute(statement, params)
    if result.rowcount != 1:
        raise ConflictError(
            f"Hồ sơ {dossier.code} vừa được người khác cập nhật; hãy tải lại và thử lại",
            message_en=f"Dossier {dossier.code} was just changed by someone else; reload and try again",
        )
    for name, value in values.items():
        set_committed_value(dossier, name, value)
    if workflow is None:
        workflow = ctx.workflows.take(dossier.id, old_version)
    if workflow is not None:
        ctx.workflows.put(dossier.id, dossier.row_version, workflow)


@functools.lru_cache(maxsize=256)
def _dossier_update(columns: tuple[str, ...], journals: tuple[Table, ...] = ()) -> Any:
    # Built once per set of columns and figures: statement construction costs more than its execution here.
    statement = (
        update(_DOSSIER)
        .where(_DOSSIER.c.id == bindparam("b_id"), _DOSSIER.c.row_version == bindparam("b_old_version"))
        .values({name: bindparam(name) for name in columns})
    )
    return statement.add_cte(*journal_ctes(journals)) if journals else statement


_INSERT_HUMAN_TASKS = insert(_HUMAN_TASK)
_CANCEL_HUMAN_TASKS = (
    update(_HUMAN_TASK)
    .where(_HUMAN_TASK.c.id.in_(bindparam("ids", expanding=True)))
    .values(status=TaskStatus.CANCELLED)
)


def finish_command(command: Command, values: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Turn the captured transitions into history and task rows; write the dossier's new state.

    A step whose diagram expression fails here (a department chosen at run time) fails the
    command like a failure inside the run, with the same way to retry it.
    """
    try:
        return _finish_command(command, values)
    except WorkflowFailedError as failure:
        if failure.dossier_id is None:
            failure.dossier_id, failure.retry = command.dossier.id, command.retry_plan()
        raise


def _finish_command(command: Command, values: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The body of finish_command.

    Everything is written with one statement per table (the ORM unit of work costs more than the
    writes themselves on this path). Returns the rows of the human tasks that became ready.
    """
    session, dossier, workflow = command.session, command.dossier, command.workflow
    settled = settle_command(command, values, lambda spiff_task, element: new_human_task(command, spiff_task, element))
    if settled.new_tasks:
        session.connection().execute(_INSERT_HUMAN_TASKS, settled.new_tasks)
    if settled.cancelled:
        _cancel_human_tasks(session, settled.cancelled)
    changes = dump_changes(workflow, {t.task_id for t in command.transitions})
    write_task_rows(session, dossier.id, changes)
    values = {**settled.values, "state": changes.meta, **command.history.head_values()}
    command.history.flush(session)
    figures = record_command(command, values, settled.new_tasks)
    write_dossier(session, command.ctx, dossier, values, workflow, figures)
    if command.ctx.settings.verify_state_writes:
        verify_stored_state(session, command.ctx, dossier, workflow)
    return settled.new_tasks


@dataclass
class Settlement:
    """What a command's run implies, before anything is written: the dossier columns it sets, the
    human tasks that became ready (rows to insert) and those cancelled. Its history events are in
    the command's buffer."""

    values: dict[str, Any]
    new_tasks: list[dict[str, Any]]
    cancelled: list[uuid.UUID]


ReadyStep = Callable[[SpiffTask, dict[str, Any]], dict[str, Any]]
"""Makes the human task row of a step that became ready (and records its assignment, if any)."""


def settle_command(command: Command, forced: dict[str, Any] | None, ready_step: ReadyStep) -> Settlement:
    """Turn the captured transitions into history events, task rows and dossier columns, writing
    nothing: the command writes them (``finish_command``), a replay compares them
    (``engine.audit.replay``), so both derive the record the same way."""
    version, workflow = command.version, command.workflow
    new_tasks: list[dict[str, Any]] = []
    cancelled: list[uuid.UUID] = []
    ends: list[str] = []
    forced, values = dict(forced or {}), dict[str, Any]()
    for transition in command.transitions:
        spiff_task = _find_task(workflow, transition.task_id)
        if spiff_task is None:
            continue
        element_id = spiff_task.task_spec.bpmn_id
        if element_id is None:
            continue
        element = version.elements.get(element_id, {})
        _record_transition(command, transition, spiff_task, element)
        element_type = element.get("type")
        if element_type in HUMAN_TYPES and not _is_multi_instance_parent(spiff_task):
            if transition.state == "READY":
                new_tasks.append(ready_step(spiff_task, {**element, "id": element_id}))
            elif transition.state == "CANCELLED":
                cancelled.append(transition.task_id)
            _drive_clock(command, values, transition.state, {**element, "id": element_id}, spiff_task.data)
        if transition.state == "COMPLETED":
            time_limits.reselect_at_step(command, values, {**element, "id": element_id}, spiff_task.data)
        if element_type == "endEvent" and transition.state == "COMPLETED":
            ends.append(element_id)
    values.update(forced)  # what the command decided (withdrawn, stopped) wins over what steps implied
    _dossier_changes(command, _result_end(version, ends), values)
    # Only now, once their cancellations are recorded: what the database could not give back.
    drop_detached_subprocesses(workflow)
    return Settlement(values, new_tasks, cancelled)


def _cancel_human_tasks(session: Session, task_ids: list[uuid.UUID]) -> None:
    """One UPDATE; task rows this session has loaded are brought up to date, as the ORM would."""
    session.connection().execute(_CANCEL_HUMAN_TASKS, {"ids": task_ids})
    for task_id in task_ids:
        loaded = session.identity_map.get(session.identity_key(HumanTask, task_id))
        if loaded is not None:
            set_committed_value(loaded, "status", TaskStatus.CANCELLED)


def _find_task(workflow: BpmnWorkflow, task_id: uuid.UUID) -> SpiffTask | None:
    try:
        return workflow.get_task_from_id(task_id)
    except (WorkflowException, KeyError):
        return None  # removed from the tree later in the same command (e.g. a predicted branch)


def _is_multi_instance_parent(spiff_task: SpiffTask) -> bool:
    return type(spiff_task.task_spec).__name__.endswith("MultiInstanceTask")


def _record_transition(
    command: Command, transition: Transition, spiff_task: SpiffTask, element: dict[str, Any]
) -> None:
    completion = command.completion
    is_human_completion = (
        completion is not None and transition.state == "COMPLETED" and transition.task_id == completion.task_id
    )
    event_type = HistoryEventType.TASK_COMPLETED if is_human_completion else _EVENT_FOR_STATE.get(transition.state)
    if event_type is None:
        return  # predictions (MAYBE/LIKELY/FUTURE) are not stages
    actor = completion.actor if is_human_completion and completion else command.actor
    payload = None
    if is_human_completion and completion is not None:
        payload = {"data": completion.payload}
        field = element.get("properties", {}).get("decisionField")  # declared, never guessed from names
        if field and field in completion.payload:
            payload["decision"] = {field: completion.payload[field]}
    command.history.add(
        event_type,
        command.at,
        actor_id=actor.id,
        actor_name=actor.name,
        element_id=spiff_task.task_spec.bpmn_id,
        element_name=spiff_task.task_spec.bpmn_name,
        element_type=element.get("type"),
        lane=element.get("lane"),
        task_id=str(transition.task_id),
        payload=payload,
    )


def _drive_clock(command: Command, values: dict[str, Any], state: str, element: dict[str, Any],
                 data: dict[str, Any]) -> None:
    kind = clock_rules.clock_kind(element)
    if kind is None:
        return
    if state == "READY":
        clock_rules.pause(command, values, kind, element, data)
    elif state in ("COMPLETED", "CANCELLED"):
        clock_rules.resume(command, values, element)


def _result_end(version: LoadedVersion, ends: list[str]) -> str | None:
    """The end event that is the dossier's result when several pools end in one command: one in the
    pool that received the dossier (the intake form's process), else the last to complete."""
    lead = next((e.get("process") for e in version.elements.values()
                 if e["type"] == "startEvent" and e.get("properties", {}).get("formJsonSchemaFilename")), None)
    in_lead = [end for end in ends if version.elements.get(end, {}).get("process") == lead]
    chosen = in_lead or ends
    return chosen[-1] if chosen else None


def _dossier_changes(command: Command, end_element: str | None, values: dict[str, Any]) -> None:
    """Add the dossier columns this command sets (but its stored state) to ``values``."""
    workflow, version = command.workflow, command.version
    values["data"] = current_data(workflow)
    if end_element is not None and workflow.completed:
        element = version.elements.get(end_element, {})
        outcome = element.get("properties", {}).get("outcome", "issued")
        status = DossierStatus.REFUSED if outcome == "refused" else DossierStatus.COMPLETED
        clock_rules.resume(command, values, {"id": end_element, "name": element.get("name")})
        values.update(status=status, completed_at=command.at, result_element_id=end_element,
                      result_name=element.get("name"), timeliness=clock_rules.final_timeliness(command, values))
        command.history.add(
            HistoryEventType.DOSSIER_COMPLETED,
            command.at,
            actor_id=command.actor.id,
            actor_name=command.actor.name,
            element_id=end_element,
            element_name=element.get("name"),
            payload={"status": str(status), "result": element.get("name"), "timeliness": values["timeliness"]},
        )
    values["wake_at"] = _earliest_timer(workflow) if version.has_timers else None


def verify_stored_state(session: Session, ctx: EngineContext, dossier: Dossier, workflow: BpmnWorkflow) -> None:
    """Check that the stored rows reassemble into exactly the in-memory workflow (tests turn it on)."""
    version = ctx.version(session, dossier.procedure_version_id)
    stored = load_stored_workflow(dossier.state, read_task_rows(session, dossier.id), version.spec,
                                  version.subprocess_specs)
    expected, actual = full_document(workflow), full_document(stored)
    if expected != actual:
        raise AssertionError(f"stored state of dossier {dossier.code} diverges from the workflow")


def current_data(workflow: BpmnWorkflow) -> dict[str, Any]:
    if workflow.completed:
        data = workflow.data
    elif workflow.last_task is not None:
        data = workflow.last_task.data
    else:
        data = {}
    return json_data(data)


def json_data(data: dict[str, Any]) -> dict[str, Any]:
    """A copy of task data with its JSON values only (scripts may leave other objects in it)."""
    return copy.deepcopy({k: v for k, v in data.items() if _is_json_value(v)})


def _is_json_value(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool, list, dict)) or value is None


def _earliest_timer(workflow: BpmnWorkflow) -> datetime | None:
    instants = []
    for event in workflow.waiting_events():
        if event.event_type == "TimerEventDefinition" and isinstance(event.value, str):
            instants.append(datetime.fromisoformat(event.value))
    for spiff_task in workflow.get_tasks(state=TaskState.WAITING):
        value = spiff_task.internal_data.get("event_value")
        if isinstance(value, str) and value[:4].isdigit():
            instants.append(datetime.fromisoformat(value))
    normalised = [i if i.tzinfo else i.replace(tzinfo=UTC) for i in instants]
    return min(normalised) if normalised else None
