"""Public pages: the dossier lookup the receipt's QR code opens (tra cứu hồ sơ).

The lookup needs the dossier's code and the secret printed beside it on the receipt, and each
client address may look up only so many times a minute (engine.identity.throttle), so codes can
be neither enumerated nor their secrets guessed.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, render_template, request
from sqlalchemy.orm import Session, sessionmaker

from engine.errors import NotFoundError, TooManyAttemptsError
from engine.feedback import public_answers
from engine.identity.throttle import SignInGuard
from engine.public import lookup

bp = Blueprint("public", __name__, template_folder="templates")


def _local(value: object) -> str:
    if value is None:
        return "—"
    tz = ZoneInfo(current_app.extensions["engine"].settings.timezone)
    return value.astimezone(tz).strftime("%H:%M, %d/%m/%Y")  # type: ignore[attr-defined]


def _page(status: int, code: str, *, dossier: object = None, error: str | None = None,
          headers: dict[str, str] | None = None, **extra: object) -> tuple[str, int, dict[str, str]]:
    return render_template("public/lookup.html", dossier=dossier, code=code, error=error,
                           local=_local, **extra), status, headers or {}


@bp.get("/tra-cuu")
@bp.get("/tra-cuu/<string:code>")
def dossier_lookup(code: str | None = None) -> tuple[str, int, dict[str, str]]:
    code = (code or request.args.get("ma") or "").strip()
    secret = (request.args.get("mbm") or "").strip()
    if not code or not secret:
        return _page(200, code)  # the form, to type what the receipt prints
    guard: SignInGuard = current_app.extensions["sign_in"]
    try:
        guard.counters.take("lookup", request.remote_addr or "unknown")
    except TooManyAttemptsError as error:
        return _page(429, code, error=error.message, headers={"Retry-After": str(error.retry_after)})
    factory: sessionmaker[Session] = current_app.extensions["session_factory"]
    with factory() as session:
        try:
            dossier = lookup(session, code, secret)
            answers = public_answers(session, current_app.extensions["engine"], code, secret)
        except NotFoundError as error:
            return _page(404, code, error=error.message)
    return _page(200, code, dossier=dossier, answers=answers)
