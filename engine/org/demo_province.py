"""The demo province: an organisation shaped like Quảng Ninh after 07/2025, and dossiers in every
state, made by the real engine commands.

``seed_demo_province`` creates six centers (the provincial one-level center and five commune-level
centers), the provincial departments with their divisions, fourteen localities with their units,
about 390 officials with their roles (some on leave today, with deputies), and a few hundred
dossiers of the deployed procedures. The dossiers are driven through ``start_dossier``,
``claim_task``, ``complete_task``, ``reassign_tasks``, ``delegate_task``, ``extend_deadline`` and
``withdraw_dossier`` with a fixed clock set to instants of the past days, so their history, due
times, pauses and timeliness are what the engine computed: dossiers waiting at every step (in the
unit's queue, claimed, assigned by a leader, delegated), awaiting supplementation with the clock
paused, completed early, on time and late, refused, withdrawn, extended once.

It is idempotent: centers and units are matched by code, officials by username, leave and deputies
by official, dossiers by the demo reference kept in their applicant record; a second run creates
nothing. Procedures deployed later get their dossiers on the next run; a procedure the demo has no
form data for gets officials for each of its lanes, but no dossiers.
"""

from __future__ import annotations

import dataclasses
import random
import re
import time as timer
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from engine.calendar.clock import FixedClock
from engine.calendar.working_calendar import WorkingCalendar
from engine.errors import EngineError
from engine.org import demo_data as data
from engine.org.directory import normalise_role
from engine.org.text import fold
from engine.persistence.models import (
    Center,
    Channel,
    Deputy,
    Dossier,
    HumanTask,
    LeavePeriod,
    Official,
    OfficialRole,
    Procedure,
    ProcedureVersion,
    TaskStatus,
    Unit,
)
from engine.runtime.actions import extend_deadline, withdraw_dossier
from engine.runtime.assignments import delegate_task, reassign_tasks
from engine.runtime.context import EngineContext, LoadedVersion
from engine.runtime.dossiers import legal_due_at, start_dossier
from engine.runtime.tasks import claim_task, complete_task
from engine.runtime.workflow import Actor

OPEN_TASK = (TaskStatus.READY, TaskStatus.CLAIMED)
REF_KEY = "demo_ref"  # in Dossier.applicant: which demo scenario made the dossier


@dataclass
class DemoSummary:
    """What the demo database holds after seeding, and what this run added."""

    centers: int
    units: int
    departments: int
    localities: int
    officials: int
    active_officials: int
    on_leave_today: int
    dossiers: int
    dossiers_by_status: dict[str, int]
    dossiers_by_timeliness: dict[str, int]
    open_tasks: int
    claimed_tasks: int
    created: dict[str, int]
    procedures: list[str]
    procedures_without_dossiers: list[str]
    problems: list[str]
    seconds: float

    def lines(self) -> list[str]:
        """The summary as the `motcua demo` command prints it (Vietnamese)."""
        status = ", ".join(f"{k}: {v}" for k, v in sorted(self.dossiers_by_status.items()))
        timeliness = ", ".join(f"{k}: {v}" for k, v in sorted(self.dossiers_by_timeliness.items()))
        added = ", ".join(f"{k}: {v}" for k, v in self.created.items() if v) or "không có gì mới"
        lines = [
            f"Tỉnh demo: {self.centers} trung tâm, {self.units} đơn vị ({self.departments} sở, ngành; "
            f"{self.localities} xã, phường, đặc khu), {self.officials} cán bộ "
            f"({self.on_leave_today} đang nghỉ hôm nay)",
            f"Hồ sơ: {self.dossiers} ({status}); kết quả: {timeliness}",
            f"Công việc đang mở: {self.open_tasks} (đã nhận: {self.claimed_tasks})",
            f"Lần chạy này đã tạo: {added} — {self.seconds:.1f} giây",
        ]
        if self.procedures_without_dossiers:
            lines.append("Chưa có dữ liệu mẫu cho thủ tục: " + ", ".join(self.procedures_without_dossiers))
        lines += [f"Lỗi khi tạo hồ sơ mẫu: {problem}" for problem in self.problems]
        return lines


def seed_demo_province(session_factory: sessionmaker[Session], ctx: EngineContext, *,
                       password_hash: str) -> DemoSummary:
    """Create the demo province and its dossiers where they do not exist yet; commit as it goes.

    ``password_hash`` is the hash every new official gets (hash the demo password once: argon2 is
    slow on purpose). Dossiers are made for the procedures deployed now, relative to ``ctx.clock``.
    """
    started = timer.perf_counter()
    now = ctx.clock.now().astimezone(UTC)
    zone = ZoneInfo(ctx.settings.timezone)
    today = now.astimezone(zone).date()
    created: Counter[str] = Counter()
    with session_factory.begin() as session:
        deployed = _deployed(session)
        plan = _org_plan()
        _cover_bindings(session, plan, deployed)
        created.update(_apply_org(session, plan, now, today, password_hash))
    with session_factory() as session:
        org = _Org.load(session)
        existing = {(a or {}).get(REF_KEY) for a in session.scalars(select(Dossier.applicant))}
    clock = FixedClock(now)
    demo_ctx = dataclasses.replace(ctx, clock=clock)
    problems: list[str] = []
    with_data = [key for key in deployed if key in data.PATHS]
    with session_factory() as session:
        scenarios = [s for key in with_data
                     for s in _scenarios(session, demo_ctx, key, deployed[key], now, today)
                     if s.ref not in existing]
    for scenario in sorted(scenarios, key=lambda s: (s.received_at, s.ref)):
        try:
            with session_factory.begin() as session:
                _Driver(session, demo_ctx, clock, org, scenario, zone, now).run()
            created["dossiers"] += 1
        except (EngineError, _DemoError, AssertionError) as error:
            problems.append(f"{scenario.ref}: {getattr(error, 'message', None) or error}")
    with session_factory() as session:
        return _summary(session, today, dict(created), sorted(with_data),
                        sorted(set(deployed) - set(with_data)), problems, timer.perf_counter() - started)


class _DemoError(Exception):
    """A scenario the demo organisation cannot play (nobody to do a step)."""


# --- the organisation -------------------------------------------------------------------------


@dataclass
class _UnitSpec:
    code: str
    name: str
    kind: str
    parent: str | None
    center: str | None


@dataclass
class _OfficialSpec:
    username: str
    full_name: str
    unit: str | None
    center: str | None
    roles: list[str]
    active: bool = True


@dataclass
class _LeaveSpec:
    username: str
    starts: int  # days from today
    ends: int
    reason: str
    deputy: str | None


@dataclass
class _OrgPlan:
    centers: list[tuple[str, str, str, str, str | None]] = field(default_factory=list)
    units: list[_UnitSpec] = field(default_factory=list)
    officials: list[_OfficialSpec] = field(default_factory=list)
    leave: list[_LeaveSpec] = field(default_factory=list)
    names: _Names | None = None

    def unit_codes(self) -> set[str]:
        return {u.code for u in self.units}


class _Names:
    """Vietnamese names (family + middle + given, NFC) and accent-free usernames, unique."""

    def __init__(self, rng: random.Random, taken: set[str]) -> None:
        self.rng = rng
        self.usernames = set(taken)
        self.full_names: set[str] = set()
        self.families = [name for name, _ in data.FAMILY_NAMES]
        self.weights = [weight for _, weight in data.FAMILY_NAMES]

    def person(self, sex: str | None = None) -> tuple[str, str]:
        for _ in range(50):
            chosen = sex or self.rng.choice(["male", "female"])
            family = self.rng.choices(self.families, self.weights)[0]
            middle = self.rng.choice(data.MIDDLE_MALE if chosen == "male" else data.MIDDLE_FEMALE)
            given = self.rng.choice(data.GIVEN_MALE if chosen == "male" else data.GIVEN_FEMALE)
            if chosen == "female" and middle != "Thị" and self.rng.random() < 0.25:
                middle = f"Thị {middle}"
            name = f"{family} {middle} {given}"
            if name not in self.full_names:
                self.full_names.add(name)
                return name, chosen
        return name, chosen

    def username(self, full_name: str) -> str:
        """Given name + initials of the others, the way provincial mail accounts are made: "lannt"."""
        parts = fold(full_name).split()
        base = parts[-1] + "".join(p[0] for p in parts[:-1])
        candidate, number = base, 1
        while candidate in self.usernames:
            number += 1
            candidate = f"{base}{number}"
        self.usernames.add(candidate)
        return candidate


def _org_plan() -> _OrgPlan:
    """The demo organisation, the same on every run (a seeded generator)."""
    rng = random.Random("motcua-demo-org")
    names = _Names(rng, {username for username, *_ in data.DEMO_LOGINS})
    plan = _OrgPlan(names=names)
    province_center = data.PROVINCIAL_CENTER[0]
    plan.centers.append((*data.PROVINCIAL_CENTER, "provincial", None))
    plan.centers += [(code, name, agency, "local", province_center) for code, name, agency in data.LOCAL_CENTERS]

    def unit(code: str, name: str, kind: str, parent: str | None, center: str | None) -> None:
        plan.units.append(_UnitSpec(code, name, kind, parent, center))

    def staff(unit_code: str | None, center: str | None, role: str, count: int) -> None:
        for _ in range(count):
            full_name, _sex = names.person()
            plan.officials.append(_OfficialSpec(names.username(full_name), full_name, unit_code, center, [role]))

    for username, full_name, roles, unit_code in data.DEMO_LOGINS:
        names.full_names.add(full_name)
        plan.officials.append(_OfficialSpec(username, full_name, unit_code, province_center, list(roles)))
    demo_seats = Counter((u, r) for _, _, roles, u in data.DEMO_LOGINS for r in roles if u)

    def seats(unit_code: str, role: str, count: int) -> int:
        return max(0, count - demo_seats[(unit_code, role)])

    # The provincial center and its divisions.
    for code, name, kind, parent, staffing in data.CENTER_UNITS:
        unit(code, name, kind, parent, province_center)
        for role, count in staffing.items():
            staff(code, province_center, role, seats(code, role, count))
    # Commune-level centers: the shared desk of their reception, and each center's own unit.
    desk_code, desk_name = data.COMMUNE_DESK
    unit(desk_code, desk_name, "desk", "trung_tam_hcc", None)
    for code, name, _agency in data.LOCAL_CENTERS:
        unit(code, name, "agency", "trung_tam_hcc", code)
        staff(code, code, "center_leader", data.COMMUNE_CENTER_LEADERS)
        staff(desk_code, code, "reception", data.COMMUNE_RECEPTION_PER_CENTER)
    # Provincial departments and agencies.
    for code, name, leaders, specialists, divisions in data.DEPARTMENTS:
        unit(code, name, "department", None, None)
        staff(code, province_center, "unit_leader", seats(code, "unit_leader", leaders))
        staff(code, province_center, "specialist", specialists)
        for suffix, division_name, count in divisions:
            division = f"{code}.{suffix}"
            unit(division, division_name, "division", code, None)
            staff(division, province_center, "unit_leader", 1)
            staff(division, province_center, "specialist", seats(division, "specialist", count))
    control_unit, control_roles = data.TTHC_CONTROL
    for role, count in control_roles.items():
        staff(control_unit, province_center, role, count)
    local_centers = [code for code, *_ in data.LOCAL_CENTERS]
    for code, name, parent, leaders, specialists in data.AGENCIES:
        unit(code, name, "agency", parent, None)
        for index in range(leaders + specialists):
            role = "unit_leader" if index < leaders else "specialist"
            center = local_centers[index % len(local_centers)] if parent else province_center
            staff(code, center, role, 1)
    # The commune-level units the procedures bind, then every locality's own units.
    committee, committee_name = data.COMMUNE_COMMITTEE
    civil_status, civil_status_name = data.COMMUNE_CIVIL_STATUS
    unit(committee, committee_name, "agency", None, None)
    unit(civil_status, civil_status_name, "division", committee, None)
    for index in range(data.COMMUNE_LEADERS):
        staff(committee, local_centers[index % len(local_centers)], "unit_leader", 1)
    for index in range(data.COMMUNE_COMMITTEE_SPECIALISTS):
        staff(committee, local_centers[index % len(local_centers)], "specialist", 1)
    for _slug, _name, center in data.LOCALITIES:
        staff(civil_status, center, "specialist", 1)
    land, land_name, land_staff = data.COMMUNE_LAND
    unit(land, land_name, "division", committee, None)
    for index in range(land_staff):
        staff(land, local_centers[index % len(local_centers)], "specialist", 1)
    for slug, name, center in data.LOCALITIES:
        code = f"ubnd_{slug}"
        unit(code, f"Ủy ban nhân dân {name}", "commune", None, center)
        staff(code, center, "unit_leader", 2)
        for suffix, template, count in data.LOCALITY_DIVISIONS:
            unit(f"{code}.{suffix}", template.format(name=name), "division", code, center)
            staff(f"{code}.{suffix}", center, "specialist", count)
    # Two retired officials: kept for the history, no longer active.
    for unit_code in ("trung_tam_hcc", "so_xay_dung.phong_qlhdxd"):
        full_name, _sex = names.person()
        role = "reception" if unit_code == "trung_tam_hcc" else "specialist"
        plan.officials.append(_OfficialSpec(names.username(full_name), full_name, unit_code, province_center, [role],
                                            active=False))
    _plan_leave(plan, rng)
    return plan


# Leave periods, in days from today: most cover today; two are over, two are coming.
_LEAVE_OFFSETS = [(-3, 4), (-2, 2), (-1, 5), (0, 3), (0, 1), (0, 7), (-1, 1), (-4, 10), (0, 2), (-2, 6), (0, 4),
                  (-1, 3), (-20, -16), (-12, -10), (3, 6), (5, 9)]


def _plan_leave(plan: _OrgPlan, rng: random.Random) -> None:
    demo = {username for username, *_ in data.DEMO_LOGINS}
    groups: dict[tuple[str | None, str], list[_OfficialSpec]] = defaultdict(list)
    for official in plan.officials:
        if official.active and official.username not in demo:
            groups[(official.unit, official.roles[0])].append(official)
    eligible = sorted((key for key, members in groups.items() if len(members) >= 3 and key[0]),
                      key=lambda key: (str(key[0]), key[1]))
    rng.shuffle(eligible)
    for (starts, ends), key in zip(_LEAVE_OFFSETS, eligible, strict=False):
        members = groups[key]
        away, deputy = members[0], members[1]
        plan.leave.append(_LeaveSpec(away.username, starts, ends, rng.choice(data.LEAVE_REASONS),
                                     deputy.username if ends >= 0 else None))


def _deployed(session: Session) -> dict[str, tuple[int, dict[str, Any]]]:
    """Latest version id and metadata of every deployed procedure, by key."""
    latest: dict[str, tuple[int, int, dict[str, Any]]] = {}
    for key, version_id, number, metadata in session.execute(
            select(Procedure.key, ProcedureVersion.id, ProcedureVersion.version, ProcedureVersion.metadata_)
            .join(ProcedureVersion, ProcedureVersion.procedure_id == Procedure.id)):
        if key not in latest or number > latest[key][1]:
            latest[key] = (version_id, number, metadata)
    return {key: (version_id, metadata) for key, (version_id, _n, metadata) in sorted(latest.items())}


def _bindings(metadata: dict[str, Any]) -> list[tuple[str, str]]:
    pairs = []
    for binding in (metadata.get("lanes") or {}).values():
        department, role = binding.get("department"), normalise_role(binding.get("role"))
        if department and role:
            pairs.append((department, role))
    return pairs


def _cover_bindings(session: Session, plan: _OrgPlan, deployed: dict[str, tuple[int, dict[str, Any]]]) -> None:
    """Give every lane of every deployed procedure a unit and people, also lanes the demo data
    does not know (a procedure added after it was written)."""
    assert plan.names is not None
    planned_units = plan.unit_codes()
    db_units = set(session.scalars(select(Unit.code)))
    covered = {(o.unit, role) for o in plan.officials if o.active for role in o.roles}
    covered |= {(code, role) for code, role in session.execute(
        select(Unit.code, OfficialRole.role).join(Official, Official.unit_id == Unit.id)
        .join(OfficialRole, OfficialRole.official_id == Official.id).where(Official.active.is_(True)))}
    away = {leave.username for leave in plan.leave if leave.starts <= 0 <= leave.ends}
    for key, (_version_id, metadata) in deployed.items():
        for department, role in _bindings(metadata):
            present = [o for o in plan.officials if o.unit == department and role in o.roles
                       and o.active and o.username not in away]
            if present or ((department, role) in covered and department not in planned_units):
                continue
            if department not in planned_units | db_units:
                parent = department.rsplit(".", 1)[0] if "." in department else None
                has_parent = parent in planned_units | db_units
                plan.units.append(_UnitSpec(department, f"{department} (đơn vị theo quy trình {key})",
                                            "division" if has_parent else "agency",
                                            parent if has_parent else None, None))
                planned_units.add(department)
            rng = random.Random(f"motcua-demo:{department}:{role}")
            plan.names.rng = rng
            for _ in range(2):
                full_name, _sex = plan.names.person()
                plan.officials.append(_OfficialSpec(plan.names.username(full_name), full_name, department,
                                                    data.PROVINCIAL_CENTER[0], [role]))


def _apply_org(session: Session, plan: _OrgPlan, now: datetime, today: date, password_hash: str) -> Counter[str]:
    created: Counter[str] = Counter()
    centers = {c.code: c for c in session.scalars(select(Center))}
    for code, name, agency, kind, parent in plan.centers:
        center = centers.get(code)
        if center is None:
            center = centers[code] = Center(code=code, name=name, agency_identifier=agency)
            session.add(center)
            created["centers"] += 1
        center.kind = kind
        center.parent_id = centers[parent].id if parent else None
        session.flush()
    units = {u.code: u for u in session.scalars(select(Unit))}
    for unit_spec in plan.units:
        unit = units.get(unit_spec.code)
        if unit is None:
            unit = units[unit_spec.code] = Unit(code=unit_spec.code, name=unit_spec.name, kind=unit_spec.kind)
            session.add(unit)
            created["units"] += 1
        elif unit.name != unit.code:
            continue  # a real unit of the same code: left as it is
        # New, or a placeholder (name = code) made by an earlier, smaller demo: the demo's definition.
        unit.name, unit.kind = unit_spec.name, unit_spec.kind
        unit.parent = units[unit_spec.parent] if unit_spec.parent else None
        unit.center_id = centers[unit_spec.center].id if unit_spec.center else None
    session.flush()
    existing = set(session.scalars(select(Official.username)))
    created_at = now.astimezone(UTC)
    for spec in plan.officials:
        if spec.username in existing:
            continue
        session.add(Official(username=spec.username, full_name=spec.full_name, password_hash=password_hash,
                             unit_id=units[spec.unit].id if spec.unit else None,
                             center_id=centers[spec.center].id if spec.center else None,
                             active=spec.active, created_at=created_at, roles=list(spec.roles)))
        created["officials"] += 1
    session.flush()
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
    return created


@dataclass
class _Person:
    id: int
    username: str
    full_name: str
    unit: str | None
    center_id: int | None
    roles: frozenset[str]
    active: bool

    @property
    def actor(self) -> Actor:
        return Actor(self.id, self.full_name)


@dataclass
class _Org:
    """The organisation as read back from the database, for choosing who does each step."""

    people: dict[int, _Person]
    by_unit_role: dict[tuple[str | None, str], list[_Person]]
    leave: dict[int, list[tuple[date, date]]]
    deputies: dict[int, list[tuple[int, date, date]]]
    centers: dict[str, int]
    unit_parent: dict[str, str | None]

    @classmethod
    def load(cls, session: Session) -> _Org:
        units = {u.id: u for u in session.scalars(select(Unit))}
        people: dict[int, _Person] = {}
        by_unit_role: dict[tuple[str | None, str], list[_Person]] = defaultdict(list)
        for official in session.scalars(select(Official).order_by(Official.id)):
            unit = units.get(official.unit_id) if official.unit_id else None
            person = _Person(official.id, official.username, official.full_name, unit.code if unit else None,
                             official.center_id, frozenset(official.roles), official.active)
            people[person.id] = person
            if person.active:
                for role in person.roles:
                    by_unit_role[(person.unit, role)].append(person)
        leave: dict[int, list[tuple[date, date]]] = defaultdict(list)
        for period in session.scalars(select(LeavePeriod)):
            leave[period.official_id].append((period.starts_on, period.ends_on))
        deputies: dict[int, list[tuple[int, date, date]]] = defaultdict(list)
        for deputy in session.scalars(select(Deputy).order_by(Deputy.id)):
            deputies[deputy.official_id].append((deputy.deputy_id, deputy.valid_from, deputy.valid_to))
        centers = {code: center_id for code, center_id in session.execute(select(Center.code, Center.id))}
        parents = {u.code: units[u.parent_id].code if u.parent_id in units else None for u in units.values()}
        return cls(people, by_unit_role, leave, deputies, centers, parents)

    def available(self, person: _Person, day: date) -> bool:
        return person.active and not any(start <= day <= end for start, end in self.leave.get(person.id, []))

    def on_leave(self, person: _Person, day: date) -> bool:
        return any(start <= day <= end for start, end in self.leave.get(person.id, []))

    def candidates(self, unit: str | None, role: str | None, day: date, center_id: int | None = None,
                   exclude: set[int] | None = None) -> list[_Person]:
        people = [p for p in self.by_unit_role.get((unit, role or ""), [])
                  if self.available(p, day) and p.id not in (exclude or set())]
        local = [p for p in people if center_id is not None and p.center_id == center_id]
        return local or people

    def acting_for(self, person: _Person, day: date) -> _Person | None:
        """Who acts on ``person``'s claimed task on ``day``: themselves, or their deputy."""
        if self.available(person, day):
            return person
        for deputy_id, start, end in self.deputies.get(person.id, []):
            deputy = self.people.get(deputy_id)
            if start <= day <= end and deputy is not None and self.available(deputy, day):
                return deputy
        return None

    def leader_for(self, unit: str | None, day: date) -> _Person | None:
        """A leader who may reassign the unit's tasks: of the unit or one above, else a center leader."""
        code = unit
        while code:
            leaders = self.candidates(code, "unit_leader", day)
            if leaders:
                return leaders[0]
            code = self.unit_parent.get(code)
        leaders = self.candidates("trung_tam_hcc", "center_leader", day)
        return leaders[0] if leaders else None


# --- the dossiers -----------------------------------------------------------------------------

Stage = data.Stage


@dataclass
class _Scenario:
    ref: str
    key: str
    path: list[Stage]
    done: int  # stages fully done
    partial: int  # steps done in the next stage (a parallel branch answered, the other waiting)
    outcome: str  # open | early | on_time | late | withdrawn
    hold: str | None  # what happens to the next open task: queue | claim | assign | delegate
    extend: bool
    center: str
    locality: str
    channel: Channel
    received_at: datetime
    seed: str


def _working_day_back(calendar: WorkingCalendar, today: date, n: int) -> date:
    day = today if calendar.is_working_day(today) else _previous_working_day(calendar, today)
    for _ in range(n):
        day = _previous_working_day(calendar, day)
    return day


def _previous_working_day(calendar: WorkingCalendar, day: date) -> date:
    day -= timedelta(days=1)
    while not calendar.is_working_day(day):
        day -= timedelta(days=1)
    return day


def _last_working_instant(calendar: WorkingCalendar, now: datetime) -> datetime:
    """``now`` if it is office time, else when the office last closed (the end of a working period)."""
    day = now.astimezone(calendar.timezone).date()
    for _ in range(30):
        if calendar.is_working_day(day):
            for start, end in reversed(calendar.working_hours):
                opened = datetime.combine(day, start, tzinfo=calendar.timezone)
                if opened <= now:
                    return min(now, datetime.combine(day, end, tzinfo=calendar.timezone)).astimezone(UTC)
        day -= timedelta(days=1)
    return now


def _scenarios(session: Session, ctx: EngineContext, key: str, deployed: tuple[int, dict[str, Any]],
               now: datetime, today: date) -> list[_Scenario]:
    """The dossiers the demo shows for one procedure (the same list on every run)."""
    version_id, metadata = deployed
    version = ctx.version(session, version_id)
    calendar = ctx.calendar
    rng = random.Random(f"motcua-demo:{key}")
    paths = data.PATHS[key]
    main = paths["main"]
    volume = data.VOLUME.get(key, data.DEFAULT_VOLUME)
    reception_unit = next((b.get("department") for b in (metadata.get("lanes") or {}).values()
                           if b.get("role") == "reception"), None)
    commune_level = reception_unit == data.COMMUNE_DESK[0]
    probe = calendar.start_of_working_day(_working_day_back(calendar, today, 0))
    limit_days = max(0, calendar.working_days_between(probe, legal_due_at(ctx, version, probe)))
    scenarios: list[_Scenario] = []

    def add(path: list[Stage], outcome: str, *, done: int | None = None, partial: int = 0, hold: str | None = None,
            extend: bool = False, age: int | None = None) -> None:
        index = len(scenarios) + 1
        local = random.Random(f"motcua-demo:{key}:{index}")
        center, locality = _place(local, commune_level)
        stages_done = len(path) if done is None else done
        if age is None:
            if outcome in ("open", "withdrawn"):
                span = max(1, limit_days)
                age = round(span * (stages_done + 0.5) / len(path)) + local.randint(-1, 1)
                if local.random() < 0.2:
                    age = span + local.randint(1, 3)  # overdue
            else:
                age = limit_days + local.randint(2, 30)
        window = data.CONSULT_WINDOW.get(key)
        recent = window is not None and any(e in data.CONSULT_STEPS[key] for stage in path for e, _ in stage)
        if recent:
            # SpiffWorkflow times the no-reply deadline of a consultation on the real clock, so the
            # consultation of a dossier made in the past must still be running today; such a
            # dossier is recent, and when closed, closed early.
            if extend and outcome != "open":
                return
            age = min(age, window or 0)
            outcome = "early" if outcome in ("on_time", "late") else outcome
        received = _received_at(ctx, version, local, today, now, max(0, age),
                                "open" if recent else outcome, len(path), limit_days)
        channel = local.choices([Channel.DIRECT, Channel.ONLINE, Channel.POSTAL], [70, 25, 5])[0]
        scenarios.append(_Scenario(f"{key}:{index:03d}", key, path, stages_done, partial, outcome, hold, extend,
                                   center, locality, channel, received, f"{key}:{index}"))

    # Waiting at every step of the usual path: in the unit's queue, and claimed by someone.
    for stage_index, stage in enumerate(main):
        add(main, "open", done=stage_index, hold="queue")
        add(main, "open", done=stage_index, hold="claim")
        if len(stage) > 1:
            add(main, "open", done=stage_index, partial=1, hold="claim")  # one branch answered, the join waits
    add(main, "open", done=0, hold="assign")
    add(main, "open", done=min(1, len(main) - 1), hold="delegate")
    for _ in range(volume["open_extra"]):
        add(main, "open", done=rng.randrange(len(main)), hold=rng.choice(["queue", "claim", "claim", "assign"]))
    # Awaiting supplementation (clock paused), and the other variants' own steps.
    supplement = paths.get("supplement", [])
    # The stage where the citizen's supplement is awaited (after the request).
    asked = next((i for i, stage in enumerate(supplement) if any(e == "receive_supplement" for e, _ in stage)), None)
    if asked is not None:
        add(supplement, "open", done=asked, hold="queue", age=1)
        add(supplement, "open", done=asked, hold="claim", age=2)
    main_elements = {element for stage in main for element, _ in stage}
    for name in ("refuse", "returned"):
        for stage_index, stage in enumerate(paths.get(name, [])):
            if any(element not in main_elements for element, _ in stage) or (name == "returned" and stage_index == 2):
                add(paths[name], "open", done=stage_index, hold="queue")
    # Closed ones: completed early, on time, late; refused; withdrawn; returned for rework.
    finished = paths.get("direct", main)
    for outcome in ("early", "on_time", "late"):
        for _ in range(volume[outcome]):
            add(finished, outcome)
    if asked is not None:
        add(supplement, "on_time")
        add(supplement, "early" if limit_days >= 3 else "on_time")
        if key != "construction_permit":  # its supplementation may be asked once only
            twice = supplement[:asked + 1] + supplement[asked - 1:]
            add(twice, "on_time")  # two requests: late by rule (Decision 766) whatever the times
    for index in range(volume["refused"]):
        add(paths["refuse"], "early" if index % 2 and limit_days >= 2 else "on_time")
    for name in ("returned", "partial"):
        if name in paths:
            add(paths[name], "on_time")
    add(main, "withdrawn", done=1)
    add(main, "withdrawn", done=0, age=1)
    if limit_days >= 2:
        add(main, "open", done=1, hold="claim", extend=True, age=1)
        add(finished, "late", extend=True)
    return scenarios


def _place(rng: random.Random, commune_level: bool) -> tuple[str, str]:
    """The receiving center and the applicant's locality."""
    local = [code for code, *_ in data.LOCAL_CENTERS]
    if commune_level or rng.random() < 0.15:
        center = rng.choices(local, [40, 20, 20, 12, 8])[0]
        locality = rng.choice([name for _slug, name, served_by in data.LOCALITIES if served_by == center])
        return center, locality
    return data.PROVINCIAL_CENTER[0], rng.choice([name for _slug, name, _c in data.LOCALITIES])


def _received_at(ctx: EngineContext, version: LoadedVersion, rng: random.Random, today: date, now: datetime,
                 age: int, outcome: str, stages: int, limit_days: int) -> datetime:
    """When the dossier came in: ``age`` working days ago, in office hours, early enough that every
    action of its scenario happens before ``now``."""
    calendar = ctx.calendar
    for extra in range(0, 90):
        day = _working_day_back(calendar, today, age + extra)
        minutes = rng.randint(0, 330 if limit_days == 0 else 420)
        received = calendar.add_working_time(calendar.start_of_working_day(day), timedelta(minutes=minutes))
        if outcome in ("open", "withdrawn"):
            needed = timedelta(minutes=10 * (stages + 2))
            if calendar.working_time_between(received, now) >= needed and received < now:
                return received.astimezone(UTC)
            continue
        due = legal_due_at(ctx, version, received)
        # The last step lands by the due time, or up to a working day and a half after it, plus
        # room for a supplementation pause.
        latest = calendar.add_working_time(due, calendar.working_day_length * 3)
        if latest < now:
            return received.astimezone(UTC)
    return received.astimezone(UTC)


_TOKEN = re.compile(r"\$([a-z_]+)(?:\+(\d+))?")


def _fill(template: Any, values: dict[str, Any], day: date) -> Any:
    """The step data with its placeholders filled for this dossier and day."""
    if isinstance(template, dict):
        return {k: _fill(v, values, day) for k, v in template.items()}
    if isinstance(template, list):
        return [_fill(v, values, day) for v in template]
    if not isinstance(template, str) or "$" not in template:
        return template

    def value(match: re.Match[str]) -> Any:
        name, offset = match.group(1), int(match.group(2) or 0)
        if name == "date":
            return (day + timedelta(days=offset)).isoformat()
        if name == "dmy":
            return day.strftime("%d/%m/%Y")
        return values[name]

    whole = _TOKEN.fullmatch(template)
    if whole:
        return value(whole)
    return _TOKEN.sub(lambda m: str(value(m)), template)


class _Driver:
    """Plays one scenario with the engine's commands, moving the fixed clock from action to action."""

    def __init__(self, session: Session, ctx: EngineContext, clock: FixedClock, org: _Org, scenario: _Scenario,
                 zone: ZoneInfo, now: datetime) -> None:
        self.session, self.ctx, self.clock, self.org, self.s, self.zone = session, ctx, clock, org, scenario, zone
        self.rng = random.Random(scenario.seed)
        self.calendar = ctx.calendar
        self.now = now  # the real present: every action happens before it
        self.done_by: dict[str, set[int]] = defaultdict(set)
        self.version: LoadedVersion | None = None
        self.dossier: Dossier | None = None
        self.values: dict[str, Any] = {}

    def day(self, at: datetime) -> date:
        return at.astimezone(self.zone).date()

    def run(self) -> None:
        s = self.s
        steps = [step for stage in s.path[:s.done] for step in stage]
        if s.done < len(s.path):
            steps += s.path[s.done][:s.partial]
        actions: list[tuple[str, Any]] = [("complete", step) for step in steps]
        if s.extend:
            actions.insert(min(1, len(actions)), ("extend", None))
        if s.outcome == "withdrawn":
            actions.append(("withdraw", None))
        elif s.outcome == "open":
            actions.append(("hold", s.hold or "queue"))
        self.start()
        if s.outcome in ("open", "withdrawn"):
            end = _last_working_instant(self.calendar, self.now) - timedelta(minutes=5)
            yesterday = self.calendar.end_of_working_day(
                _previous_working_day(self.calendar, self.day(self.now))).astimezone(UTC)
            if s.hold in ("claim", "assign", "delegate") and self.rng.random() < 0.5 \
                    and s.received_at < yesterday - timedelta(hours=2):
                # Taken on an earlier day, by someone who may be away today (their deputy has it).
                end = yesterday - timedelta(minutes=self.rng.randint(10, 90))
            instants = self.spread(s.received_at, end, len(actions))
            for (kind, argument), at in zip(actions, instants, strict=True):
                self.act(kind, argument, at)
            return
        assert self.dossier is not None and self.dossier.due_at is not None
        planned_final = self.final_instant(self.dossier.due_at, s.received_at)
        instants = self.spread(s.received_at, planned_final, len(actions))
        for (kind, argument), at in zip(actions[:-1], instants[:-1], strict=True):
            self.act(kind, argument, at)
        due = self.dossier.due_at
        final = max(self.final_instant(due, instants[-2] if len(instants) > 1 else s.received_at),
                    self.clock.now() + timedelta(minutes=2))
        if final >= self.now:
            final = self.now - timedelta(minutes=1)
        kind, argument = actions[-1]
        self.act(kind, argument, final)

    def final_instant(self, due: datetime, after: datetime) -> datetime:
        """When the last step happens for the scenario's outcome, given the legal due time."""
        outcome, calendar = self.s.outcome, self.calendar
        if self.s.extend:
            return calendar.add_working_time(due, timedelta(hours=self.rng.randint(2, 7)))
        if outcome == "late":
            return calendar.add_working_time(due, timedelta(hours=self.rng.randint(2, 14)))
        if outcome == "early":
            due_day = self.day(due)
            candidate = calendar.add_working_time(after, calendar.working_time_between(after, due) * 0.45)
            # A recent dossier closed early: by now, however far its due time is.
            candidate = min(candidate, _last_working_instant(calendar, self.now) - timedelta(minutes=20))
            if self.day(candidate) < due_day and candidate > after:
                return candidate
        # on time: on the due day, before the due time (the last hour or two of the day)
        on_time = due - timedelta(minutes=self.rng.randint(15, 100))
        if self.calendar.is_working_day(due) and on_time < (opening := calendar.start_of_working_day(due)):
            on_time = opening + (due - opening) / 2  # due early in the morning (moved by a pause)
        return max(on_time, after + timedelta(minutes=5))

    def spread(self, start: datetime, end: datetime, count: int) -> list[datetime]:
        """``count`` instants after ``start``, the last at ``end``, evenly in working time."""
        total = self.calendar.working_time_between(start, end)
        instants, previous = [], start
        for index in range(1, count + 1):
            position = index if index == count else index - self.rng.uniform(0.1, 0.5)
            share = total * (position / count)
            at = self.calendar.add_working_time(start, share) if total > timedelta() else start
            at = end if index == count else at
            at = max(at, previous + timedelta(minutes=1))
            instants.append(at.astimezone(UTC))
            previous = at
        return instants

    # -- commands -----------------------------------------------------------------------------

    def start(self) -> None:
        s = self.s
        self.clock.set(s.received_at)
        day = self.day(s.received_at)
        center_id = self.org.centers[s.center]
        receptionist = self.pick(None, "reception", day, center_id=center_id, any_unit=True)
        person = self.applicant()
        intake, self.values = data.start_data(s.key, self.rng, person, s.locality, day)
        self.values.update(self.team_names(day))
        applicant = {**intake["applicant"], REF_KEY: s.ref}
        self.dossier = start_dossier(self.session, self.ctx, s.key, actor=receptionist.actor, center_code=s.center,
                                     channel=s.channel, data=intake, applicant=applicant)
        self.version = self.ctx.version(self.session, self.dossier.procedure_version_id)

    def act(self, kind: str, argument: Any, at: datetime) -> None:
        self.clock.set(at)
        if kind == "complete":
            element, template = argument
            self.complete(element, template, at)
        elif kind == "extend":
            self.extend(at)
        elif kind == "withdraw":
            self.withdraw(at)
        elif kind == "hold":
            self.hold(argument, at)

    def open_task(self, element: str | None = None) -> HumanTask | None:
        assert self.dossier is not None
        query = select(HumanTask).where(HumanTask.dossier_id == self.dossier.id, HumanTask.status.in_(OPEN_TASK))
        if element is not None:
            query = query.where(HumanTask.element_id == element)
        return self.session.scalars(query.order_by(HumanTask.ready_at, HumanTask.element_id)).first()

    def four_eyes(self, element: str) -> set[int]:
        assert self.version is not None
        pairs = self.version.metadata.get("four_eyes", [])
        return {official for pair in pairs if len(pair) == 2 and pair[1] == element
                for official in self.done_by.get(pair[0], set())}

    def complete(self, element: str, template: dict[str, Any], at: datetime) -> None:
        task = self.open_task(element)
        if task is None:
            return  # the diagram went another way (a timer fired): nothing to do at this step
        day = self.day(at)
        if task.status == TaskStatus.CLAIMED and task.assignee_id is not None:
            person = self.org.acting_for(self.org.people[task.assignee_id], day)
            if person is None:
                raise _DemoError(f"nobody acts for the holder of {element}")
        else:
            person = self.pick(task.department, task.candidate_role, day, exclude=self.four_eyes(element))
            if self.rng.random() < 0.25:
                gap = min(timedelta(minutes=20), (at - task.ready_at) / 2)
                self.clock.set(at - gap)
                claim_task(self.session, self.ctx, task.id, actor=person.actor)
                self.clock.set(at)
        submitted = _fill(template, self.values, day)
        complete_task(self.session, self.ctx, task.id, actor=person.actor, data=submitted)
        self.done_by[element].add(person.id)

    def hold(self, how: str, at: datetime) -> None:
        if how == "claim":
            # Every open task of the dossier is taken, parallel branches too.
            assert self.dossier is not None
            for ready in self.session.scalars(
                    select(HumanTask).where(HumanTask.dossier_id == self.dossier.id,
                                            HumanTask.status == TaskStatus.READY)
                    .order_by(HumanTask.ready_at, HumanTask.element_id)).all():
                self.hold_one(ready, how, at)
            return
        first = self.open_task()
        if first is not None and how != "queue" and first.status == TaskStatus.READY:
            self.hold_one(first, how, at)

    def hold_one(self, task: HumanTask, how: str, at: datetime) -> None:
        day = self.day(at)
        people = self.org.candidates(task.department, task.candidate_role, day, self.dossier_center(),
                                     exclude=self.four_eyes(task.element_id))
        if not people:
            raise _DemoError(f"nobody in {task.department} ({task.candidate_role}) on {day}")
        # Now and then the holder is away today, so their deputy sees the task.
        away_today = [p for p in people if self.org.on_leave(p, self.day(self.now))]
        person = self.choose(people, prefer=away_today if self.rng.random() < 0.35 else None)
        if how == "assign":
            leader = self.org.leader_for(task.department, day)
            if leader is None:
                raise _DemoError(f"no leader for {task.department}")
            reassign_tasks(self.session, self.ctx, [task.id], actor=leader.actor,
                           to_official_id=person.id, reason="Phân công xử lý theo lĩnh vực phụ trách")
            return
        claim_task(self.session, self.ctx, task.id, actor=person.actor)
        others = [p for p in people if p.id != person.id and not self.org.on_leave(p, self.day(self.now))]
        if how == "delegate" and others:
            self.clock.set(at + timedelta(minutes=3) if at + timedelta(minutes=3) < self.now else at)
            delegate_task(self.session, self.ctx, task.id, actor=person.actor,
                          to_official_id=self.rng.choice(others).id, reason=self.rng.choice(data.DELEGATE_REASONS))

    def extend(self, at: datetime) -> None:
        assert self.dossier is not None and self.version is not None and self.dossier.due_at is not None
        lead = next((b.get("department") for b in (self.version.metadata.get("lanes") or {}).values()
                     if b.get("role") in ("unit_leader", "leader")), None)
        leader = self.org.leader_for(lead, self.day(at)) or self.pick(None, "reception", self.day(at),
                                                                        center_id=self.dossier_center(), any_unit=True)
        due = self.dossier.due_at
        new_due = self.calendar.end_of_working_day(self.calendar.add_working_days(due, 3))
        extend_deadline(self.session, self.ctx, self.dossier.id, actor=leader.actor, new_due_at=new_due,
                        reason=self.rng.choice(data.EXTEND_REASONS))

    def withdraw(self, at: datetime) -> None:
        assert self.dossier is not None
        receptionist = self.pick(None, "reception", self.day(at), center_id=self.dossier_center(), any_unit=True)
        withdraw_dossier(self.session, self.ctx, self.dossier.id, actor=receptionist.actor,
                         reason=self.rng.choice(data.WITHDRAW_REASONS))

    # -- people -------------------------------------------------------------------------------

    def dossier_center(self) -> int | None:
        return self.dossier.center_id if self.dossier is not None else None

    def pick(self, unit: str | None, role: str | None, day: date, *, center_id: int | None = None,
             exclude: set[int] | None = None, any_unit: bool = False) -> _Person:
        center_id = center_id if center_id is not None else self.dossier_center()
        if any_unit:
            people = [p for (u, r), members in self.org.by_unit_role.items() if r == role for p in members
                      if p.center_id == center_id and self.org.available(p, day)]
        else:
            people = self.org.candidates(unit, role, day, center_id, exclude)
        if not people:
            raise _DemoError(f"nobody in {unit or 'any unit'} ({role}) on {day}")
        return self.choose(people)

    def choose(self, people: list[_Person], prefer: list[_Person] | None = None) -> _Person:
        """Someone of ``people``; the README's demo logins get a fair share of the work."""
        demo = [p for p in people if p.username in _DEMO_USERNAMES]
        if prefer:
            return self.rng.choice(prefer)
        if demo and self.rng.random() < 0.4:
            return demo[0]
        return self.rng.choice(sorted(people, key=lambda p: p.id))

    def applicant(self) -> dict[str, Any]:
        names = _Names(self.rng, set())
        full_name, sex = names.person()
        year = self.rng.randint(1968, 2004)
        street = self.rng.choice(data.STREETS)
        return {"name": full_name, "sex": sex, "birth_year": year,
                "id_number": data.id_number(self.rng, sex, year),
                "phone": f"0{self.rng.choice(['9', '8', '3'])}{self.rng.randint(0, 99_999_999):08d}",
                "address": f"Số {self.rng.randint(1, 250)} đường {street}, {self.s.locality}, tỉnh {data.PROVINCE}"}

    def team_names(self, day: date) -> dict[str, str]:
        """Names the tourist appraisal team lists: real people of the department and the association."""
        values = {}
        for placeholder, unit in (("specialist_name", "so_vhttdl.phong_quan_ly_du_lich"),
                                  ("association_name", "hiep_hoi_du_lich")):
            people = self.org.candidates(unit, "specialist", day)
            values[placeholder] = people[0].full_name if people else "Chuyên viên"
        return values


_DEMO_USERNAMES = {username for username, *_ in data.DEMO_LOGINS}


# --- the summary ------------------------------------------------------------------------------


def _summary(session: Session, today: date, created: dict[str, int], procedures: list[str],
             without: list[str], problems: list[str], seconds: float) -> DemoSummary:
    def count(query: Any) -> int:
        return int(session.scalar(query) or 0)

    statuses = {str(status): int(n) for status, n in session.execute(
        select(Dossier.status, func.count()).group_by(Dossier.status))}
    timeliness = {str(value): int(n) for value, n in session.execute(
        select(Dossier.timeliness, func.count()).where(Dossier.timeliness.is_not(None)).group_by(Dossier.timeliness))}
    return DemoSummary(
        centers=count(select(func.count(Center.id))),
        units=count(select(func.count(Unit.id))),
        departments=count(select(func.count(Unit.id)).where(Unit.kind == "department")),
        localities=count(select(func.count(Unit.id)).where(Unit.kind == "commune")),
        officials=count(select(func.count(Official.id))),
        active_officials=count(select(func.count(Official.id)).where(Official.active.is_(True))),
        on_leave_today=count(select(func.count(func.distinct(LeavePeriod.official_id)))
                             .where(LeavePeriod.starts_on <= today, LeavePeriod.ends_on >= today)),
        dossiers=sum(statuses.values()),
        dossiers_by_status=statuses,
        dossiers_by_timeliness=timeliness,
        open_tasks=count(select(func.count()).select_from(HumanTask).where(HumanTask.status.in_(OPEN_TASK))),
        claimed_tasks=count(select(func.count()).select_from(HumanTask).where(HumanTask.status == TaskStatus.CLAIMED)),
        created={k: created.get(k, 0) for k in ("centers", "units", "officials", "leave_periods", "deputies",
                                                  "dossiers")},
        procedures=procedures,
        procedures_without_dossiers=without,
        problems=problems,
        seconds=seconds,
    )


__all__ = ["DemoSummary", "seed_demo_province"]
