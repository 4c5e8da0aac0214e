"""bench.floor_app, the floor under bench.throughput: each request runs its statements in one
transaction and answers the rows it read with the data it was sent."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import event
from sqlalchemy.orm import sessionmaker

import bench.floor_app
from engine.db import make_db_engine
from engine.persistence.models import Official


def test_a_request_runs_its_statements_in_one_transaction(db_engine, session_factory: sessionmaker,
                                                          monkeypatch) -> None:
    with session_factory.begin() as session:
        session.add_all(Official(username=f"o{n}", full_name=f"Cán bộ {n}", password_hash="-",
                                 created_at=datetime(2026, 12, 4, tzinfo=UTC)) for n in range(3))
    statements: list[str] = []
    begins: list[object] = []

    def counted_engine(url: str):
        floor_engine = make_db_engine(url)
        event.listen(floor_engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
        event.listen(floor_engine, "begin", begins.append)
        return floor_engine

    monkeypatch.setattr(bench.floor_app, "make_db_engine", counted_engine)
    monkeypatch.setenv("MOTCUA_DATABASE_URL", db_engine.url.render_as_string(hide_password=False))
    client = bench.floor_app.create_app().test_client()
    statements.clear()
    begins.clear()

    answer = client.post("/floor", json={"data": {"applicant_name": "Phạm Thị Hoa"}},
                         headers={"Authorization": "Bearer x"})

    assert answer.status_code == 200
    assert answer.json["data"] == {"applicant_name": "Phạm Thị Hoa"}
    reads = [s for s in statements if s.startswith("SELECT")]  # SQLite's engine also sends BEGIN IMMEDIATE
    assert len(answer.json["rows"]) == len(reads) == bench.floor_app.STATEMENTS_PER_REQUEST
    assert {row["username"] for row in answer.json["rows"]} <= {"o0", "o1", "o2"}
    assert len(begins) == 1
    assert client.get("/readyz").status_code == 200
