"""A specialist finds a new dossier in their unit's queue, claims it from the list and releases it,
the list updating in place (htmx) each time."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.support import check_accessible, check_script_budget, screenshot, sign_in
from tests.conftest import enterprise_start_data

pytestmark = pytest.mark.browser


def _list_answer(response) -> bool:
    return "/hop-cong-viec/danh-sach" in response.url


def test_a_specialist_claims_from_the_queue_and_releases(page, live_site):
    data = enterprise_start_data()
    data["applicant"] = {**data["applicant"], "applicant_name": "Phùng Thị Hải Yến"}
    code = live_site.receive(data=data)
    sign_in(page, live_site.officials["specialist"])
    page.goto("/hop-cong-viec?view=queue")
    expect(page.get_by_role("heading", name="Hộp công việc")).to_be_visible()
    check_accessible(page)
    check_script_budget(page)
    screenshot(page, "inbox-queue")

    page.get_by_label("Mã hồ sơ hoặc tên người nộp").fill("phung thi hai yen")
    with page.expect_response(_list_answer):  # htmx fetches the list alone, however long the server takes
        page.get_by_label("Mã hồ sơ hoặc tên người nộp").press("Enter")
    group = page.locator("tbody", has=page.get_by_role("link", name=code))
    expect(group).to_be_visible()
    expect(page.locator("#inbox-results tbody")).to_have_count(1)  # the filter answered in place
    expect(group.locator(".light")).to_have_text("Còn hạn")

    with page.expect_response(lambda response: response.url.endswith("/nhan")):
        group.get_by_role("button", name="Nhận việc").click()
    expect(page.locator(".inbox-status")).to_contain_text("Đã nhận công việc")
    expect(page.get_by_role("link", name=code)).to_have_count(0)  # gone from the queue
    check_accessible(page)

    with page.expect_response(_list_answer):
        page.locator('.tabs a[data-view="mine"]').click()
    mine = page.locator("tbody", has=page.get_by_role("link", name=code))
    expect(mine).to_be_visible()
    expect(page).to_have_url(f"{live_site.url}/hop-cong-viec?view=mine&q=phung+thi+hai+yen")
    screenshot(page, "inbox-mine")
    with page.expect_response(lambda response: response.url.endswith("/tra-lai")):
        mine.get_by_role("button", name="Trả lại").click()
    expect(page.locator(".inbox-status")).to_contain_text("Đã trả lại công việc")
    expect(page.get_by_role("link", name=code)).to_have_count(0)

    with page.expect_response(_list_answer):
        page.locator('.tabs a[data-view="queue"]').click()
    expect(page.locator("tbody", has=page.get_by_role("link", name=code))).to_be_visible()
