"""Publishing a draft as the next version (and activating it, with a reason) and trying a test
dossier of it with the demo province's officials, from the studio's modeler (engine.studio.publish,
engine.studio.sandbox); JSON for admin/static/js/studio/drafts.js, one transaction per command.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import gettext
from flask_login import login_required

from admin.context import engine, page_session, signed_in_actor, signed_in_official
from admin.studio_drafts import JSON, bad_request, error_answer, problem_dicts
from demo.sandbox import DEMO_SANDBOX
from engine.errors import EngineError
from engine.studio.publish import publish_draft
from engine.studio.sandbox import run_sandbox

bp = Blueprint("studio_publish", __name__, template_folder="templates")


@bp.post("/thiet-ke/<key>/xuat-ban")
@login_required  # type: ignore[misc]
def publish(key: str) -> JSON:
    """Deploy the saved draft (its tag must still be current) as the next version; with a reason,
    activate it too. An invalid draft is refused with its problems; nothing is written then."""
    body = request.get_json(silent=True)
    tag = body.get("tag") if isinstance(body, dict) else None
    reason = body.get("activate_reason") if isinstance(body, dict) else None
    if not isinstance(tag, str) or not (reason is None or isinstance(reason, str)):
        return bad_request("Yêu cầu xuất bản phải có tag của bản nháp đã lưu",
                            "A publication needs the tag of the saved draft")
    session, ctx = page_session(), engine()
    try:
        published = publish_draft(session, key, tag=tag, actor=signed_in_actor(), clock=ctx.clock,
                                  library_path=ctx.settings.library_path, activate_reason=reason)
        number = published.version.version
        activated = published.activation is not None
        session.commit()
    except EngineError as error:
        session.rollback()
        return error_answer(error)
    message = (gettext("Đã xuất bản và kích hoạt v%(n)s.", n=number) if activated
               else gettext("Đã xuất bản v%(n)s; phiên bản chưa áp dụng cho đến khi được kích hoạt.", n=number))
    return {"version": number, "created": published.created, "activated": activated, "message": message,
            "warnings": problem_dicts(published.warnings)}, 200


@bp.post("/thiet-ke/<key>/ho-so-thu")
@login_required  # type: ignore[misc]
def sandbox(key: str) -> JSON:
    """A test dossier of the saved draft walked in a throwaway database with the demo province's
    officials: the steps it reaches and who each would reach, drawn as a table for the page."""
    session, ctx = page_session(), engine()
    try:
        run = run_sandbox(session, signed_in_official(), key, ctx=ctx, sandbox=DEMO_SANDBOX)
    except EngineError as error:
        return error_answer(error)
    reached = {step.element_id: step.assignee.full_name if step.assignee
               else gettext("%(n)s cán bộ", n=step.candidates_total) for step in run.steps}
    return {"html": render_template("studio/sandbox.html", run=run), "reached": reached}, 200
