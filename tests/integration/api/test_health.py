"""/healthz answers while the process is up; /readyz only once the database answers and is migrated."""

from __future__ import annotations

import pytest

from api.app import create_app
from engine.persistence.migrate import upgrade

# Nothing listens on port 1: connecting is refused at once.
UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:1/motcua?connect_timeout=2"


def test_healthz_answers_without_a_database():
    client = create_app({"TESTING": True, "DATABASE_URL": UNREACHABLE}).test_client()
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}


def test_readyz_is_503_with_the_error_shape_while_the_database_is_unreachable():
    client = create_app({"TESTING": True, "DATABASE_URL": UNREACHABLE}).test_client()
    response = client.get("/readyz", headers={"Accept-Language": "en"})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "10"
    body = response.json
    assert body["code"] == 503 and body["status"] == "Service Unavailable" and body["error"] == "database_unavailable"
    assert body["message"] == "The database does not answer" and body["message_vi"] == "Cơ sở dữ liệu không phản hồi"


@pytest.fixture
def later_database(tmp_path):
    """A SQLite database in a folder that does not exist yet: unreachable until it is made."""
    folder = tmp_path / "not-yet"
    return folder, create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{folder}/motcua.sqlite3"})


def test_readyz_turns_200_once_the_database_answers_and_is_migrated(later_database):
    folder, app = later_database
    client = app.test_client()
    assert client.get("/readyz").json["error"] == "database_unavailable"

    folder.mkdir()  # the database answers now, but has no schema
    pending = client.get("/readyz")
    assert pending.status_code == 503 and pending.json["error"] == "migrations_pending"
    assert pending.json["errors"]["current"] == [] and len(pending.json["errors"]["expected"]) == 1
    assert "motcua db upgrade" in pending.json["message"]

    upgrade(app.extensions["db_engine"])
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json == {"status": "ready", "revision": pending.json["errors"]["expected"]}
