"""The public feedback form (gửi phản ánh, kiến nghị): no sign-in, one dossier of the feedback
procedure per submission, followed like any dossier with the code and secret it answers.

Each client address may send only so many (engine.identity.throttle, ``feedback``), and the form
posts with a CSRF token like every page form. The receipt (code and secret) is shown once, on the
page the form redirects to, from the browser session: the secret never travels in a URL the
server logs.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from admin.context import engine, page_session
from admin.i18n import current_language, engine_message
from engine.errors import EngineError, FormInvalidError, TooManyAttemptsError
from engine.feedback import feedback_centers, submit_feedback
from engine.identity.throttle import SignInGuard

bp = Blueprint("feedback", __name__, template_folder="templates")

FIELDS = ("center", "name", "contact", "subject", "content", "related_dossier_code")
_RECEIPT_KEY = "feedback_receipt"


def _form(values: dict[str, str], *, problems: dict[str, str] | None = None, error: str | None = None,
          status: int = 200, headers: dict[str, str] | None = None) -> tuple[str, int, dict[str, str]]:
    page = render_template("public/feedback_form.html", values=values, problems=problems or {}, error=error,
                           centers=feedback_centers(page_session()))
    return page, status, headers or {}


def _field_messages(error: FormInvalidError) -> dict[str, str]:
    """The first problem of each field, in the page's language."""
    english = current_language() == "en"
    messages: dict[str, str] = {}
    for problem in error.problems:
        messages.setdefault(problem.field or "form", problem.message_en if english else problem.message)
    order = {name: index for index, name in enumerate(FIELDS)}  # the summary lists them as the form does
    return dict(sorted(messages.items(), key=lambda item: order.get(item[0], len(FIELDS))))


@bp.get("/phan-anh-kien-nghi")
def feedback_form() -> tuple[str, int, dict[str, str]]:
    return _form({"center": request.args.get("trung-tam", "")})


@bp.post("/phan-anh-kien-nghi")
def send_feedback() -> Response | tuple[str, int, dict[str, str]]:
    values = {name: (request.form.get(name) or "") for name in FIELDS}
    guard: SignInGuard = current_app.extensions["sign_in"]
    try:
        guard.counters.take("feedback", request.remote_addr or "unknown")
    except TooManyAttemptsError as error:
        return _form(values, error=engine_message(error), status=429,
                     headers={"Retry-After": str(error.retry_after)})
    db = page_session()
    try:
        receipt = submit_feedback(db, engine(), center_code=values["center"], name=values["name"],
                                  contact=values["contact"], subject=values["subject"], content=values["content"],
                                  related_dossier_code=values["related_dossier_code"])
    except FormInvalidError as error:
        db.rollback()
        return _form(values, problems=_field_messages(error), status=422)
    except EngineError as error:  # e.g. the feedback procedure is not active
        db.rollback()
        return _form(values, error=engine_message(error), status=503)
    db.commit()
    session[_RECEIPT_KEY] = {"code": receipt.code, "secret": receipt.secret, "center": receipt.center_name,
                             "received_at": receipt.received_at.isoformat(),
                             "due_at": receipt.due_at.isoformat() if receipt.due_at else None}
    return redirect(url_for("feedback.feedback_sent"))


@bp.get("/phan-anh-kien-nghi/da-gui")
def feedback_sent() -> Response | str:
    receipt: dict[str, Any] | None = session.pop(_RECEIPT_KEY, None)
    if receipt is None:  # shown once; a reload leads back to the form
        return redirect(url_for("feedback.feedback_form"))
    times = {name: datetime.fromisoformat(receipt[name]) if receipt.get(name) else None
             for name in ("received_at", "due_at")}
    return render_template("public/feedback_sent.html", receipt={**receipt, **times})
