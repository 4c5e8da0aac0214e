"""Reception finds a dossier by the applicant's name typed without accents and opens its page: the
timeline's times, the diagram with the path taken and the step waiting now; another center's
official cannot open it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.support import check_accessible, check_script_budget, screenshot, sign_in
from tests.conftest import enterprise_start_data

pytestmark = pytest.mark.browser


@pytest.fixture
def dossier(live_site):
    data = enterprise_start_data()
    data["applicant"] = {**data["applicant"], "applicant_name": "Quách Thị Ngọc Hằng"}
    return live_site.receive(data=data)


def test_search_by_an_accent_free_name_opens_the_dossier_page_with_its_diagram(page, live_site, dossier):
    sign_in(page, live_site.officials["reception"])
    page.goto("/ho-so")
    page.get_by_label("Mã hồ sơ hoặc tên người nộp").fill("quach thi ngoc hang")
    page.get_by_role("button", name="Tìm").click()
    expect(page.get_by_role("link", name=dossier)).to_be_visible()
    check_accessible(page)
    check_script_budget(page)
    screenshot(page, "dossier-search")

    page.get_by_role("link", name=dossier).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hồ sơ {dossier}")
    expect(page.locator(".status")).to_have_text("Đang xử lý")
    timeline = page.locator("table.timeline tbody tr").first
    expect(timeline.locator("time").first).to_have_text(
        page.locator("dd time").first.inner_text())  # the first step became ready when it was received

    diagram = page.locator("#diagram")
    expect(diagram).to_have_attribute("data-ready", "true", timeout=30_000)  # the viewer is 1 MB of script
    expect(diagram.locator('g.djs-element.path-done[data-element-id="dossier_received"]')).to_have_count(1)
    expect(diagram.locator("g.djs-connection.path-done").first).to_be_attached()
    expect(diagram.locator("g.djs-element.path-current")).to_have_count(1)
    expect(diagram.locator(".path-holder")).to_contain_text("Chờ nhận")
    check_accessible(page)
    check_script_budget(page)  # the diagram viewer aside
    screenshot(page, "dossier-page", full_page=True)

    with page.expect_popup() as popup:
        page.get_by_role("link", name="Giấy tiếp nhận hồ sơ và hẹn trả kết quả").click()
    assert popup.value.url.endswith(f"/ho-so/{dossier}/phieu/receipt.pdf")


def test_an_official_of_another_center_gets_the_not_found_page(page, live_site, dossier):
    sign_in(page, live_site.officials["other_center_reception"])
    response = page.goto(f"/ho-so/{dossier}")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Không tìm thấy hồ sơ")).to_be_visible()
    check_accessible(page)
    page.goto("/ho-so?q=quach+thi+ngoc+hang")
    expect(page.get_by_role("link", name=dossier)).to_have_count(0)
