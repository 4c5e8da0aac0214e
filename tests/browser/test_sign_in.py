"""An official signs in through the sign-in page, finds their name, unit, center and roles in the
workplace's header, switches the pages to English and back, and signs out."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.support import check_accessible, check_script_budget, screenshot, sign_in

pytestmark = pytest.mark.browser


def test_reception_signs_in_switches_language_and_signs_out(page, live_site):
    profile = live_site.profile(live_site.officials["reception"])
    page.goto("/dang-nhap")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    expect(page.get_by_label("Tên đăng nhập")).to_be_focused()
    check_accessible(page)
    check_script_budget(page)
    screenshot(page, "sign-in")

    sign_in(page, profile.username)
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", name=f"Xin chào, {profile.full_name}")).to_be_visible()
    who = page.get_by_test_id("who")
    for shown in (profile.full_name, profile.unit_name, profile.center_name, "Tiếp nhận"):
        expect(who).to_contain_text(shown)
    check_accessible(page)
    check_script_budget(page)
    screenshot(page, "home")

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name=f"Hello, {profile.full_name}")).to_be_visible()
    expect(who).to_contain_text("Reception")
    check_accessible(page)
    screenshot(page, "home-en")

    page.get_by_role("button", name="Tiếng Việt").click()
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(who).to_contain_text("Tiếp nhận")

    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_label("Mật khẩu")).to_be_visible()
    expect(page.get_by_test_id("who")).to_have_count(0)
    page.goto("/")
    expect(page.get_by_role("link", name="Đăng nhập")).to_be_visible()


def test_a_wrong_password_is_refused_on_the_page(page, live_site):
    page.goto("/dang-nhap")
    page.get_by_label("Tên đăng nhập").fill(live_site.officials["specialist"])
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("alert")).to_contain_text("Tên đăng nhập hoặc mật khẩu không đúng")
    check_accessible(page)
    screenshot(page, "sign-in-refused")
