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

from engine.persistence.models import Dossier, HistoryEvent, table_of

_INSERT = insert(table_of(HistoryEvent))
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
    """Collects one command's events for a dossier and writes them in one INSERT.

    The chain head (``seq``, ``head``) starts from the dossier row; the command stores the new
    head back on the dossier in the same transaction (``head_values``).
    """

    def __init__(self, dossier: Dossier) -> None:
        self.dossier_id = dossier.id
        self.seq: int = dossier.event_count or 0
        self.head: str | None = dossier.last_event_hash
        self.rows: list[dict[str, Any]] = []

    def add(self, event_type: str, at: datetime, **fields: Any) -> dict[str, Any]:
        self.seq += 1
        row: dict[str, Any] = {
            "dossier_id": self.dossier_id,
            "seq": self.seq,
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
        row["prev_hash"] = self.head
        row["hash"] = self.head = chain_hash(row["prev_hash"], row)
        self.rows.append(row)
        return row

    def head_values(self) -> dict[str, Any]:
        """The dossier columns that hold the chain's head after these events."""
        return {"event_count": self.seq, "last_event_hash": self.head}

    def flush(self, session: Session) -> None:
        if self.rows:
            # Core insert on the table: one executemany, whatever columns are None in which row
            # (the ORM bulk path splits rows into batches by their set of non-null columns).
            session.connection().execute(_INSERT, self.rows)
            self.rows = []
