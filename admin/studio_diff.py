"""Two versions of a procedure compared: the diagrams side by side with what was added, changed and
removed marked on them (bpmn-js-differ, in admin/static/js/studio/diff.js), and the text changes of
procedure.json and of each form, line by line (engine.studio.exchange.compare)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, render_template, request, url_for
from flask_login import login_required

from admin.context import engine, page_session, signed_in_official
from admin.studio import refused_page
from engine.errors import NotFoundError, PermissionDeniedError
from engine.studio.exchange import compare as compare_versions

bp = Blueprint("studio_diff", __name__, template_folder="templates")


@dataclass(frozen=True)
class FileChange:
    name: str
    state: str  # added | removed | changed
    lines: list[tuple[str, str]]  # (kind: add | remove | context | hunk, text), past the ---/+++ header


def _kind(line: str) -> str:
    if line.startswith("@@"):
        return "hunk"
    return {"+": "add", "-": "remove"}.get(line[:1], "context")


def _number(name: str, default: int) -> int:
    text = request.args.get(name, "")
    return int(text) if text.isdigit() and 0 < int(text) < 2**31 else default


@bp.get("/thiet-ke/<key>/so-sanh")
@login_required  # type: ignore[misc]
def compare(key: str) -> str | tuple[str, int]:
    """``?tu=<n>&den=<m>``: what version m changed from version n (by default the one before m)."""
    new_number = _number("den", 0)
    old_number = _number("tu", max(new_number - 1, 1))
    session, official = page_session(), signed_in_official()
    try:
        changes = compare_versions(session, official, key, old_number, new_number, clock=engine().clock)
    except (NotFoundError, PermissionDeniedError) as error:
        return refused_page(error)
    # The diagrams are compared on the diagram itself; the JSON files line by line.
    shown = [FileChange(c.path, c.status, [(_kind(line), line) for line in c.diff.splitlines()[2:]])
             for c in changes if c.status != "same" and not c.path.endswith(".bpmn")]
    return render_template(
        "studio/diff.html", key=key, old_number=old_number, new_number=new_number, changes=shown,
        old_url=url_for("studio_pages.version_bpmn", key=key, number=old_number),
        new_url=url_for("studio_pages.version_bpmn", key=key, number=new_number))
