"""The officials' sign-in pages: a browser session over the API's tokens, CSRF on every form post,
secure cookie flags, and the session ended by the events that end a token."""

from __future__ import annotations

import re
from typing import Any

import pytest
from argon2 import PasswordHasher
from flask.testing import FlaskClient
from sqlalchemy import select

from engine.identity import officials
from engine.org import people
from engine.persistence.models import Official
from tests.integration.api.conftest import PASSWORD


@pytest.fixture
def password_hash(monkeypatch: pytest.MonkeyPatch) -> str:
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(officials, "_hasher", cheap)
    return cheap.hash(PASSWORD)


def csrf_token(client: FlaskClient) -> str:
    page = client.get("/dang-nhap").get_data(as_text=True)
    return re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', page).group(1)


def sign_in(client: FlaskClient, username: str = "tiepnhan", password: str = PASSWORD, **kwargs: Any) -> Any:
    return client.post("/dang-nhap", data={"username": username, "password": password,
                                           "csrf_token": csrf_token(client)}, **kwargs)


def signed_in_as(client: FlaskClient) -> str | None:
    match = re.search(r"Đang đăng nhập: <strong>([^<]+)</strong>", client.get("/dang-nhap").get_data(as_text=True))
    return match.group(1) if match else None


def test_the_sign_in_page_has_labelled_fields_in_vietnamese(client):
    page = client.get("/dang-nhap").get_data(as_text=True)
    assert '<label for="username">Tên đăng nhập</label>' in page
    assert '<label for="password">Mật khẩu</label>' in page
    assert 'lang="vi"' in page and 'name="csrf_token"' in page


def test_signing_in_and_out(client):
    done = sign_in(client, query_string={"next": "/tra-cuu"})
    assert done.status_code == 302 and done.headers["Location"] == "/tra-cuu"
    assert signed_in_as(client) == "Nguyễn Thị Lan"
    assert client.post("/dang-xuat", data={"csrf_token": csrf_token(client)}).status_code == 302
    assert signed_in_as(client) is None


def test_a_wrong_password_is_refused_in_vietnamese(client):
    refused = sign_in(client, password="sai-mat-khau")
    assert refused.status_code == 401 and "Tên đăng nhập hoặc mật khẩu không đúng" in refused.get_data(as_text=True)
    assert signed_in_as(client) is None


def test_the_page_shares_the_lockout_of_the_api(client):
    for _ in range(5):
        assert client.post("/api/v1/auth/login", json={"username": "tiepnhan", "password": "x"}).status_code == 401
    locked = sign_in(client)
    assert locked.status_code == 429 and "Quá nhiều lần thử" in locked.get_data(as_text=True)
    assert int(locked.headers["Retry-After"]) > 0


def test_only_local_pages_are_followed_after_signing_in(client):
    assert sign_in(client, query_string={"next": "https://ke-gian.example/"}).headers["Location"] == "/"
    assert sign_in(client, query_string={"next": "//ke-gian.example/"}).headers["Location"] == "/"


def test_form_posts_without_the_csrf_token_are_refused(client):
    refused = client.post("/dang-nhap", data={"username": "tiepnhan", "password": PASSWORD})
    assert refused.status_code == 400 and "Biểu mẫu đã hết hạn hoặc không hợp lệ" in refused.get_data(as_text=True)
    assert signed_in_as(client) is None
    forged = client.post("/dang-nhap", data={"username": "tiepnhan", "password": PASSWORD, "csrf_token": "gia"})
    assert forged.status_code == 400
    sign_in(client)
    assert client.post("/dang-xuat").status_code == 400  # sign-out is a form post too
    assert signed_in_as(client) == "Nguyễn Thị Lan"


def test_the_json_api_needs_no_csrf_token(client):
    assert client.post("/api/v1/auth/login", json={"username": "tiepnhan", "password": PASSWORD}).status_code == 200


def session_cookie(response: Any) -> str:
    (cookie,) = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    return cookie


def test_the_session_cookie_is_httponly_samesite_and_secure_over_https(client):
    cookie = session_cookie(sign_in(client))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    over_https = session_cookie(sign_in(client, base_url="https://localhost"))
    assert "HttpOnly" in over_https and "SameSite=Lax" in over_https and "Secure" in over_https


def test_the_secure_flag_can_be_required_by_setting(app, client):
    app.config["SESSION_COOKIE_SECURE"] = True
    assert "Secure" in session_cookie(sign_in(client))


def test_deactivation_ends_the_browser_session_and_reactivation_does_not_revive_it(client, session_factory):
    sign_in(client)
    with session_factory.begin() as session:
        official_id = session.scalar(select(Official.id).where(Official.username == "tiepnhan"))
        people.update_official(session, official_id, {"active": False})
    with session_factory.begin() as session:
        people.update_official(session, official_id, {"active": True})
    assert signed_in_as(client) is None


def test_signing_out_ends_the_session_on_the_server_too(app, client):
    sign_in(client)
    copied = app.test_client()  # what a stolen copy of the cookie would give
    copied.set_cookie("session", client.get_cookie("session").value)
    assert signed_in_as(copied) == "Nguyễn Thị Lan"
    client.post("/dang-xuat", data={"csrf_token": csrf_token(client)})
    assert signed_in_as(copied) is None
