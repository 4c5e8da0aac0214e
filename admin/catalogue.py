"""The public catalogue of procedures (danh mục thủ tục hành chính): no sign-in, phone first.

``/thu-tuc`` lists the procedures that receive dossiers now, searched accent-insensitively
(``?q=khai sinh``); ``/thu-tuc/<key>`` shows one: documents, fees, legal time limits, where to
submit, the start form's fields and the on-time rate at each center (engine.reads.public_catalogue).
"""

from __future__ import annotations

from flask import Blueprint, render_template, request

from admin.context import engine, page_session
from admin.i18n import current_language, engine_message
from engine.errors import NotFoundError, ProcedureNotActiveError
from engine.reads.public_catalogue import Bilingual, procedure_sheet, public_catalogue

bp = Blueprint("catalogue_pages", __name__, template_folder="templates")
MAX_QUERY = 100


@bp.app_template_global()
def in_language(text: Bilingual | None) -> str:
    """The English text on English pages where there is one, else the Vietnamese."""
    if text is None:
        return ""
    return text.en if current_language() == "en" and text.en else text.vi


@bp.app_template_global()
def vnd(amount: object) -> str:
    """An amount in đồng as Vietnamese write it: 100.000 đ."""
    if not isinstance(amount, int | float) or amount <= 0:
        return "—"
    return f"{amount:,.0f}".replace(",", ".") + " đ"


@bp.get("/thu-tuc")
def catalogue() -> str:
    query = (request.args.get("q") or "").strip()[:MAX_QUERY]
    items = public_catalogue(page_session(), query)
    return render_template("public/catalogue.html", items=items, query=query)


@bp.get("/thu-tuc/<string:key>")
def procedure(key: str) -> tuple[str, int]:
    try:
        sheet = procedure_sheet(page_session(), engine(), key)
    except (NotFoundError, ProcedureNotActiveError) as error:
        return render_template("public/procedure_missing.html", message=engine_message(error)), 404
    return render_template("public/procedure.html", sheet=sheet), 200
