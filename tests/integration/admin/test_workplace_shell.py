"""The workplace's frame: who is signed in (name, unit, center, roles), the menu, the language switch."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.integration.admin.test_sign_in import csrf_token, sign_in


def _home(client: FlaskClient) -> str:
    return client.get("/").get_data(as_text=True)


def test_the_header_names_the_official_their_unit_center_and_roles(client, password_hash):
    sign_in(client, "lanhdao")
    page = _home(client)
    assert "Lê Quang Huy" in page and "Sở Tài chính" in page
    assert "Lãnh đạo phòng, đơn vị" in page  # the role, in words
    assert "Xin chào, Lê Quang Huy" in page and 'lang="vi"' in page


def test_an_anonymous_visitor_is_offered_the_sign_in_page(client):
    page = _home(client)
    assert 'href="/dang-nhap?next=/"' in page and "Đăng xuất" not in page


def test_the_language_switch_turns_the_pages_english_and_back(client, password_hash):
    sign_in(client, "tiepnhan")
    switched = client.post("/ngon-ngu", data={"lang": "en", "next": "/", "csrf_token": csrf_token(client)})
    assert switched.status_code == 302 and switched.headers["Location"] == "/"
    page = _home(client)
    assert 'lang="en"' in page and "Sign out" in page and "Hello, Nguyễn Thị Lan" in page and "Reception" in page
    client.post("/ngon-ngu", data={"lang": "vi", "next": "/", "csrf_token": csrf_token(client)})
    assert "Đăng xuất" in _home(client)


def test_the_language_switch_needs_its_csrf_token_and_stays_on_this_site(client):
    assert client.post("/ngon-ngu", data={"lang": "en"}).status_code == 400
    away = client.post("/ngon-ngu", data={"lang": "en", "next": "https://example.com/",
                                          "csrf_token": csrf_token(client)})
    assert away.headers["Location"] == "/"


def test_the_browser_language_does_not_choose_for_the_official(client):
    page = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(as_text=True)
    assert 'lang="vi"' in page


def test_the_style_sheet_is_served(client):
    response = client.get("/static/workplace.css")
    assert response.status_code == 200 and b"--brand" in response.data
