"""Checking a draft: the deploy-time validator run on the draft's files, nothing stored.

The problems are the validator's own (engine.deployment.validate), each with its file, line,
element id, rule, severity and message in Vietnamese and English, so the studio can draw them on
the elements they name. Lane bindings are checked against the organisation, as deployment does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path

from sqlalchemy.orm import Session

from engine.access.policy import Someone, authorize
from engine.access.rules import Action
from engine.calendar.clock import Clock
from engine.deployment.organisation import load_organisation
from engine.deployment.validate import validate_package
from engine.errors import Problem
from engine.studio.drafts import current_draft
from engine.studio.files import checked_files, checked_key, package_of, shared_diagrams


@dataclass(frozen=True)
class DraftCheck:
    """What the validator says of a draft: ``valid`` when it could be published as it is."""

    procedure: str
    tag: str | None
    valid: bool
    problems: list[Problem]

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.severity == "error")


def check_files(session: Session, key: str, files: Mapping[str, str], library_path: Path) -> list[Problem]:
    """Every problem of the files, as deployment would find them in this organisation."""
    package = package_of(key, files, shared_diagrams(library_path))
    _validated, problems = validate_package(package, load_organisation(session))
    return problems


def check_draft(session: Session, who: Someone, key: str, *, clock: Clock, library_path: Path,
                files: Mapping[str, str] | None = None) -> DraftCheck:
    """Validate the procedure's saved draft (or its latest version's files while it has no draft),
    or ``files`` when given: what the analyst has on screen, not saved yet."""
    authorize(session, who, Action.PROCEDURE_DRAFT_READ, today=clock.now().astimezone(UTC).date())
    if files is None:
        draft = current_draft(session, key)
        files, tag = draft.files, draft.tag
    else:
        files, tag = checked_files(files), None
    problems = check_files(session, checked_key(key), files, library_path)
    return DraftCheck(procedure=key, tag=tag, valid=not any(p.severity == "error" for p in problems),
                      problems=problems)
