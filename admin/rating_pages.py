"""The counter's tablet rating page (đánh giá tại quầy): when the result is handed over, the official
turns the tablet to the citizen, who rates the dossier (and the official) once.

The official is signed in and may read the dossier (the access policy), which stands in for the
receipt's secret the lookup page asks for; the rating is the same one (engine.satisfaction), so a
dossier rated on the lookup page is refused here, and the other way round.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import login_required
from werkzeug.wrappers import Response

from admin.context import engine, page_session, signed_in_official
from admin.i18n import engine_message
from admin.inbox import explain
from admin.public import LEVEL_LABELS
from engine.errors import ConflictError, FormInvalidError, NotFoundError, PermissionDeniedError
from engine.public import PublicDossier
from engine.reads.hotline import counter_view
from engine.satisfaction import rate_at_counter

bp = Blueprint("rating_pages", __name__, template_folder="templates")


def _dossier(code: str) -> PublicDossier:
    try:
        return counter_view(page_session(), signed_in_official(), code, today=engine().today(),
                            calendar=engine().calendar)
    except PermissionDeniedError as error:
        abort(403, engine_message(error))
    except NotFoundError as error:
        abort(404, engine_message(error))


def _page(dossier: PublicDossier, status: int = 200, rating_error: str | None = None) -> tuple[str, int]:
    return render_template("hotline/rate.html", dossier=dossier, levels=LEVEL_LABELS, rating_error=rating_error,
                           rating_action=url_for("rating_pages.counter_rating", code=dossier.code)), status


@bp.get("/danh-gia-tai-quay/<string:code>")
@login_required  # type: ignore[misc]
def counter_rating(code: str) -> tuple[str, int]:
    return _page(_dossier(code))


@bp.post("/danh-gia-tai-quay/<string:code>")
@login_required  # type: ignore[misc]
def rate(code: str) -> Response | tuple[str, int]:
    dossier = _dossier(code)
    session = page_session()
    try:
        rate_at_counter(session, signed_in_official(), code, level=request.form.get("level"),
                        official_level=request.form.get("official_level") or None,
                        comment=request.form.get("comment"), at=engine().clock.now(), today=engine().today())
        session.commit()
    except (ConflictError, FormInvalidError) as error:
        session.rollback()
        return _page(dossier, 409 if isinstance(error, ConflictError) else 422, explain(error))
    flash(gettext("Cảm ơn ông/bà đã đánh giá mức độ hài lòng."), "success")
    return redirect(url_for("rating_pages.counter_rating", code=code))
