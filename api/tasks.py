"""Officials' tasks: list, claim, release, complete."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from api.access import task_reader
from api.deps import current_actor, current_engine, current_official, get_session
from api.idempotency import HEADER_DOC as IDEMPOTENCY_HEADER
from api.idempotency import idempotent
from api.schemas import CompleteTaskArgsSchema, HumanTaskDetailSchema, HumanTaskSchema, TaskQueryArgsSchema
from engine.persistence.models import HumanTask
from engine.reads.tasks import TaskQuery, list_tasks, shown_task, task_with_form, with_form
from engine.runtime.tasks import claim_task, complete_task, release_task

# One instance for every completion, instead of a new schema built per request by the parser.
COMPLETE_TASK_ARGS = CompleteTaskArgsSchema()

blp = Blueprint("tasks", __name__, url_prefix="/api/v1/tasks", description="Công việc / Officials' tasks")


def _task_with_form(task_id: uuid.UUID) -> HumanTask:
    engine = current_engine()
    return task_with_form(get_session(), current_official(), task_id, today=engine.today(), versions=engine)


@blp.route("")
class Tasks(MethodView):
    @blp.arguments(TaskQueryArgsSchema, location="query")
    @blp.response(200, HumanTaskSchema(many=True))
    @blp.doc(security=[{"bearerAuth": []}])
    def get(self, args: dict[str, Any]) -> Any:
        """List tasks (READY by default), oldest first"""
        query = TaskQuery(status=args["status"], dossier=args.get("dossier"), mine=args["mine"], limit=args["limit"])
        return list_tasks(get_session(), current_official(), query, today=current_engine().today())


@blp.route("/<uuid:task_id>")
class TaskDetail(MethodView):
    @blp.response(200, HumanTaskDetailSchema)
    @blp.doc(security=[{"bearerAuth": []}])
    def get(self, task_id: uuid.UUID) -> Any:
        """One task, with the JSON Schema of its form"""
        return _task_with_form(task_id)


@blp.route("/<uuid:task_id>/claim")
class TaskClaim(MethodView):
    @blp.response(200, HumanTaskSchema)
    @blp.doc(security=[{"bearerAuth": []}])
    def post(self, task_id: uuid.UUID) -> Any:
        """Claim a task (nhận xử lý); 409 when someone else was first"""
        session = get_session()
        visible = task_reader()
        task = claim_task(session, current_engine(), task_id, actor=current_actor())
        answer = shown_task(task, visible)  # the command's own row: no second read
        session.commit()
        return answer


@blp.route("/<uuid:task_id>/release")
class TaskRelease(MethodView):
    @blp.response(200, HumanTaskSchema)
    @blp.doc(security=[{"bearerAuth": []}])
    def post(self, task_id: uuid.UUID) -> Any:
        """Give a claimed task back to its pool"""
        session = get_session()
        visible = task_reader()
        task = release_task(session, current_engine(), task_id, actor=current_actor())
        answer = shown_task(task, visible)  # the command's own row: no second read
        session.commit()
        return answer


@blp.route("/<uuid:task_id>/complete")
class TaskCompletion(MethodView):
    @blp.arguments(COMPLETE_TASK_ARGS)
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
        visible = task_reader()
        task = complete_task(session, current_engine(), task_id, actor=current_actor(), data=args["data"])
        return with_form(session, shown_task(task, visible), current_engine())
