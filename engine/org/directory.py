"""Who can act: candidates of a unit and role, leave periods, deputies. Queries only."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import BindParameter, Date, Exists, and_, bindparam, exists, select
from sqlalchemy.orm import Session

from engine.persistence.models import Center, Deputy, LeavePeriod, Official, OfficialRole, Unit

# Lane bindings written before unit leaders and center leaders were told apart.
ROLE_ALIASES = {"leader": "unit_leader"}


def normalise_role(role: str | None) -> str | None:
    return ROLE_ALIASES.get(role, role) if role else role


def _on_leave(official_id: Any, day: date | BindParameter[date]) -> Exists:
    return exists().where(
        LeavePeriod.official_id == official_id, LeavePeriod.starts_on <= day, LeavePeriod.ends_on >= day
    )


def serving_centers(session: Session, center_id: int) -> list[int]:
    """The center and those above it: whose officials may work a dossier received there."""
    chain: list[int] = []
    current: int | None = center_id
    while current is not None and current not in chain:
        chain.append(current)
        current = session.scalar(select(Center.parent_id).where(Center.id == current))
    return chain


def candidate_ids(session: Session, unit_code: str | None, role: str | None, day: date,
                  center_id: int | None = None) -> list[int]:
    """Active officials of the unit with the role who are not on leave on ``day``, by id; with
    ``center_id``, only those who serve that center (local centers share units)."""
    if not unit_code or not role:
        return []
    query = (
        select(Official.id)
        .join(Unit, Official.unit_id == Unit.id)
        .join(OfficialRole, and_(OfficialRole.official_id == Official.id, OfficialRole.role == normalise_role(role)))
        .where(Unit.code == unit_code, Official.active.is_(True), ~_on_leave(Official.id, day))
        .order_by(Official.id)
    )
    if center_id is not None:
        query = query.where(Official.center_id.in_(serving_centers(session, center_id)))
    return list(session.scalars(query))


def is_available(session: Session, official_id: int, day: date) -> bool:
    return bool(session.scalar(
        select(Official.id).where(Official.id == official_id, Official.active.is_(True), ~_on_leave(Official.id, day))
    ))


def deputy_for(session: Session, official_id: int, day: date) -> int | None:
    """The available deputy acting for ``official_id`` on ``day``, if the official is away."""
    if is_available(session, official_id, day):
        return None
    for deputy_id in session.scalars(
        select(Deputy.deputy_id).where(Deputy.official_id == official_id, Deputy.valid_from <= day,
                                       Deputy.valid_to >= day).order_by(Deputy.id)
    ):
        if is_available(session, deputy_id, day):
            return deputy_id
    return None


# The access policy asks this on most requests of an official (whose tasks they hold): built once,
# since constructing the select costs about as much as running it.
_DAY = bindparam("day", type_=Date)
_ABSENT_COVERED = (
    select(Deputy.official_id)
    .join(Official, Official.id == Deputy.official_id)
    .where(Deputy.deputy_id == bindparam("deputy_id"), Deputy.valid_from <= _DAY, Deputy.valid_to >= _DAY,
           (~Official.active) | _on_leave(Deputy.official_id, _DAY))
)


def absent_officials_covered_by(session: Session, deputy_id: int, day: date) -> list[int]:
    """Officials away on ``day`` for whom ``deputy_id`` acts: their tasks are in the deputy's inbox."""
    return list(session.scalars(_ABSENT_COVERED, {"deputy_id": deputy_id, "day": day}))


def can_act(session: Session, official: Official, unit_code: str | None, role: str | None) -> bool:
    """Whether the official belongs to the unit and holds the role a task needs."""
    return bool(official.active and unit_code and official.unit_code == unit_code
                and normalise_role(role) in set(official.roles))
