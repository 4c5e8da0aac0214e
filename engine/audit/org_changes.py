"""Changes to the organisation (units, centers, officials, their roles, leave, deputies) become
events of the administrative chain, in the flush that writes them.

The organisation is changed from several places (the API, the org import, the command line), each
through the ORM; one listener on the session sees them all, so none can skip the record. Who made
the change is what the caller put on the session (``act_as``): the web layers put the signed-in
official there; without it, the system.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, UOWTransaction

from engine.audit.admin_chain import Named, record_admin
from engine.persistence.models import Center, Deputy, LeavePeriod, Official, Unit

ACTOR_KEY = "motcua.actor"
# What of each is administration (an official's password, failed sign-ins and lockouts are not).
WATCHED: dict[type[Any], tuple[str, ...]] = {
    Official: ("username", "full_name", "unit_id", "center_id", "active"),
    Unit: ("code", "name", "kind", "parent_id", "center_id"),
    Center: ("code", "name", "agency_identifier", "kind", "parent_id", "locality"),
    LeavePeriod: ("official_id", "starts_on", "ends_on", "reason"),
    Deputy: ("official_id", "deputy_id", "valid_from", "valid_to"),
}
NAMES = {Official: "official", Unit: "unit", Center: "center", LeavePeriod: "leave", Deputy: "deputy"}


def act_as(session: Session, actor: Named) -> None:
    """Name who makes this session's organisation changes."""
    session.info[ACTOR_KEY] = actor


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def _subject(obj: Any) -> str:
    name = NAMES[type(obj)]
    key = getattr(obj, "username", None) or getattr(obj, "code", None) or getattr(obj, "id", None)
    return f"{name}:{key}"


def _values(obj: Any) -> dict[str, Any]:
    values = {field: _plain(getattr(obj, field)) for field in WATCHED[type(obj)]}
    if isinstance(obj, Official):
        values["roles"] = sorted(obj.roles)
    return values


def _changes(obj: Any) -> dict[str, Any]:
    state = inspect(obj)
    changed: dict[str, Any] = {}
    for field in WATCHED[type(obj)]:
        history = state.attrs[field].history
        if history.has_changes():
            changed[field] = {"from": _plain(history.deleted[0]) if history.deleted else None,
                              "to": _plain(history.added[0]) if history.added else None}
    if isinstance(obj, Official):
        roles = state.attrs["role_rows"].history
        granted = sorted({r.role for r in roles.added} - {r.role for r in roles.deleted})
        revoked = sorted({r.role for r in roles.deleted} - {r.role for r in roles.added})
        if granted or revoked:
            changed["roles"] = {"granted": granted, "revoked": revoked}
    return changed


def _watched(objects: Iterable[Any]) -> list[Any]:
    return [obj for obj in objects if type(obj) in WATCHED]


def _record(session: Session, _context: UOWTransaction, _instances: object) -> None:
    actor = session.info.get(ACTOR_KEY)
    at = datetime.now(UTC)  # the moment of the change itself: org commands take no clock
    for obj in _watched(session.new):
        record_admin(session, f"{NAMES[type(obj)]}_created", actor=actor, at=at, subject=_subject(obj),
                     payload=_values(obj))
    for obj in _watched(session.dirty):
        changed = _changes(obj)
        if changed:
            kind = "roles_changed" if set(changed) == {"roles"} else f"{NAMES[type(obj)]}_changed"
            record_admin(session, kind, actor=actor, at=at, subject=_subject(obj), payload=changed)
    for obj in _watched(session.deleted):
        record_admin(session, f"{NAMES[type(obj)]}_removed", actor=actor, at=at, subject=_subject(obj),
                     payload=_values(obj))


def record_org_changes() -> None:
    """Start recording organisation changes (the composition root calls this once; idempotent)."""
    if not event.contains(Session, "before_flush", _record):
        event.listen(Session, "before_flush", _record)
