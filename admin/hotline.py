"""The hotline desk (đường dây nóng): an official answering a citizen's call finds the dossier by its
code, the applicant's phone or name within their center, and reads out its public progress.

The access policy decides who may answer and for which dossiers (``hotline.read``,
engine.reads.hotline); the page shows what the public lookup shows, plus the applicant's name in
the list so the official can confirm it with the caller.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import login_required

from admin.context import engine, page_session, signed_in_official
from admin.i18n import engine_message
from admin.inbox import explain
from engine.errors import FormInvalidError, NotFoundError, PermissionDeniedError
from engine.reads.hotline import HotlineMatch, check_hotline, hotline_answer, hotline_search

bp = Blueprint("hotline_pages", __name__, template_folder="templates")
MAX_QUERY = 100


def _refused(error: Exception) -> tuple[str, int]:
    return render_template("admin/refused.html", message=getattr(error, "description", "")), 403


bp.register_error_handler(403, _refused)


@bp.get("/duong-day-nong")
@login_required  # type: ignore[misc]
def hotline() -> tuple[str, int]:
    query = (request.args.get("q") or "").strip()[:MAX_QUERY]
    matches: list[HotlineMatch] = []
    message = None
    try:
        if query:
            matches = hotline_search(page_session(), signed_in_official(), query, today=engine().today())
        else:  # the empty form; still only for those who may answer
            check_hotline(page_session(), signed_in_official(), today=engine().today())
    except PermissionDeniedError as error:
        abort(403, engine_message(error))
    except FormInvalidError as error:
        message = explain(error)
    return render_template("hotline/hotline.html", query=query, matches=matches, message=message), 200


@bp.get("/duong-day-nong/<string:code>")
@login_required  # type: ignore[misc]
def answer(code: str) -> tuple[str, int]:
    try:
        dossier = hotline_answer(page_session(), signed_in_official(), code, today=engine().today(),
                                 calendar=engine().calendar)
    except PermissionDeniedError as error:
        abort(403, engine_message(error))
    except NotFoundError as error:
        return render_template("hotline/hotline.html", query=code, matches=[], message=engine_message(error)), 404
    return render_template("hotline/answer.html", dossier=dossier), 200
