"""Signing in under attack: lockout per account (in the database), throttling per client address,
and at most a few password verifications at once."""

from __future__ import annotations

import threading
import time

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from engine.errors import BusyError, FormInvalidError, NotAuthenticatedError, TooManyAttemptsError
from engine.identity import officials, throttle
from engine.identity.officials import create_official
from engine.identity.throttle import SignInGuard, ThrottleSettings
from engine.persistence.models import Official

PASSWORD = "mat-khau-dung"
ADDRESS = "203.0.113.7"


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch):
    """argon2 with its lightest parameters: these tests count attempts, not hashing cost."""
    monkeypatch.setattr(officials, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture
def official(session_factory, clock):
    with session_factory.begin() as session:
        return create_official(session, clock, username="tiepnhan", full_name="Nguyễn Thị Lan", password=PASSWORD,
                               roles=["reception"]).id


@pytest.fixture
def verifications(monkeypatch):
    """Counts the password verifications (the costly part) and the most that ran at once."""
    seen = {"calls": 0, "running": 0, "most": 0}
    lock = threading.Lock()
    real = throttle.password_matches

    def counted(*args, **kwargs):
        with lock:
            seen["calls"] += 1
            seen["running"] += 1
            seen["most"] = max(seen["most"], seen["running"])
        try:
            return real(*args, **kwargs)
        finally:
            with lock:
                seen["running"] -= 1

    monkeypatch.setattr(throttle, "password_matches", counted)
    return seen


def attempt(session_factory, guard, clock, password, *, username="tiepnhan", address=ADDRESS):
    """One sign-in in its own transaction, committed whether it succeeds or not (as the API does)."""
    with session_factory() as session:
        try:
            return guard.sign_in(session, clock, username, password, address).id
        finally:
            session.commit()


def test_five_failures_lock_the_account_even_against_the_right_password(session_factory, clock, official,
                                                                          verifications):
    guard = SignInGuard(ThrottleSettings(max_failures=5, lockout_minutes=15))
    for _ in range(5):
        with pytest.raises(NotAuthenticatedError):
            attempt(session_factory, guard, clock, "sai-mat-khau")
    assert verifications["calls"] == 5
    with pytest.raises(TooManyAttemptsError) as locked:
        attempt(session_factory, guard, clock, PASSWORD)
    assert verifications["calls"] == 5  # refused before hashing
    assert 14 * 60 < locked.value.retry_after <= 15 * 60
    assert "thử lại sau 15 phút" in locked.value.message
    clock.advance(minutes=16)
    assert attempt(session_factory, guard, clock, PASSWORD) == official


def test_the_lockout_holds_across_workers_because_it_is_counted_in_the_database(session_factory, clock, official):
    first, second = (SignInGuard(ThrottleSettings(max_failures=4)) for _ in range(2))  # two processes
    for guard in (first, second, first, second):
        with pytest.raises(NotAuthenticatedError):
            attempt(session_factory, guard, clock, "sai-mat-khau")
    with session_factory() as session:
        assert session.scalar(select(Official.locked_until).where(Official.id == official)) is not None
    for guard in (first, second):
        with pytest.raises(TooManyAttemptsError):
            attempt(session_factory, guard, clock, PASSWORD)


def test_a_success_clears_the_failures(session_factory, clock, official):
    guard = SignInGuard(ThrottleSettings(max_failures=3))
    for _ in range(2):
        with pytest.raises(NotAuthenticatedError):
            attempt(session_factory, guard, clock, "sai-mat-khau")
    assert attempt(session_factory, guard, clock, PASSWORD) == official
    for _ in range(2):
        with pytest.raises(NotAuthenticatedError):
            attempt(session_factory, guard, clock, "sai-mat-khau")
    assert attempt(session_factory, guard, clock, PASSWORD) == official


def test_unknown_usernames_lock_like_real_ones(session_factory, clock, official):
    guard = SignInGuard(ThrottleSettings(max_failures=3))
    for _ in range(3):
        with pytest.raises(NotAuthenticatedError):
            attempt(session_factory, guard, clock, "x", username="khong-co")
    with pytest.raises(TooManyAttemptsError):
        attempt(session_factory, guard, clock, "x", username="khong-co")


def test_failures_per_address_are_throttled_whatever_the_username(session_factory, clock, official, verifications):
    guard = SignInGuard(ThrottleSettings(login_failures_per_address="3 per minute", max_failures=100))
    for username in ("a", "b", "tiepnhan"):
        with pytest.raises(NotAuthenticatedError):
            attempt(session_factory, guard, clock, "sai-mat-khau", username=username)
    with pytest.raises(TooManyAttemptsError) as throttled:
        attempt(session_factory, guard, clock, PASSWORD)
    assert verifications["calls"] == 3 and 0 < throttled.value.retry_after <= 60
    assert attempt(session_factory, guard, clock, PASSWORD, address="198.51.100.1") == official


def test_a_busy_gate_refuses_at_once_without_hashing(session_factory, clock, official, verifications):
    guard = SignInGuard(ThrottleSettings(concurrency=2))
    with guard.gate.admit(), guard.gate.admit():
        with pytest.raises(BusyError) as busy:
            attempt(session_factory, guard, clock, PASSWORD)
    assert busy.value.retry_after == 1 and verifications["calls"] == 0
    assert attempt(session_factory, guard, clock, PASSWORD) == official


def test_a_flood_never_runs_more_verifications_than_the_gate_has_slots():
    gate = SignInGuard(ThrottleSettings(concurrency=2)).gate
    seen = {"running": 0, "most": 0, "refused": 0, "done": 0}
    lock = threading.Lock()
    start = threading.Barrier(12)

    def verify() -> None:
        start.wait()
        try:
            with gate.admit():
                with lock:
                    seen["running"] += 1
                    seen["most"] = max(seen["most"], seen["running"])
                time.sleep(0.05)  # a verification, long enough for the others to arrive meanwhile
                with lock:
                    seen["running"] -= 1
                    seen["done"] += 1
        except BusyError:
            with lock:
                seen["refused"] += 1

    threads = [threading.Thread(target=verify) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen["most"] <= 2 and seen["refused"] >= 1 and seen["done"] + seen["refused"] == 12


def test_a_flood_of_sign_ins_is_refused_beyond_the_slots_before_reaching_the_database(
        session_factory, clock, official, verifications, monkeypatch):
    guard = SignInGuard(ThrottleSettings(concurrency=2, max_failures=1000,
                                         login_failures_per_address="1000 per minute"))
    real = throttle.password_matches

    def slow(*args, **kwargs):
        time.sleep(0.05)  # a verification, long enough for the others to arrive meanwhile
        return real(*args, **kwargs)

    monkeypatch.setattr(throttle, "password_matches", slow)
    outcomes: list[str] = []
    start = threading.Barrier(12)

    def flood() -> None:
        start.wait()
        try:
            attempt(session_factory, guard, clock, "sai-mat-khau")
        except (BusyError, NotAuthenticatedError) as error:
            outcomes.append(type(error).__name__)

    threads = [threading.Thread(target=flood) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == 12 and "BusyError" in outcomes and "NotAuthenticatedError" in outcomes
    assert verifications["most"] <= 2


def test_changing_the_password_checks_the_current_one_and_its_length(session_factory, clock, official):
    guard = SignInGuard(ThrottleSettings())
    with session_factory() as session:
        me = session.get(Official, official)
        with pytest.raises(FormInvalidError) as short:
            guard.change_password(session, clock, me, PASSWORD, "ngan", ADDRESS)
        assert [p.field for p in short.value.problems] == ["new_password"]
        with pytest.raises(FormInvalidError) as wrong:
            guard.change_password(session, clock, me, "sai-mat-khau", "mat-khau-moi-dai", ADDRESS)
        assert [p.field for p in wrong.value.problems] == ["current_password"]
        guard.change_password(session, clock, me, PASSWORD, "mat-khau-moi-dai", ADDRESS)
        session.commit()
    with pytest.raises(NotAuthenticatedError):
        attempt(session_factory, guard, clock, PASSWORD)
    assert attempt(session_factory, guard, clock, "mat-khau-moi-dai") == official
