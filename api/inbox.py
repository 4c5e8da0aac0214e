"""The officials' inbox: my tasks, my unit's queue, what I delegated; and moving work."""

from __future__ import annotations

import uuid
from typing import Any
from zoneinfo import ZoneInfo

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from api.deps import current_actor, current_engine, current_official, get_session
from api.schemas import HumanTaskSchema, instant_field
from engine.org.inbox import InboxFilters, group_by_dossier, inbox_counts, inbox_filters, inbox_listing
from engine.runtime.assignments import delegate_task, reassign_tasks

blp = Blueprint("inbox", __name__, url_prefix="/api/v1", description="Hộp công việc / Officials' inbox")


class InboxQueryArgsSchema(Schema):
    procedure = fields.String(load_default=None, metadata={"description": "procedure key"})
    stage = fields.String(load_default=None, validate=validate.OneOf(
        ["receive", "appraise", "consult", "approve", "pay", "return"]))
    center = fields.String(load_default=None, metadata={"description": "center code"})
    due_before = instant_field(load_default=None)
    overdue = fields.Boolean(load_default=False)
    q = fields.String(load_default=None, validate=validate.Length(max=100),
                      metadata={"description": "dossier code or applicant name, accents optional"})
    cursor = fields.String(load_default=None)
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    group = fields.String(load_default=None, validate=validate.OneOf(["dossier"]))


class InboxPageSchema(Schema):
    tasks = fields.List(fields.Nested(HumanTaskSchema))
    groups = fields.List(fields.Dict(), metadata={"description": "with group=dossier"})
    next_cursor = fields.String(allow_none=True)


class InboxCountsSchema(Schema):
    mine = fields.Integer()
    mine_overdue = fields.Integer()
    queue = fields.Integer()
    queue_overdue = fields.Integer()
    delegated = fields.Integer()
    delegated_overdue = fields.Integer()


class DelegateArgsSchema(Schema):
    to_official = fields.Integer(required=True)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class ReassignArgsSchema(DelegateArgsSchema):
    task_ids = fields.List(fields.UUID(), required=True, validate=validate.Length(min=1, max=500))


# One instance for every request: given the class, the parser would build (and deep-copy the fields
# of) a new schema for each request of the inbox, the API's most frequent one.
INBOX_QUERY_ARGS = InboxQueryArgsSchema()
TASKS = HumanTaskSchema(many=True)  # a grouped page's tasks, likewise


def _filters(args: dict[str, Any]) -> InboxFilters:
    return inbox_filters(get_session(), procedure=args.get("procedure"), stage=args.get("stage"),
                         center=args.get("center"), due_before=args.get("due_before"), overdue=args["overdue"],
                         text=args.get("q"))


def _now_and_day() -> tuple[Any, Any]:
    engine = current_engine()
    now = engine.clock.now()
    return now, now.astimezone(ZoneInfo(engine.settings.timezone)).date()


@blp.route("/inbox/<any(mine, queue, delegated):view>")
class Inbox(MethodView):
    @blp.arguments(INBOX_QUERY_ARGS, location="query")
    @blp.response(200, InboxPageSchema)
    @blp.doc(security=[{"bearerAuth": []}])
    def get(self, args: dict[str, Any], view: str) -> dict[str, Any]:
        """One page of an inbox view, soonest due first
        ---
        mine: tasks I hold (and those of absent officials I deputise for); queue: my unit's
        unclaimed tasks for my roles; delegated: tasks I handed to others.
        """
        now, day = _now_and_day()
        page = inbox_listing(get_session(), current_official(), view, _filters(args), now=now, day=day,
                             limit=args["limit"], cursor=args.get("cursor"))
        body: dict[str, Any] = {"tasks": page.tasks, "next_cursor": page.next_cursor}
        if args.get("group") == "dossier":
            body["groups"] = [{**g, "tasks": TASKS.dump(g["tasks"])} for g in group_by_dossier(page.tasks)]
        return body


@blp.route("/inbox/counts")
class InboxCounts(MethodView):
    @blp.arguments(INBOX_QUERY_ARGS, location="query")
    @blp.response(200, InboxCountsSchema)
    @blp.doc(security=[{"bearerAuth": []}])
    def get(self, args: dict[str, Any]) -> dict[str, int]:
        """How many tasks each view holds under the filters, and how many are overdue"""
        now, day = _now_and_day()
        return inbox_counts(get_session(), current_official(), _filters(args), now=now, day=day)


@blp.route("/tasks/<uuid:task_id>/delegate")
class TaskDelegation(MethodView):
    @blp.arguments(DelegateArgsSchema)
    @blp.response(200, HumanTaskSchema)
    @blp.doc(security=[{"bearerAuth": []}])
    def post(self, args: dict[str, Any], task_id: uuid.UUID) -> Any:
        """Hand a task I hold to a colleague who can do it (ủy quyền), with a reason"""
        session = get_session()
        task = delegate_task(session, current_engine(), task_id, actor=current_actor(),
                             to_official_id=args["to_official"], reason=args["reason"])
        session.commit()
        return task


@blp.route("/tasks/reassign")
class TaskReassignment(MethodView):
    @blp.arguments(ReassignArgsSchema)
    @blp.response(200, HumanTaskSchema(many=True))
    @blp.doc(security=[{"bearerAuth": []}])
    def post(self, args: dict[str, Any]) -> Any:
        """A leader moves one or many tasks of their unit to another official, with a reason"""
        session = get_session()
        tasks = reassign_tasks(session, current_engine(), args["task_ids"], actor=current_actor(),
                               to_official_id=args["to_official"], reason=args["reason"])
        session.commit()
        return tasks


