"""Idempotency keys: a command retried with the same key gets the first answer, not a second effect.

A client that lost the connection after sending "receive this dossier" cannot know whether it was
received; with an ``Idempotency-Key`` it can simply send it again. The key is taken at the start of
the command and its answer stored before the command commits, in the same transaction: a key row
exists exactly when its command took effect. Two requests with one key at the same moment meet at
the key's primary key: on PostgreSQL the second INSERT waits for the first transaction and then
finds the row (READ COMMITTED reads it in its next statement); SQLite runs one writer at a time.
A failed command rolls its key back with everything else, so its retry runs again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine.errors import IdempotencyKeyError
from engine.persistence.models import IdempotencyKey, table_of

MAX_KEY_LENGTH = 255
_KEY = table_of(IdempotencyKey)


@dataclass(frozen=True)
class StoredAnswer:
    status: int
    body: str


def request_fingerprint(method: str, path: str, body: bytes) -> str:
    """What makes a retry the same request: method, path and body (JSON compared by meaning)."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        canonical = body
    digest = hashlib.sha256(f"{method} {path}\n".encode())
    digest.update(canonical)
    return digest.hexdigest()


def check_key(key: str) -> str:
    if not 0 < len(key) <= MAX_KEY_LENGTH or not all("!" <= c <= "~" for c in key):
        raise IdempotencyKeyError(
            f"Idempotency-Key phải có 1–{MAX_KEY_LENGTH} ký tự ASCII in được, không có khoảng trắng",
            message_en=f"Idempotency-Key must be 1–{MAX_KEY_LENGTH} printable ASCII characters without spaces",
        )
    return key


def take_key(session: Session, official_id: int, key: str, fingerprint: str, now: datetime,
             lifetime: timedelta) -> StoredAnswer | None:
    """Take ``key`` for the command about to run, or return the answer its first use got.

    Raises IdempotencyKeyError when the key was first used for a different request.
    """
    stored = _stored(session, official_id, key)
    if stored is not None and stored.expires_at <= now:
        session.execute(delete(_KEY).where(_KEY.c.official_id == official_id, _KEY.c.key == key))
        stored = None
    if stored is None:
        dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
        taken = session.execute(
            dialect.insert(_KEY)
            .values(official_id=official_id, key=key, request_hash=fingerprint, response_status=0,
                    response_body="", created_at=now, expires_at=now + lifetime)
            .on_conflict_do_nothing()
            .returning(_KEY.c.key)
        ).first()
        if taken is not None:
            return None
        stored = _stored(session, official_id, key)  # a concurrent first use has just committed
        if stored is None:
            return None
    if stored.request_hash != fingerprint:
        raise IdempotencyKeyError(
            "Idempotency-Key này đã được dùng cho một yêu cầu khác",
            message_en="This Idempotency-Key was already used for a different request",
            code="idempotency_key_reused",
        )
    return StoredAnswer(stored.response_status, stored.response_body)


def record_answer(session: Session, official_id: int, key: str, status: int, body: str) -> None:
    """Store the command's answer under its key; the caller commits it with the command."""
    session.execute(
        update(_KEY).where(_KEY.c.official_id == official_id, _KEY.c.key == key)
        .values(response_status=status, response_body=body)
    )


def purge_expired_keys(session: Session, now: datetime) -> int:
    result = session.execute(delete(_KEY).where(_KEY.c.expires_at <= now))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _stored(session: Session, official_id: int, key: str) -> Row[Any] | None:
    return session.execute(
        select(_KEY).where(_KEY.c.official_id == official_id, _KEY.c.key == key)
    ).first()
