"""The studio's draft of a procedure: the modeler on it, saving it with its version tag, checking it.

The modeler's scripts (admin/static/js/studio/) post JSON here with the page's CSRF token; every
read and command is an engine function of ``engine.studio`` behind the access policy. A save based
on an older tag is refused by the engine with both versions, answered as 409 with both, so the page
can show them.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import gettext
from flask_login import login_required
from flask_wtf.csrf import generate_csrf

from admin.context import engine, page_session, signed_in_actor, signed_in_official
from admin.i18n import current_language, engine_message
from admin.studio import panel_vocabulary, refused_page, studio_texts
from engine.errors import (
    DeploymentError,
    DraftConflictError,
    EngineError,
    FormInvalidError,
    NotFoundError,
    PermissionDeniedError,
    Problem,
)
from engine.studio.checking import check_draft
from engine.studio.drafts import read_draft, save_draft
from engine.studio.vocabulary import studio_vocabulary

bp = Blueprint("studio_drafts", __name__, template_folder="templates")

STATUS = {NotFoundError: 404, PermissionDeniedError: 403, DraftConflictError: 409, FormInvalidError: 422,
          DeploymentError: 422}
JSON = tuple[dict[str, Any], int]
# Publishing and the test dossier (admin/studio_publish.py), offered where that module is wired.
TRIAL_ENDPOINTS = {"publish": "studio_publish.publish", "sandbox": "studio_publish.sandbox"}


def problem_dicts(problems: list[Problem]) -> list[dict[str, Any]]:
    return [problem.as_dict() for problem in problems]


def error_answer(error: EngineError) -> JSON:
    body: dict[str, Any] = {"code": error.code, "message": engine_message(error)}
    if isinstance(error, DraftConflictError):
        body.update(yours=error.yours, current=error.current)
    if isinstance(error, DeploymentError):
        body["problems"] = problem_dicts(error.problems)
    if isinstance(error, FormInvalidError):
        english = current_language() == "en"
        body["problems"] = [{"file": p.field, "message": p.message, "message_en": p.message_en,
                             "severity": "error", "element_id": None, "line": None}
                            for p in error.problems]
        body["message"] = "; ".join(p.message_en if english else p.message for p in error.problems) or body["message"]
    return body, STATUS.get(type(error), 409)


def bad_request(vi: str, en: str) -> JSON:
    return {"code": "bad_request", "message": en if current_language() == "en" else vi}, 400


def _files(body: Any) -> dict[str, str] | None:
    files = body.get("files") if isinstance(body, dict) else None
    if not isinstance(files, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in files.items()):
        return None
    return files


@bp.get("/thiet-ke/<key>")
@login_required  # type: ignore[misc]
def draft(key: str) -> str | tuple[str, int]:
    """The procedure's draft in the modeler (the latest version's files while nobody saved one)."""
    session, official, ctx = page_session(), signed_in_official(), engine()
    try:
        view = read_draft(session, official, key, clock=ctx.clock)
        vocabulary = studio_vocabulary(session, official, clock=ctx.clock, key=key)
        checked = check_draft(session, official, key, clock=ctx.clock, library_path=ctx.settings.library_path)
    except (NotFoundError, PermissionDeniedError) as error:
        return refused_page(error)
    data = {
        "mode": "draft", "key": key, "texts": studio_texts(), "vocabulary": panel_vocabulary(vocabulary),
        "draft": view.as_dict(), "problems": problem_dicts(checked.problems), "csrf": generate_csrf(),
        "urls": {"save": url_for("studio_drafts.save", key=key), "check": url_for("studio_drafts.check", key=key),
                 "preview": url_for("studio_forms.preview"), "list": url_for("studio_pages.procedures"),
                 **{name: url_for(endpoint, key=key) for name, endpoint in TRIAL_ENDPOINTS.items()
                    if endpoint in current_app.view_functions}},
    }
    return render_template("studio/draft.html", key=key, view=view, studio_data=data, number=None)


@bp.post("/thiet-ke/<key>/ban-nhap")
@login_required  # type: ignore[misc]
def save(key: str) -> JSON:
    """Store the draft if its tag is still the current one; the validator's problems come back."""
    body = request.get_json(silent=True)
    files = _files(body)
    base_tag = body.get("base_tag") if isinstance(body, dict) else None
    if files is None or not (base_tag is None or isinstance(base_tag, str)):
        return bad_request("Yêu cầu lưu phải có files (tên tệp → nội dung) và base_tag",
                            "A save needs files (file name → text) and base_tag")
    session, official, ctx = page_session(), signed_in_official(), engine()
    try:
        saved = save_draft(session, key, files, base_tag=base_tag, actor=signed_in_actor(), clock=ctx.clock)
        session.commit()
        checked = check_draft(session, official, key, clock=ctx.clock, library_path=ctx.settings.library_path)
    except EngineError as error:
        session.rollback()
        return error_answer(error)
    return {"tag": saved.tag, "revision": saved.revision, "valid": checked.valid,
            "problems": problem_dicts(checked.problems), "message": gettext("Đã lưu bản nháp.")}, 200


@bp.post("/thiet-ke/<key>/kiem-tra")
@login_required  # type: ignore[misc]
def check(key: str) -> JSON:
    """The validator on the files as the modeler has them now, saved or not."""
    files = _files(request.get_json(silent=True))
    if files is None:
        return bad_request("Yêu cầu kiểm tra phải có files (tên tệp → nội dung)",
                            "A check needs files (file name → text)")
    session, ctx = page_session(), engine()
    try:
        checked = check_draft(session, signed_in_official(), key, clock=ctx.clock,
                              library_path=ctx.settings.library_path, files=files)
    except EngineError as error:
        return error_answer(error)
    return {"valid": checked.valid, "problems": problem_dicts(checked.problems)}, 200

