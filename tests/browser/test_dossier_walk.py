"""The acceptance walk of the workplace: a dossier from the counter to its result, each official in
their own pages. Reception receives it and opens the receipt; a specialist finds it in the unit's
queue, claims it, sends the form with one wrong field, reads the Vietnamese error at that field,
fixes it and completes; the leader approves from the task form the dossier page links; reception
returns the result at the counter; the dossier page shows every stage's times and the diagram with
the path taken; an official of another center cannot see the dossier. Every page passes axe and is
photographed at 1366×768."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.support import check_accessible, check_script_budget, screenshot, sign_in
from tests.browser.test_counter import receive_at_counter

pytestmark = pytest.mark.browser

APPLICANT = "Trịnh Văn Hùng"


def sign_out(page) -> None:
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.locator("input[name=password]")).to_be_visible()


def checked(page, name: str) -> None:
    check_accessible(page)
    check_script_budget(page)
    screenshot(page, name, full_page=True)


def test_a_dossier_walks_from_the_counter_to_its_result(page, live_site):
    officials = live_site.officials

    # Reception receives the dossier at the counter; its receipt opens for printing.
    sign_in(page, officials["reception"])
    code = receive_at_counter(page, APPLICANT)
    checked(page, "walk-1-received")
    with page.context.expect_page() as opened:
        page.get_by_test_id("print-receipt").click()
    receipt = opened.value
    receipt.wait_for_load_state()
    expect(receipt.locator("body")).to_contain_text(code)
    assert receipt.locator("img, svg").count() >= 1  # the QR code
    screenshot(receipt, "walk-1-receipt")
    receipt.close()
    sign_out(page)

    # The specialist finds it in the unit's queue and claims it.
    sign_in(page, officials["specialist"])
    page.goto("/hop-cong-viec?view=queue")
    group = page.locator("tbody", has=page.get_by_role("link", name=code))
    expect(group).to_be_visible()
    checked(page, "walk-2-queue")
    group.get_by_role("button", name="Nhận việc").click()
    expect(page.locator(".inbox-status")).to_contain_text("Đã nhận công việc")
    page.locator('.tabs a[data-view="mine"]').click()
    page.locator("tbody", has=page.get_by_role("link", name=code)).get_by_role("link", name="Thẩm định hồ sơ").click()
    expect(page.get_by_role("heading", name="Thẩm định hồ sơ", level=1)).to_be_visible()
    expect(page.get_by_test_id("task-status")).to_contain_text("Đang xử lý")

    # One wrong field: the opinion is left empty. The error is at that field, in Vietnamese.
    page.get_by_label("Nội dung cần bổ sung, hoàn thiện").fill("")
    page.get_by_role("button", name="Đề xuất cấp Giấy chứng nhận đăng ký doanh nghiệp").click()
    opinion = page.get_by_label("Ý kiến thẩm định")
    expect(opinion).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-appraisal_opinion-error")).to_have_text("Trường “Ý kiến thẩm định” là bắt buộc")
    expect(opinion).to_have_attribute("aria-describedby", "f-appraisal_opinion-hint f-appraisal_opinion-error")
    checked(page, "walk-3-form-error")
    opinion.fill("Hồ sơ hợp lệ, đủ điều kiện cấp Giấy chứng nhận")
    page.get_by_role("button", name="Đề xuất cấp Giấy chứng nhận đăng ký doanh nghiệp").click()
    expect(page.get_by_text("Đã hoàn thành công việc.")).to_be_visible()
    checked(page, "walk-3-form-done")
    sign_out(page)

    # The leader opens the dossier page and approves from the task form it links.
    sign_in(page, officials["unit_leader"])
    page.goto(f"/ho-so/{code}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hồ sơ {code}")
    checked(page, "walk-4-dossier-for-leader")
    page.locator("table.timeline").get_by_role("link", name="Phê duyệt kết quả").click()
    page.get_by_role("button", name="Nhận xử lý").click()
    page.get_by_role("button", name="Ký Giấy chứng nhận đăng ký doanh nghiệp").click()
    expect(page.get_by_text("Đã hoàn thành công việc.")).to_be_visible()
    expect(page.get_by_test_id("decision-made")).to_have_text("Ký Giấy chứng nhận đăng ký doanh nghiệp")
    checked(page, "walk-4-approved")
    sign_out(page)

    # Reception returns the result from the counter's work list, then prints the control slip.
    sign_in(page, officials["reception"])
    page.goto("/tiep-nhan")
    work = page.get_by_test_id("counter-work").locator("tr", has_text=code)
    work.get_by_role("link", name="Trả kết quả", exact=True).click()
    page.get_by_role("button", name="Nhận xử lý").click()
    page.get_by_label("Hình thức trả kết quả").select_option(label="Trả trực tiếp tại Bộ phận Một cửa")
    page.get_by_label("Họ và tên người nhận").fill(APPLICANT)
    page.get_by_label("Ngày trả kết quả").fill(live_site.ctx.today().isoformat())
    page.get_by_role("button", name="Hoàn thành").click()
    expect(page.get_by_text("Đã hoàn thành công việc.")).to_be_visible()
    expect(page.get_by_role("link", name="Phiếu kiểm soát quá trình giải quyết hồ sơ", exact=True)).to_be_visible()
    checked(page, "walk-5-returned")

    # The dossier page: every stage's times and the diagram with the path taken.
    page.goto(f"/ho-so/{code}")
    rows = page.locator("table.timeline tbody tr")
    expect(rows).to_have_count(3)  # appraisal, approval, return
    for index in range(3):
        expect(rows.nth(index).locator("time")).to_have_count(4)  # ready, claimed, completed, due
    diagram = page.locator("#diagram")
    expect(diagram).to_have_attribute("data-ready", "true")
    for element in ("dossier_received", "appraise_dossier", "approve_dossier", "return_result"):
        expect(diagram.locator(f'g.djs-element.path-done[data-element-id="{element}"]')).to_have_count(1)
    expect(diagram.locator("g.djs-element.path-current")).to_have_count(0)
    checked(page, "walk-6-dossier-done")
    sign_out(page)

    # An official of another center cannot see it.
    sign_in(page, officials["other_center_reception"])
    response = page.goto(f"/ho-so/{code}")
    assert response is not None and response.status == 404
    check_accessible(page)
    screenshot(page, "walk-7-other-center")
