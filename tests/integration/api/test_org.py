"""The org API: units, officials, leave, deputies, export and import, with their 401/403/404/409/422."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from api import org as org_api
from engine.org import exchange
from engine.org.directory import deputy_for
from engine.persistence.models import Deputy, LeavePeriod, Official, Unit
from tests.conftest import FIXTURES
from tests.integration.api.conftest import login

OFFICE, LEADERSHIP = "so_tai_chinh.phong_dkkd", "so_tai_chinh"


@pytest.fixture(autouse=True)
def org_app(app: Flask, session_factory: Any, password_hash: str, ctx: Any) -> Flask:
    """The org blueprint (until api/app.py registers it), an admin and an auditor, and the office
    placed under the department so that the department's leader leads it."""
    if "org" not in app.blueprints:
        app.extensions["flask-smorest"]["blp_name_to_api"]["auth"].register_blueprint(org_api.blp)
    with session_factory.begin() as session:
        units = {u.code: u for u in session.scalars(select(Unit))}
        units[OFFICE].parent_id = units[LEADERSHIP].id
        units[OFFICE].kind = "division"
        for username, name, roles in (("quantri", "Phạm Thu Hà", ["admin"]), ("kiemtoan", "Ngô Kiểm", ["auditor"])):
            session.add(Official(username=username, full_name=name, password_hash=password_hash, roles=roles,
                                 active=True, created_at=ctx.clock.now()))
    return app


@pytest.fixture
def admin(client: FlaskClient) -> dict[str, str]:
    return login(client, "quantri")


def official_id(session_factory: Any, username: str) -> int:
    with session_factory() as session:
        return session.scalar(select(Official.id).where(Official.username == username))


def assert_error(response: Any, status: int, error: str) -> dict[str, Any]:
    assert response.status_code == status, response.json
    body = response.json
    assert body["code"] == status and body["error"] == error
    assert body["message_vi"] and body["message_en"]
    return body


def test_every_org_route_needs_a_sign_in(client):
    for method, path in (("get", "/api/v1/org/units"), ("get", "/api/v1/org/officials"),
                         ("post", "/api/v1/org/officials"), ("patch", "/api/v1/org/officials/quantri"),
                         ("post", "/api/v1/org/officials/quantri/leave"), ("delete", "/api/v1/org/leave/1"),
                         ("post", "/api/v1/org/deputies"), ("get", "/api/v1/org/export"),
                         ("post", "/api/v1/org/import")):
        body = assert_error(getattr(client, method)(path), 401, "not_authenticated")
        assert "Bearer" in body["message_en"]


def test_units_flat_with_parent_codes_and_as_a_tree(client, specialist):
    flat = client.get("/api/v1/org/units", headers=specialist).json
    assert [u["code"] for u in flat] == [LEADERSHIP, OFFICE, "trung_tam_hcc"]  # parents before children
    office = next(u for u in flat if u["code"] == OFFICE)
    assert office["parent"] == LEADERSHIP and office["kind"] == "division" and "children" not in office
    tree = client.get("/api/v1/org/units?view=tree", headers=specialist).json
    assert [u["code"] for u in tree] == [LEADERSHIP, "trung_tam_hcc"]
    assert [u["code"] for u in tree[0]["children"]] == [OFFICE] and tree[0]["children"][0]["children"] == []
    assert client.get("/api/v1/org/units?view=graph", headers=specialist).status_code == 422


def test_officials_are_filtered_and_paged(client, specialist, session_factory):
    url = "/api/v1/org/officials"
    page = client.get(f"{url}?unit={OFFICE}", headers=specialist).json
    assert [o["username"] for o in page["officials"]] == ["chuyenvien", "chuyenvien2"] and page["total"] == 2
    assert page["officials"][0]["roles"] == ["specialist"] and page["officials"][0]["unit"] == OFFICE
    assert "password_hash" not in page["officials"][0]
    leaders = client.get(f"{url}?role=unit_leader", headers=specialist).json
    assert [o["username"] for o in leaders["officials"]] == ["lanhdao"]
    second = client.get(f"{url}?page=2&page_size=2", headers=specialist).json
    assert second["total"] == 6 and second["page"] == 2 and len(second["officials"]) == 2
    assert [o["username"] for o in second["officials"]] == ["kiemtoan", "lanhdao"]
    with session_factory.begin() as session:
        session.scalar(select(Official).where(Official.username == "chuyenvien2")).active = False
    inactive = client.get(f"{url}?active=false", headers=specialist).json
    assert [o["username"] for o in inactive["officials"]] == ["chuyenvien2"]
    assert client.get(f"{url}?role=boss", headers=specialist).status_code == 422


def test_only_an_admin_creates_officials(client, specialist, admin, monkeypatch):
    body = {"username": "chuyenvien3", "full_name": "Bùi Văn Ba", "roles": ["specialist"], "unit": OFFICE}
    denied = assert_error(client.post("/api/v1/org/officials", json=body, headers=specialist), 403,
                          "permission_denied")
    assert "admin" in denied["message_en"]

    created = client.post("/api/v1/org/officials", json=body, headers=admin)
    assert created.status_code == 201, created.json
    assert created.headers["Cache-Control"] == "no-store"
    official = created.json
    assert (official["username"], official["unit"], official["roles"], official["active"]) == (
        "chuyenvien3", OFFICE, ["specialist"], True)
    assert len(official["initial_password"]) == 12
    signed_in = client.post("/api/v1/auth/login", json={"username": "chuyenvien3",
                                                        "password": official["initial_password"]})
    assert signed_in.status_code == 200

    again = assert_error(client.post("/api/v1/org/officials", json={**body, "roles": ["boss"], "unit": "khong_co"},
                                     headers=admin), 422, "form_invalid")
    assert set(again["errors"]["data"]) == {"username", "roles", "unit"}
    assert "đã tồn tại" in again["errors"]["data"]["username"][0]
    english = client.post("/api/v1/org/officials", json={**body, "username": "x", "password": "123"},
                          headers={**admin, "Accept-Language": "en"}).json
    assert english["errors"]["data"]["password"] == ["The password needs at least 8 characters"]
    missing = assert_error(client.post("/api/v1/org/officials", json={"username": "y"}, headers=admin), 422,
                           "unprocessable_entity")
    assert "full_name" in missing["errors"]["json"]


def test_an_admin_changes_roles_unit_and_active_but_keeps_an_admin(client, admin, specialist, session_factory):
    target = official_id(session_factory, "chuyenvien2")
    url = "/api/v1/org/officials/chuyenvien2"
    assert_error(client.patch(url, json={"active": False}, headers=specialist), 403, "permission_denied")
    changed = client.patch(url, json={"roles": ["specialist", "unit_leader"], "unit": LEADERSHIP}, headers=admin)
    assert changed.status_code == 200, changed.json
    assert changed.json["roles"] == ["specialist", "unit_leader"] and changed.json["unit"] == LEADERSHIP
    assert client.patch(url, json={"unit": None, "active": False}, headers=admin).json["unit"] is None
    with session_factory() as session:
        row = session.get(Official, target)
        assert row.active is False and row.unit_id is None and sorted(row.roles) == ["specialist", "unit_leader"]

    bad = assert_error(client.patch(url, json={"unit": "khong_co", "roles": ["boss"]}, headers=admin), 422,
                       "form_invalid")
    assert set(bad["errors"]["data"]) == {"unit", "roles"}
    last = assert_error(client.patch("/api/v1/org/officials/quantri", json={"roles": ["auditor"]}, headers=admin),
                        409, "conflict")
    assert "admin" in last["message_en"]
    assert_error(client.patch("/api/v1/org/officials/khong_co", json={"active": True}, headers=admin), 404,
                 "not_found")


def test_leave_by_an_admin_or_a_leader_of_the_unit_above(client, admin, leader, specialist, session_factory):
    target = official_id(session_factory, "chuyenvien")
    url = "/api/v1/org/officials/chuyenvien/leave"
    body = {"starts_on": "2026-12-01", "ends_on": "2026-12-04", "reason": "Nghỉ phép năm"}
    colleague = login(client, "chuyenvien2")
    assert_error(client.post(url, json=body, headers=colleague), 403, "permission_denied")
    reception = login(client, "tiepnhan")
    assert_error(client.post(url, json=body, headers=reception), 403, "permission_denied")

    recorded = client.post(url, json=body, headers=leader)  # lanhdao leads the department above the office
    assert recorded.status_code == 201, recorded.json
    assert recorded.json["official_id"] == target and recorded.json["ends_on"] == "2026-12-04"
    backwards = assert_error(client.post(url, json={**body, "ends_on": "2026-11-30"}, headers=admin), 422,
                             "form_invalid")
    assert list(backwards["errors"]["data"]) == ["ends_on"]
    assert_error(client.post("/api/v1/org/officials/khong_co/leave", json=body, headers=admin), 404, "not_found")

    # The leader of the office's parent cannot be given leave by the office's staff, and cannot be
    # removed by a colleague; the admin and the leader can remove it.
    leave_id = recorded.json["id"]
    assert_error(client.delete(f"/api/v1/org/leave/{leave_id}", headers=specialist), 403, "permission_denied")
    assert client.delete(f"/api/v1/org/leave/{leave_id}", headers=leader).status_code == 204
    assert_error(client.delete(f"/api/v1/org/leave/{leave_id}", headers=admin), 404, "not_found")
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(LeavePeriod)) == 0


def test_deputies_chosen_by_the_official_or_an_admin(client, admin, specialist, session_factory, ctx):
    me, colleague = official_id(session_factory, "chuyenvien"), official_id(session_factory, "chuyenvien2")
    body = {"deputy_id": colleague, "valid_from": "2026-11-27", "valid_to": "2026-12-04"}
    chosen = client.post("/api/v1/org/deputies", json=body, headers=specialist)
    assert chosen.status_code == 201, chosen.json
    assert (chosen.json["official_id"], chosen.json["deputy"]) == (me, "chuyenvien2")
    again = client.post("/api/v1/org/deputies", json={**body, "valid_to": "2026-12-10"}, headers=specialist)
    assert again.json["id"] == chosen.json["id"] and again.json["valid_to"] == "2026-12-10"  # same row, updated

    assert_error(client.post("/api/v1/org/deputies", json={**body, "official_id": colleague, "deputy_id": me},
                             headers=specialist), 403, "permission_denied")
    by_admin = client.post("/api/v1/org/deputies", json={**body, "official_id": colleague, "deputy_id": me},
                           headers=admin)
    assert by_admin.status_code == 201
    own = assert_error(client.post("/api/v1/org/deputies", json={**body, "deputy_id": me}, headers=specialist),
                       422, "form_invalid")
    assert list(own["errors"]["data"]) == ["deputy_id"]
    backwards = client.post("/api/v1/org/deputies", json={**body, "valid_to": "2026-11-01"}, headers=specialist)
    assert list(backwards.json["errors"]["data"]) == ["valid_to"]

    # What the assignment reads: while chuyenvien is away, chuyenvien2 acts.
    client.post("/api/v1/org/officials/chuyenvien/leave", json={"starts_on": "2026-11-27", "ends_on": "2026-11-28"},
                headers=admin)
    with session_factory() as session:
        assert deputy_for(session, me, ctx.clock.now().date()) == colleague
        assert session.scalar(select(func.count()).select_from(Deputy)) == 2
    detail = client.get("/api/v1/org/officials/chuyenvien", headers=specialist).json
    assert [d["deputy"] for d in detail["deputies"]] == ["chuyenvien2"] and len(detail["leave"]) == 1
    assert_error(client.get("/api/v1/org/officials/chuyenvien2", headers=login(client, "tiepnhan")), 403,
                 "permission_denied")


def test_export_for_admins_and_auditors_without_passwords(client, specialist, admin):
    assert_error(client.get("/api/v1/org/export", headers=specialist), 403, "permission_denied")
    auditor = login(client, "kiemtoan")
    exported = client.get("/api/v1/org/export?format=json", headers=auditor)
    assert exported.status_code == 200 and exported.mimetype == "application/json"
    assert "attachment" in exported.headers["Content-Disposition"]
    document = json.loads(exported.data)
    assert document["format"] == "motcua-org"
    assert {o["username"] for o in document["officials"]} >= {"quantri", "chuyenvien", "lanhdao"}
    assert b"argon2" not in exported.data and b"password" not in exported.data
    as_csv = client.get("/api/v1/org/export?format=csv", headers=admin)
    assert as_csv.mimetype == "text/csv" and as_csv.data.startswith(b"\xef\xbb\xbf")
    assert as_csv.data.decode("utf-8-sig").splitlines()[0] == ",".join(exchange.CSV_COLUMNS)
    assert client.get("/api/v1/org/export?format=xml", headers=admin).status_code == 422

    # Export → import round-trips: nothing to change.
    result = client.post("/api/v1/org/import", headers=admin,
                         data={"file": (io.BytesIO(as_csv.data), "org.csv")}, content_type="multipart/form-data")
    assert result.status_code == 200, result.json
    assert all(c["created"] == c["updated"] == 0 for c in result.json["counts"].values())


def upload(client: FlaskClient, headers: dict[str, str], content: bytes, name: str, query: str = "") -> Any:
    return client.post(f"/api/v1/org/import{query}", headers=headers, data={"file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def test_import_all_or_nothing_with_row_level_errors(client, admin, specialist, session_factory, monkeypatch):
    monkeypatch.setattr(exchange, "hash_password", lambda password: f"test-hash${password}")
    sample = (FIXTURES / "org_sample.csv").read_bytes()
    assert_error(upload(client, specialist, sample, "org.csv"), 403, "permission_denied")

    broken = sample.replace(b"reception,true", b"reception;boss,true").replace(b"2026-12-05,Ngh", b"2026-11-05,Ngh")
    rejected = assert_error(upload(client, admin, broken, "org.csv"), 422, "form_invalid")
    assert set(rejected["errors"]["data"]) == {"row 9: roles", "row 14: ends_on"}
    assert "boss" in rejected["errors"]["data"]["row 9: roles"][0]
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Official)) == 6  # the fixture's, nothing more

    dry = upload(client, admin, sample, "org.csv", "?dry_run=true")
    assert dry.status_code == 200 and dry.json["dry_run"] is True
    assert dry.json["counts"]["officials"] == {"created": 1, "updated": 5, "unchanged": 0}  # nghihuu is new
    assert {e["password"] for e in dry.json["initial_passwords"]} == {None}
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Official)) == 6

    done = upload(client, admin, sample, "org.csv")
    assert done.status_code == 200, done.json
    assert done.headers["Cache-Control"] == "no-store"
    assert done.json["counts"]["units"] == {"created": 1, "updated": 3, "unchanged": 0}
    assert [e["username"] for e in done.json["initial_passwords"]] == ["nghihuu"]
    assert len(done.json["initial_passwords"][0]["password"]) == 12
    assert client.get("/api/v1/auth/me", headers=admin).status_code == 401  # the import gave them a role more
    admin = login(client, "quantri")
    again = upload(client, admin, (FIXTURES / "org_sample.json").read_bytes(), "org.json")
    assert again.json["counts"]["officials"] == {"created": 0, "updated": 0, "unchanged": 6}
    assert again.json["initial_passwords"] == []

    wrong_name = assert_error(upload(client, admin, sample, "org.xlsx"), 422, "form_invalid")
    assert list(wrong_name["errors"]["data"]) == ["file"]
    forced = upload(client, admin, sample, "org.txt", "?format=csv")
    assert forced.status_code == 200
    no_file = client.post("/api/v1/org/import", headers=admin, data={}, content_type="multipart/form-data")
    assert no_file.status_code == 422 and "file" in no_file.json["errors"]["files"]


def test_the_org_routes_are_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").json
    assert {"/api/v1/org/units", "/api/v1/org/officials", "/api/v1/org/import", "/api/v1/org/export"} <= set(
        spec["paths"])
    assert "multipart/form-data" in spec["paths"]["/api/v1/org/import"]["post"]["requestBody"]["content"]
