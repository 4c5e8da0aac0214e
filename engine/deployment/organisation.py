"""Lane bindings against the organisation: a step bound to a unit or role nobody holds is offered to
no one, so it is refused at deploy (and reported by the offline validator when it is given the
organisation)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.deployment.json_text import line_of
from engine.errors import Problem
from engine.org.directory import normalise_role
from engine.org.localities import LOCALITY_KIND, is_located, units_needed
from engine.persistence.models import Official, Unit


@dataclass(frozen=True)
class Organisation:
    """Unit codes, the roles active officials hold in each unit, the officials' usernames, and the
    localities (units of kind ``commune``: communes, wards, special zones)."""

    units: frozenset[str]
    roles: dict[str, frozenset[str]] = field(default_factory=dict)
    officials: frozenset[str] = frozenset()
    localities: frozenset[str] = frozenset()

    @classmethod
    def of(cls, units: Iterable[str], officials: Iterable[tuple[str, str | None, Iterable[str], bool]],
           localities: Iterable[str] = ()) -> Organisation:
        roles: dict[str, set[str]] = {}
        usernames = set()
        for username, unit, held, active in officials:
            usernames.add(username)
            if active and unit:
                roles.setdefault(unit, set()).update(normalise_role(r) or r for r in held)
        return cls(frozenset(units), {u: frozenset(r) for u, r in roles.items()}, frozenset(usernames),
                   frozenset(localities))


def load_organisation(session: Session) -> Organisation:
    units = session.execute(select(Unit.code, Unit.kind)).all()
    officials = session.scalars(select(Official)).all()
    return Organisation.of((code for code, _ in units),
                           ((o.username, o.unit_code, o.roles, o.active) for o in officials),
                           (code for code, kind in units if kind == LOCALITY_KIND))


def check_lane_bindings(metadata: dict[str, Any], source: str, organisation: Organisation,
                        severity: str) -> list[Problem]:
    """Each lane's unit exists, someone active there holds its role, and a fixed official exists.

    An organisation with no units yet is not checked: procedures may be deployed before it is loaded.
    """
    lanes = metadata.get("lanes")
    if not organisation.units or not isinstance(lanes, dict):
        return []
    problems = []
    for lane, binding in lanes.items():
        if not isinstance(binding, dict):
            continue
        unit, role, official = binding.get("department"), normalise_role(binding.get("role")), binding.get("official")

        def problem(key: str, vi: str, en: str, lane: str = lane) -> None:
            problems.append(Problem(file="procedure.json", line=line_of(source, ["lanes", lane, key]),
                                    element_id=lane, rule="organisation", severity=severity,
                                    message=vi, message_en=en))

        if is_located(unit):
            for vi, en in _locality_gaps(lane, str(unit), role, organisation):
                problem("department", vi, en)
        elif isinstance(unit, str) and unit not in organisation.units:
            problem("department", f"Làn '{lane}' gán cho đơn vị '{unit}' không có trong tổ chức",
                    f"Lane '{lane}' is bound to unit '{unit}', which is not in the organisation")
        elif isinstance(unit, str) and role and role not in organisation.roles.get(unit, frozenset()):
            problem("role", f"Làn '{lane}': không cán bộ nào đang làm việc ở đơn vị '{unit}' có vai trò '{role}'",
                    f"Lane '{lane}': no active official of unit '{unit}' holds the role '{role}'")
        if isinstance(official, str) and official not in organisation.officials:
            problem("official", f"Làn '{lane}' giao cho cán bộ '{official}' không có trong tổ chức",
                    f"Lane '{lane}' names official '{official}', who is not in the organisation")
    return problems


def _locality_gaps(lane: str, department: str, role: str | None,
                   organisation: Organisation) -> list[tuple[str, str]]:
    """What a lane routed by locality lacks: a locality, or in some locality its unit or role."""
    if not organisation.localities:
        return [(f"Làn '{lane}' gán theo địa bàn ('{department}') nhưng tổ chức chưa có xã, phường nào "
                 "(đơn vị loại commune)",
                 f"Lane '{lane}' is routed by locality ('{department}') but the organisation has no commune "
                 "or ward (unit of kind commune)")]
    gaps = []
    for locality, unit in units_needed(department, organisation.localities).items():
        if unit not in organisation.units:
            gaps.append((f"Làn '{lane}': địa bàn '{locality}' không có đơn vị '{unit}'",
                         f"Lane '{lane}': locality '{locality}' has no unit '{unit}'"))
        elif role and role not in organisation.roles.get(unit, frozenset()):
            gaps.append((f"Làn '{lane}': địa bàn '{locality}' không có cán bộ đang làm việc ở đơn vị '{unit}' "
                         f"có vai trò '{role}'",
                         f"Lane '{lane}': in locality '{locality}' no active official of unit '{unit}' holds "
                         f"the role '{role}'"))
    return gaps
