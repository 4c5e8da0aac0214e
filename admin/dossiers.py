"""Dossier search (tra cứu hồ sơ) and the dossier's page: submitted data, documents, status in the
national list's words, the legal clock, the timeline of every stage, the diagram with the path
taken, and the slips to print.

The diagram's XML is a route of its own behind the browser session, and the slips print through
the workplace's slip pages (admin/slip_pages.py), so the page never needs the API's bearer token.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from werkzeug.wrappers import Response
from wtforms import DateField, Form, HiddenField, SearchField, SelectField, ValidationError
from wtforms.validators import Length, Optional

from admin.context import engine, page_session, signed_in_official
from admin.i18n import current_language
from admin.inbox import explain
from admin.labels import (
    COPY_TYPE_LABELS,
    NATIONAL_STATUS_LABELS,
    PAUSE_LABELS,
    STATUS_CHOICE_LABELS,
    TASK_STATUS_LABELS,
    TIMELINESS_LABELS,
    VERDICT_LABELS,
)
from engine.errors import EngineError, NotFoundError
from engine.persistence.models import DossierStatus
from engine.reads.dossier_sheet import CurrentStep, dossier_diagram, dossier_sheet
from engine.reads.dossiers import DossierPage, DossierSearch, DossierTimeliness, search_dossiers
from engine.reads.work import center_choices, procedure_choices
from forms.display import describe

bp = Blueprint("dossier_pages", __name__, template_folder="templates")
PAGE_SIZE = 50


class SearchForm(Form):  # type: ignore[misc]
    """The search's filters, from the query string (a GET form: nothing to protect by CSRF)."""

    q = SearchField(_l("Mã hồ sơ hoặc tên người nộp"), validators=[Optional(), Length(max=100)])
    procedure = SelectField(_l("Thủ tục"), choices=[], validate_choice=False)
    status = SelectField(_l("Trạng thái"), choices=[], validate_choice=False)
    timeliness = SelectField(_l("Tiến độ"), choices=[], validate_choice=False)
    center = SelectField(_l("Trung tâm"), choices=[], validate_choice=False)
    received_from = DateField(_l("Tiếp nhận từ ngày"), validators=[Optional()])
    received_to = DateField(_l("Đến ngày"), validators=[Optional()])
    cursor = HiddenField()

    def validate_received_to(self, field: DateField) -> None:
        if field.data and self.received_from.data and field.data < self.received_from.data:
            raise ValidationError(gettext("Ngày kết thúc không được trước ngày bắt đầu"))


def _search_form() -> SearchForm:
    form = SearchForm(request.args)
    every = [("", gettext("Tất cả"))]
    form.procedure.choices = every + procedure_choices(page_session(), english=current_language() == "en")
    form.status.choices = every + [(key, str(name)) for key, name in STATUS_CHOICE_LABELS.items()]
    form.timeliness.choices = every + [(key, str(name)) for key, name in TIMELINESS_LABELS.items()]
    form.center.choices = every + center_choices(page_session(), engine(), signed_in_official())
    return form


def _valid(form: SearchForm) -> bool:
    """Validate, and drop a choice that is not offered (a stale link): it would only match nothing."""
    for name in ("status", "timeliness"):
        field = getattr(form, name)
        if (field.data or "") not in {key for key, _ in field.choices}:
            field.errors = [gettext("Lựa chọn không hợp lệ")]
            return False
    return bool(form.validate())


def _search(form: SearchForm) -> DossierSearch:
    return DossierSearch(
        text=(form.q.data or "").strip() or None, procedure=form.procedure.data or None,
        status=DossierStatus(form.status.data) if form.status.data else None,
        timeliness=DossierTimeliness(form.timeliness.data) if form.timeliness.data else None,
        received_from=form.received_from.data, received_to=form.received_to.data, center=form.center.data or None)


def search_query(form: SearchForm, **changes: Any) -> dict[str, Any]:
    values = {name: request.args.get(name, "") for name in ("q", "procedure", "status", "timeliness", "center",
                                                             "received_from", "received_to", "cursor")}
    values.update(changes)
    return {key: str(value) for key, value in values.items() if value}


@bp.get("/ho-so")
@login_required  # type: ignore[misc]
def search() -> str:
    form = _search_form()
    page: DossierPage | None = None
    message = None
    if _valid(form):
        ctx = engine()
        try:
            page = search_dossiers(page_session(), signed_in_official(), _search(form), now=ctx.clock.now(),
                                   today=ctx.today(), calendar=ctx.calendar, limit=PAGE_SIZE,
                                   cursor=form.cursor.data or None)
        except EngineError as error:  # a forged cursor
            message = explain(error)
    return render_template("dossiers/search.html", form=form, page=page, message=message,
                           search_query=search_query, status_labels=STATUS_CHOICE_LABELS,
                           procedure_names=dict(form.procedure.choices[1:]))


@bp.get("/ho-so/<code>")
@login_required  # type: ignore[misc]
def dossier(code: str) -> str | tuple[str, int]:
    try:
        sheet = dossier_sheet(page_session(), engine(), signed_in_official(), code)
    except NotFoundError:
        return not_found(code)
    form = sheet.start_form or {}
    applicant_form = (form.get("properties") or {}).get("applicant")
    return render_template(
        "dossiers/dossier.html", sheet=sheet, dossier=sheet.dossier,
        applicant=describe(applicant_form, sheet.dossier.applicant),
        # The applicant is shown above from the dossier's own record.
        submitted=[entry for entry in describe(form, sheet.start_data) if entry.name != "applicant"],
        current_steps=[{"id": step.element_id, "label": _holder(step)} for step in sheet.path.current],
        status_name=NATIONAL_STATUS_LABELS[sheet.dossier.status.national_code],
        labels={"copy_types": COPY_TYPE_LABELS, "pauses": PAUSE_LABELS, "tasks": TASK_STATUS_LABELS,
                "verdicts": VERDICT_LABELS})


def _holder(step: CurrentStep) -> str:
    if step.holder:
        return step.holder
    if step.queue:
        return gettext("Chờ nhận: %(queue)s", queue=step.queue)
    return gettext("Đang chờ")


@bp.get("/ho-so/<code>/so-do.bpmn")
@login_required  # type: ignore[misc]
def diagram(code: str) -> Response | tuple[str, int]:
    """The diagram the dossier runs on, for the viewer on its page."""
    try:
        xml = dossier_diagram(page_session(), engine(), signed_in_official(), code)
    except NotFoundError:
        return not_found(code)
    response = Response(xml, mimetype="application/xml")
    response.headers["Cache-Control"] = "private, max-age=300"  # a version's diagram never changes
    return response


def not_found(code: str) -> tuple[str, int]:
    """The same page for a dossier that does not exist and one outside the official's scope."""
    return render_template("dossiers/not_found.html", code=code), 404
