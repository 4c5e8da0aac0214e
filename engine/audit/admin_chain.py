"""The administrative chain: changes to what every dossier depends on, hash-chained like a history.

Deploying and activating procedure versions, changing the organisation, officials' roles and the
calendar, reassigning tasks and retrying incidents each append one event here, in the same
transaction as the change itself (``record_admin``, called at the engine's command points). The
chain is verified and anchored like a dossier's (its name in anchors: ``@admin``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from engine.audit.chain import ChainWalk
from engine.persistence.models import AdminEvent, ChainHead, table_of

ADMIN_HEAD = "admin"
SYSTEM_NAME = "Hệ thống"
HASHED = ("seq", "at", "event_type", "actor_id", "actor_name", "subject", "payload")
_EVENTS = table_of(AdminEvent)
_INSERT = insert(_EVENTS)


@dataclass(frozen=True)
class ActorRef:
    """Who made a change, for callers holding only an id and a name."""

    id: int | None
    name: str


class Named(Protocol):
    """Who made the change: an official (id and name) or the system (id None)."""

    @property
    def id(self) -> int | None: ...

    @property
    def name(self) -> str: ...


def admin_hash(prev_hash: str | None, row: Sequence[Any]) -> str:
    """SHA-256 over the previous hash and the canonical encoding of the ``HASHED`` values, in order."""
    material = dict(zip(HASHED, row, strict=False))
    at = material["at"]
    if isinstance(at, datetime):
        material["at"] = at.isoformat()
    digest = hashlib.sha256((prev_hash or "").encode() + b"\n")
    digest.update(json.dumps(material, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                             default=str).encode())
    return digest.hexdigest()


_HEADS = table_of(ChainHead)
_LOCK_HEAD = select(_HEADS.c.event_count, _HEADS.c.last_event_hash).where(_HEADS.c.name == ADMIN_HEAD) \
    .with_for_update()


def record_admin(session: Session, event_type: str, *, actor: Named | None, at: datetime,
                 subject: str | None = None, payload: dict[str, Any] | None = None) -> None:
    """Append one administrative event in the caller's transaction.

    Core statements only (the chain's head row locked FOR UPDATE on PostgreSQL; SQLite serialises
    writers): it also runs inside a flush, where the org listener below calls it."""
    connection = session.connection()
    head = connection.execute(_LOCK_HEAD).first()
    if head is None:
        connection.execute(insert(_HEADS).values(name=ADMIN_HEAD, event_count=0, last_event_hash=None))
        count, prev = 0, None
    else:
        count, prev = head.event_count, head.last_event_hash
    values = (count + 1, at.astimezone(UTC), event_type, actor.id if actor else None,
              actor.name if actor else SYSTEM_NAME, subject, payload)
    hash_ = admin_hash(prev, values)
    connection.execute(_INSERT, {**dict(zip(HASHED, values, strict=True)), "prev_hash": prev, "hash": hash_})
    connection.execute(update(_HEADS).where(_HEADS.c.name == ADMIN_HEAD)
                       .values(event_count=values[0], last_event_hash=hash_))


def walk_admin_chain(session: Session, anchored: tuple[int, str] | None = None,
                     anchor_seq: int | None = None) -> tuple[ChainWalk, int]:
    """Walk the whole administrative chain; returns the walk (its ``broken``) and the events read."""
    walk = ChainWalk("@admin", lambda prev, row: admin_hash(prev, row), anchored=anchored, anchor_seq=anchor_seq)
    columns = [_EVENTS.c[name] for name in HASHED] + [_EVENTS.c.id, _EVENTS.c.prev_hash, _EVENTS.c.hash]
    count = 0
    for row in session.connection().execute(select(*columns).order_by(_EVENTS.c.seq)):
        count += 1
        walk.feed(row[7], row[0], row[2], row[8], row[9], row)
    head = session.connection().execute(
        select(_HEADS.c.event_count, _HEADS.c.last_event_hash).where(_HEADS.c.name == ADMIN_HEAD)).first()
    walk.finish(head.event_count if head else 0, head.last_event_hash if head else None)
    return walk, count


def admin_events(session: Session, limit: int = 200) -> list[AdminEvent]:
    """The latest administrative events, newest first (for listing; the chain is verified apart)."""
    return list(session.scalars(select(AdminEvent).order_by(AdminEvent.seq.desc()).limit(limit)))
