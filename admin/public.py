"""Public pages: the dossier lookup the receipt's QR code opens (tra cứu hồ sơ), and the citizen's
one rating of the dossier once its result is returned.

The lookup needs the dossier's code and the secret printed beside it on the receipt, and each
client address may look up (or try a secret by rating) only so many times a minute
(engine.identity.throttle), so codes can be neither enumerated nor their secrets guessed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from admin.context import engine, page_session
from admin.i18n import current_language, engine_message
from admin.inbox import explain
from admin.labels import NATIONAL_STATUS_LABELS, label
from engine.errors import ConflictError, FormInvalidError, NotFoundError, TooManyAttemptsError
from engine.feedback import public_answers
from engine.identity.throttle import SignInGuard
from engine.persistence.models import SatisfactionLevel
from engine.public import PublicDossier, lookup, rate_with_secret
from engine.signing.results import kept_result

bp = Blueprint("public", __name__, template_folder="templates")

LEVEL_LABELS = {
    SatisfactionLevel.VERY_SATISFIED.value: _l("Rất hài lòng"),
    SatisfactionLevel.SATISFIED.value: _l("Hài lòng"),
    SatisfactionLevel.DISSATISFIED.value: _l("Không hài lòng"),
}


@bp.app_template_global()
def local_time(value: datetime | None) -> str:
    """A time in the center's timezone, as the receipt prints it: "17:00, 02/12/2026"."""
    if value is None:
        return "—"
    return value.astimezone(engine().calendar.timezone).strftime("%H:%M, %d/%m/%Y")


@bp.app_template_global()
def public_status(dossier: PublicDossier) -> str:
    """The status in the citizen's words; in English, the national list's name of it."""
    if current_language() == "en":
        return label(NATIONAL_STATUS_LABELS, dossier.national_status_code)
    return dossier.status


def _take_lookup() -> None:
    guard: SignInGuard = current_app.extensions["sign_in"]
    guard.counters.take("lookup", request.remote_addr or "unknown")


def _page(status: int, code: str, *, dossier: PublicDossier | None = None, secret: str = "",
          error: str | None = None, headers: dict[str, str] | None = None,
          **context: Any) -> tuple[str, int, dict[str, str]]:
    return render_template("public/lookup.html", dossier=dossier, code=code, secret=secret, error=error,
                           levels=LEVEL_LABELS, local=local_time, **context), status, headers or {}


def _found(status: int, code: str, secret: str, dossier: PublicDossier,
           **context: Any) -> tuple[str, int, dict[str, str]]:
    """The page of a dossier found by its code and secret, with the answers to its feedback and
    its signed result."""
    answers = public_answers(page_session(), engine(), code, secret)
    signed = kept_result(page_session(), code, secret)
    return _page(status, code, dossier=dossier, secret=secret, answers=answers, signed=signed, **context)


def _too_many(code: str, error: TooManyAttemptsError) -> tuple[str, int, dict[str, str]]:
    return _page(429, code, error=engine_message(error), headers={"Retry-After": str(error.retry_after)})


@bp.get("/tra-cuu")
@bp.get("/tra-cuu/<string:code>")
def dossier_lookup(code: str | None = None) -> tuple[str, int, dict[str, str]]:
    code = (code or request.args.get("ma") or "").strip()
    secret = (request.args.get("mbm") or "").strip()
    if not code or not secret:
        return _page(200, code)  # the form, to type what the receipt prints
    try:
        _take_lookup()
    except TooManyAttemptsError as error:
        return _too_many(code, error)
    try:
        dossier = lookup(page_session(), code, secret, calendar=engine().calendar)
    except NotFoundError as error:
        return _page(404, code, error=engine_message(error))
    return _found(200, code, secret, dossier)


@bp.post("/tra-cuu/<string:code>/danh-gia")
def rate(code: str) -> Response | tuple[str, int, dict[str, str]]:
    """The citizen's one rating, from the lookup page (code and secret in the form)."""
    secret = (request.form.get("mbm") or "").strip()
    try:
        _take_lookup()
    except TooManyAttemptsError as error:
        return _too_many(code, error)
    session = page_session()
    try:
        rate_with_secret(session, code, secret, level=request.form.get("level"),
                         official_level=request.form.get("official_level") or None,
                         comment=request.form.get("comment"), at=engine().clock.now())
        session.commit()
    except NotFoundError as error:
        return _page(404, code, error=engine_message(error))
    except (ConflictError, FormInvalidError) as error:
        session.rollback()
        status = 409 if isinstance(error, ConflictError) else 422
        dossier = lookup(session, code, secret, calendar=engine().calendar)
        return _found(status, code, secret, dossier, rating_error=explain(error))
    flash(gettext("Cảm ơn ông/bà đã đánh giá mức độ hài lòng."), "success")
    return redirect(url_for("public.dossier_lookup", code=code) + "?" + urlencode({"mbm": secret}))
