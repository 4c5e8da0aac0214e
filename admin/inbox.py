"""The inbox page (hộp công việc): my tasks, my unit's queue, what I delegated; filters, counts,
cursor pages, a traffic light per task, claim and release from the list.

The list is a partial (``/hop-cong-viec/danh-sach``) that htmx fetches when a filter changes and
every minute, and that claim and release answer with; without script the same forms post and
redirect back to the full page.
"""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response
from wtforms import BooleanField, DateField, Form, HiddenField, SearchField, SelectField
from wtforms.validators import Length, Optional

from admin.context import engine, page_session, signed_in_actor, signed_in_official
from admin.i18n import current_language, engine_message
from admin.labels import STAGE_LABELS, TIMELINESS_LABELS, label
from engine.errors import EngineError, FormInvalidError
from engine.org.inbox import VIEWS
from engine.reads.work import InboxScreen, center_choices, inbox_screen, procedure_choices
from engine.runtime.tasks import claim_task, release_task

bp = Blueprint("inbox_pages", __name__, template_folder="templates")

VIEW_LABELS = {"mine": _l("Của tôi"), "queue": _l("Chờ nhận của đơn vị"), "delegated": _l("Đã ủy quyền")}
PAGE_SIZE = 50


class InboxFilterForm(Form):  # type: ignore[misc]
    """The filters of a view, read from the query string (a GET form: nothing to protect by CSRF)."""

    view = HiddenField(default="mine")
    q = SearchField(_l("Mã hồ sơ hoặc tên người nộp"), validators=[Optional(), Length(max=100)])
    procedure = SelectField(_l("Thủ tục"), choices=[], validate_choice=False)
    stage = SelectField(_l("Giai đoạn"), choices=[], validate_choice=False)
    center = SelectField(_l("Trung tâm"), choices=[], validate_choice=False)
    due_before = DateField(_l("Hạn xử lý đến hết ngày"), validators=[Optional()])
    overdue = BooleanField(_l("Chỉ việc quá hạn"))
    cursor = HiddenField()


def _form(args: MultiDict[str, str]) -> InboxFilterForm:
    form = InboxFilterForm(args)
    session, official = page_session(), signed_in_official()
    every = [("", gettext("Tất cả"))]
    form.procedure.choices = every + procedure_choices(session, english=current_language() == "en")
    form.stage.choices = every + [(key, str(name)) for key, name in STAGE_LABELS.items()]
    form.center.choices = every + center_choices(session, engine(), official)
    if form.view.data not in VIEWS:
        form.view.data = "mine"
    return form


def _filters(form: InboxFilterForm) -> dict[str, Any]:
    due_before = None
    if form.due_before.data is not None:  # "until the end of that day", in the engine's timezone
        day_after = form.due_before.data + timedelta(days=1)
        due_before = datetime.combine(day_after, time.min, tzinfo=engine().calendar.timezone)
    return {"procedure": form.procedure.data or None, "stage": form.stage.data or None,
            "center": form.center.data or None, "due_before": due_before, "overdue": bool(form.overdue.data),
            "text": (form.q.data or "").strip() or None}


def query_of(form: InboxFilterForm, **changes: Any) -> dict[str, Any]:
    """The query string of the page as it is, with ``changes``, empty values left out."""
    values = {"view": form.view.data, "q": form.q.data, "procedure": form.procedure.data, "stage": form.stage.data,
              "center": form.center.data, "due_before": form.due_before.raw_data[0] if form.due_before.raw_data else "",
              "overdue": "y" if form.overdue.data else "", "cursor": form.cursor.data}
    values.update(changes)
    return {key: str(value) for key, value in values.items() if value}


def _screen(form: InboxFilterForm) -> InboxScreen | None:
    if not form.validate():
        return None
    return inbox_screen(page_session(), engine(), signed_in_official(), form.view.data, _filters(form),
                        cursor=form.cursor.data or None, limit=PAGE_SIZE)


def explain(error: EngineError) -> str:
    """An engine error in the page's language, with each field's problem when it names fields."""
    if isinstance(error, FormInvalidError) and error.problems:
        english = current_language() == "en"
        return "; ".join(p.message_en if english else p.message for p in error.problems)
    return engine_message(error)


def _render(template: str, form: InboxFilterForm, message: str | None = None) -> str:
    try:
        screen = _screen(form)
    except EngineError as error:  # a forged cursor: show the first page, saying why
        form.cursor.data = ""
        screen, message = _screen(form), explain(error)
    return render_template(template, form=form, screen=screen, views=VIEW_LABELS, query_of=query_of,
                           message=message, tasks=screen.tasks if screen else [],
                           procedure_names=dict(form.procedure.choices[1:]), stage_labels=STAGE_LABELS)


@bp.get("/hop-cong-viec")
@login_required  # type: ignore[misc]
def inbox() -> str:
    return _render("inbox/page.html", _form(request.args))


@bp.get("/hop-cong-viec/danh-sach")
@login_required  # type: ignore[misc]
def inbox_list() -> Response:
    form = _form(request.args)
    response = Response(_render("inbox/list.html", form))
    # The address bar follows the filters, so a reload or a shared link shows the same list.
    response.headers["HX-Push-Url"] = url_for("inbox_pages.inbox", **query_of(form))
    return response


def _move(task_id: uuid.UUID, command: Any, done: str) -> Response | str:
    form = _form(MultiDict(parse_qsl(request.form.get("back", ""))))
    session = page_session()
    try:
        command(session, engine(), task_id, actor=signed_in_actor())
        session.commit()
        message, category = done, "success"
    except EngineError as error:
        session.rollback()
        message, category = explain(error), "error"
    if request.headers.get("HX-Request"):
        return _render("inbox/list.html", form, message)
    flash(message, category)
    return redirect(url_for("inbox_pages.inbox", **query_of(form)))


@bp.post("/hop-cong-viec/<uuid:task_id>/nhan")
@login_required  # type: ignore[misc]
def claim(task_id: uuid.UUID) -> Response | str:
    return _move(task_id, claim_task, gettext("Đã nhận công việc; công việc nằm ở mục “Của tôi”."))


@bp.post("/hop-cong-viec/<uuid:task_id>/tra-lai")
@login_required  # type: ignore[misc]
def release(task_id: uuid.UUID) -> Response | str:
    return _move(task_id, release_task, gettext("Đã trả lại công việc về hàng chờ của đơn vị."))


def task_url(task_id: uuid.UUID) -> str:
    """The task's form page (task_pages), by its agreed path while that page is not registered."""
    if "task_pages.task" in current_app.view_functions:
        return url_for("task_pages.task", task_id=task_id)
    return f"/cong-viec/{task_id}"


bp.record_once(lambda state: state.app.jinja_env.globals.update(
    task_url=task_url, urlencode=urlencode, label=label, timeliness_labels=TIMELINESS_LABELS))
