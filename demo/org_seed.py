"""The demo organisation written to the database: centers and units matched by code, officials by
username, leave and deputies by official, so a second run creates nothing. Every lane of every
deployed procedure gets people, also a lane the demo plan does not know."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from demo.org_plan import OfficialSpec, OrgPlan, UnitSpec
from demo.province import PROVINCIAL_CENTER
from engine.org.directory import normalise_role
from engine.org.localities import LOCALITY_KIND, is_located, units_needed
from engine.persistence.models import (
    Center,
    Deputy,
    LeavePeriod,
    Official,
    OfficialRole,
    Procedure,
    ProcedureVersion,
    Unit,
    VersionState,
)

Deployed = dict[str, tuple[int, dict[str, Any]]]  # procedure key -> (active version id, its metadata)


def deployed_procedures(session: Session) -> Deployed:
    """Active version id and metadata of every procedure that receives dossiers, by key."""
    rows = session.execute(
        select(Procedure.key, ProcedureVersion.id, ProcedureVersion.metadata_)
        .join(ProcedureVersion, ProcedureVersion.procedure_id == Procedure.id)
        .where(ProcedureVersion.state == VersionState.ACTIVE)
        .order_by(Procedure.key))
    return {key: (version_id, metadata) for key, version_id, metadata in rows}


def lane_bindings(metadata: dict[str, Any], localities: Iterable[str] = ()) -> list[tuple[str, str]]:
    """(department, role) of every lane of a procedure version; a lane routed by locality gives one
    pair per locality."""
    pairs = []
    for binding in (metadata.get("lanes") or {}).values():
        department, role = binding.get("department"), normalise_role(binding.get("role"))
        if department and role:
            departments = units_needed(department, localities).values() if is_located(department) else [department]
            pairs += [(unit, role) for unit in departments]
    return pairs


def cover_bindings(session: Session, plan: OrgPlan, deployed: Deployed) -> None:
    """Give every lane of every deployed procedure a unit and people present today."""
    planned_units = plan.unit_codes()
    db_units = set(session.scalars(select(Unit.code)))
    covered = {(o.unit, role) for o in plan.officials if o.active for role in o.roles}
    covered |= {(code, role) for code, role in session.execute(
        select(Unit.code, OfficialRole.role).join(Official, Official.unit_id == Unit.id)
        .join(OfficialRole, OfficialRole.official_id == Official.id).where(Official.active.is_(True)))}
    away = {leave.username for leave in plan.leave if leave.starts <= 0 <= leave.ends}
    localities = {u.code for u in plan.units if u.kind == LOCALITY_KIND}
    for key, (_version_id, metadata) in deployed.items():
        for department, role in lane_bindings(metadata, localities):
            present = [o for o in plan.officials if o.unit == department and role in o.roles
                       and o.active and o.username not in away]
            if present or ((department, role) in covered and department not in planned_units):
                continue
            if department not in planned_units | db_units:
                parent = department.rsplit(".", 1)[0] if "." in department else None
                has_parent = parent in planned_units | db_units
                plan.units.append(UnitSpec(department, f"{department} (đơn vị theo quy trình {key})",
                                           "division" if has_parent else "agency",
                                           parent if has_parent else None, None))
                planned_units.add(department)
            plan.names.reseed(f"motcua-demo:{department}:{role}")
            plan.add_staff(department, PROVINCIAL_CENTER[0], role, 2)


def apply_org(session: Session, plan: OrgPlan, now: datetime, today: date, password_hash: str) -> Counter[str]:
    """Write what the database lacks of ``plan``; what was created, by kind."""
    created: Counter[str] = Counter()
    centers = _apply_centers(session, plan, created)
    units = _apply_units(session, plan, centers, created)
    existing = set(session.scalars(select(Official.username)))
    for spec in plan.officials:
        if spec.username not in existing:
            session.add(_official(spec, units, centers, password_hash, now))
            created["officials"] += 1
    session.flush()
    _apply_leave(session, plan, today, created)
    return created


def _apply_centers(session: Session, plan: OrgPlan, created: Counter[str]) -> dict[str, Center]:
    centers = {c.code: c for c in session.scalars(select(Center))}
    for spec in plan.centers:
        center = centers.get(spec.code)
        if center is None:
            center = centers[spec.code] = Center(code=spec.code, name=spec.name,
                                                 agency_identifier=spec.agency_identifier)
            session.add(center)
            created["centers"] += 1
        center.kind = spec.kind
        center.locality = spec.locality
        center.parent_id = centers[spec.parent].id if spec.parent else None
        session.flush()
    return centers


def _apply_units(session: Session, plan: OrgPlan, centers: dict[str, Center],
                 created: Counter[str]) -> dict[str, Unit]:
    units = {u.code: u for u in session.scalars(select(Unit))}
    for spec in plan.units:
        unit = units.get(spec.code)
        if unit is None:
            unit = units[spec.code] = Unit(code=spec.code, name=spec.name, kind=spec.kind)
            session.add(unit)
            created["units"] += 1
        elif unit.name != unit.code:
            continue  # a real unit of the same code: left as it is
        # New, or a placeholder (name = code) made by an earlier, smaller demo: the demo's definition.
        unit.name, unit.kind = spec.name, spec.kind
        unit.parent = units[spec.parent] if spec.parent else None
        unit.center_id = centers[spec.center].id if spec.center else None
    session.flush()
    return units


def _official(spec: OfficialSpec, units: dict[str, Unit], centers: dict[str, Center], password_hash: str,
              now: datetime) -> Official:
    return Official(username=spec.username, full_name=spec.full_name, password_hash=password_hash,
                    unit_id=units[spec.unit].id if spec.unit else None,
                    center_id=centers[spec.center].id if spec.center else None,
                    active=spec.active, created_at=now.astimezone(UTC), roles=list(spec.roles))


def _apply_leave(session: Session, plan: OrgPlan, today: date, created: Counter[str]) -> None:
    ids = {username: official_id for username, official_id in session.execute(select(Official.username, Official.id))}
    with_leave = set(session.scalars(select(LeavePeriod.official_id)))
    with_deputy = set(session.scalars(select(Deputy.official_id)))
    for leave in plan.leave:
        official_id = ids[leave.username]
        starts, ends = today + timedelta(days=leave.starts), today + timedelta(days=leave.ends)
        if official_id not in with_leave:
            session.add(LeavePeriod(official_id=official_id, starts_on=starts, ends_on=ends, reason=leave.reason))
            created["leave_periods"] += 1
        if leave.deputy and official_id not in with_deputy:
            session.add(Deputy(official_id=official_id, deputy_id=ids[leave.deputy], valid_from=starts, valid_to=ends))
            created["deputies"] += 1
