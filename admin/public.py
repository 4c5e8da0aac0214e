"""Public pages: the dossier lookup the receipt's QR code opens (tra cứu hồ sơ)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, render_template, request
from sqlalchemy.orm import Session, sessionmaker

from engine.errors import NotFoundError
from engine.public import lookup

bp = Blueprint("public", __name__, template_folder="templates")


def _local(value: object) -> str:
    if value is None:
        return "—"
    tz = ZoneInfo(current_app.extensions["engine"].settings.timezone)
    return value.astimezone(tz).strftime("%H:%M, %d/%m/%Y")  # type: ignore[attr-defined]


@bp.get("/tra-cuu")
@bp.get("/tra-cuu/<string:code>")
def dossier_lookup(code: str | None = None) -> tuple[str, int]:
    code = code or (request.args.get("ma") or "").strip()
    if not code:
        return render_template("public/lookup.html", dossier=None, code="", error=None, local=_local), 200
    factory: sessionmaker[Session] = current_app.extensions["session_factory"]
    with factory() as session:
        try:
            dossier = lookup(session, code)
        except NotFoundError as error:
            return render_template("public/lookup.html", dossier=None, code=code, error=error.message,
                                   local=_local), 404
    return render_template("public/lookup.html", dossier=dossier, code=code, error=None, local=_local), 200
