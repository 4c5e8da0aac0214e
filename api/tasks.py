"""Officials' tasks: list, claim, release, complete."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import joinedload

from api.access import seen_tasks
from api.deps import current_actor, current_engine, get_session
from api.idempotency import HEADER_DOC as IDEMPOTENCY_HEADER
from api.idempotency import idempotent
from api.schemas import CompleteTaskArgsSchema, HumanTaskDetailSchema, HumanTaskSchema, TaskQueryArgsSchema
from engine.access.policy import task_not_found
from engine.persistence.models import Dossier, HumanTask, ProcedureVersion, TaskStatus
from engine.runtime.tasks import claim_task, complete_task, release_task

blp = Blueprint("tasks", __name__, url_prefix="/api/v1/tasks", description="Công việc / Officials' tasks")

_STATUS_FILTER = {
    "ready": [TaskStatus.READY],
    "claimed": [TaskStatus.CLAIMED],
    "open": [TaskStatus.READY, TaskStatus.CLAIMED],
    "completed": [TaskStatus.COMPLETED],
}


def _load_task(task_id: uuid.UUID, scope: ColumnElement[bool] | None = None) -> HumanTask:
    """The task if the official may see it (``scope``: their tasks' clause, when already built), else 404."""
    task = get_session().scalar(
        select(HumanTask)
        .options(joinedload(HumanTask.dossier), joinedload(HumanTask.assignee), joinedload(HumanTask.completed_by))
        .where(HumanTask.id == task_id, seen_tasks() if scope is None else scope)
    )
    if task is None:
        raise task_not_found(task_id)
    return task


def _task_detail(task: HumanTask) -> HumanTask:
    forms = get_session().scalar(
        select(ProcedureVersion.forms).join(Dossier, Dossier.procedure_version_id == ProcedureVersion.id)
        .where(Dossier.id == task.dossier_id)
    ) or {}
    task.form = forms.get(task.form_name) if task.form_name else None  # type: ignore[attr-defined]
    return task


@blp.route("")
class Tasks(MethodView):
    @blp.arguments(TaskQueryArgsSchema, location="query")
    @blp.response(200, HumanTaskSchema(many=True))
    @blp.doc(security=[{"bearerAuth": []}])
    def get(self, args: dict[str, Any]) -> Any:
        """List tasks (READY by default), oldest first"""
        actor = current_actor()
        query = (
            select(HumanTask)
            .options(joinedload(HumanTask.dossier), joinedload(HumanTask.assignee), joinedload(HumanTask.completed_by))
            .where(HumanTask.status.in_(_STATUS_FILTER[args["status"]]), seen_tasks())
            .order_by(HumanTask.ready_at, HumanTask.id)
            .limit(args["limit"])
        )
        if args.get("dossier"):
            query = query.join(Dossier, HumanTask.dossier_id == Dossier.id).where(Dossier.code == args["dossier"])
        if args.get("mine"):
            query = query.where(HumanTask.assignee_id == actor.id)
        return get_session().scalars(query).unique().all()


@blp.route("/<uuid:task_id>")
class TaskDetail(MethodView):
    @blp.response(200, HumanTaskDetailSchema)
    @blp.doc(security=[{"bearerAuth": []}])
    def get(self, task_id: uuid.UUID) -> Any:
        """One task, with the JSON Schema of its form"""
        return _task_detail(_load_task(task_id))


@blp.route("/<uuid:task_id>/claim")
class TaskClaim(MethodView):
    @blp.response(200, HumanTaskSchema)
    @blp.doc(security=[{"bearerAuth": []}])
    def post(self, task_id: uuid.UUID) -> Any:
        """Claim a task (nhận xử lý); 409 when someone else was first"""
        session = get_session()
        scope = seen_tasks()  # before the command: after the commit, one short read (on SQLite, a write lock)
        claim_task(session, current_engine(), task_id, actor=current_actor())
        session.commit()
        return _load_task(task_id, scope)


@blp.route("/<uuid:task_id>/release")
class TaskRelease(MethodView):
    @blp.response(200, HumanTaskSchema)
    @blp.doc(security=[{"bearerAuth": []}])
    def post(self, task_id: uuid.UUID) -> Any:
        """Give a claimed task back to its pool"""
        session = get_session()
        scope = seen_tasks()  # before the command: after the commit, one short read (on SQLite, a write lock)
        release_task(session, current_engine(), task_id, actor=current_actor())
        session.commit()
        return _load_task(task_id, scope)


@blp.route("/<uuid:task_id>/complete")
class TaskCompletion(MethodView):
    @blp.arguments(CompleteTaskArgsSchema)
    @idempotent
    @blp.response(200, HumanTaskDetailSchema)
    @blp.doc(security=[{"bearerAuth": []}], parameters=[IDEMPOTENCY_HEADER])
    def post(self, args: dict[str, Any], task_id: uuid.UUID) -> Any:
        """Complete a task with its form data; the dossier moves on to its next steps
        ---
        422 lists every invalid field (Vietnamese by default; send Accept-Language: en for English).
        409 when the task was already completed by someone else.
        """
        session = get_session()
        scope = seen_tasks()  # before the command: after the commit, one short read (on SQLite, a write lock)
        complete_task(session, current_engine(), task_id, actor=current_actor(), data=args["data"])
        return _task_detail(_load_task(task_id, scope))
