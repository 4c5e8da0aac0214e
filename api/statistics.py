"""The figures a center is judged by (Decision 766): for a period and a scope, with the dossiers
behind each figure, as JSON, CSV or XLSX.

Unit leaders read their unit and those below, center leaders, auditors and supervisors their
center and those below, admins everything (``statistics.read``); a scope beyond that is refused.
The period defaults to this month up to today; days are local (the center's timezone).
"""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from api.deps import current_engine, current_official, get_session
from api.schemas import day_field
from engine.statistics import report
from engine.statistics.exports import to_csv, to_xlsx
from engine.statistics.lists import LIST_LIMIT, DossierLine, Drill
from engine.statistics.period import Period, month_to_date
from engine.statistics.reach import ScopeRequest
from engine.statistics.supervision import AppraisalRecord, Watchlist, appraisal_record

blp = Blueprint("statistics", __name__, url_prefix="/api/v1/statistics",
                description="Thống kê, chỉ số Quyết định 766 / Statistics and Decision 766 indicators")
SECURITY: list[dict[str, list[str]]] = [{"bearerAuth": []}]
NO_STORE = {"Cache-Control": "no-store"}


class ScopeArgsSchema(Schema):
    first = day_field(data_key="from", load_default=None,
                      metadata={"description": "first day (YYYY-MM-DD, local), included; "
                                               "default: the 1st of this month"})
    last = day_field(data_key="to", load_default=None,
                     metadata={"description": "last day (YYYY-MM-DD, local), included; default: today"})
    center = fields.String(load_default=None, validate=validate.Length(max=64),
                           metadata={"description": "center code: only that center's dossiers"})
    unit = fields.String(load_default=None, validate=validate.Length(max=128),
                         metadata={"description": "unit code: the dossiers and steps of that unit and those below"})
    official = fields.String(load_default=None, validate=validate.Length(max=64),
                             metadata={"description": "username: that official's steps"})
    procedure = fields.String(load_default=None, validate=validate.Length(max=128),
                              metadata={"description": "procedure key"})


class DrillArgsSchema(ScopeArgsSchema):
    figure = fields.String(required=True, validate=validate.OneOf([d.value for d in Drill]),
                           metadata={"description": "the figure whose dossiers to list"})
    limit = fields.Integer(load_default=LIST_LIMIT, validate=validate.Range(min=1, max=1000))


class ExportArgsSchema(ScopeArgsSchema):
    format = fields.String(load_default="csv", validate=validate.OneOf(["csv", "xlsx"]))


class HeatmapArgsSchema(ScopeArgsSchema):
    procedure = fields.String(required=True, validate=validate.Length(min=1, max=128),
                              metadata={"description": "procedure key"})


class FiguresSchema(Schema):
    scope = fields.String()
    first = fields.Date(data_key="from")
    last = fields.Date(data_key="to")
    received = fields.Integer(allow_none=True, metadata={"description": "none for an official"})
    received_online = fields.Integer(allow_none=True)
    finished = fields.Integer(metadata={"description": "results, refusals, stops and withdrawals in the period"})
    early = fields.Integer()
    on_time = fields.Integer()
    in_time = fields.Integer(metadata={"description": "early + on time, as Decision 766 reports them"})
    late = fields.Integer()
    refused = fields.Integer()
    stopped = fields.Integer(metadata={"description": "stopped or withdrawn"})
    supplemented = fields.Integer()
    decided = fields.Integer()
    used_seconds = fields.Integer()
    allowed_seconds = fields.Integer()
    in_progress = fields.Integer(metadata={"description": "open at the period's end (or now)"})
    in_progress_late = fields.Integer()
    working_day_seconds = fields.Integer()
    on_time_rate = fields.Float(allow_none=True)
    time_saved = fields.Float(allow_none=True, metadata={"description": "−0.4: 40 % less time than the law allows"})
    average_working_days = fields.Float(allow_none=True)
    supplementation_rate = fields.Float(allow_none=True)
    refusal_rate = fields.Float(allow_none=True)


class TrendPointSchema(Schema):
    starts = fields.Date(metadata={"description": "the day, the Monday of the week or the 1st of the month"})
    received = fields.Integer()
    finished = fields.Integer()
    in_time = fields.Integer()
    late = fields.Integer()
    in_time_rate = fields.Float(allow_none=True)


class RowSchema(Schema):
    key = fields.String(metadata={"description": "unit code or username"})
    name = fields.String()
    completed = fields.Integer(metadata={"description": "steps completed"})
    late = fields.Integer(metadata={"description": "steps completed after their allotted time"})
    average_hours = fields.Float()
    held = fields.Integer(metadata={"description": "open steps now"})
    in_time_rate = fields.Float(allow_none=True)
    dossiers_finished = fields.Integer(allow_none=True)
    dossiers_late = fields.Integer(allow_none=True)


class StepSchema(Schema):
    procedure = fields.String()
    element_id = fields.String()
    name = fields.String()
    completed = fields.Integer()
    early = fields.Integer()
    on_time = fields.Integer()
    late = fields.Integer()
    average_hours = fields.Float()
    p90_hours = fields.Float(allow_none=True, metadata={"description": "estimated from a histogram of working "
                                                                      "hours; none where the histogram misses steps "
                                                                      "(an official's steps before it was kept)"})
    allotted_hours = fields.Float(allow_none=True)
    p90_ratio = fields.Float(allow_none=True, metadata={"description": "p90 / allotted: above 1, a bottleneck"})


class HolderSchema(Schema):
    step = fields.String()
    unit = fields.String()
    official = fields.String(allow_none=True, metadata={"description": "none: waiting in the unit's queue"})
    due_at = fields.DateTime(allow_none=True)


class DossierLineSchema(Schema):
    code = fields.String()
    procedure = fields.String()
    center = fields.String()
    status = fields.String()
    received_at = fields.DateTime()
    due_at = fields.DateTime(allow_none=True)
    completed_at = fields.DateTime(allow_none=True)
    verdict = fields.String(allow_none=True, metadata={"description": "early | on_time | late"})
    holders = fields.List(fields.Nested(HolderSchema))


class OverdueSchema(Schema):
    overdue = fields.List(fields.Nested(DossierLineSchema))
    due_soon = fields.List(fields.Nested(DossierLineSchema))


class IndicatorSchema(Schema):
    code = fields.String()
    name = fields.String()
    name_en = fields.String()
    formula = fields.String()
    formula_en = fields.String()
    value = fields.Float(allow_none=True)
    unit = fields.String()
    numerator = fields.Float(allow_none=True)
    denominator = fields.Float(allow_none=True)
    numerator_figure = fields.String(allow_none=True)
    denominator_figure = fields.String(allow_none=True)
    missing = fields.String(allow_none=True)
    missing_en = fields.String(allow_none=True)


class NotableEventSchema(Schema):
    code = fields.String()
    kind = fields.String()
    at = fields.DateTime()
    actor = fields.String(allow_none=True)
    step = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    to = fields.String(allow_none=True)


class WatchlistSchema(Schema):
    late = fields.List(fields.Nested(DossierLineSchema))
    refused = fields.List(fields.Nested(DossierLineSchema))
    stopped = fields.List(fields.Nested(DossierLineSchema))
    events = fields.List(fields.Nested(NotableEventSchema))
    refusal_grounds = fields.Dict(keys=fields.String(), values=fields.String(),
                                  metadata={"description": "dossier code -> the grounds of its refusal"})


class AppraisalEntrySchema(Schema):
    step = fields.String()
    stage = fields.String()
    unit = fields.String()
    official = fields.String(allow_none=True)
    ready_at = fields.DateTime()
    completed_at = fields.DateTime(allow_none=True)
    status = fields.String()
    decision = fields.Raw(allow_none=True, metadata={"description": "the value of the step's decision field"})
    decision_text = fields.String(allow_none=True, metadata={"description": "that value as the form names it"})
    opinions = fields.List(fields.String())
    reassignments = fields.List(fields.String())


class AppraisalRecordSchema(Schema):
    code = fields.String()
    procedure = fields.String()
    status = fields.String()
    entries = fields.List(fields.Nested(AppraisalEntrySchema))


class HeatmapSchema(Schema):
    procedure = fields.String()
    name = fields.String()
    bpmn_xml = fields.String()
    steps = fields.List(fields.Nested(StepSchema))


def reader() -> report.Reader:
    engine = current_engine()
    return report.Reader(current_official(), engine.clock.now(), engine.today(), engine.calendar)


def scope_request(args: dict[str, Any]) -> ScopeRequest:
    return ScopeRequest(center=args.get("center"), unit=args.get("unit"), official=args.get("official"),
                        procedure=args.get("procedure"))


def period(args: dict[str, Any], today: Any) -> Period:
    default = month_to_date(today)
    return Period(args.get("first") or default.first, args.get("last") or default.last)


def _call(function: Any, args: dict[str, Any], *extra: Any) -> Any:
    who = reader()
    return function(get_session(), who, scope_request(args), period(args, who.today), *extra)


@blp.route("/figures")
class FiguresView(MethodView):
    @blp.arguments(ScopeArgsSchema, location="query")
    @blp.response(200, FiguresSchema)
    @blp.doc(security=SECURITY)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Received, finished, in progress, early / on time / late, rates and time saved, for a period"""
        who = reader()
        chosen = period(args, who.today)
        session = get_session()
        scope = report.scope_of(session, who, scope_request(args))
        figures = report.figures_of(session, who, scope_request(args), chosen)
        return {"scope": scope.label, "first": chosen.first, "last": chosen.last, **figures.as_dict()}


@blp.route("/trend")
class TrendView(MethodView):
    @blp.arguments(ScopeArgsSchema, location="query")
    @blp.response(200, TrendPointSchema(many=True))
    @blp.doc(security=SECURITY)
    def get(self, args: dict[str, Any]) -> Any:
        """Received and finished, in time or late, by day (by week beyond a month, by month beyond half a year)"""
        return _call(report.trend_of, args)


@blp.route("/units")
class UnitsView(MethodView):
    @blp.arguments(ScopeArgsSchema, location="query")
    @blp.response(200, RowSchema(many=True))
    @blp.doc(security=SECURITY)
    def get(self, args: dict[str, Any]) -> Any:
        """Figures by unit: steps completed, late, average hours, open now; dossiers finished and late"""
        return _call(report.units_of, args)


@blp.route("/officials")
class OfficialsView(MethodView):
    @blp.arguments(ScopeArgsSchema, location="query")
    @blp.response(200, RowSchema(many=True))
    @blp.doc(security=SECURITY)
    def get(self, args: dict[str, Any]) -> Any:
        """Figures by official: steps completed, late, average hours, held now"""
        return _call(report.officials_of, args)


@blp.route("/steps")
class StepsView(MethodView):
    @blp.arguments(ScopeArgsSchema, location="query")
    @blp.response(200, StepSchema(many=True))
    @blp.doc(security=SECURITY)
    def get(self, args: dict[str, Any]) -> Any:
        """Each step's average and p90 working time against its allotted time, bottlenecks first"""
        return _call(report.steps_of, args)


@blp.route("/overdue")
class OverdueView(MethodView):
    @blp.arguments(ScopeArgsSchema, location="query")
    @blp.response(200, OverdueSchema)
    @blp.doc(security=SECURITY)
    def get(self, args: dict[str, Any]) -> dict[str, list[DossierLine]]:
        """Open dossiers past their deadline or due within a working day, with who holds each step"""
        overdue, due_soon = report.overdue_of(get_session(), reader(), scope_request(args))
        return {"overdue": overdue, "due_soon": due_soon}


@blp.route("/indicators")
class IndicatorsView(MethodView):
    @blp.arguments(ScopeArgsSchema, location="query")
    @blp.response(200, IndicatorSchema(many=True))
    @blp.doc(security=SECURITY)
    def get(self, args: dict[str, Any]) -> Any:
        """The Decision 766 indicators the engine's data can compute, each with its formula"""
        return _call(report.indicators_of, args)


@blp.route("/dossiers")
class DossiersView(MethodView):
    @blp.arguments(DrillArgsSchema, location="query")
    @blp.response(200, DossierLineSchema(many=True))
    @blp.doc(security=SECURITY)
    def get(self, args: dict[str, Any]) -> Any:
        """The dossiers behind one figure (received, finished, in_time, late, …), newest first"""
        return _call(report.dossiers_of, args, Drill(args["figure"]), args["limit"])


@blp.route("/watchlist")
class WatchlistView(MethodView):
    @blp.arguments(ScopeArgsSchema, location="query")
    @blp.response(200, WatchlistSchema)
    @blp.doc(security=SECURITY)
    def get(self, args: dict[str, Any]) -> Watchlist:
        """Supervisors' list: dossiers late, refused, stopped or withdrawn; reassignments with reasons"""
        result: Watchlist = _call(report.watchlist_of, args)
        return result


@blp.route("/heatmap")
class HeatmapView(MethodView):
    @blp.arguments(HeatmapArgsSchema, location="query")
    @blp.response(200, HeatmapSchema)
    @blp.doc(security=SECURITY)
    def get(self, args: dict[str, Any]) -> Any:
        """A procedure's diagram with each step's p90 against its allotted time"""
        return _call(report.heatmap_of, args)


@blp.route("/appraisals/<string:code>")
class AppraisalView(MethodView):
    @blp.response(200, AppraisalRecordSchema)
    @blp.doc(security=SECURITY)
    def get(self, code: str) -> AppraisalRecord:
        """Who appraised a dossier, what was decided, which opinions were gathered and when"""
        return appraisal_record(get_session(), current_official(), code, today=current_engine().today())


@blp.route("/export")
class ExportView(MethodView):
    @blp.arguments(ExportArgsSchema, location="query")
    @blp.doc(security=SECURITY, responses={"200": {"description": "the figures as CSV or XLSX"}})
    def get(self, args: dict[str, Any]) -> Response:
        """Every table of the dashboard as one CSV file or one XLSX workbook"""
        board = _call(report.dashboard, args)
        tables = report.export_tables(board)
        fmt = args["format"]
        content = to_csv(tables) if fmt == "csv" else to_xlsx(tables)
        mimetype = "text/csv; charset=utf-8" if fmt == "csv" else \
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        filename = f"motcua-statistics-{board.period.first.isoformat()}-{board.period.last.isoformat()}.{fmt}"
        return Response(content, mimetype=mimetype,
                        headers={"Content-Disposition": f'attachment; filename="{filename}"', **NO_STORE})
