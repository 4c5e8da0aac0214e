"""Two versions of a procedure compared: the diagrams side by side with what was added, changed and
removed marked on them (bpmn-js-differ, in admin/static/js/studio/diff.js), and the text changes of
procedure.json and of each form, line by line (difflib)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from flask import Blueprint, render_template, request, url_for
from flask_login import login_required

from admin.context import engine, page_session, signed_in_official
from admin.studio import refused_page
from engine.errors import NotFoundError, PermissionDeniedError
from engine.reads.version_diagram import version_files

bp = Blueprint("studio_diff", __name__, template_folder="templates")


@dataclass(frozen=True)
class FileChange:
    name: str
    state: str  # added | removed | changed
    lines: list[tuple[str, str]]  # (kind: add | remove | context | hunk, text)


def _kind(line: str) -> str:
    if line.startswith("@@"):
        return "hunk"
    return {"+": "add", "-": "remove"}.get(line[:1], "context")


def file_changes(old: dict[str, str], new: dict[str, str]) -> list[FileChange]:
    """procedure.json and the forms that differ between two versions' files, as unified diffs (the
    diagrams are compared on the diagram itself)."""
    changes = []
    for name in sorted(set(old) | set(new)):
        if name.endswith(".bpmn") or old.get(name) == new.get(name):
            continue
        state = "added" if name not in old else "removed" if name not in new else "changed"
        diff = difflib.unified_diff(old.get(name, "").splitlines(), new.get(name, "").splitlines(), lineterm="", n=2)
        lines = [(_kind(line), line) for line in list(diff)[2:]]  # past the ---/+++ header
        changes.append(FileChange(name, state, lines))
    return changes


def _number(name: str, default: int) -> int:
    text = request.args.get(name, "")
    return int(text) if text.isdigit() and 0 < int(text) < 2**31 else default


@bp.get("/thiet-ke/<key>/so-sanh")
@login_required  # type: ignore[misc]
def compare(key: str) -> str | tuple[str, int]:
    """``?tu=<n>&den=<m>``: what version m changed from version n (by default the one before m)."""
    new_number = _number("den", 0)
    old_number = _number("tu", max(new_number - 1, 1))
    session, official, today = page_session(), signed_in_official(), engine().today()
    try:
        old = version_files(session, official, key, old_number, today=today)
        new = version_files(session, official, key, new_number, today=today)
    except (NotFoundError, PermissionDeniedError) as error:
        return refused_page(error)
    return render_template(
        "studio/diff.html", key=key, old_number=old_number, new_number=new_number, changes=file_changes(old, new),
        old_url=url_for("studio_pages.version_bpmn", key=key, number=old_number),
        new_url=url_for("studio_pages.version_bpmn", key=key, number=new_number))
