"""Printable one-stop slips of a dossier, as HTML or PDF, and the dossier logbook (Mẫu 06).

App config: ``PUBLIC_BASE_URL`` (the public site whose ``/tra-cuu/<code>`` page the receipt's QR
code opens; required in production, the local development server otherwise), ``SLIP_PLACE``
(the place of the date line, e.g. "Hạ Long") and ``SLIP_PARENT_BODY`` (the body above the
center in the letterhead, e.g. "UBND tỉnh Quảng Ninh").
"""

from __future__ import annotations

from typing import Any

from flask import Response, current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import EXCLUDE, Schema, fields, validate

from api.access import allow, seen_dossiers
from api.deps import current_engine, current_official, get_session
from api.schemas import day_field
from engine.access.rules import Action
from engine.reads.dossiers import find_dossier
from engine.slips import SLIP_KINDS
from engine.slips.data import MAX_LOGBOOK_ROWS, logbook_data, logbook_window, slip_data
from engine.slips.document import SlipDocument
from engine.slips.layout import SlipOptions, compose
from engine.slips.printed import options_from, printed

blp = Blueprint("slips", __name__, url_prefix="/api/v1/dossiers",
                description="Phiếu in của hồ sơ (Mẫu 01–05) / Printable dossier slips")
logbook_blp = Blueprint("logbook", __name__, url_prefix="/api/v1",
                        description="Sổ theo dõi hồ sơ (Mẫu 06) / Dossier logbook")

KIND = f"any({', '.join(SLIP_KINDS)})"
FORMAT = "any(html, pdf)"
_PRINTABLE = {"200": {"description": "Trang HTML in được hoặc tệp PDF / Printable HTML page or PDF file",
                      "content": {"text/html": {}, "application/pdf": {}}}}


class SlipArgsSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    number = fields.Integer(validate=validate.Range(min=1, max=100), load_default=None,
                            metadata={"description": "supplement_request: which request (1, 2…); the latest if "
                                                     "omitted"})
    paper = fields.String(validate=validate.OneOf(["A4", "A5"]), load_default="A4",
                          metadata={"description": "A5 for slips 01–04 (the control slip is always A4)"})


class LogbookArgsSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    center = fields.String(load_default=None, metadata={"description": "Center code; all centers if omitted"})
    received_from = day_field(data_key="from", load_default=None,
                                metadata={"description": "First day of receipt (YYYY-MM-DD), included"})
    received_to = day_field(data_key="to", load_default=None,
                              metadata={"description": "Last day of receipt (YYYY-MM-DD), included"})


def slip_options(paper: str = "A4") -> SlipOptions:
    return options_from(current_app.config, paper)


def public_base_url() -> str:
    # Always the setting (api/edge.py requires it in production), never the request's Host header.
    return str(current_app.config["PUBLIC_BASE_URL"]).rstrip("/")


def printable(document: SlipDocument, fmt: str, suffix: str) -> Response:
    slip = printed(document, fmt, suffix)
    response = Response(slip.body, mimetype=slip.mimetype)  # Werkzeug adds charset=utf-8 to text
    response.headers["Content-Disposition"] = f'inline; filename="{slip.filename}"'
    response.headers["Cache-Control"] = "no-store"  # personal data of the applicant
    return response


@blp.route(f"/<string:ref>/slips/<{KIND}:kind>.<{FORMAT}:fmt>")
class DossierSlip(MethodView):
    @blp.arguments(SlipArgsSchema, location="query")
    @blp.doc(security=[{"bearerAuth": []}], responses=_PRINTABLE)
    def get(self, args: dict[str, Any], ref: str, kind: str, fmt: str) -> Response:
        """A slip of a dossier: receipt (Mẫu 01), supplement_request (02), refusal (03), apology, control (05)
        ---
        404 when the dossier does not exist or the slip does not apply to it (no supplementation
        request, not refused, never extended).
        """
        engine = current_engine()
        find_dossier(get_session(), current_official(), ref, today=engine.today())  # 404 unless readable
        data = slip_data(get_session(), kind, ref, calendar=engine.calendar, base_url=public_base_url(),
                         number=args.get("number"))
        document = compose(data, slip_options(args["paper"]))
        return printable(document, fmt, data.dossier.code)


@logbook_blp.route(f"/logbook.<{FORMAT}:fmt>")
class Logbook(MethodView):
    @logbook_blp.arguments(LogbookArgsSchema, location="query")
    @logbook_blp.doc(security=[{"bearerAuth": []}], responses=_PRINTABLE)
    def get(self, args: dict[str, Any], fmt: str) -> Response:
        """The dossier logbook (Sổ theo dõi hồ sơ, Mẫu 06): dossiers received at a center between two days
        ---
        At most 31 days at a time (the last 31 days by default; a missing end is filled to 31 days)
        and at most 2,000 dossiers: a longer period is a 422 naming ``to``, more dossiers one naming ``from``.
        Only the dossiers the official's logbook rule reaches (reception: its own center; center
        leaders, auditors, supervisors: their center and those below it).
        """
        allow(Action.LOGBOOK_READ)
        engine = current_engine()
        today = engine.clock.now().astimezone(engine.calendar.timezone).date()
        received_from, received_to = logbook_window(args.get("received_from"), args.get("received_to"), today=today)
        data = logbook_data(get_session(), calendar=engine.calendar, center=args.get("center"),
                            received_from=received_from, received_to=received_to, max_rows=MAX_LOGBOOK_ROWS,
                            scope=seen_dossiers(Action.LOGBOOK_READ))
        suffix = "-".join(p for p in (args.get("center"), received_from.isoformat(), received_to.isoformat()) if p)
        return printable(compose(data, slip_options()), fmt, suffix)
