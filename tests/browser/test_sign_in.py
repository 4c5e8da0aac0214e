"""An official signs in through the sign-in page, sees who they are signed in as, and signs out."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.support import check_accessible, check_script_budget, screenshot, sign_in

pytestmark = pytest.mark.browser


def test_reception_signs_in_and_out(page, live_site):
    reception = live_site.official(live_site.officials["reception"])
    page.goto("/dang-nhap")
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    expect(page.get_by_label("Tên đăng nhập")).to_be_focused()
    check_accessible(page)
    check_script_budget(page)
    screenshot(page, "sign-in")

    sign_in(page, reception.username)
    page.goto("/dang-nhap")
    expect(page.get_by_text(f"Đang đăng nhập: {reception.full_name}")).to_be_visible()
    check_accessible(page)
    screenshot(page, "signed-in")

    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_label("Mật khẩu")).to_be_visible()
    expect(page.get_by_text(reception.full_name)).to_have_count(0)


def test_a_wrong_password_is_refused_on_the_page(page, live_site):
    page.goto("/dang-nhap")
    page.get_by_label("Tên đăng nhập").fill(live_site.officials["specialist"])
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("alert")).to_contain_text("Tên đăng nhập hoặc mật khẩu không đúng")
    check_accessible(page)
    screenshot(page, "sign-in-refused")
