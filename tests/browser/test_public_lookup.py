"""A citizen opens the lookup page the receipt's QR code points to, on a phone: the dossier's status
without personal data and the same "not found" for a wrong secret; rates the returned dossier once
(a second rating is refused); and guessing secrets again and again is throttled. Every page passes
the accessibility check."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.phone import PAGE_OVERFLOW, PHONE, returned, secret_of
from tests.browser.support import check_accessible, check_script_budget, screenshot

pytestmark = pytest.mark.browser
LOOKUPS_PER_MINUTE = 30  # the site's default throttle per client address


def test_a_citizen_looks_up_a_dossier_by_code_and_secret(page, live_site):
    code = live_site.receive()
    page.set_viewport_size(PHONE)
    page.goto("/tra-cuu")
    page.get_by_label("Mã hồ sơ").fill(code)
    page.get_by_label("Mã bảo mật").fill(secret_of(live_site, code))
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.get_by_role("heading", name="Quá trình xử lý")).to_be_visible()
    expect(page.get_by_role("heading", name=f"Hồ sơ {code}")).to_be_visible()
    expect(page.locator("dl.facts")).to_contain_text("Hẹn trả kết quả")
    expect(page.locator("body")).not_to_contain_text("Nguyễn Văn An")  # the applicant stays private
    assert page.evaluate(PAGE_OVERFLOW) <= 0, "the lookup is wider than a phone"
    check_accessible(page)
    check_script_budget(page)
    screenshot(page, "public-lookup")

    page.goto(f"/tra-cuu/{code}?mbm=SAIMABAO")
    expect(page.locator(".error")).to_contain_text("Không tìm thấy hồ sơ")
    expect(page.get_by_role("heading", name="Quá trình xử lý")).to_have_count(0)
    expect(page.locator("body")).not_to_contain_text("Hẹn trả kết quả")
    check_accessible(page)
    screenshot(page, "public-lookup-not-found")


def test_a_citizen_rates_a_returned_dossier_once(page, live_site):
    code = returned(live_site)
    secret = secret_of(live_site, code)
    page.set_viewport_size(PHONE)
    page.goto(f"/tra-cuu/{code}?mbm={secret}")  # as the receipt's QR code opens it
    expect(page.locator(".status")).to_have_text("Đã trả kết quả")
    rating = page.locator(".rating-form")
    check_accessible(page)
    screenshot(page, "public-rating-form", full_page=True)
    rating.get_by_role("radio", name="Rất hài lòng").first.check()
    page.get_by_role("group", name="Thái độ của cán bộ trả kết quả (không bắt buộc)").get_by_label("Hài lòng",
                                                                                                 exact=True).check()
    page.get_by_label("Ý kiến khác (không bắt buộc)").fill("Cán bộ hướng dẫn tận tình")
    page.get_by_role("button", name="Gửi đánh giá").click()
    expect(page.locator(".flash")).to_contain_text("Cảm ơn ông/bà đã đánh giá")
    expect(page.locator(".rated")).to_contain_text("Rất hài lòng")
    expect(page.locator(".rating-form")).to_have_count(0)
    screenshot(page, "public-rated")

    # A second rating sent anyway (an old tab, a kiosk) is refused and the first one stands.
    second = page.request.post(f"/tra-cuu/{code}/danh-gia", form={
        "mbm": secret, "level": "dissatisfied",
        "csrf_token": page.locator("input[name=csrf_token]").first.get_attribute("value") or ""})
    assert second.status == 409 and "chỉ được đánh giá một lần" in second.text()
    page.reload()
    expect(page.locator(".rated")).to_contain_text("Rất hài lòng")


def test_repeated_guesses_of_the_secret_are_throttled(page, live_site):
    # Last in this file: the guesses use up this client address's lookups for the next minute.
    code = live_site.receive()
    page.set_viewport_size(PHONE)
    statuses = [page.request.get(f"/tra-cuu/{code}?mbm=SAI{guess:05d}").status for guess in range(LOOKUPS_PER_MINUTE)]
    assert set(statuses) <= {404, 429}
    page.goto(f"/tra-cuu/{code}?mbm={secret_of(live_site, code)}")  # even the right secret waits now
    expect(page.locator(".error")).to_contain_text("Quá nhiều lần thử")
    expect(page.get_by_role("heading", name="Quá trình xử lý")).to_have_count(0)
    check_accessible(page)
    screenshot(page, "public-lookup-throttled")
