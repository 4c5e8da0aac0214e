"""What is deployed: the procedure catalog, each procedure's versions and their recorded life.

The catalog is public (no personal data); the versions and their life name the officials who
deployed and changed them, so reading them asks the access policy (``procedure.version.read``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, selectinload

from engine.access.policy import Someone, authorize
from engine.access.rules import Action
from engine.errors import NotFoundError
from engine.persistence.models import (
    CLOSED_DOSSIER_STATUSES,
    Dossier,
    Procedure,
    ProcedureVersion,
    ProcedureVersionEvent,
    VersionState,
)

# A dossier in one of these has finished; any other still runs on its pinned version.


@dataclass(frozen=True)
class CatalogEntry:
    key: str
    name: str
    name_en: str | None
    national_code: str | None
    latest_version: int | None
    active_version: int | None
    # The legal time limit new dossiers get: the active version's.
    time_limit: dict[str, Any] | None


@dataclass(frozen=True)
class VersionEventView:
    version: int
    action: str
    from_state: str | None
    to_state: str
    at: datetime
    actor_id: int | None
    actor_name: str
    reason: str | None


@dataclass(frozen=True)
class VersionSummary:
    id: int
    version: int
    state: str
    content_hash: str
    deployed_at: datetime
    deployed_by: str | None
    activated_at: datetime | None
    activated_by: str | None
    retired_at: datetime | None
    retired_by: str | None
    dossiers_running: int
    dossiers_total: int


def catalog(session: Session) -> list[CatalogEntry]:
    procedures = session.scalars(select(Procedure).options(selectinload(Procedure.versions)).order_by(Procedure.key))
    return [_entry(procedure) for procedure in procedures]


def catalog_entry(session: Session, key: str) -> CatalogEntry:
    return _entry(_procedure(session, key))


def version_summaries(session: Session, who: Someone, key: str, *, today: date) -> list[VersionSummary]:
    """Every version of a procedure, oldest first: its state, who deployed and activated it, its dossiers
    (for those the policy lets read versions, since they name officials)."""
    authorize(session, who, Action.PROCEDURE_VERSION_READ, today=today)
    procedure = _procedure(session, key)
    counts = _dossier_counts(session, procedure.id)
    latest: dict[tuple[int, str], ProcedureVersionEvent] = {}
    for event in _events(session, procedure.id):
        latest[(event.procedure_version_id, event.to_state.value)] = event  # oldest first: the last one wins
    summaries = []
    for version in procedure.versions:
        activated = latest.get((version.id, VersionState.ACTIVE.value))
        is_retired = version.state == VersionState.RETIRED
        retired = latest.get((version.id, VersionState.RETIRED.value)) if is_retired else None
        running, total = counts.get(version.id, (0, 0))
        summaries.append(VersionSummary(
            id=version.id, version=version.version, state=version.state.value, content_hash=version.content_hash,
            deployed_at=version.deployed_at, deployed_by=version.deployed_by,
            activated_at=activated.at if activated else None, activated_by=activated.actor_name if activated else None,
            retired_at=retired.at if retired else None, retired_by=retired.actor_name if retired else None,
            dossiers_running=running, dossiers_total=total,
        ))
    return summaries


def version_events(session: Session, who: Someone, key: str, *, today: date) -> list[VersionEventView]:
    """The recorded life of a procedure's versions, oldest first: deploy, activate, roll back, retire
    (for those the policy lets read versions)."""
    authorize(session, who, Action.PROCEDURE_VERSION_READ, today=today)
    procedure = _procedure(session, key)
    numbers = {version.id: version.version for version in procedure.versions}
    return [
        VersionEventView(version=numbers[event.procedure_version_id], action=event.action.value,
                         from_state=event.from_state.value if event.from_state else None,
                         to_state=event.to_state.value, at=event.at, actor_id=event.actor_id,
                         actor_name=event.actor_name, reason=event.reason)
        for event in _events(session, procedure.id)
    ]


def _entry(procedure: Procedure) -> CatalogEntry:
    latest = procedure.versions[-1] if procedure.versions else None
    active = next((v for v in procedure.versions if v.state == VersionState.ACTIVE), None)
    return CatalogEntry(
        key=procedure.key, name=procedure.name, name_en=procedure.name_en, national_code=procedure.national_code,
        latest_version=latest.version if latest else None, active_version=active.version if active else None,
        time_limit=active.metadata_.get("time_limit") if active else None,
    )


def _procedure(session: Session, key: str) -> Procedure:
    procedure = session.scalar(
        select(Procedure).where(Procedure.key == key).options(selectinload(Procedure.versions))
    )
    if procedure is None:
        raise NotFoundError(f"Không có thủ tục '{key}'", message_en=f"No procedure '{key}'")
    return procedure


def _events(session: Session, procedure_id: int) -> list[ProcedureVersionEvent]:
    return list(session.scalars(
        select(ProcedureVersionEvent)
        .join(ProcedureVersion, ProcedureVersion.id == ProcedureVersionEvent.procedure_version_id)
        .where(ProcedureVersion.procedure_id == procedure_id)
        .order_by(ProcedureVersionEvent.id)
    ))


def _dossier_counts(session: Session, procedure_id: int) -> dict[int, tuple[int, int]]:
    """Running and total dossiers per version id."""
    running = func.sum(case((Dossier.status.in_(CLOSED_DOSSIER_STATUSES), 0), else_=1))
    rows = session.execute(
        select(Dossier.procedure_version_id, running, func.count(Dossier.id))
        .join(ProcedureVersion, ProcedureVersion.id == Dossier.procedure_version_id)
        .where(ProcedureVersion.procedure_id == procedure_id)
        .group_by(Dossier.procedure_version_id)
    )
    return {version_id: (int(running_count or 0), int(total)) for version_id, running_count, total in rows}
