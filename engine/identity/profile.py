"""Who a signed-in official is, in the words a page header shows: name, unit, center, roles."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from engine.persistence.models import Center, Official, Role

# The order roles are shown in: the work first, the oversight after.
_ROLE_ORDER = {role.value: index for index, role in enumerate(Role)}


@dataclass(frozen=True)
class OfficialProfile:
    username: str
    full_name: str
    unit_name: str | None
    center_name: str | None
    center_code: str | None
    roles: tuple[str, ...]

    def has_any(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)


def official_profile(session: Session, official: Official) -> OfficialProfile:
    center = session.get(Center, official.center_id) if official.center_id is not None else None
    return OfficialProfile(
        username=official.username,
        full_name=official.full_name,
        unit_name=official.unit.name if official.unit is not None else None,
        center_name=center.name if center is not None else None,
        center_code=center.code if center is not None else None,
        roles=tuple(sorted(official.roles, key=lambda role: _ROLE_ORDER.get(role, len(_ROLE_ORDER)))),
    )

