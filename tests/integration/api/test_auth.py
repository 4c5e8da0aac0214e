"""Sign-in over HTTP: lockout, per-address throttling, a bounded verification gate, sign-out and
revocation when an official's access changes — each answer in the shared error shape."""

from __future__ import annotations

from typing import Any

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient

from engine.identity import officials
from engine.identity.throttle import SignInGuard, ThrottleSettings
from engine.persistence.models import Official
from tests.integration.api.conftest import PASSWORD, login


@pytest.fixture
def password_hash(monkeypatch: pytest.MonkeyPatch) -> str:
    """argon2 with its lightest parameters: these tests count attempts, not hashing cost."""
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(officials, "_hasher", cheap)
    return cheap.hash(PASSWORD)


@pytest.fixture
def admin(client: FlaskClient, session_factory: Any, password_hash: str, ctx: Any) -> dict[str, str]:
    with session_factory.begin() as session:
        session.add(Official(username="quantri", full_name="Phạm Thu Hà", password_hash=password_hash,
                             roles=["admin"], active=True, created_at=ctx.clock.now()))
    return login(client, "quantri")


def throttled(app: Flask, **settings: Any) -> SignInGuard:
    guard = SignInGuard(ThrottleSettings(**settings))
    app.extensions["sign_in"] = guard
    return guard


def sign_in(client: FlaskClient, username: str, password: str, address: str = "127.0.0.1", **headers: str) -> Any:
    return client.post("/api/v1/auth/login", json={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address}, headers=headers)


def test_login_answers_a_bearer_token(client):
    body = sign_in(client, "tiepnhan", PASSWORD).json
    assert body["token_type"] == "Bearer" and len(body["token"]) > 30 and body["official"]["username"] == "tiepnhan"


def test_repeated_failures_lock_the_account_even_for_the_right_password(app, client):
    throttled(app, max_failures=5, lockout_minutes=15)
    for _ in range(5):
        assert sign_in(client, "tiepnhan", "sai-mat-khau").status_code == 401
    locked = sign_in(client, "tiepnhan", PASSWORD)
    assert locked.status_code == 429 and locked.json["error"] == "too_many_attempts"
    assert locked.json["message"] == "Quá nhiều lần thử; vui lòng thử lại sau 15 phút"
    assert 14 * 60 < int(locked.headers["Retry-After"]) <= 15 * 60
    english = sign_in(client, "tiepnhan", PASSWORD, **{"Accept-Language": "en"}).json
    assert english["message"] == "Too many attempts; try again in 15 minute(s)"
    assert sign_in(client, "chuyenvien", PASSWORD).status_code == 200  # other accounts are untouched


def test_failures_from_one_address_are_throttled(app, client):
    throttled(app, login_failures_per_address="3 per minute", max_failures=100)
    for username in ("tiepnhan", "chuyenvien", "khong-co"):
        assert sign_in(client, username, "sai-mat-khau", "203.0.113.9").status_code == 401
    refused = sign_in(client, "lanhdao", PASSWORD, "203.0.113.9")
    assert refused.status_code == 429 and 0 < int(refused.headers["Retry-After"]) <= 60
    assert sign_in(client, "lanhdao", PASSWORD, "198.51.100.4").status_code == 200


def test_a_sign_in_flood_is_refused_at_once_while_other_requests_go_on(app, client, reception):
    guard = throttled(app, concurrency=2)
    with guard.gate.admit(), guard.gate.admit():  # the flood holds every verification slot
        busy = sign_in(client, "chuyenvien", PASSWORD)
        assert busy.status_code == 503 and busy.json["error"] == "busy" and busy.headers["Retry-After"] == "1"
        assert "thử lại" in busy.json["message"]
        assert client.get("/api/v1/auth/me", headers=reception).status_code == 200
    assert sign_in(client, "chuyenvien", PASSWORD).status_code == 200


def test_logout_revokes_the_token(client, reception, specialist):
    assert client.post("/api/v1/auth/logout", headers=reception).status_code == 204
    gone = client.get("/api/v1/auth/me", headers=reception)
    assert gone.status_code == 401 and gone.json["error"] == "not_authenticated"
    assert client.post("/api/v1/auth/logout", headers=reception).status_code == 204  # already signed out
    assert client.get("/api/v1/auth/me", headers=specialist).status_code == 200
    assert client.post("/api/v1/auth/logout").status_code == 401


def test_deactivation_revokes_and_reactivation_does_not_revive(client, admin, reception, session_factory):
    path = "/api/v1/org/officials/tiepnhan"
    assert client.patch(path, json={"active": False}, headers=admin).status_code == 200
    assert client.patch(path, json={"active": True}, headers=admin).status_code == 200
    assert client.get("/api/v1/auth/me", headers=reception).status_code == 401
    assert client.get("/api/v1/auth/me", headers=login(client, "tiepnhan")).status_code == 200


def test_a_role_change_revokes(client, admin, specialist, session_factory):
    path = "/api/v1/org/officials/chuyenvien"
    assert client.patch(path, json={"roles": ["specialist", "reception"]}, headers=admin).status_code == 200
    assert client.get("/api/v1/auth/me", headers=specialist).status_code == 401


def test_changing_the_password_revokes_every_other_token(client, reception):
    other = login(client, "tiepnhan")
    wrong = client.post("/api/v1/auth/password", headers=reception,
                        json={"current_password": "sai-mat-khau", "new_password": "mat-khau-moi-dai"})
    assert wrong.status_code == 422 and "current_password" in wrong.json["errors"]["data"]
    changed = client.post("/api/v1/auth/password", headers=reception,
                          json={"current_password": PASSWORD, "new_password": "mat-khau-moi-dai"})
    assert changed.status_code == 200
    for old in (reception, other):
        assert client.get("/api/v1/auth/me", headers=old).status_code == 401
    assert client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {changed.json['token']}"}
                      ).status_code == 200
    assert sign_in(client, "tiepnhan", PASSWORD).status_code == 401
    assert sign_in(client, "tiepnhan", "mat-khau-moi-dai").status_code == 200
