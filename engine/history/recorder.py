"""Append history events to a dossier's SHA-256 chain.

Each event's hash covers the previous event's hash and a canonical encoding of the event, so an
edited, inserted or deleted row breaks the chain. The dossier row keeps the chain's head
(``last_event_hash``, ``event_count``), which it already holds locked during a command, so
appending needs no extra read.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from engine.persistence.models import Dossier, HistoryEvent

HASHED_FIELDS = (
    "dossier_id", "seq", "at", "event_type", "actor_id", "actor_name", "element_id",
    "element_name", "element_type", "lane", "task_id", "payload",
)


def canonical_bytes(event: dict[str, Any]) -> bytes:
    """The stable encoding that is hashed: sorted keys, UTC ISO instants, no whitespace."""
    material = {name: event.get(name) for name in HASHED_FIELDS}
    at = material["at"]
    if isinstance(at, datetime):
        material["at"] = at.isoformat()
    return json.dumps(material, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def chain_hash(prev_hash: str | None, event: dict[str, Any]) -> str:
    digest = hashlib.sha256()
    digest.update((prev_hash or "").encode())
    digest.update(b"\n")
    digest.update(canonical_bytes(event))
    return digest.hexdigest()


class HistoryBuffer:
    """Collects one command's events for a dossier and writes them in one INSERT."""

    def __init__(self, dossier: Dossier) -> None:
        self.dossier = dossier
        self.rows: list[dict[str, Any]] = []

    def add(self, event_type: str, at: datetime, **fields: Any) -> dict[str, Any]:
        self.dossier.event_count = (self.dossier.event_count or 0) + 1
        row: dict[str, Any] = {
            "dossier_id": self.dossier.id,
            "seq": self.dossier.event_count,
            "at": at,
            "event_type": str(event_type),
            "actor_id": fields.get("actor_id"),
            "actor_name": fields.get("actor_name"),
            "element_id": fields.get("element_id"),
            "element_name": fields.get("element_name"),
            "element_type": fields.get("element_type"),
            "lane": fields.get("lane"),
            "task_id": fields.get("task_id"),
            "payload": fields.get("payload"),
        }
        row["prev_hash"] = self.dossier.last_event_hash
        row["hash"] = chain_hash(row["prev_hash"], row)
        self.dossier.last_event_hash = row["hash"]
        self.rows.append(row)
        return row

    def flush(self, session: Session) -> None:
        if self.rows:
            # Core insert on the table: one executemany, whatever columns are None in which row
            # (the ORM bulk path splits rows into batches by their set of non-null columns).
            session.execute(insert(HistoryEvent.__table__), self.rows)
            self.rows = []
