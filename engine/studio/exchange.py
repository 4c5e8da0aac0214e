"""Diagrams and folders in and out of the studio, and what changed between two versions.

- A ``.bpmn`` drawn in another tool becomes the draft's diagram as it is (nothing renamed or
  dropped, so it saves back with every element and its diagram interchange); it is parsed first
  with the engine's safe parser (no DTD, no entities, UTF-8), and bad XML is refused at its line.
  A file another tool declared in another encoding (several MIWG reference models say
  ISO-8859-1) is re-encoded to UTF-8 first, its declaration saying so: the same characters.
- A version (or the draft) downloads as its folder in a zip: ``<key>/<key>.bpmn``,
  ``<key>/procedure.json``, ``<key>/forms/…``, as ``motcua deploy`` reads a folder.
- Two versions (or a version and the draft) compare file by file: the forms and procedure.json as a
  unified diff of their JSON written the same way (so only content shows, not formatting); the
  diagrams' own comparison is drawn in the browser from the two XML texts, which both sides serve.
"""

from __future__ import annotations

import codecs
import difflib
import io
import json
import re
import zipfile
from dataclasses import dataclass
from datetime import UTC

from sqlalchemy.orm import Session

from engine.access.policy import Someone, authorize
from engine.access.rules import Action
from engine.calendar.clock import Clock
from engine.deployment.xml_safety import parse_bpmn_bytes
from engine.errors import DeploymentError, NotFoundError
from engine.runtime.command import Actor
from engine.studio.drafts import DraftView, current_draft, files_of, save_draft
from engine.studio.files import checked_key, json_text, main_diagram

DRAFT = "draft"
DECLARED_ENCODING = re.compile(rb"""^(\s*<\?xml[^>]*?encoding\s*=\s*)(["'])([A-Za-z0-9._-]+)\2""")
UTF8_NAMES = {"utf-8", "utf8"}
DIFF_CONTEXT = 3


@dataclass(frozen=True)
class FileChange:
    path: str
    status: str  # added | removed | changed | same
    diff: str  # unified diff of the JSON files; empty for diagrams and unchanged files


def import_diagram(session: Session, key: str, content: bytes, *, filename: str, base_tag: str | None,
                   actor: Actor, clock: Clock) -> DraftView:
    """Make ``content`` the draft's diagram, keeping its procedure.json and forms (those of the latest
    version while there is no draft). Refused at its line when it is not safe, well-formed UTF-8 XML;
    saved like any draft otherwise (``base_tag`` as for save_draft), to be checked like any draft."""
    authorize(session, actor, Action.PROCEDURE_DRAFT_EDIT, today=clock.now().astimezone(UTC).date())
    checked_key(key)
    content = as_utf8(content)
    _tree, problems = parse_bpmn_bytes(content, filename or main_diagram(key))
    if problems:
        raise DeploymentError(problems)
    try:
        files = current_draft(session, key).files
    except NotFoundError:
        files = {}
    files = {name: text for name, text in files.items() if not name.endswith(".bpmn")}
    files[main_diagram(key)] = content.decode("utf-8")
    return save_draft(session, key, files, base_tag=base_tag, actor=actor, clock=clock)


def as_utf8(content: bytes) -> bytes:
    """The document re-encoded to UTF-8 when its XML declaration names another encoding Python knows;
    unchanged otherwise (the safe parser then judges it)."""
    declared = DECLARED_ENCODING.match(content)
    if declared is None or declared.group(3).decode().lower() in UTF8_NAMES:
        return content
    try:
        text = content.decode(codecs.lookup(declared.group(3).decode()).name)
    except (LookupError, UnicodeDecodeError):
        return content
    quote = declared.group(2)
    return DECLARED_ENCODING.sub(lambda m: m.group(1) + quote + b"UTF-8" + quote, text.encode("utf-8"), count=1)


def version_files(session: Session, who: Someone, key: str, version: int | str, *, clock: Clock) -> dict[str, str]:
    """The folder of version ``version`` (a number), or of the draft (``"draft"``)."""
    authorize(session, who, Action.PROCEDURE_DRAFT_READ, today=clock.now().astimezone(UTC).date())
    return _files(session, key, version)


def folder_zip(key: str, files: dict[str, str]) -> bytes:
    """The files as the procedure's folder in a zip archive."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            archive.writestr(f"{key}/{name}", files[name].encode("utf-8"))
    return buffer.getvalue()


def compare(session: Session, who: Someone, key: str, before: int | str, after: int | str, *,
            clock: Clock) -> list[FileChange]:
    """What changed from ``before`` to ``after`` (version numbers or ``"draft"``), file by file."""
    authorize(session, who, Action.PROCEDURE_DRAFT_READ, today=clock.now().astimezone(UTC).date())
    old, new = _files(session, key, before), _files(session, key, after)
    changes = []
    for path in sorted(set(old) | set(new)):
        if path not in new:
            status = "removed"
        elif path not in old:
            status = "added"
        else:
            status = "same" if _comparable(path, old[path]) == _comparable(path, new[path]) else "changed"
        diff = ""
        if path.endswith(".json") and status != "same":
            diff = "".join(difflib.unified_diff(
                _comparable(path, old.get(path, "")).splitlines(keepends=True),
                _comparable(path, new.get(path, "")).splitlines(keepends=True),
                fromfile=f"{_label(before)}/{path}", tofile=f"{_label(after)}/{path}", n=DIFF_CONTEXT))
        changes.append(FileChange(path, status, diff))
    return changes


def _comparable(path: str, text: str) -> str:
    """JSON written one way, so formatting alone never shows as a change; other files as they are."""
    if not path.endswith(".json") or not text:
        return text
    try:
        return json_text(json.loads(text))
    except ValueError:
        return text


def _label(which: int | str) -> str:
    return DRAFT if which == DRAFT else f"v{which}"


def _files(session: Session, key: str, which: int | str) -> dict[str, str]:
    return files_of(session, key, None if which == DRAFT else int(which))
