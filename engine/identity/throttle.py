"""Signing in under attack: throttling per client address, lockout per account, bounded cost.

* Per client address, failed sign-ins and public lookups are counted with the ``limits``
  library (the rate-limiting core of Flask-Limiter), in memory by default or in a shared store
  (``memory://``, ``redis://…``, ``memcached://…``). It is used directly rather than through
  Flask-Limiter's decorators because the API and the admin pages (which may not import each
  other) share these counters, and because the check must come before the password is hashed.
* Per account, consecutive failures are counted in the database (engine.identity.officials), so
  every web worker sees the same count; the ``max_failures``-th locks the account for a while,
  even against the right password. Unknown usernames are counted in the address store instead,
  so that a locked answer does not tell which usernames exist.
* Sign-ins (argon2: tens of milliseconds and 64 MiB each) run in at most ``concurrency`` threads
  per process; when they are all busy the attempt is refused at once with "retry later", before
  touching the database, instead of queueing, so a flood of sign-ins cannot starve other requests.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy.orm import Session

from engine.calendar.clock import Clock
from engine.errors import BusyError, FieldProblem, FormInvalidError, NotAuthenticatedError, TooManyAttemptsError
from engine.identity.officials import (
    bad_credentials,
    find_official,
    hash_password,
    password_matches,
    record_failure,
    record_success,
)
from engine.org.exchange import parse_password, take
from engine.persistence.models import Official


@dataclass(frozen=True)
class ThrottleSettings:
    storage_uri: str = "memory://"
    login_failures_per_address: str = "30 per 15 minutes"
    lookups_per_address: str = "30 per minute"
    feedback_per_address: str = "10 per hour"
    max_failures: int = 5
    lockout_minutes: int = 15
    concurrency: int = 2

    @classmethod
    def from_mapping(cls, config: Mapping[str, Any]) -> ThrottleSettings:
        """From the app's settings (environment values arrive as text)."""
        return cls(
            storage_uri=str(config.get("RATELIMIT_STORAGE_URI") or cls.storage_uri),
            login_failures_per_address=str(config.get("LOGIN_FAILURES_PER_ADDRESS") or cls.login_failures_per_address),
            lookups_per_address=str(config.get("LOOKUPS_PER_ADDRESS") or cls.lookups_per_address),
            feedback_per_address=str(config.get("FEEDBACK_PER_ADDRESS") or cls.feedback_per_address),
            max_failures=int(config.get("LOGIN_MAX_FAILURES") or cls.max_failures),
            lockout_minutes=int(config.get("LOGIN_LOCKOUT_MINUTES") or cls.lockout_minutes),
            concurrency=int(config.get("LOGIN_CONCURRENCY") or cls.concurrency),
        )


class AddressCounters:
    """Named rate limits counted per client address (or any other key)."""

    def __init__(self, storage_uri: str, limits: dict[str, str]) -> None:
        self._limiter = FixedWindowRateLimiter(storage_from_string(storage_uri))
        self._limits: dict[str, list[RateLimitItem]] = {name: parse_many(text) for name, text in limits.items()}

    def check(self, name: str, key: str) -> None:
        """Refuse (TooManyAttemptsError) when ``key`` has used up ``name``, without counting."""
        for item in self._limits[name]:
            if not self._limiter.test(item, name, key):
                raise _too_many(self._retry_after(item, name, key))

    def hit(self, name: str, key: str) -> bool:
        """Count one for ``key``; False when that went over a limit."""
        return all([self._limiter.hit(item, name, key) for item in self._limits[name]])

    def take(self, name: str, key: str) -> None:
        """Count one for ``key`` and refuse when it went over a limit."""
        if not self.hit(name, key):
            self.check(name, key)

    def _retry_after(self, item: RateLimitItem, name: str, key: str) -> int:
        reset_at = self._limiter.get_window_stats(item, name, key).reset_time
        return math.ceil(reset_at - time.time())


def _too_many(retry_after: int) -> TooManyAttemptsError:
    minutes = max(1, math.ceil(retry_after / 60))
    return TooManyAttemptsError(
        f"Quá nhiều lần thử; vui lòng thử lại sau {minutes} phút",
        message_en=f"Too many attempts; try again in {minutes} minute(s)", retry_after=retry_after)


class VerificationGate:
    """At most ``slots`` password verifications at once in this process; the rest are refused."""

    def __init__(self, slots: int) -> None:
        self._slots = threading.BoundedSemaphore(max(1, slots))

    @contextmanager
    def admit(self) -> Iterator[None]:
        if not self._slots.acquire(blocking=False):
            raise BusyError("Hệ thống đang bận xử lý đăng nhập; vui lòng thử lại sau giây lát",
                            message_en="Sign-in is busy; try again in a moment", retry_after=1)
        try:
            yield
        finally:
            self._slots.release()


class SignInGuard:
    """Everything a sign-in goes through, for the API and the browser pages alike."""

    def __init__(self, settings: ThrottleSettings) -> None:
        self.settings = settings
        self.counters = AddressCounters(settings.storage_uri, {
            "login": settings.login_failures_per_address,
            "lookup": settings.lookups_per_address,
            "feedback": settings.feedback_per_address,
            "unknown_account": f"{settings.max_failures} per {settings.lockout_minutes} minutes",
        })
        self.gate = VerificationGate(settings.concurrency)

    def sign_in(self, session: Session, clock: Clock, username: str, password: str, address: str) -> Official:
        """The official, or an error. The lookup is committed (ended) before the password is
        hashed; the failure or success is recorded in ``session``, which the caller commits
        whether this returns or raises."""
        now = clock.now()
        self.counters.check("login", address)  # refused before any hashing or database work
        with self.gate.admit():
            official = find_official(session, username)
            if official is None:
                self.counters.check("unknown_account", username)
            elif official.locked_until is not None and official.locked_until > now:
                raise _too_many(math.ceil((official.locked_until - now).total_seconds()))
            # End the reading transaction before hashing: holding it (on SQLite, the database's
            # write lock) through argon2's tens of milliseconds would stall every other request.
            session.commit()
            matches = password_matches(session, official, password)
        if matches and official is not None:
            record_success(session, official)
            return official
        self.counters.hit("login", address)
        if official is None:
            self.counters.hit("unknown_account", username)
        else:
            record_failure(session, official, now, max_failures=self.settings.max_failures,
                           lockout=timedelta(minutes=self.settings.lockout_minutes))
        raise bad_credentials()

    def change_password(self, session: Session, clock: Clock, official: Official, current: str, new: str,
                        address: str) -> None:
        """Replace the official's password, checking the current one as a sign-in would (throttled,
        counted); the change ends every session and token of the official."""
        problems: list[FieldProblem] = []
        new = take(problems, "new_password", parse_password, new, required=True)
        if problems:
            raise FormInvalidError(problems)
        try:
            self.sign_in(session, clock, official.username, current, address)
        except NotAuthenticatedError:
            raise FormInvalidError([FieldProblem("current_password", "Mật khẩu hiện tại không đúng",
                                                 "The current password is wrong")]) from None
        official.password_hash = hash_password(new)
        session.flush()
