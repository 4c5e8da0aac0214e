"""The Flask app on the test database, with officials of the test center and the sample procedure deployed."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from api.app import create_app
from engine.identity.officials import hash_password
from engine.persistence.models import Center, Official, Unit
from tests.conftest import deploy

PASSWORD = "mat-khau-kiem-thu"
# The units enterprise_registration's lanes are bound to, and who works in them.
UNITS = [("trung_tam_hcc", "Bộ phận Một cửa"), ("so_tai_chinh", "Sở Tài chính"),
         ("so_tai_chinh.phong_dkkd", "Phòng Đăng ký kinh doanh")]
OFFICIALS = [("tiepnhan", "Nguyễn Thị Lan", ["reception"], "trung_tam_hcc"),
             ("chuyenvien", "Trần Văn Minh", ["specialist"], "so_tai_chinh.phong_dkkd"),
             ("chuyenvien2", "Đỗ Thị Hoa", ["specialist"], "so_tai_chinh.phong_dkkd"),
             ("lanhdao", "Lê Quang Huy", ["unit_leader"], "so_tai_chinh")]


@pytest.fixture(scope="session")
def password_hash() -> str:
    return hash_password(PASSWORD)  # argon2 is slow by design: hash once for the whole run


@pytest.fixture
def app(password_hash: str, db_engine: Any, session_factory: Any, ctx: Any, center: Any) -> Flask:
    app = create_app({"TESTING": True, "DATABASE_URL": str(db_engine.url), "DB_ENGINE": db_engine,
                      "ENGINE_CONTEXT": ctx})
    with session_factory.begin() as session:
        units = {}
        for code, name in UNITS:  # parents first: the office sits under its department
            parent = units.get(code.rsplit(".", 1)[0]) if "." in code else None
            units[code] = Unit(code=code, name=name, kind="division" if parent else "department",
                               parent_id=parent.id if parent else None)
            session.add(units[code])
            session.flush()
        for username, name, roles, unit in OFFICIALS:
            session.add(Official(username=username, full_name=name, password_hash=password_hash, roles=roles,
                                 unit_id=units[unit].id, center_id=center.id, active=True,
                                 created_at=ctx.clock.now()))
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


def add_official(session_factory: Any, ctx: Any, password_hash: str, username: str, roles: list[str],
                 unit: str | None = None, center: str | None = "hcc_test", name: str | None = None) -> int:
    """One more official (by unit and center code) for the tests that need a role the base set lacks."""
    with session_factory.begin() as session:
        official = Official(
            username=username, full_name=name or username, password_hash=password_hash, roles=roles,
            unit_id=session.scalar(select(Unit.id).where(Unit.code == unit)) if unit else None,
            center_id=session.scalar(select(Center.id).where(Center.code == center)) if center else None,
            active=True, created_at=ctx.clock.now())
        session.add(official)
        session.flush()
        return official.id


@pytest.fixture
def center_leader(client: FlaskClient, session_factory: Any, ctx: Any, password_hash: str) -> dict[str, str]:
    """The test center's leader (giám đốc trung tâm): withdraws, stops and extends its dossiers."""
    add_official(session_factory, ctx, password_hash, "giamdoc", ["center_leader"], "trung_tam_hcc")
    return login(client, "giamdoc")


@pytest.fixture
def analyst(client: FlaskClient, session_factory: Any, ctx: Any, password_hash: str) -> dict[str, str]:
    """An analyst, who alone deploys and changes procedure versions (created only where a test needs one)."""
    add_official(session_factory, ctx, password_hash, "phantich", ["analyst"], center=None, name="Phạm Thu Trang")
    return login(client, "phantich")


@pytest.fixture
def second_analyst(client: FlaskClient, session_factory: Any, ctx: Any, password_hash: str) -> dict[str, str]:
    """Another analyst, for two people editing one procedure's draft."""
    add_official(session_factory, ctx, password_hash, "phantich2", ["analyst"], center=None, name="Vũ Minh Đức")
    return login(client, "phantich2")
