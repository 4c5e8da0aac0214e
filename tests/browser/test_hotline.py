"""The hotline desk finds a caller's dossier by the applicant's name typed without accents and reads
its public progress; at the counter, the tablet takes the citizen's one rating of a returned dossier."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.phone import returned
from tests.browser.support import check_accessible, screenshot, sign_in
from tests.conftest import enterprise_start_data

pytestmark = pytest.mark.browser
TABLET = {"width": 800, "height": 1280}


def test_reception_answers_a_call_from_the_hotline_desk(page, live_site):
    data = enterprise_start_data()
    data["applicant"] = {**data["applicant"], "applicant_name": "Phạm Thị Hương"}
    code = live_site.receive(data=data)
    sign_in(page, "tiepnhan")
    page.get_by_role("link", name="Đường dây nóng").click()
    page.get_by_label("Mã hồ sơ, số điện thoại hoặc họ tên").fill("pham thi huong")
    page.get_by_role("button", name="Tìm").click()
    row = page.get_by_role("row").filter(has_text=code)
    expect(row).to_contain_text("Phạm Thị Hương")
    check_accessible(page)
    screenshot(page, "hotline-search")
    row.get_by_role("link", name=code).click()
    expect(page.get_by_role("heading", name="Quá trình xử lý")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text(data["applicant"]["id_number"])
    check_accessible(page)
    screenshot(page, "hotline-answer")


def test_the_counter_tablet_takes_the_citizens_rating(page, live_site):
    code = returned(live_site)
    sign_in(page, "tiepnhan")
    page.set_viewport_size(TABLET)
    page.goto(f"/danh-gia-tai-quay/{code}")
    page.get_by_role("radio", name="Hài lòng", exact=True).first.check()
    check_accessible(page)
    screenshot(page, "counter-tablet-rating")
    page.get_by_role("button", name="Gửi đánh giá").click()
    expect(page.locator(".rated")).to_contain_text("Hài lòng")
    expect(page.get_by_role("button", name="Gửi đánh giá")).to_have_count(0)
