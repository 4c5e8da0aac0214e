"""Searching dossiers: only those the official may read, by code or applicant name (accents optional),
procedure, status, where the legal clock stands, day of receipt and center; newest first, by cursor."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from engine.persistence.models import Center
from tests.conftest import enterprise_start_data
from tests.integration.api.conftest import add_official, login
from tests.integration.api.test_dossiers import only_open_task, start
from tests.procedures.test_enterprise_registration import APPRAISE_SUPPLEMENT


def receive(client: Any, headers: dict[str, str], name: str = "Nguyễn Văn An", **overrides: Any) -> str:
    data = enterprise_start_data(applicant={**enterprise_start_data()["applicant"], "applicant_name": name})
    response = start(client, headers, data=data, **overrides)
    assert response.status_code == 201, response.json
    return str(response.json["code"])


def search(client: Any, headers: dict[str, str], **query: Any) -> dict[str, Any]:
    response = client.get("/api/v1/dossiers", query_string=query, headers=headers)
    assert response.status_code == 200, response.json
    return dict(response.json)


def codes(client: Any, headers: dict[str, str], **query: Any) -> list[str]:
    return [row["code"] for row in search(client, headers, **query)["dossiers"]]


@pytest.fixture
def other_center(client, session_factory, ctx, password_hash) -> dict[str, str]:
    """Reception of a sibling local center that shares the test center's units."""
    with session_factory.begin() as session:
        parent = session.scalar(select(Center).where(Center.code == "hcc_test")).parent_id
        session.add(Center(code="hcc_khac", name="Trung tâm khác", agency_identifier="000.00.98.H99",
                           parent_id=parent))
    add_official(session_factory, ctx, password_hash, "tiepnhan_khac", ["reception"], "trung_tam_hcc", "hcc_khac")
    return login(client, "tiepnhan_khac")


def test_an_item_tells_code_procedure_applicant_status_times_timeliness_and_center(client, reception):
    code = receive(client, reception)
    (row,) = search(client, reception)["dossiers"]
    assert row == {
        "code": code, "procedure": "enterprise_registration",
        "procedure_name": row["procedure_name"], "applicant_name": "Nguyễn Văn An", "status": "processing",
        "received_at": "2026-11-27T02:00:00+00:00", "due_at": row["due_at"], "timeliness": "on_time",
        "center": "hcc_test"}
    assert row["procedure_name"] and row["due_at"].startswith("2026-12-02T10:00:00")


def test_another_centers_official_never_sees_the_dossier(client, reception, other_center):
    ours = receive(client, reception)
    theirs = receive(client, other_center, center="hcc_khac")
    assert codes(client, reception) == [ours]
    assert codes(client, other_center) == [theirs]
    assert codes(client, other_center, q=ours) == []
    assert codes(client, reception, center="hcc_khac") == []
    assert codes(client, other_center, center="hcc_khac") == [theirs]


def test_an_official_whose_unit_took_no_part_sees_nothing(client, reception, session_factory, ctx, password_hash):
    receive(client, reception)
    add_official(session_factory, ctx, password_hash, "khongvaitro", [], "so_tai_chinh.phong_dkkd")
    assert codes(client, login(client, "khongvaitro")) == []


def test_the_name_is_found_with_or_without_accents_and_the_code_by_part(client, reception):
    an = receive(client, reception, name="Nguyễn Văn An")
    dung = receive(client, reception, name="Đặng Thị Dung")
    assert codes(client, reception, q="nguyen van") == [an]
    assert codes(client, reception, q="Nguyễn Văn") == [an]
    assert codes(client, reception, q="dang thi DUNG") == [dung]
    assert codes(client, reception, q=dung[-4:]) == [dung]
    assert codes(client, reception, q="100%") == []  # LIKE's wildcards are literal


def test_filters_by_procedure_and_status(client, reception, center_leader):
    running = receive(client, reception)
    withdrawn = receive(client, reception)
    assert client.post(f"/api/v1/dossiers/{withdrawn}/withdraw", json={"reason": "Công dân xin rút"},
                       headers=center_leader).status_code == 200
    assert codes(client, reception, status="processing") == [running]
    assert codes(client, reception, status="withdrawn") == [withdrawn]
    assert set(codes(client, reception, procedure="enterprise_registration")) == {running, withdrawn}
    assert codes(client, reception, procedure="household_business") == []
    closed = search(client, reception, status="withdrawn")["dossiers"][0]
    assert closed["timeliness"] is None  # a closed dossier's clock no longer runs
    assert codes(client, reception, timeliness="on_time") == [running]


def test_timeliness_follows_the_legal_clock(client, reception, specialist, clock):
    # Received Friday 27/11 09:00 (+07); three working days: due Wednesday 2/12 17:00.
    waiting = receive(client, reception)
    task = only_open_task(client, specialist, waiting)
    assert client.post(f"/api/v1/tasks/{task['id']}/claim", headers=specialist).status_code == 200
    done = client.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": APPRAISE_SUPPLEMENT},
                       headers=specialist)
    assert done.status_code == 200, done.json
    running = receive(client, reception)
    assert codes(client, reception, timeliness="paused") == [waiting]
    assert codes(client, reception, timeliness="on_time") == [running]

    clock.set(datetime(2026, 12, 2, 2, 0, tzinfo=UTC))  # Wednesday 09:00: less than a working day left
    reception = login(client, "tiepnhan")  # the clock outran the token
    assert codes(client, reception, timeliness="due_soon") == [running]
    assert codes(client, reception, timeliness="on_time") == []

    clock.set(datetime(2026, 12, 3, 2, 0, tzinfo=UTC))  # Thursday: the deadline has passed
    reception = login(client, "tiepnhan")
    assert codes(client, reception, timeliness="overdue") == [running]
    assert codes(client, reception, timeliness="paused") == [waiting]


def test_filters_by_day_of_receipt_in_local_time(client, reception, clock):
    friday = receive(client, reception)
    clock.set(datetime(2026, 11, 30, 16, 30, tzinfo=UTC))  # Monday 30/11 23:30 in Hạ Long
    reception = login(client, "tiepnhan")  # the clock outran the token
    monday = receive(client, reception)
    clock.set(datetime(2026, 11, 30, 17, 30, tzinfo=UTC))  # Tuesday 1/12 00:30 in Hạ Long
    tuesday = receive(client, reception)
    assert codes(client, reception, **{"from": "2026-11-30", "to": "2026-11-30"}) == [monday]
    assert codes(client, reception, **{"from": "2026-11-30"}) == [tuesday, monday]
    assert codes(client, reception, to="2026-11-29") == [friday]
    refused = client.get("/api/v1/dossiers", query_string={"from": "2026-12-02", "to": "2026-12-01"},
                         headers=reception)
    assert refused.status_code == 422 and "to" in refused.json["errors"]["query"]


def test_pages_newest_first_by_cursor(client, reception, clock):
    received = []
    for _ in range(5):
        received.append(receive(client, reception))
        clock.advance(minutes=10)
    seen, cursor = [], None
    while True:
        page = search(client, reception, limit=2, **({"cursor": cursor} if cursor else {}))
        seen += [row["code"] for row in page["dossiers"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
        assert len(page["dossiers"]) == 2
    assert seen == list(reversed(received))


@pytest.mark.parametrize("query", [{"cursor": "not-a-cursor"}, {"cursor": "WyJ4IiwgIjEiXQ"}, {"limit": 201},
                                   {"status": "lost"}, {"timeliness": "late"}, {"from": "1899-01-01"}])
def test_bad_filters_are_422_naming_the_field(client, reception, query):
    response = client.get("/api/v1/dossiers", query_string=query, headers=reception)
    assert response.status_code == 422, response.json
    field = next(iter(query))
    assert field in str(response.json["errors"])


def test_searching_needs_a_sign_in(client):
    assert client.get("/api/v1/dossiers").status_code == 401
