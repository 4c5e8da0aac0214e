"""Moving a dossier in incident to another version of its procedure, so that its retry runs the
corrected diagram.

SpiffWorkflow aligns the two versions' task specs by element id (``SpiffWorkflow.bpmn.util.diff``)
and re-points the dossier's tasks at the new specs; its running steps are reset and predicted
again on the new diagram, keeping their ids, so the open human tasks (whose ids are SpiffWorkflow's)
stay what they were. A dossier whose tree holds a step the target version no longer has cannot be
moved: it is refused, naming the step.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.util.diff import diff_workflow, migrate_workflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.audit.admin_chain import record_admin
from engine.deployment.lifecycle import checked_reason
from engine.errors import (
    FieldProblem,
    FormInvalidError,
    IncidentStateError,
    MigrationRefusedError,
    NotFoundError,
)
from engine.history.events import HistoryEventType
from engine.history.recorder import HistoryBuffer
from engine.persistence.models import OPEN_TASK_STATUSES, Dossier, HumanTask, ProcedureVersion
from engine.persistence.state import dump_changes, serializer
from engine.persistence.task_rows import write_task_rows
from engine.runtime.command import Actor
from engine.runtime.context import EngineContext, LoadedVersion
from engine.runtime.incidents import INCIDENT_STATUS, check_may_handle_incidents, lock_dossier
from engine.runtime.workflow import current_data, load_dossier_workflow, verify_stored_state, write_dossier


def migrate_incident(session: Session, ctx: EngineContext, dossier_code: str, *, version: int,
                     reason: str | None, actor: Actor) -> Dossier:
    """Move the dossier (in incident) to ``version`` of its procedure; it stays in incident until
    an administrator retries it. Does not commit."""
    check_may_handle_incidents(session, actor)
    reason = checked_reason(reason)
    dossier = lock_dossier(session, dossier_code)
    if dossier.status != INCIDENT_STATUS:
        raise IncidentStateError(f"Hồ sơ {dossier.code} không có sự cố đang chờ xử lý",
                                 message_en=f"Dossier {dossier.code} has no open incident")
    current = session.get(ProcedureVersion, dossier.procedure_version_id)
    assert current is not None  # a dossier's version is never deleted
    target = _target(session, current, version)
    source, loaded = ctx.version(session, current.id), ctx.version(session, target.id)
    workflow = load_dossier_workflow(session, ctx, dossier, source)
    _move(workflow, source, loaded, version)
    _check_open_tasks(session, dossier, workflow, version)

    changes = dump_changes(workflow, set(workflow.tasks))  # every task now names the new version's spec
    write_task_rows(session, dossier.id, changes)
    at = ctx.clock.now().astimezone(UTC)
    history = HistoryBuffer(dossier)
    history.add(HistoryEventType.DOSSIER_MIGRATED, at, actor_id=actor.id, actor_name=actor.name,
                payload={"from_version": current.version, "to_version": target.version, "reason": reason})
    history.flush(session)
    record_admin(session, "incident_migrated", actor=actor, at=at, subject=f"dossier:{dossier.code}",
                 payload={"from_version": current.version, "to_version": target.version, "reason": reason})
    write_dossier(session, ctx, dossier, {"procedure_version_id": target.id, "state": changes.meta,
                                          "data": current_data(workflow), **history.head_values()}, workflow)
    if ctx.settings.verify_state_writes:
        verify_stored_state(session, ctx, dossier, workflow)
    return dossier


def _target(session: Session, current: ProcedureVersion, number: int) -> ProcedureVersion:
    target = session.scalar(select(ProcedureVersion).where(ProcedureVersion.procedure_id == current.procedure_id,
                                                           ProcedureVersion.version == number))
    if target is None:
        raise NotFoundError(f"Thủ tục không có phiên bản {number}", message_en=f"The procedure has no version {number}")
    if target.id == current.id:
        raise FormInvalidError([FieldProblem("version", f"Hồ sơ đang ở phiên bản {number}",
                                             f"The dossier is on version {number} already")])
    return target


def _move(workflow: BpmnWorkflow, source: LoadedVersion, target: LoadedVersion, number: int) -> None:
    """Re-point every task at the target's spec of the same element, or refuse naming the steps
    the target lacks (running ones first: they are what the retry would run)."""
    top, subprocesses = diff_workflow(serializer().registry, workflow, target.spec, target.subprocess_specs)
    missing = list(top.removed)
    for sp_id, sp_diff in subprocesses.items():
        sub = workflow.subprocesses[sp_id]
        missing += list(sub.get_tasks()) if sp_diff is None else list(sp_diff.removed)
    if missing:
        missing.sort(key=lambda task: task.has_state(TaskState.FINISHED_MASK))
        raise _refusal(missing, source, number)
    migrate_workflow(top, workflow, target.spec)
    for sp_id, sp_diff in subprocesses.items():
        sub = workflow.subprocesses[sp_id]
        migrate_workflow(sp_diff, sub, target.subprocess_specs[sub.spec.name])
    workflow.subprocess_specs = dict(target.subprocess_specs)


def _refusal(missing: list[Any], source: LoadedVersion, number: int) -> MigrationRefusedError:
    elements = list(dict.fromkeys(task.task_spec.bpmn_id or task.task_spec.name for task in missing))
    named = ", ".join(f"“{source.elements.get(e, {}).get('name') or e}” ({e})" for e in elements)
    return MigrationRefusedError(
        f"Không chuyển được hồ sơ sang phiên bản {number}: phiên bản đó không có bước {named} của hồ sơ",
        message_en=f"The dossier cannot move to version {number}: that version lacks its step {named}",
        element_ids=elements)


def _check_open_tasks(session: Session, dossier: Dossier, workflow: BpmnWorkflow, number: int) -> None:
    """Each open task row is still the same step, ready, in the moved workflow (matched by id and
    element id), so whoever holds it keeps it."""
    rows = session.scalars(select(HumanTask).where(HumanTask.dossier_id == dossier.id,
                                                   HumanTask.status.in_(OPEN_TASK_STATUSES)))
    for row in rows:
        task = workflow.tasks.get(row.id)
        if task is None or task.task_spec.bpmn_id != row.element_id or not task.has_state(TaskState.READY):
            raise MigrationRefusedError(
                f"Không chuyển được hồ sơ sang phiên bản {number}: bước đang mở “{row.name}” ({row.element_id}) "
                "không còn sẵn sàng ở phiên bản đó",
                message_en=f"The dossier cannot move to version {number}: its open step “{row.name}” "
                           f"({row.element_id}) is not ready there",
                element_ids=[row.element_id])
