"""Officials one at a time (what the org API does): create and change them, record leave and
deputies, list units and people, and tell whether a leader leads an official.

The session comes first; functions flush and never commit. Wrong values raise FormInvalidError
whose fields are the API's field names (``roles``, ``unit``, ``ends_on``…); who may call what is
decided by the callers. Values are checked with the same rules as the import (engine.org.exchange).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session

from engine.calendar.clock import Clock
from engine.errors import ConflictError, FieldProblem, FormInvalidError, NotFoundError
from engine.identity.officials import hash_password
from engine.org.directory import normalise_role
from engine.org.exchange import (
    ROLES,
    generate_password,
    parse_bool,
    parse_code,
    parse_date,
    parse_password,
    parse_roles,
    parse_text,
    set_roles,
    take,
)
from engine.persistence.models import Center, Deputy, LeavePeriod, Official, OfficialRole, Role, Unit

EDITABLE = ("full_name", "roles", "unit", "center", "active")


def get_official(session: Session, ref: int | str) -> Official:
    """An official by id (from code) or by username (from a URL, which never carries sequential ids)."""
    if isinstance(ref, int):
        official = session.get(Official, ref)
    else:
        official = session.scalar(select(Official).where(Official.username == ref))
    if official is None:
        raise NotFoundError(f"Không tìm thấy cán bộ {ref}", message_en=f"Official {ref} not found")
    return official


def _lookup(session: Session, model: type[Unit] | type[Center], code: Any, where: str,
            problems: list[FieldProblem]) -> int | None:
    code = take(problems, where, lambda v: parse_code(v, 128), code)
    if code is None:
        return None
    row_id: int | None = session.scalar(select(model.id).where(model.code == code))
    if row_id is None:
        what_vi, what_en = ("đơn vị", "unit") if model is Unit else ("trung tâm", "center")
        problems.append(FieldProblem(where, f"Không có {what_vi} '{code}'", f"Unknown {what_en} '{code}'"))
    return row_id


@dataclass
class NewOfficial:
    official: Official
    initial_password: str | None  # generated when none was given; shown once to the administrator


def create_official(session: Session, clock: Clock, *, username: Any, full_name: Any, roles: Any = (),
                    unit: Any = None, center: Any = None, active: Any = True, password: Any = None) -> NewOfficial:
    problems: list[FieldProblem] = []
    username = take(problems, "username", parse_code, username, required=True)
    full_name = take(problems, "full_name", parse_text, full_name, required=True)
    roles = take(problems, "roles", parse_roles, roles) or ()
    unit_id = _lookup(session, Unit, unit, "unit", problems)
    center_id = _lookup(session, Center, center, "center", problems)
    active = take(problems, "active", parse_bool, active)
    password = take(problems, "password", parse_password, password)
    if username and session.scalar(select(Official.id).where(Official.username == username)) is not None:
        problems.append(FieldProblem("username", f"Tên đăng nhập '{username}' đã tồn tại",
                                     f"The username '{username}' is taken"))
    if problems:
        raise FormInvalidError(problems)
    generated = None
    if password is None:
        password = generated = generate_password()
    official = Official(username=username, full_name=full_name, password_hash=hash_password(password),
                        unit_id=unit_id, center_id=center_id, active=True if active is None else active,
                        created_at=clock.now().astimezone(UTC))
    set_roles(official, roles)
    session.add(official)
    session.flush()
    return NewOfficial(official, generated)


def _other_active_admin(session: Session, official_id: int) -> bool:
    return session.scalar(
        select(Official.id).join(OfficialRole, OfficialRole.official_id == Official.id)
        .where(OfficialRole.role == Role.ADMIN.value, Official.active.is_(True), Official.id != official_id).limit(1)
    ) is not None


def update_official(session: Session, official_id: int, changes: Mapping[str, Any]) -> Official:
    """Change some of ``full_name, roles, unit, center, active``; the keys absent stay as they are."""
    official = get_official(session, official_id)
    problems: list[FieldProblem] = [
        FieldProblem(key, f"Không sửa được trường '{key}'", f"The field '{key}' cannot be changed")
        for key in changes if key not in EDITABLE
    ]
    values: dict[str, Any] = {}
    if "full_name" in changes:
        values["full_name"] = take(problems, "full_name", parse_text, changes["full_name"], required=True)
    if "roles" in changes:
        values["roles"] = take(problems, "roles", parse_roles, changes["roles"])
    if "unit" in changes:
        values["unit_id"] = _lookup(session, Unit, changes["unit"], "unit", problems)
    if "center" in changes:
        values["center_id"] = _lookup(session, Center, changes["center"], "center", problems)
    if "active" in changes:
        values["active"] = take(problems, "active", parse_bool, changes["active"], required=True)
    if problems:
        raise FormInvalidError(problems)
    admin = Role.ADMIN.value
    was_admin = official.active and admin in official.roles
    stays_admin = values.get("active", official.active) and admin in values.get("roles", official.roles)
    if was_admin and not stays_admin and not _other_active_admin(session, official.id):
        raise ConflictError("Phải còn ít nhất một quản trị viên (admin) đang hoạt động",
                            message_en="At least one active administrator (admin) must remain")
    for name, value in values.items():
        if name == "roles":
            set_roles(official, value)
        else:
            setattr(official, name, value)
    session.flush()
    session.expire(official, ["unit"])  # unit_code follows the new unit_id
    return official


def _period(problems: list[FieldProblem], start_name: str, start: Any, end_name: str, end: Any) -> tuple[Any, Any]:
    start = take(problems, start_name, parse_date, start, required=True)
    end = take(problems, end_name, parse_date, end, required=True)
    if start and end and end < start:
        problems.append(FieldProblem(end_name, f"Ngày kết thúc {end} trước ngày bắt đầu {start}",
                                     f"The period ends ({end}) before it starts ({start})"))
    return start, end


def add_leave(session: Session, official_id: int, *, starts_on: Any, ends_on: Any,
              reason: Any = None) -> LeavePeriod:
    get_official(session, official_id)
    problems: list[FieldProblem] = []
    starts_on, ends_on = _period(problems, "starts_on", starts_on, "ends_on", ends_on)
    reason = take(problems, "reason", parse_text, reason)
    if problems:
        raise FormInvalidError(problems)
    leave = LeavePeriod(official_id=official_id, starts_on=starts_on, ends_on=ends_on, reason=reason)
    session.add(leave)
    session.flush()
    return leave


def get_leave(session: Session, leave_id: int) -> LeavePeriod:
    leave = session.get(LeavePeriod, leave_id)
    if leave is None:
        raise NotFoundError(f"Không tìm thấy kỳ nghỉ {leave_id}", message_en=f"Leave period {leave_id} not found")
    return leave


def delete_leave(session: Session, leave: LeavePeriod) -> None:
    session.delete(leave)
    session.flush()


def set_deputy(session: Session, official_id: int, *, deputy_id: int, valid_from: Any,
               valid_to: Any) -> tuple[Deputy, bool]:
    """Who acts for the official in a period; the same (deputy, valid_from) updates. Returns (row, created)."""
    get_official(session, official_id)
    problems: list[FieldProblem] = []
    valid_from, valid_to = _period(problems, "valid_from", valid_from, "valid_to", valid_to)
    deputy = session.get(Official, deputy_id)
    if deputy_id == official_id:
        problems.append(FieldProblem("deputy_id", "Cán bộ không thể là người thay thế của chính mình",
                                     "An official cannot be their own deputy"))
    elif deputy is None:
        problems.append(FieldProblem("deputy_id", f"Không có cán bộ {deputy_id}", f"Unknown official {deputy_id}"))
    elif not deputy.active:
        problems.append(FieldProblem("deputy_id", f"Cán bộ '{deputy.username}' đã ngừng hoạt động",
                                     f"The official '{deputy.username}' is not active"))
    if problems:
        raise FormInvalidError(problems)
    row = session.scalar(select(Deputy).where(Deputy.official_id == official_id, Deputy.deputy_id == deputy_id,
                                              Deputy.valid_from == valid_from).order_by(Deputy.id).limit(1))
    created = row is None
    if row is None:
        row = Deputy(official_id=official_id, deputy_id=deputy_id, valid_from=valid_from, valid_to=valid_to)
        session.add(row)
    else:
        row.valid_to = valid_to
    session.flush()
    return row, created


def unit_chain(session: Session, unit_id: int | None) -> list[int]:
    """The unit and its ancestors, nearest first."""
    chain: list[int] = []
    while unit_id is not None and unit_id not in chain:
        chain.append(unit_id)
        unit_id = session.scalar(select(Unit.parent_id).where(Unit.id == unit_id))
    return chain


def leads(session: Session, leader: Official, official: Official) -> bool:
    """Whether ``leader`` is an active unit leader of the official's unit or of a unit above it."""
    return bool(leader.active and leader.unit_id is not None and Role.UNIT_LEADER.value in leader.roles
                and leader.unit_id in unit_chain(session, official.unit_id))


# --- reading --------------------------------------------------------------------------------------


def list_units(session: Session) -> list[dict[str, Any]]:
    """Every unit with its parent's and center's codes, parents before children."""
    units = list(session.scalars(select(Unit).order_by(Unit.code)))
    code_of = {u.id: u.code for u in units}
    centers = {center_id: code for center_id, code in session.execute(select(Center.id, Center.code))}
    rows: list[dict[str, Any]] = [{"id": u.id, "code": u.code, "name": u.name, "kind": u.kind,
             "parent": code_of.get(u.parent_id) if u.parent_id else None,
             "center": centers.get(u.center_id) if u.center_id else None} for u in units]
    children: dict[str | None, list[dict[str, Any]]] = {}
    for row in rows:
        children.setdefault(row["parent"], []).append(row)
    ordered: list[dict[str, Any]] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        row = stack.pop()
        ordered.append(row)
        stack.extend(reversed(children.get(row["code"], [])))
    placed = {row["code"] for row in ordered}
    return ordered + [row for row in rows if row["code"] not in placed]


def unit_tree(session: Session) -> list[dict[str, Any]]:
    """The units as nested ``children`` lists under their roots."""
    rows = [{**row, "children": []} for row in list_units(session)]
    by_code = {row["code"]: row for row in rows}
    roots: list[dict[str, Any]] = []
    for row in rows:
        parent = by_code.get(row["parent"]) if row["parent"] else None
        (parent["children"] if parent is not None else roots).append(row)
    return roots


def find_officials(session: Session, *, unit: str | None = None, role: str | None = None,
                   active: bool | None = None, page: int = 1, page_size: int = 50) -> tuple[list[Official], int]:
    """One page of officials by username, and how many match the filters in all."""
    query = select(Official)
    if unit:
        query = query.join(Unit, Unit.id == Official.unit_id).where(Unit.code == unit)
    if role:
        query = query.where(exists().where(and_(OfficialRole.official_id == Official.id,
                                                OfficialRole.role == normalise_role(role))))
    if active is not None:
        query = query.where(Official.active.is_(active))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    officials = list(session.scalars(query.order_by(Official.username, Official.id)
                                     .offset((page - 1) * page_size).limit(page_size)).unique())
    return officials, total


def describe_officials(session: Session, officials: list[Official]) -> list[dict[str, Any]]:
    """Plain views of officials (never the password hash), center codes loaded in one query."""
    center_ids = {o.center_id for o in officials if o.center_id}
    centers = {center_id: code for center_id, code in session.execute(
        select(Center.id, Center.code).where(Center.id.in_(center_ids)))} if center_ids else {}
    return [{"id": o.id, "username": o.username, "full_name": o.full_name,
             "roles": [r for r in ROLES if r in set(o.roles)], "unit": o.unit_code,
             "center": centers.get(o.center_id) if o.center_id else None, "active": bool(o.active),
             "created_at": o.created_at} for o in officials]


def describe_official(session: Session, official: Official) -> dict[str, Any]:
    """One official with their leave periods and deputies."""
    view = describe_officials(session, [official])[0]
    view["leave"] = [{"id": row.id, "starts_on": row.starts_on, "ends_on": row.ends_on, "reason": row.reason}
                     for row in session.scalars(select(LeavePeriod).where(LeavePeriod.official_id == official.id)
                                                .order_by(LeavePeriod.starts_on, LeavePeriod.id))]
    view["deputies"] = [
        {"id": row.id, "deputy_id": row.deputy_id, "deputy": username, "valid_from": row.valid_from,
         "valid_to": row.valid_to}
        for row, username in session.execute(
            select(Deputy, Official.username).join(Official, Official.id == Deputy.deputy_id)
            .where(Deputy.official_id == official.id).order_by(Deputy.valid_from, Deputy.id))
    ]
    return view
