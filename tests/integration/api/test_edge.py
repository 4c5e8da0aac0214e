"""What every response carries and what the edge guarantees: security headers, no-store on personal
data, the public base URL from settings only, no sequential ids in URLs, bounded logbooks and a 503
when the database is gone."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from api.app import create_app
from engine.persistence.models import Dossier
from tests.integration.api.test_dossiers import start

PERSONAL = ["/api/v1/dossiers/{code}", "/api/v1/dossiers/{code}/history", "/api/v1/dossiers/{code}/slips/receipt.html",
            "/api/v1/tasks?dossier={code}", "/api/v1/inbox/queue", "/api/v1/inbox/counts", "/api/v1/org/units",
            "/api/v1/org/officials", "/api/v1/auth/me", "/api/v1/logbook.html", "/tra-cuu/{code}"]


@pytest.fixture
def code(client, reception):
    response = start(client, reception)
    assert response.status_code == 201, response.json
    return response.json["code"]


def test_security_headers_on_every_response(client, reception, code):
    for url in ["/", "/tra-cuu", "/api/v1/openapi.json", f"/api/v1/dossiers/{code}", "/api/v1/dossiers/khong-co",
                f"/api/v1/dossiers/{code}/slips/receipt.html"]:
        response = client.get(url, headers=reception)
        assert response.status_code in (200, 404), url
        csp = response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "default-src 'self'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert "Strict-Transport-Security" not in response.headers  # plain HTTP: HSTS would mean nothing


def test_hsts_when_served_over_https(client):
    response = client.get("/api/v1/openapi.json", base_url="https://motcua.example.gov.vn")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_personal_data_is_never_stored_by_caches(client, reception, code):
    for url in PERSONAL:
        response = client.get(url.format(code=code), headers=reception)
        assert response.status_code == 200, (url, response.get_data(as_text=True)[:200])
        assert response.headers["Cache-Control"] == "no-store", url
    token = client.post("/api/v1/auth/login", json={"username": "tiepnhan", "password": "mat-khau-kiem-thu"})
    assert token.headers["Cache-Control"] == "no-store"
    refused = client.get(f"/api/v1/dossiers/{code}")  # errors too: a 401 must not be cached for the next user
    assert refused.status_code == 401 and refused.headers["Cache-Control"] == "no-store"
    catalog = client.get("/api/v1/procedures")
    assert catalog.status_code == 200 and "Cache-Control" not in catalog.headers


def test_dossiers_are_reached_by_code_never_by_sequential_id(client, reception, code, session_factory):
    with session_factory() as session:
        dossier_id = session.scalar(select(Dossier.id).where(Dossier.code == code))
    assert client.get(f"/api/v1/dossiers/{code}", headers=reception).status_code == 200
    for url in (f"/api/v1/dossiers/{dossier_id}", f"/api/v1/dossiers/{dossier_id}/history",
                f"/api/v1/dossiers/{dossier_id}/slips/receipt.html"):
        assert client.get(url, headers=reception).json["error"] == "not_found", url
    withdrawn = client.post(f"/api/v1/dossiers/{dossier_id}/withdraw", json={"reason": "thử"}, headers=reception)
    assert withdrawn.status_code == 404


def test_officials_are_reached_by_username_never_by_sequential_id(client, leader):
    assert client.get("/api/v1/org/officials/chuyenvien", headers=leader).json["username"] == "chuyenvien"
    by_id = client.get("/api/v1/org/officials/1", headers=leader)
    assert by_id.status_code == 404 and by_id.json["error"] == "not_found"


def test_every_route_names_objects_by_code_username_or_uuid(app):
    # Allowed numbers: a procedure's version number (per procedure; /phien-ban/ in the studio's
    # pages), a leave period's id (admins and leaders only; see api/org.py), a calendar year and an
    # event's number within a dossier named by its code (an auditor's as-of view).
    allowed = ("/leave/", "/versions/", "/phien-ban/", "/calendar/", "/as-of/")
    sequential = [rule.rule for rule in app.url_map.iter_rules()
                  if "<int" in rule.rule and not any(part in rule.rule for part in allowed)]
    assert sequential == []


def test_the_receipt_links_to_the_configured_site_never_the_host_header(app, client, reception, code):
    assert app.config["PUBLIC_BASE_URL"] == "http://127.0.0.1:5000"  # development default
    receipt = client.get(f"/api/v1/dossiers/{code}/slips/receipt.html", headers={**reception, "Host": "evil.example"})
    assert "evil.example" not in receipt.text and f"http://127.0.0.1:5000/tra-cuu/{code}" in receipt.text
    app.config["PUBLIC_BASE_URL"] = "https://dichvucong.quangninh.gov.vn"
    receipt = client.get(f"/api/v1/dossiers/{code}/slips/receipt.html", headers={**reception, "Host": "evil.example"})
    assert f"https://dichvucong.quangninh.gov.vn/tra-cuu/{code}" in receipt.text


def test_production_refuses_to_start_without_a_public_base_url(db_engine, ctx):
    config = {"ENV": "production", "DATABASE_URL": str(db_engine.url), "DB_ENGINE": db_engine, "ENGINE_CONTEXT": ctx}
    with pytest.raises(RuntimeError, match="MOTCUA_PUBLIC_BASE_URL"):
        create_app(config)
    app = create_app({**config, "PUBLIC_BASE_URL": "https://dichvucong.quangninh.gov.vn"})
    assert app.config["PUBLIC_BASE_URL"] == "https://dichvucong.quangninh.gov.vn"


@pytest.mark.parametrize(("query", "field"), [("from=1900-01-01&to=9999-12-31", "from"),
                                               ("from=2026-01-01&to=2026-12-31", "to"),
                                               ("from=2026-11-01&to=2026-12-02", "to"),
                                               ("to=9999-12-31", "to")])
def test_a_logbook_longer_than_31_days_is_a_422_naming_the_field(client, reception, query, field):
    for fmt in ("html", "pdf"):
        response = client.get(f"/api/v1/logbook.{fmt}?{query}", headers=reception)
        assert response.status_code == 422, response.get_data(as_text=True)[:300]
        errors = response.json["errors"]
        assert field in (errors.get("data") or errors.get("query")), errors


def test_a_logbook_of_31_days_is_printed(client, reception, code):
    response = client.get("/api/v1/logbook.html?from=2026-11-01&to=2026-12-01", headers=reception)
    assert response.status_code == 200 and code in response.text


def test_a_lost_database_answers_503_with_retry_after(tmp_path, ctx, caplog):
    unreachable = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path}/missing/motcua.sqlite3",
                              "ENGINE_CONTEXT": ctx})
    client = unreachable.test_client()
    for response in (client.get("/api/v1/procedures"),
                     client.get("/api/v1/auth/me", headers={"Authorization": "Bearer x"}),
                     client.post("/api/v1/auth/login", json={"username": "a", "password": "b"})):
        assert response.status_code == 503, response.get_data(as_text=True)[:300]
        assert response.headers["Retry-After"] == "5"
        assert response.json["error"] == "database_unavailable" and response.json["code"] == 503
        assert "thử lại" in response.json["message"]
    assert not [r for r in caplog.records if r.exc_info]
