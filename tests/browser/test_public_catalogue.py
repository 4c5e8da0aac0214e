"""On a phone, a citizen finds a procedure in the public catalogue by typing its name without
accents, and reads what to bring, what it costs, how long it takes and where to go."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.phone import PAGE_OVERFLOW, PHONE
from tests.browser.support import check_accessible, screenshot

pytestmark = pytest.mark.browser


def test_a_citizen_finds_a_procedure_on_a_phone(page, live_site):
    page.set_viewport_size(PHONE)
    page.goto("/thu-tuc")
    expect(page.get_by_role("heading", name="Thủ tục hành chính", exact=True)).to_be_visible()
    check_accessible(page)
    screenshot(page, "public-catalogue-phone")

    page.get_by_label("Tìm thủ tục").fill("khai sinh")
    page.get_by_role("button", name="Tìm").click()
    results = page.locator(".procedure-card")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("khai sinh")
    screenshot(page, "public-catalogue-search-phone")

    results.first.get_by_role("link").click()
    for heading in ("Thời hạn giải quyết", "Thành phần hồ sơ", "Phí, lệ phí",
                    "Nơi nộp hồ sơ và tỷ lệ giải quyết đúng hạn", "Thông tin ông/bà sẽ được hỏi khi nộp hồ sơ"):
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.locator("table.centers")).to_contain_text("Trung tâm Phục vụ hành chính công")
    expect(page.locator(".form-fields").first).to_contain_text("bắt buộc")
    assert page.evaluate(PAGE_OVERFLOW) <= 0, "the procedure page is wider than a phone"
    check_accessible(page)
    screenshot(page, "public-procedure-phone", full_page=True)

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Documents")).to_be_visible()
    page.get_by_role("button", name="Tiếng Việt").click()
    expect(page.get_by_role("heading", name="Thành phần hồ sơ")).to_be_visible()
