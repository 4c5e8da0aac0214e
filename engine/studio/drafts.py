"""Drafts: the studio's shared working copy of a procedure, saved with the tag it was based on.

One draft per procedure. Opening a procedure that has no draft yet shows its latest version's
files (the active one when there is one) with no tag; the first save creates the draft. Every save
names the tag it was based on and gets a new one; a save based on anything but the current tag is
refused with both sides (DraftConflictError), so a second analyst never overwrites the first
silently. A draft may be invalid: checking (engine.studio.checking) says what is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, undefer

from engine.access.policy import Someone, authorize
from engine.access.rules import Action
from engine.calendar.clock import Clock
from engine.errors import DraftConflictError, NotFoundError
from engine.persistence.models import Procedure, ProcedureDraft, ProcedureVersion, VersionState, new_row_version
from engine.runtime.command import Actor
from engine.studio.files import checked_files, checked_key, files_of_version


@dataclass(frozen=True)
class DraftView:
    """A procedure's draft as the studio edits it.

    ``tag`` is None while nobody has saved a draft: ``files`` are then those of ``based_on_version``.
    """

    procedure: str
    tag: str | None
    revision: int
    based_on_version: int | None
    files: dict[str, str]
    updated_at: datetime | None
    updated_by: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"procedure": self.procedure, "tag": self.tag, "revision": self.revision,
                "based_on_version": self.based_on_version, "files": self.files,
                "updated_at": self.updated_at.isoformat() if self.updated_at else None,
                "updated_by": self.updated_by}


def read_draft(session: Session, who: Someone, key: str, *, clock: Clock) -> DraftView:
    """The procedure's draft, or its latest version's files when nobody has saved one."""
    authorize(session, who, Action.PROCEDURE_DRAFT_READ, today=_now(clock).date())
    return current_draft(session, key)


def current_draft(session: Session, key: str) -> DraftView:
    """As read_draft, without asking the policy (callers that already did)."""
    row = session.scalar(select(ProcedureDraft).options(undefer(ProcedureDraft.files))
                         .where(ProcedureDraft.procedure_key == key))
    if row is not None:
        return _view(row)
    version = base_version(session, key)
    if version is None:
        raise NotFoundError(f"Không có thủ tục '{key}' hay bản nháp nào của nó",
                            message_en=f"No procedure '{key}' and no draft of it")
    return DraftView(procedure=key, tag=None, revision=0, based_on_version=version.version,
                     files=files_of_version(key, version), updated_at=None, updated_by=None)


def files_of(session: Session, key: str, version: int | None) -> dict[str, str]:
    """The folder of version ``version``, or the draft's (None), as the studio holds files."""
    if version is None:
        return current_draft(session, key).files
    row = session.scalar(
        select(ProcedureVersion).join(Procedure, Procedure.id == ProcedureVersion.procedure_id)
        .options(undefer(ProcedureVersion.bpmn_xml), undefer(ProcedureVersion.forms))
        .where(Procedure.key == key, ProcedureVersion.version == version))
    if row is None:
        raise NotFoundError(f"Thủ tục '{key}' không có phiên bản {version}",
                            message_en=f"Procedure '{key}' has no version {version}")
    return files_of_version(key, row)


def base_version(session: Session, key: str) -> ProcedureVersion | None:
    """The version a new draft starts from: the active one, else the latest deployed."""
    versions = list(session.scalars(
        select(ProcedureVersion).join(Procedure, Procedure.id == ProcedureVersion.procedure_id)
        .options(undefer(ProcedureVersion.bpmn_xml), undefer(ProcedureVersion.forms))
        .where(Procedure.key == key).order_by(ProcedureVersion.version)))
    active = [v for v in versions if v.state == VersionState.ACTIVE]
    return active[0] if active else (versions[-1] if versions else None)


def save_draft(session: Session, key: str, files: Mapping[str, str], *, base_tag: str | None, actor: Actor,
               clock: Clock) -> DraftView:
    """Store ``files`` as the procedure's draft, if ``base_tag`` is still the draft's tag (None: there
    is no draft yet). Refused with both versions otherwise; nothing is written then. Does not commit."""
    authorize(session, actor, Action.PROCEDURE_DRAFT_EDIT, today=_now(clock).date())
    checked_key(key)
    files = checked_files(files)
    now = _now(clock)
    # Locked so that two saves based on the same tag cannot both pass the check.
    row = session.scalar(select(ProcedureDraft).options(undefer(ProcedureDraft.files))
                         .where(ProcedureDraft.procedure_key == key).with_for_update())
    if row is None:
        if base_tag is not None:
            raise _stale(key, base_tag, files, None)
        return _create(session, key, files, actor, now)
    if row.tag != base_tag:
        raise _stale(key, base_tag, files, _view(row))
    row.files = files
    row.tag = new_row_version()
    row.revision += 1
    row.updated_at, row.updated_by_id, row.updated_by = now, actor.id, actor.name[:255]
    session.flush()
    return _view(row)


def record_published(session: Session, key: str, version: int) -> None:
    """The draft now matches version ``version``: later drafts compare with it."""
    row = session.scalar(select(ProcedureDraft).where(ProcedureDraft.procedure_key == key))
    if row is not None:
        row.based_on_version = version
        session.flush()


def _create(session: Session, key: str, files: dict[str, str], actor: Actor, now: datetime) -> DraftView:
    base = base_version(session, key)
    row = ProcedureDraft(procedure_key=key, tag=new_row_version(), revision=1, files=files,
                         based_on_version=base.version if base else None, created_at=now,
                         created_by=actor.name[:255], updated_at=now, updated_by_id=actor.id,
                         updated_by=actor.name[:255])
    savepoint = session.begin_nested()
    try:
        session.add(row)
        session.flush()
    except IntegrityError:
        # Another analyst created the draft in the same instant: theirs stands, this save is stale.
        savepoint.rollback()
        current = session.scalar(select(ProcedureDraft).options(undefer(ProcedureDraft.files))
                                 .where(ProcedureDraft.procedure_key == key))
        raise _stale(key, None, files, _view(current) if current else None) from None
    savepoint.commit()
    return _view(row)


def _stale(key: str, base_tag: str | None, files: dict[str, str], current: DraftView | None) -> DraftConflictError:
    who = current.updated_by if current else None
    when = current.updated_at.isoformat(timespec="minutes") if current and current.updated_at else None
    saved_vi = f" ({who} lưu lúc {when})" if who else ""
    saved_en = f" ({who} saved it at {when})" if who else ""
    return DraftConflictError(
        f"Bản nháp của thủ tục '{key}' đã được lưu bởi người khác sau phiên bản bạn đang sửa{saved_vi}; "
        "không có gì được ghi: hãy so sánh hai bản, gộp thay đổi rồi lưu lại",
        message_en=f"The draft of procedure '{key}' was saved by someone else after the one you are editing"
                   f"{saved_en}; nothing was written: compare both, merge and save again",
        yours={"tag": base_tag, "files": files},
        current=current.as_dict() if current else {"procedure": key, "tag": None, "files": {}})


def _view(row: ProcedureDraft) -> DraftView:
    return DraftView(procedure=row.procedure_key, tag=row.tag, revision=row.revision,
                     based_on_version=row.based_on_version, files=dict(row.files), updated_at=row.updated_at,
                     updated_by=row.updated_by)


def _now(clock: Clock) -> datetime:
    return clock.now().astimezone(UTC)
