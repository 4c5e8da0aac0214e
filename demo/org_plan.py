"""The demo organisation as a plan: centers, units, officials with their roles, leave and deputies,
the same on every run (seeded generators). Nothing here touches the database, so the benchmark
loads the very same organisation with its own bulk inserts."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from demo import province as p
from demo.people import Names

SEED = "motcua-demo-org"
DEMO_USERNAMES = frozenset(username for username, *_ in p.DEMO_LOGINS)


@dataclass
class CenterSpec:
    code: str
    name: str
    agency_identifier: str
    kind: str  # provincial | local
    parent: str | None
    locality: str | None = None  # the unit code of the commune whose one-stop desk it is


@dataclass
class UnitSpec:
    code: str
    name: str
    kind: str
    parent: str | None
    center: str | None


@dataclass
class OfficialSpec:
    username: str
    full_name: str
    unit: str | None
    center: str | None
    roles: list[str]
    active: bool = True


@dataclass
class LeaveSpec:
    username: str
    starts: int  # days from today
    ends: int
    reason: str
    deputy: str | None


@dataclass
class OrgPlan:
    names: Names
    centers: list[CenterSpec] = field(default_factory=list)
    units: list[UnitSpec] = field(default_factory=list)
    officials: list[OfficialSpec] = field(default_factory=list)
    leave: list[LeaveSpec] = field(default_factory=list)

    def unit_codes(self) -> set[str]:
        return {u.code for u in self.units}

    def add_unit(self, code: str, name: str, kind: str, parent: str | None, center: str | None) -> None:
        self.units.append(UnitSpec(code, name, kind, parent, center))

    def add_staff(self, unit: str | None, center: str | None, role: str, count: int, *, active: bool = True) -> None:
        """``count`` new officials of ``role`` seated in ``unit``, working at ``center``."""
        for _ in range(count):
            full_name, _sex = self.names.person()
            self.officials.append(OfficialSpec(self.names.username(full_name), full_name, unit, center, [role],
                                               active=active))


def plan_org() -> OrgPlan:
    """The demo organisation, the same on every run."""
    plan = OrgPlan(names=Names(SEED, set(DEMO_USERNAMES)))
    _plan_centers(plan)
    _plan_demo_logins(plan)
    seats = _free_seats()
    _plan_provincial_center(plan, seats)
    _plan_commune_centers(plan)
    _plan_departments(plan, seats)
    _plan_agencies(plan)
    _plan_communes(plan, seats)
    # Two retired officials: kept for the history, no longer active.
    plan.add_staff("trung_tam_hcc", _province(), "reception", 1, active=False)
    plan.add_staff("so_xay_dung.phong_qlhdxd", _province(), "specialist", 1, active=False)
    _plan_leave(plan, random.Random(SEED))
    return plan


def _province() -> str:
    return p.PROVINCIAL_CENTER[0]


def _local_centers() -> list[str]:
    return [code for code, *_ in p.LOCAL_CENTERS]


def _free_seats() -> Counter[tuple[str, str]]:
    """The README's demo logins take seats of the staffing tables: (unit, role) -> seats taken."""
    return Counter((unit, role) for _, _, roles, unit in p.DEMO_LOGINS for role in roles if unit)


def _plan_centers(plan: OrgPlan) -> None:
    code, name, agency = p.PROVINCIAL_CENTER
    plan.centers.append(CenterSpec(code, name, agency, "provincial", None))
    plan.centers += [CenterSpec(c, n, a, "local", code, locality_unit(p.CENTER_LOCALITIES[c]))
                     for c, n, a in p.LOCAL_CENTERS]


def _plan_demo_logins(plan: OrgPlan) -> None:
    for username, full_name, roles, unit_code in p.DEMO_LOGINS:
        plan.names.full_names.add(full_name)
        plan.officials.append(OfficialSpec(username, full_name, unit_code,
                                           p.LOGIN_CENTERS.get(username, _province()), list(roles)))


def _plan_provincial_center(plan: OrgPlan, taken: Counter[tuple[str, str]]) -> None:
    for code, name, kind, parent, staffing in p.CENTER_UNITS:
        plan.add_unit(code, name, kind, parent, _province())
        for role, count in staffing.items():
            plan.add_staff(code, _province(), role, max(0, count - taken[(code, role)]))


def _plan_commune_centers(plan: OrgPlan) -> None:
    """The shared desk of the commune-level centers' reception, and each center's own unit."""
    desk_code, desk_name = p.COMMUNE_DESK
    plan.add_unit(desk_code, desk_name, "desk", "trung_tam_hcc", None)
    for code, name, _agency in p.LOCAL_CENTERS:
        plan.add_unit(code, name, "agency", "trung_tam_hcc", code)
        plan.add_staff(code, code, "center_leader", p.COMMUNE_CENTER_LEADERS)
        plan.add_staff(desk_code, code, "reception", p.COMMUNE_RECEPTION_PER_CENTER)


def _plan_departments(plan: OrgPlan, taken: Counter[tuple[str, str]]) -> None:
    for code, name, leaders, specialists, divisions in p.DEPARTMENTS:
        plan.add_unit(code, name, "department", None, None)
        plan.add_staff(code, _province(), "unit_leader", max(0, leaders - taken[(code, "unit_leader")]))
        plan.add_staff(code, _province(), "specialist", specialists)
        for suffix, division_name, count in divisions:
            division = f"{code}.{suffix}"
            plan.add_unit(division, division_name, "division", code, None)
            plan.add_staff(division, _province(), "unit_leader", 1)
            plan.add_staff(division, _province(), "specialist", max(0, count - taken[(division, "specialist")]))
    control_unit, control_roles = p.TTHC_CONTROL
    for role, count in control_roles.items():
        plan.add_staff(control_unit, _province(), role, count)


def _plan_agencies(plan: OrgPlan) -> None:
    for code, name, parent, leaders, specialists in p.AGENCIES:
        plan.add_unit(code, name, "agency", parent, None)
        for index in range(leaders + specialists):
            role = "unit_leader" if index < leaders else "specialist"
            # At the provincial center: it is above the local ones, so they serve dossiers of every center.
            plan.add_staff(code, _province(), role, 1)


def _plan_communes(plan: OrgPlan, taken: Counter[tuple[str, str]]) -> None:
    """The commune-level units the procedures bind, then every locality's own units."""
    local = _local_centers()
    committee, committee_name = p.COMMUNE_COMMITTEE
    civil_status, civil_status_name = p.COMMUNE_CIVIL_STATUS
    plan.add_unit(committee, committee_name, "agency", None, None)
    plan.add_unit(civil_status, civil_status_name, "division", committee, None)
    serving = [_province(), *local]  # the province's own dossiers, then one per local center
    for index in range(p.COMMUNE_LEADERS):
        plan.add_staff(committee, serving[index % len(serving)], "unit_leader", 1)
    # Who answers the province's requests for opinions, and the commune land officials, serve every center.
    plan.add_staff(committee, _province(), "specialist", p.COMMUNE_COMMITTEE_SPECIALISTS)
    for _slug, _name, center in p.LOCALITIES:
        plan.add_staff(civil_status, center, "specialist", 1)
    land, land_name, land_staff = p.COMMUNE_LAND
    plan.add_unit(land, land_name, "division", committee, None)
    plan.add_staff(land, _province(), "specialist", land_staff)
    for slug, name, center in p.LOCALITIES:
        code = locality_unit(slug)
        plan.add_unit(code, f"Ủy ban nhân dân {name}", "commune", None, center)
        plan.add_staff(code, center, "unit_leader", max(0, p.LOCALITY_LEADERS - taken[(code, "unit_leader")]))
        for suffix, template, role, count in p.LOCALITY_DIVISIONS:
            division = f"{code}.{suffix}"
            plan.add_unit(division, template.format(name=name), "division", code, center)
            plan.add_staff(division, center, role, max(0, count - taken[(division, role)]))


def locality_unit(slug: str) -> str:
    """The code of a locality's People's Committee."""
    return f"ubnd_{slug}"


# Leave periods, in days from today: most cover today; two are over, two are coming.
_LEAVE_OFFSETS = [(-3, 4), (-2, 2), (-1, 5), (0, 3), (0, 1), (0, 7), (-1, 1), (-4, 10), (0, 2), (-2, 6), (0, 4),
                  (-1, 3), (-20, -16), (-12, -10), (3, 6), (5, 9)]


def _plan_leave(plan: OrgPlan, rng: random.Random) -> None:
    """Someone of each of a few well-staffed (unit, role) groups is away, a colleague standing in."""
    groups: dict[tuple[str | None, str], list[OfficialSpec]] = defaultdict(list)
    for official in plan.officials:
        if official.active and official.username not in DEMO_USERNAMES:
            groups[(official.unit, official.roles[0])].append(official)
    eligible = sorted((key for key, members in groups.items() if len(members) >= 3 and key[0]),
                      key=lambda key: (str(key[0]), key[1]))
    rng.shuffle(eligible)
    for (starts, ends), key in zip(_LEAVE_OFFSETS, eligible, strict=False):
        away, deputy = groups[key][0], groups[key][1]
        plan.leave.append(LeaveSpec(away.username, starts, ends, rng.choice(p.LEAVE_REASONS),
                                    deputy.username if ends >= 0 else None))
