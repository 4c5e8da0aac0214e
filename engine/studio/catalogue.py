"""The studio's list of procedures: every procedure with its versions and its draft.

Versions come from the catalogue's own reading (engine.deployment.catalog): state, who deployed,
activated and retired each and when, and the dossiers on each. A procedure that exists only as a
draft (started from a template, never published) is listed too, without versions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.access.policy import Someone, authorize
from engine.access.rules import Action
from engine.calendar.clock import Clock
from engine.deployment.catalog import VersionSummary, catalog, version_summaries
from engine.persistence.models import ProcedureDraft
from engine.studio.files import readable_metadata


@dataclass(frozen=True)
class DraftSummary:
    tag: str
    revision: int
    based_on_version: int | None
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True)
class StudioProcedure:
    key: str
    name: str
    name_en: str | None
    national_code: str | None
    active_version: int | None
    latest_version: int | None
    versions: list[VersionSummary]
    draft: DraftSummary | None


def studio_procedures(session: Session, who: Someone, *, clock: Clock) -> list[StudioProcedure]:
    """Every procedure, by key, with its versions (oldest first) and its draft, if any."""
    today = clock.now().astimezone(UTC).date()
    authorize(session, who, Action.PROCEDURE_VERSION_READ, today=today)
    drafts = {row.procedure_key: row for row in session.scalars(select(ProcedureDraft))}
    listed = []
    for entry in catalog(session):
        draft = drafts.pop(entry.key, None)
        listed.append(StudioProcedure(
            key=entry.key, name=entry.name, name_en=entry.name_en, national_code=entry.national_code,
            active_version=entry.active_version, latest_version=entry.latest_version,
            versions=version_summaries(session, who, entry.key, today=today), draft=_summary(draft)))
    for key, draft in drafts.items():
        # Never published: the name is what the draft's procedure.json says so far.
        name = readable_metadata(draft.files).get("name")
        name = name if isinstance(name, dict) else {}
        listed.append(StudioProcedure(
            key=key, name=str(name.get("vi") or key), name_en=name.get("en"), national_code=None,
            active_version=None, latest_version=None, versions=[], draft=_summary(draft)))
    return sorted(listed, key=lambda p: p.key)


def _summary(draft: ProcedureDraft | None) -> DraftSummary | None:
    if draft is None:
        return None
    return DraftSummary(tag=draft.tag, revision=draft.revision, based_on_version=draft.based_on_version,
                        updated_at=draft.updated_at, updated_by=draft.updated_by)
