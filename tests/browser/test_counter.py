"""Reception at the counter: finds the procedure without typing diacritics, fills its start form and
document checklist, receives the dossier and opens its receipt with the QR code for printing."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.support import check_accessible, check_script_budget, screenshot, sign_in

pytestmark = pytest.mark.browser

APPLICANT = {"Họ và tên": "Hoàng Thị Mai", "Số định danh cá nhân": "022086004321",
             "Số điện thoại": "0987654321", "Địa chỉ liên hệ": "Phường Bãi Cháy, tỉnh Quảng Ninh"}


def receive_at_counter(page, applicant_name: str = "Hoàng Thị Mai") -> str:
    """Reception (signed in) receives an enterprise registration through the counter; its code."""
    page.goto("/tiep-nhan")
    page.get_by_label("Tìm thủ tục").fill("dang ky doanh nghiep")
    page.get_by_role("button", name="Tìm", exact=True).click()
    page.get_by_role("link", name=re.compile("Đăng ký thành lập doanh nghiệp")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Đăng ký thành lập doanh nghiệp")
    applicant = page.get_by_role("group", name="Người nộp hồ sơ")
    for label, value in {**APPLICANT, "Họ và tên": applicant_name}.items():
        applicant.get_by_label(label, exact=False).first.fill(value)
    page.get_by_label("Tên doanh nghiệp viết bằng tiếng Việt").fill("Công ty TNHH Mai Vàng")
    page.get_by_label("Địa chỉ trụ sở chính").fill("Số 12 đường Hạ Long, phường Bãi Cháy")
    page.get_by_label("Vốn điều lệ (đồng)").fill("1.000.000.000")
    page.get_by_label("Ngành, nghề kinh doanh").fill("Bán lẻ hàng hóa\nDịch vụ ăn uống")
    page.get_by_label("Chủ sở hữu công ty").select_option(label="Cá nhân")
    for document in ("Giấy đề nghị đăng ký doanh nghiệp", "Điều lệ công ty", "Bản sao giấy tờ pháp lý của chủ sở hữu"):
        page.get_by_role("group", name="Thành phần hồ sơ").get_by_label(document).check()
    page.get_by_label("Hình thức nhận kết quả").select_option(label="Nhận trực tiếp tại Bộ phận Một cửa")
    page.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    expect(page.get_by_role("heading", name="Đã tiếp nhận hồ sơ")).to_be_visible()
    return page.get_by_test_id("dossier-code").inner_text()


def test_reception_receives_a_dossier_and_opens_its_receipt(page, live_site):
    sign_in(page, live_site.officials["reception"])
    page.get_by_role("navigation").get_by_role("link", name="Tiếp nhận hồ sơ").click()
    expect(page.get_by_role("heading", name="Tiếp nhận hồ sơ", level=1)).to_be_visible()
    check_accessible(page)
    check_script_budget(page)
    screenshot(page, "counter")

    page.get_by_role("link", name=re.compile("Đăng ký thành lập doanh nghiệp")).click()
    page.get_by_role("button", name="Tiếp nhận hồ sơ").click()  # nothing filled in
    expect(page.get_by_role("alert")).to_contain_text("Biểu mẫu chưa hợp lệ")
    expect(page.locator("#f-enterprise_name")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-enterprise_name-error")).to_have_text(
        "Trường “Tên doanh nghiệp viết bằng tiếng Việt” là bắt buộc")
    check_accessible(page)
    screenshot(page, "counter-form-errors", full_page=True)

    code = receive_at_counter(page)
    check_accessible(page)
    screenshot(page, "counter-received")
    with page.context.expect_page() as opened:
        page.get_by_test_id("print-receipt").click()
    receipt = opened.value
    receipt.wait_for_load_state()
    expect(receipt.locator("body")).to_contain_text(code)
    expect(receipt.locator("body")).to_contain_text("Hoàng Thị Mai")
    assert receipt.locator("img, svg").count() >= 1  # the QR code of the public lookup
    screenshot(receipt, "receipt")


def test_another_official_has_no_counter(page, live_site):
    sign_in(page, live_site.officials["specialist"])
    expect(page.get_by_role("navigation").get_by_role("link", name="Tiếp nhận hồ sơ")).to_have_count(0)
    response = page.goto("/tiep-nhan")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Yêu cầu bị từ chối")
    check_accessible(page)
