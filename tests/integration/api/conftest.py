"""The Flask app on the test database, with demo officials and the sample procedure deployed."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from api.app import create_app
from engine.identity.officials import hash_password
from engine.persistence.models import Official
from tests.conftest import deploy

PASSWORD = "mat-khau-kiem-thu"


@pytest.fixture(scope="session")
def password_hash() -> str:
    return hash_password(PASSWORD)  # argon2 is slow by design: hash once for the whole run


@pytest.fixture
def app(password_hash: str, db_engine: Any, session_factory: Any, ctx: Any, center: Any) -> Flask:
    app = create_app({"TESTING": True, "DATABASE_URL": str(db_engine.url), "DB_ENGINE": db_engine,
                      "ENGINE_CONTEXT": ctx})
    with session_factory.begin() as session:
        for username, name, roles in [("tiepnhan", "Nguyễn Thị Lan", ["reception"]),
                                      ("chuyenvien", "Trần Văn Minh", ["specialist"]),
                                      ("chuyenvien2", "Đỗ Thị Hoa", ["specialist"]),
                                      ("lanhdao", "Lê Quang Huy", ["leader"])]:
            session.add(Official(username=username, full_name=name, password_hash=password_hash, roles=roles,
                                 active=True, created_at=ctx.clock.now()))
    deploy(session_factory, ctx, "enterprise_registration")
    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def login(client: FlaskClient, username: str) -> dict[str, str]:
    response = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.json
    return {"Authorization": f"Bearer {response.json['token']}"}


@pytest.fixture
def reception(client: FlaskClient) -> dict[str, str]:
    return login(client, "tiepnhan")


@pytest.fixture
def specialist(client: FlaskClient) -> dict[str, str]:
    return login(client, "chuyenvien")


@pytest.fixture
def leader(client: FlaskClient) -> dict[str, str]:
    return login(client, "lanhdao")
