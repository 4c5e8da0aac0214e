"""A human task row for a step that became ready: its unit, role, due time and assignee."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from SpiffWorkflow.task import Task as SpiffTask
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.calendar.deadlines import TimeLimit, step_due_at
from engine.errors import PermissionDeniedError, WorkflowFailedError
from engine.history.events import HistoryEventType
from engine.org.assignment import choose_assignee
from engine.org.directory import normalise_role
from engine.org.text import fold
from engine.persistence.models import HumanTask, Official, TaskStatus
from engine.runtime.command import Command
from engine.runtime.localities import step_department


def local_day(command: Command) -> date:
    return command.at.astimezone(ZoneInfo(command.ctx.settings.timezone)).date()


def new_human_task(command: Command, spiff_task: SpiffTask, element: dict[str, Any]) -> dict[str, Any]:
    lane = element.get("lane")
    binding = command.version.metadata.get("lanes", {}).get(lane, {}) if lane else {}
    properties = element.get("properties", {})
    element_id = spiff_task.task_spec.bpmn_id
    department = step_department(binding.get("department"), command.dossier, element_id)
    if binding.get("department_expression"):
        # A consultation chosen at run time: each multi-instance child names its own department.
        department = _evaluate(command, spiff_task, binding["department_expression"]) or department
    excluded = four_eyes_excluded(command.session, command.version.metadata, command.dossier.id, element_id)
    assignee = choose_assignee(command.session, binding, department, local_day(command), excluded,
                               command.dossier.center_id)
    dossier = command.dossier
    row = {
        "id": spiff_task.id,
        "dossier_id": dossier.id,
        "element_id": element_id,
        "name": spiff_task.task_spec.bpmn_name or element_id,
        "lane": lane,
        "department": department,
        "candidate_role": normalise_role(binding.get("role")),
        "stage": properties.get("stage"),
        "form_name": properties.get("formJsonSchemaFilename"),
        "status": TaskStatus.CLAIMED if assignee else TaskStatus.READY,
        "assignee_id": assignee,
        "assigned_at": command.at if assignee else None,
        "delegated_by_id": None,
        "procedure_key": command.version.key,
        "center_id": dossier.center_id,
        "dossier_code": dossier.code,
        "search_text": fold(f"{dossier.code} {dossier.applicant_name}"),
        "ready_at": command.at,
        "claimed_at": None,
        "completed_at": None,
        "completed_by_id": None,
        "due_at": _due_at(command, properties.get("allottedTime")),
        "deadline_state": "on_track",
        "submitted_data": None,
    }
    if assignee:
        name = command.session.scalar(select(Official.full_name).where(Official.id == assignee))
        command.history.add(HistoryEventType.TASK_ASSIGNED, command.at, actor_name="Hệ thống",
                            element_id=element_id, element_name=row["name"], element_type=element.get("type"),
                            lane=lane, task_id=str(spiff_task.id),
                            payload={"assignee_id": assignee, "assignee": name, "policy": binding.get("policy")})
    return row


def _due_at(command: Command, allotted: str | None) -> datetime:
    if allotted:
        return step_due_at(command.at, TimeLimit.parse(allotted), command.ctx.calendar)
    # Without its own allotment a step is due when the dossier is; inbox order needs a time.
    return command.dossier.due_at or command.at + timedelta(days=1)


def _evaluate(command: Command, spiff_task: SpiffTask, expression: str) -> str | None:
    try:
        value = command.ctx.script_engine.environment.evaluate(expression, spiff_task.data)
    except Exception as exc:  # noqa: BLE001 - reported as the dossier's failure, with the step
        raise WorkflowFailedError(
            f"Không xác định được đơn vị xử lý bước {spiff_task.task_spec.bpmn_id}: {exc}",
            element_id=spiff_task.task_spec.bpmn_id, detail=str(exc)) from exc
    return None if value is None else str(value)


def four_eyes_excluded(session: Session, metadata: dict[str, Any], dossier_id: int, element_id: str) -> set[int]:
    """Officials who may not do ``element_id`` because they did the step it checks (four-eyes)."""
    earlier = [pair[0] for pair in metadata.get("four_eyes", []) if len(pair) == 2 and pair[1] == element_id]
    if not earlier:
        return set()
    return set(session.scalars(
        select(HumanTask.completed_by_id).where(
            HumanTask.dossier_id == dossier_id, HumanTask.element_id.in_(earlier),
            HumanTask.status == TaskStatus.COMPLETED, HumanTask.completed_by_id.is_not(None))
    ))


def check_four_eyes(session: Session, metadata: dict[str, Any], task: HumanTask, official_id: int | None) -> None:
    if official_id is not None and official_id in four_eyes_excluded(session, metadata, task.dossier_id,
                                                                     task.element_id):
        raise PermissionDeniedError(
            f"Nguyên tắc bốn mắt: người đã thẩm định không được phê duyệt bước “{task.name}” của cùng hồ sơ",
            message_en=f"Four-eyes rule: whoever appraised may not also do “{task.name}” on the same dossier")
