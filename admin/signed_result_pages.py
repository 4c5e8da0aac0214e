"""Signed results for citizens: the dossier's electronic result signed by the center, offered with
the receipt's code and secret, and a check of any PDF's signature against the trusted authorities.

Both are public pages, throttled per client address like the lookup (engine.identity.throttle);
the result is signed on the first request when the scheduler has not signed it yet, so the
request commits what the engine wrote (the signed result, or why it could not be signed).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request
from flask_babel import gettext

from admin.context import engine, page_session
from admin.i18n import engine_message
from engine.errors import EngineError, NotFoundError, TooManyAttemptsError
from engine.identity.throttle import SignInGuard
from engine.signing.credentials import SigningUnavailableError
from engine.signing.results import SignedResult, check_pdf, check_result, signed_result_pdf

bp = Blueprint("signed_results", __name__, template_folder="templates")
Page = Response | tuple[str, int, dict[str, str]]

MAX_CHECKED_PDF = 10 * 1024 * 1024  # bytes: larger uploads are refused before validation


def _throttled() -> TooManyAttemptsError | None:
    guard: SignInGuard = current_app.extensions["sign_in"]
    try:
        guard.counters.take("lookup", request.remote_addr or "unknown")
    except TooManyAttemptsError as error:
        return error
    return None


def _page(status: int, code: str, secret: str, *, error: EngineError | None = None,
          **values: object) -> tuple[str, int, dict[str, str]]:
    headers = {"Retry-After": str(error.retry_after)} if isinstance(error, TooManyAttemptsError) else {}
    return render_template("public/signed_result.html", code=code, secret=secret,
                           error=engine_message(error) if error else None, **values), status, headers


def _signed(code: str, make: Callable[[Any, str], Any], show: Callable[[Any], Page]) -> Page:
    """Throttle, run ``make`` (which may sign the result now) in one transaction, then ``show`` it;
    a wrong code or secret is 404, a certificate that cannot sign 503 with its reason."""
    secret = (request.args.get("mbm") or "").strip()
    if (refused := _throttled()) is not None:
        return _page(429, code, secret, error=refused)
    db = page_session()
    try:
        made = make(db, secret)
    except NotFoundError as error:
        db.rollback()
        return _page(404, code, secret, error=error)
    except SigningUnavailableError as error:
        db.commit()  # the dossier's history says why, for the center's officials
        return _page(503, code, secret, error=error)
    db.commit()
    return show(made)


@bp.get("/tra-cuu/<string:code>/ket-qua")
def signed_result_page(code: str) -> Page:
    secret = (request.args.get("mbm") or "").strip()
    return _signed(code, lambda db, secret: check_result(db, engine(), code, secret),
                   lambda made: _page(200, code, secret, result=made[0], check=made[1]))


@bp.get("/tra-cuu/<string:code>/ket-qua.pdf")
def signed_result_download(code: str) -> Page:
    def download(made: tuple[SignedResult, bytes]) -> Response:
        result, pdf = made
        return Response(pdf, mimetype="application/pdf", headers={
            "Content-Disposition": f'attachment; filename="{result.filename}"', "Cache-Control": "no-store"})

    return _signed(code, lambda db, secret: signed_result_pdf(db, engine(), code, secret), download)


@bp.route("/kiem-tra-chu-ky-so", methods=["GET", "POST"])
def check_signature() -> tuple[str, int, dict[str, str]]:
    if request.method == "GET":
        return render_template("public/check_signature.html", check=None, error=None), 200, {}
    if (refused := _throttled()) is not None:
        return render_template("public/check_signature.html", check=None, error=engine_message(refused)), 429, {
            "Retry-After": str(refused.retry_after)}
    upload = request.files.get("tep")
    data = upload.read(MAX_CHECKED_PDF + 1) if upload else b""
    if not data or len(data) > MAX_CHECKED_PDF:
        message = gettext("Vui lòng chọn một tệp PDF (tối đa 10 MB).")
        return render_template("public/check_signature.html", check=None, error=message), 422, {}
    try:
        check = check_pdf(engine(), data)
    except SigningUnavailableError as error:
        return render_template("public/check_signature.html", check=None, error=engine_message(error)), 503, {}
    return render_template("public/check_signature.html", check=check, error=None,
                           filename=upload.filename if upload else ""), 200, {}
