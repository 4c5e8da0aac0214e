"""Officials' credentials and bearer tokens.

Passwords are hashed with argon2id (argon2-cffi). Tokens are 32 random bytes given to the client
once; only their SHA-256 is stored, so a leaked database does not leak live sessions.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.calendar.clock import Clock
from engine.errors import EngineError, NotAuthenticatedError
from engine.persistence.models import ApiToken, Official, Unit

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def create_official(
    session: Session,
    clock: Clock,
    *,
    username: str,
    full_name: str,
    password: str,
    roles: list[str] | None = None,
    unit_code: str | None = None,
    center_id: int | None = None,
) -> Official:
    if session.scalar(select(Official.id).where(Official.username == username)) is not None:
        raise EngineError(f"Tên đăng nhập '{username}' đã tồn tại", message_en=f"Username '{username}' exists")
    unit_id = None
    if unit_code:
        unit_id = session.scalar(select(Unit.id).where(Unit.code == unit_code))
        if unit_id is None:
            raise EngineError(f"Không có đơn vị '{unit_code}'", message_en=f"No unit '{unit_code}'")
    official = Official(
        username=username,
        full_name=full_name,
        password_hash=hash_password(password),
        roles=list(roles or []),
        unit_id=unit_id,
        center_id=center_id,
        active=True,
        created_at=clock.now().astimezone(UTC),
    )
    session.add(official)
    session.flush()
    return official


def _bad_credentials() -> NotAuthenticatedError:
    return NotAuthenticatedError(
        "Tên đăng nhập hoặc mật khẩu không đúng", message_en="Wrong username or password"
    )


def authenticate(session: Session, username: str, password: str) -> Official:
    official = session.scalar(select(Official).where(Official.username == username))
    if official is None or not official.active:
        # Hash anyway so the response time does not reveal which usernames exist.
        _hasher.hash(password)
        raise _bad_credentials()
    try:
        _hasher.verify(official.password_hash, password)
    except (VerificationError, InvalidHashError):
        raise _bad_credentials() from None
    if _hasher.check_needs_rehash(official.password_hash):
        official.password_hash = hash_password(password)
    return official


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(session: Session, clock: Clock, official: Official, lifetime: timedelta) -> tuple[str, datetime]:
    token = secrets.token_urlsafe(32)
    now = clock.now().astimezone(UTC)
    expires_at = now + lifetime
    session.add(ApiToken(token_hash=_digest(token), official_id=official.id, created_at=now, expires_at=expires_at))
    return token, expires_at


def official_for_token(session: Session, clock: Clock, token: str) -> Official:
    row = session.execute(
        select(Official, ApiToken.expires_at)
        .join(ApiToken, ApiToken.official_id == Official.id)
        .where(ApiToken.token_hash == _digest(token))
    ).one_or_none()
    if row is None or row.expires_at <= clock.now() or not row.Official.active:
        raise NotAuthenticatedError(
            "Phiên đăng nhập không hợp lệ hoặc đã hết hạn", message_en="The token is invalid or has expired"
        )
    official: Official = row.Official
    return official
