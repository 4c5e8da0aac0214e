"""What figures an official may read, and the scope a request names, checked against it.

The grants are the access policy's (``statistics.read`` in engine.access.rules): a unit leader
reads their unit and those below at their center(s), a center leader, auditor or supervisor their
center and those below, an admin every center. A scope outside what the official may read is
refused naming the rule; a center, unit, official or procedure that does not exist is not found.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.access.policy import Someone, caller_of, denied
from engine.access.rules import ANYONE, RULES, Action, Scope
from engine.access.scopes import Caller
from engine.errors import NotFoundError
from engine.persistence.models import Center, Official, Procedure, Unit

WHOLE = ""  # the dossier-wide rows of the daily figures (engine.statistics.upkeep.WHOLE_DOSSIER)


@dataclass(frozen=True)
class ScopeRequest:
    """What a reader asks for: all of it, or one center, unit, official, procedure (combinable)."""

    center: str | None = None     # center code
    unit: str | None = None       # unit code
    official: str | None = None   # username
    procedure: str | None = None  # procedure key


@dataclass(frozen=True)
class StatScope:
    """A scope resolved against the reader's reach: what every statistics query filters by.

    center_ids: the centers whose dossiers count (None: every center). unit: the unit whose
    daily-figure rows count (WHOLE: dossier-wide); units: that unit and the units below it (the
    departments of steps; None: any). official_id: only that official's steps.
    """

    center_ids: frozenset[int] | None
    unit: str
    units: tuple[str, ...] | None
    official_id: int | None
    procedure: str | None
    label: str

    @property
    def is_official(self) -> bool:
        return self.official_id is not None


def resolve_scope(session: Session, who: Someone, request: ScopeRequest, *, today: date) -> StatScope:
    """The scope ``request`` names, within what ``who`` may read.

    Raises:
        PermissionDeniedError: If ``who`` may read no figures, or not those of the scope named.
        NotFoundError: If the center, unit, official or procedure named does not exist.
    """
    caller = caller_of(session, who, today)
    centers, units = _reach(session, caller)
    rule = RULES[Action.STATISTICS_READ]
    labels: list[str] = []
    if request.center:
        center = session.scalar(select(Center).where(Center.code == request.center))
        if center is None:
            raise NotFoundError(f"Không tìm thấy trung tâm '{request.center}'",
                                message_en=f"Center '{request.center}' not found")
        if centers is not None and center.id not in centers:
            raise denied(rule)
        centers = frozenset({center.id})
        labels.append(center.name)
    unit_code = None if units is None else units[0]
    if request.unit:
        unit = session.scalar(select(Unit).where(Unit.code == request.unit))
        if unit is None:
            raise NotFoundError(f"Không tìm thấy đơn vị '{request.unit}'",
                                message_en=f"Unit '{request.unit}' not found")
        if units is not None and unit.code not in units:
            raise denied(rule)
        unit_code, units = unit.code, _unit_tree(session, unit.id)
        labels.append(unit.name)
    official_id = None
    if request.official:
        official = session.scalar(select(Official).where(Official.username == request.official))
        if official is None:
            raise NotFoundError(f"Không tìm thấy cán bộ '{request.official}'",
                                message_en=f"Official '{request.official}' not found")
        if (units is not None and official.unit_code not in units) or \
                (centers is not None and official.center_id not in centers):
            raise denied(rule)
        official_id = official.id
        labels.append(official.full_name)
    if request.procedure:
        if session.scalar(select(Procedure.id).where(Procedure.key == request.procedure)) is None:
            raise NotFoundError(f"Không tìm thấy thủ tục '{request.procedure}'",
                                message_en=f"Procedure '{request.procedure}' not found")
        labels.append(request.procedure)
    if not labels:
        labels.append(_default_label(session, caller, unit_code))
    return StatScope(center_ids=centers, unit=unit_code or WHOLE, units=units, official_id=official_id,
                     procedure=request.procedure, label=" · ".join(labels))


def _default_label(session: Session, caller: Caller | None, unit_code: str | None) -> str:
    """What the reader sees without naming a scope: their unit, their center, or the whole province."""
    if unit_code:
        return session.scalar(select(Unit.name).where(Unit.code == unit_code)) or unit_code
    if caller is not None and caller.centers and caller.official.center_id is not None:
        center = session.get(Center, caller.official.center_id)
        if center is not None:
            return center.name
    return "Toàn tỉnh"


def _reach(session: Session, caller: Caller | None) -> tuple[frozenset[int] | None, tuple[str, ...] | None]:
    """The centers (None: all) and units (None: all; the first is the reader's own) ``caller`` may read."""
    if caller is None:
        return None, None
    scopes = {g.scope for g in RULES[Action.STATISTICS_READ].grants if g.role == ANYONE or g.role in caller.roles}
    if Scope.ANY in scopes:
        return None, None
    if Scope.CENTER in scopes:
        return caller.centers, None
    if Scope.UNIT_TREE in scopes and caller.official.unit_code:
        own = caller.official.unit_code
        return caller.centers, (own, *[code for code in caller.led_units if code != own])
    raise denied(RULES[Action.STATISTICS_READ])


def _unit_tree(session: Session, unit_id: int) -> tuple[str, ...]:
    """The unit's code, then the codes of every unit below it."""
    rows = session.execute(select(Unit.id, Unit.parent_id, Unit.code)).all()
    children: dict[int | None, list[int]] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row.id)
    found, todo = {unit_id}, [unit_id]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    code = {row.id: row.code for row in rows}
    return (code[unit_id], *sorted(code[i] for i in found if i != unit_id))


def may_read_statistics(session: Session, who: Someone, *, today: date) -> bool:
    """Whether ``who`` may read any figures (the menu shows the dashboards to them)."""
    caller = caller_of(session, who, today)
    return caller is None or any(g.role == ANYONE or g.role in caller.roles
                                 for g in RULES[Action.STATISTICS_READ].grants)


@dataclass(frozen=True)
class ScopeChoices:
    """What a reader may pick: the centers and units within their reach, (code, name) pairs."""

    centers: list[tuple[str, str]]
    units: list[tuple[str, str]]


def scope_choices(session: Session, who: Someone, *, today: date) -> ScopeChoices:
    """The centers and units ``who`` may read figures of (PermissionDeniedError if none)."""
    caller = caller_of(session, who, today)
    centers, units = _reach(session, caller)
    center_rows = session.execute(select(Center.id, Center.code, Center.name).order_by(Center.id)).all()
    unit_query = select(Unit.code, Unit.name).order_by(Unit.code)
    if units is not None:
        unit_query = unit_query.where(Unit.code.in_(units))
    return ScopeChoices(
        centers=[(row.code, row.name) for row in center_rows if centers is None or row.id in centers],
        units=[(row.code, row.name) for row in session.execute(unit_query)])
