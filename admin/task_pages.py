"""A task's form (biểu mẫu công việc) at ``/cong-viec/<id>``: drawn from the step's JSON Schema
(admin.schema_form says why on the server), with the decisions the diagram offers as buttons, the
engine's per-field errors at their fields, draft save, claiming, and a read-only view for those
who may read the task but not act on it."""

from __future__ import annotations

import uuid

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from admin.context import engine, page_session, signed_in_actor, signed_in_official
from admin.i18n import current_language, engine_message
from admin.schema_form import (
    Field,
    PlacedErrors,
    Values,
    anchor,
    data_from,
    drawn_names,
    fields_of,
    place_errors,
    posted_values,
    row_fields,
    values_from,
)
from engine.errors import EngineError, FormInvalidError, NotFoundError, WorkflowFailedError
from engine.persistence.models import HumanTask, TaskStatus
from engine.reads.counter import printable_kinds
from engine.reads.task_forms import TaskForm, task_form
from engine.runtime.drafts import save_draft
from engine.runtime.incidents import record_incident
from engine.runtime.tasks import claim_task, complete_task

bp = Blueprint("task_pages", __name__, template_folder="templates")


bp.add_app_template_global(anchor, "anchor")


@bp.app_template_global()
def page_exists(endpoint: str) -> bool:
    """Whether a page of another module is part of the application (to link it only then)."""
    return endpoint in current_app.view_functions


@bp.app_template_global()
def task_status(task: HumanTask) -> str:
    """Where the step stands, with who holds or did it."""
    if task.status == TaskStatus.CLAIMED:
        return _("Đang xử lý: %(name)s", name=task.assignee.full_name if task.assignee else "—")
    if task.status == TaskStatus.COMPLETED:
        return _("Đã hoàn thành")
    if task.status == TaskStatus.READY:
        return _("Chờ nhận xử lý")
    return _("Đã hủy")

bp.add_app_template_global(row_fields, "row_fields")


def _read(task_id: uuid.UUID) -> TaskForm:
    try:
        return task_form(page_session(), engine(), signed_in_official(), task_id)
    except NotFoundError:
        abort(404)  # outside the official's scope: as if it did not exist


def _fields(view: TaskForm) -> tuple[Field, ...]:
    skip = frozenset({view.decision_field}) if view.decision_field else frozenset()
    return fields_of(view.schema, skip=skip)


def form_errors(error: FormInvalidError, fields: tuple[Field, ...], values: Values,
                also: frozenset[str] = frozenset()) -> PlacedErrors:
    """The engine's problems at their fields, in the page's language."""
    english = current_language() == "en"
    problems = [(p.field, p.message_en if english else p.message) for p in error.problems]
    return place_errors(problems, drawn_names(fields, values) | also)


def _page(view: TaskForm, values: Values, errors: PlacedErrors | None = None, status: int = 200,
          extra_rows: dict[str, int] | None = None) -> tuple[str, int]:
    fields = _fields(view)
    return render_template(
        "task/task.html", view=view, fields=fields, values=values, errors=errors or PlacedErrors(),
        extra_rows=extra_rows or {}, slips=printable_kinds(view.dossier) if not view.open else (),
        readonly=not view.may_complete), status


@bp.get("/cong-viec/<uuid:task_id>")
@login_required
def task(task_id: uuid.UUID) -> tuple[str, int]:
    view = _read(task_id)
    kept = view.draft if view.draft is not None else (
        view.task.submitted_data if view.task.status == TaskStatus.COMPLETED else None)
    values = values_from(_fields(view), kept)
    if view.decision_field and kept and view.decision_field in kept:
        values[view.decision_field] = str(kept[view.decision_field])
    return _page(view, values)


@bp.post("/cong-viec/<uuid:task_id>")
@login_required
def act(task_id: uuid.UUID) -> Response | tuple[str, int]:
    view = _read(task_id)
    action = request.form.get("action", "complete")
    if action == "claim":
        return _command(task_id, lambda: claim_task(page_session(), engine(), task_id, actor=signed_in_actor()),
                        _("Đã nhận xử lý công việc."))
    fields = _fields(view)
    values = posted_values(fields, request.form)
    if action.startswith("add-row:"):
        return _page(view, values, extra_rows={action.removeprefix("add-row:"): 1})
    data = data_from(fields, values)
    decision = request.form.get("decision")
    if view.decision_field and decision:
        data[view.decision_field] = decision
        values[view.decision_field] = decision
    session = page_session()
    try:
        if action == "draft":
            save_draft(session, engine(), task_id, actor=signed_in_actor(), data=data)
        else:
            complete_task(session, engine(), task_id, actor=signed_in_actor(), data=data)
        session.commit()
    except FormInvalidError as error:
        session.rollback()
        also = frozenset({view.decision_field}) if view.decision_field else frozenset()
        return _page(view, values, form_errors(error, fields, values, also), 422)
    except WorkflowFailedError as error:
        # A step whose diagram failed leaves its dossier an incident, as over the API: never stuck.
        if record_incident(session, engine(), error, signed_in_actor()):
            session.commit()
        flash(engine_message(error), "error")
        return redirect(url_for("task_pages.task", task_id=task_id))
    except EngineError as error:
        session.rollback()
        flash(engine_message(error), "error")
        return redirect(url_for("task_pages.task", task_id=task_id))
    flash(_("Đã lưu bản nháp.") if action == "draft" else _("Đã hoàn thành công việc."), "success")
    return redirect(url_for("task_pages.task", task_id=task_id))


def _command(task_id: uuid.UUID, run: object, done: str) -> Response:
    session = page_session()
    try:
        run()  # type: ignore[operator]
        session.commit()
        flash(done, "success")
    except EngineError as error:
        session.rollback()
        flash(engine_message(error), "error")
    return redirect(url_for("task_pages.task", task_id=task_id))
