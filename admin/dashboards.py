"""The leaders' and supervisors' dashboards: the figures a center is judged by (Decision 766), with
their trend, the tables by unit and by official, the overdue work with who holds it, the steps'
bottlenecks drawn on a procedure's diagram; and the supervisors' watchlist and appraisal records.

Every figure comes from ``engine.statistics`` with the signed-in official, whose access rule
(``statistics.read``) decides the scope: a unit leader sees their unit, a center leader their
center, a supervisor their center, read-only.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from flask import Blueprint, render_template, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from werkzeug.wrappers import Response
from wtforms import DateField, Form, HiddenField, SelectField, ValidationError
from wtforms.validators import Optional

from admin.context import engine, page_session, signed_in_official
from admin.i18n import current_language
from admin.inbox import explain
from admin.labels import NATIONAL_STATUS_LABELS, STAGE_LABELS, VERDICT_LABELS
from engine.errors import EngineError, NotFoundError, PermissionDeniedError
from engine.persistence.models import DossierStatus
from engine.reads.work import procedure_choices
from engine.statistics import report
from engine.statistics.exports import to_csv, to_xlsx
from engine.statistics.lists import Drill
from engine.statistics.period import Period, month_to_date
from engine.statistics.reach import ScopeRequest, scope_choices
from engine.statistics.supervision import appraisal_record

bp = Blueprint("dashboard_pages", __name__, template_folder="templates")

DRILL_LABELS = {
    Drill.RECEIVED: _l("Hồ sơ tiếp nhận"),
    Drill.FINISHED: _l("Hồ sơ đã giải quyết"),
    Drill.IN_TIME: _l("Giải quyết trước hạn, đúng hạn"),
    Drill.LATE: _l("Giải quyết quá hạn"),
    Drill.REFUSED: _l("Từ chối giải quyết"),
    Drill.STOPPED: _l("Dừng xử lý, rút hồ sơ"),
    Drill.SUPPLEMENTED: _l("Phải bổ sung hồ sơ"),
    Drill.IN_PROGRESS: _l("Đang giải quyết"),
    Drill.IN_PROGRESS_LATE: _l("Đang giải quyết, đã quá hạn"),
}
EVENT_LABELS = {
    "task_reassigned": _l("Chuyển người xử lý"),
    "dossier_stopped": _l("Dừng xử lý"),
    "dossier_withdrawn": _l("Rút hồ sơ"),
    "deadline_extended": _l("Gia hạn, xin lỗi"),
}


class ScopeForm(Form):  # type: ignore[misc]
    """The period and scope, from the query string (a GET form: nothing to protect by CSRF)."""

    first = DateField(_l("Từ ngày"), validators=[Optional()])
    last = DateField(_l("Đến ngày"), validators=[Optional()])
    center = SelectField(_l("Trung tâm"), choices=[], validate_choice=False)
    unit = SelectField(_l("Đơn vị"), choices=[], validate_choice=False)
    procedure = SelectField(_l("Thủ tục"), choices=[], validate_choice=False)
    official = HiddenField()

    def validate_last(self, field: DateField) -> None:
        if field.data and self.first.data and field.data < self.first.data:
            raise ValidationError(gettext("Ngày kết thúc không được trước ngày bắt đầu"))


def _form() -> ScopeForm:
    form = ScopeForm(request.args)
    choices = scope_choices(page_session(), signed_in_official(), today=engine().today())
    every = [("", gettext("Tất cả trong phạm vi"))]
    form.center.choices = every + choices.centers
    form.unit.choices = every + choices.units
    form.procedure.choices = [("", gettext("Tất cả"))] + procedure_choices(
        page_session(), english=current_language() == "en")
    default = month_to_date(engine().today())  # shown in the form, so the reader sees the period read
    if "first" not in request.args:
        form.first.data = default.first
    if "last" not in request.args:
        form.last.data = default.last
    return form


def _period(form: ScopeForm) -> Period:
    default = month_to_date(engine().today())
    return Period(form.first.data or default.first, form.last.data or default.last)


def _request(form: ScopeForm) -> ScopeRequest:
    return ScopeRequest(center=form.center.data or None, unit=form.unit.data or None,
                        official=form.official.data or None, procedure=form.procedure.data or None)


def _reader() -> report.Reader:
    ctx = engine()
    return report.Reader(signed_in_official(), ctx.clock.now(), ctx.today(), ctx.calendar)


def _query(**changes: Any) -> dict[str, str]:
    """The page's query string with ``changes`` (links keep the period and scope)."""
    values = {name: request.args.get(name, "") for name in ("first", "last", "center", "unit", "procedure",
                                                             "official")}
    values.update(changes)
    return {key: str(value) for key, value in values.items() if value}


def _guarded(render: Callable[[], Any]) -> Any:
    """Render, or answer the engine's refusal: 403 outside the reader's scope, 404 for what is not there."""
    try:
        return render()
    except PermissionDeniedError as error:
        return render_template("admin/refused.html", message=explain(error)), 403
    except NotFoundError as error:
        return render_template("admin/refused.html", message=explain(error)), 404


def _page(template: str, form: ScopeForm, **values: Any) -> str:
    return render_template(template, form=form, query=_query, drill_labels=DRILL_LABELS, event_labels=EVENT_LABELS,
                           verdict_labels=VERDICT_LABELS, stage_labels=STAGE_LABELS, status_name=_status_name,
                           **values)


def _status_name(status: str) -> str:
    try:
        return str(NATIONAL_STATUS_LABELS[DossierStatus(status).national_code])
    except ValueError:
        return status


@bp.get("/thong-ke")
@login_required  # type: ignore[misc]
def dashboard() -> Any:
    def render() -> Any:
        form = _form()
        if not form.validate():
            return _page("dashboards/dashboard.html", form, board=None, chart=None)
        try:
            board = report.dashboard(page_session(), _reader(), _request(form), _period(form))
        except EngineError as error:
            if isinstance(error, PermissionDeniedError | NotFoundError):
                raise
            return _page("dashboards/dashboard.html", form, board=None, chart=None, message=explain(error))
        return _page("dashboards/dashboard.html", form, board=board, chart=_chart(board))
    return _guarded(render)


def _chart(board: report.Dashboard) -> str:
    """The trend as the page's script reads it (a data attribute: no inline script)."""
    points = board.trend
    return json.dumps({
        "labels": [p.starts.strftime("%d/%m") for p in points],
        "received": [p.received for p in points], "finished": [p.finished for p in points],
        "rate": [None if p.in_time_rate is None else round(p.in_time_rate * 100, 1) for p in points],
        "names": {"received": gettext("Tiếp nhận"), "finished": gettext("Đã giải quyết"),
                  "rate": gettext("Tỷ lệ đúng hạn (%)")},
    })


@bp.get("/thong-ke/ho-so")
@login_required  # type: ignore[misc]
def dossiers() -> Any:
    def render() -> Any:
        form = _form()
        figure = request.args.get("figure", "")
        if figure not in {d.value for d in Drill} or not form.validate():
            return render_template("admin/refused.html", message=gettext("Chỉ tiêu không hợp lệ")), 404
        lines = report.dossiers_of(page_session(), _reader(), _request(form), _period(form), Drill(figure),
                                   limit=500)
        return _page("dashboards/dossiers.html", form, lines=lines, figure=Drill(figure), period=_period(form))
    return _guarded(render)


@bp.get("/thong-ke/diem-nghen")
@login_required  # type: ignore[misc]
def bottlenecks() -> Any:
    def render() -> Any:
        form = _form()
        if not form.procedure.data:
            form.procedure.data = form.procedure.choices[1][0] if len(form.procedure.choices) > 1 else ""
        if not form.validate() or not form.procedure.data:
            return _page("dashboards/bottlenecks.html", form, heatmap=None, steps_json="[]")
        heatmap = report.heatmap_of(page_session(), _reader(), _request(form), _period(form))
        steps = [{"id": s.element_id, "ratio": s.p90_ratio, "p90": s.p90_hours, "allotted": s.allotted_hours,
                  "completed": s.completed} for s in heatmap.steps if s.procedure == heatmap.procedure]
        return _page("dashboards/bottlenecks.html", form, heatmap=heatmap, steps_json=json.dumps(steps))
    return _guarded(render)


@bp.get("/thong-ke/diem-nghen/so-do.bpmn")
@login_required  # type: ignore[misc]
def bottleneck_diagram() -> Any:
    def render() -> Any:
        form = _form()
        heatmap = report.heatmap_of(page_session(), _reader(), _request(form), _period(form))
        return Response(heatmap.bpmn_xml, mimetype="application/xml")
    return _guarded(render)


@bp.get("/thong-ke/xuat.<any(csv, xlsx):fmt>")
@login_required  # type: ignore[misc]
def export(fmt: str) -> Any:
    def render() -> Any:
        form = _form()
        if not form.validate():
            return render_template("admin/refused.html", message=gettext("Kỳ thống kê không hợp lệ")), 404
        board = report.dashboard(page_session(), _reader(), _request(form), _period(form))
        tables = report.export_tables(board)
        content = to_csv(tables) if fmt == "csv" else to_xlsx(tables)
        mimetype = "text/csv; charset=utf-8" if fmt == "csv" else \
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        name = f"thong-ke-{board.period.first.isoformat()}-{board.period.last.isoformat()}.{fmt}"
        return Response(content, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})
    return _guarded(render)


@bp.get("/giam-sat")
@login_required  # type: ignore[misc]
def watchlist() -> Any:
    def render() -> Any:
        form = _form()
        if not form.validate():
            return _page("dashboards/watchlist.html", form, watch=None)
        watch = report.watchlist_of(page_session(), _reader(), _request(form), _period(form))
        return _page("dashboards/watchlist.html", form, watch=watch)
    return _guarded(render)


@bp.get("/giam-sat/tham-dinh/<code>")
@login_required  # type: ignore[misc]
def appraisal(code: str) -> Any:
    def render() -> Any:
        record = appraisal_record(page_session(), signed_in_official(), code, today=engine().today())
        return render_template("dashboards/appraisal.html", record=record, stage_labels=STAGE_LABELS,
                               status_name=_status_name)
    return _guarded(render)

