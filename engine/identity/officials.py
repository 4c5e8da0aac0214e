"""Officials' credentials and bearer tokens.

Passwords are hashed with argon2id (argon2-cffi). Tokens are 32 random bytes given to the client
once; only their SHA-256 is stored, so a leaked database does not leak live sessions. Browser
sessions hold such a token too, so one table answers for both and every revocation reaches both.

A token ends when its official signs out (that token), when it expires (purged by the scheduler)
or when the official's access changes — deactivation, a new password, other roles: the listener
at the bottom deletes all their tokens in the same flush, whichever code path made the change, so
reactivating an account later finds nothing to revive.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, bindparam, delete, event, inspect, select, update
from sqlalchemy.orm import Mapper, Session, joinedload

from engine.calendar.clock import Clock
from engine.errors import EngineError, NotAuthenticatedError
from engine.persistence.models import ApiToken, Official, Unit, table_of

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


def bad_credentials() -> NotAuthenticatedError:
    return NotAuthenticatedError(
        "Tên đăng nhập hoặc mật khẩu không đúng", message_en="Wrong username or password"
    )


def find_official(session: Session, username: str) -> Official | None:
    return session.scalar(select(Official).where(Official.username == username))


def password_matches(session: Session, official: Official | None, password: str) -> bool:
    """Whether ``password`` is the active official's; the costly part of signing in."""
    if official is None or not official.active:
        # Hash anyway so the response time does not reveal which usernames exist.
        _hasher.hash(password)
        return False
    try:
        _hasher.verify(official.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if _hasher.check_needs_rehash(official.password_hash):
        # A bulk UPDATE, not an attribute change: the same password under new parameters is no
        # reason to end the official's sessions (see the listener below).
        session.execute(update(Official).where(Official.id == official.id)
                        .values(password_hash=hash_password(password)))
    return True


def authenticate(session: Session, username: str, password: str) -> Official:
    """The active official with this username and password, without throttling (scripts, tests)."""
    official = find_official(session, username)
    if not password_matches(session, official, password) or official is None:
        raise bad_credentials()
    return official


# --- failed attempts (the lockout's counters) ---------------------------------------------------


def record_failure(session: Session, official: Official, now: datetime, *, max_failures: int,
                   lockout: timedelta) -> datetime | None:
    """Count a failed sign-in in one atomic UPDATE (several workers may count at once); the
    ``max_failures``-th in a row locks the account until the returned instant."""
    failures = session.execute(
        update(Official).where(Official.id == official.id)
        .values(failed_logins=Official.failed_logins + 1).returning(Official.failed_logins)
    ).scalar_one()
    if failures < max_failures:
        return None
    until = now.astimezone(UTC) + lockout
    session.execute(update(Official).where(Official.id == official.id)
                    .values(failed_logins=0, locked_until=until))
    return until


def record_success(session: Session, official: Official) -> None:
    if official.failed_logins or official.locked_until is not None:
        session.execute(update(Official).where(Official.id == official.id)
                        .values(failed_logins=0, locked_until=None))


# --- tokens -----------------------------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(session: Session, clock: Clock, official: Official, lifetime: timedelta) -> tuple[str, datetime]:
    token = secrets.token_urlsafe(32)
    now = clock.now().astimezone(UTC)
    expires_at = now + lifetime
    session.add(ApiToken(token_hash=_digest(token), official_id=official.id, created_at=now, expires_at=expires_at))
    return token, expires_at


# Every request of the API runs this: built once, and the official's roles (which the access
# policy reads next) come in the same statement instead of a second one.
_OFFICIAL_FOR_TOKEN = (
    select(Official, ApiToken.expires_at)
    .join(ApiToken, ApiToken.official_id == Official.id)
    .where(ApiToken.token_hash == bindparam("token_hash"))
    .options(joinedload(Official.role_rows))
)


def official_for_token(session: Session, clock: Clock, token: str) -> Official:
    row = session.execute(_OFFICIAL_FOR_TOKEN, {"token_hash": _digest(token)}).unique().one_or_none()
    if row is None or row.expires_at <= clock.now() or not row.Official.active:
        raise NotAuthenticatedError(
            "Phiên đăng nhập không hợp lệ hoặc đã hết hạn", message_en="The token is invalid or has expired"
        )
    official: Official = row.Official
    return official


def revoke_token(session: Session, token: str) -> None:
    """Sign out: the token stops working at once."""
    session.execute(delete(ApiToken).where(ApiToken.token_hash == _digest(token)))


def purge_expired_tokens(session: Session, now: datetime) -> int:
    """Delete the tokens past their expiry; returns how many."""
    result = session.execute(delete(ApiToken).where(ApiToken.expires_at <= now.astimezone(UTC)))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


# --- revocation when access changes -------------------------------------------------------------


def _changed(official: Official, name: str) -> bool:
    history = inspect(official).attrs[name].history
    return bool(history.added or history.deleted) and list(history.added) != list(history.deleted)


def _roles_changed(official: Official) -> bool:
    history = inspect(official).attrs.role_rows.history
    return {row.role for row in history.added} != {row.role for row in history.deleted}


def access_changed(official: Official) -> bool:
    """Whether this flush deactivates or reactivates the official, changes the password or the roles."""
    return _changed(official, "active") or _changed(official, "password_hash") or _roles_changed(official)


@event.listens_for(Official, "before_update")
def _revoke_tokens_when_access_changes(_mapper: Mapper[Any], connection: Connection, official: Official) -> None:
    # A listener rather than a call in each command: the org API, the import and the password
    # change all alter officials, and none of them may forget to end the sessions.
    if access_changed(official):
        connection.execute(delete(table_of(ApiToken)).where(table_of(ApiToken).c.official_id == official.id))
