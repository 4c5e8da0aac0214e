"""On a phone, a citizen sends feedback (phản ánh, kiến nghị) without signing in, corrects the
fields the form names, keeps the code and secret it shows; the one-stop desk forwards it and the
business registration office answers it through their task pages; the citizen reads the answer on
the lookup and opens the signed result, whose signature the page shows valid."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.support import LOCALE, check_accessible, screenshot, script_problems, sign_in
from tests.browser.test_task_form import open_task_of

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
ANSWER = ("Hồ sơ chậm do chờ cấp mã số thuế. Phòng Đăng ký kinh doanh đã trả kết quả ngày 01/12/2026 "
          "và gửi văn bản xin lỗi kèm lý do chậm trễ.")


@pytest.fixture
def phone(browser: Any, live_site: Any) -> Iterator[Any]:
    """A phone's page (390×844, touch); the test fails if a script on it failed or was refused."""
    context = browser.new_context(base_url=live_site.url, viewport=PHONE, locale=LOCALE, is_mobile=True,
                                  has_touch=True, timezone_id="Asia/Ho_Chi_Minh")
    page = context.new_page()
    problems = script_problems(page)
    yield page
    context.close()
    assert not problems, "\n".join(problems)


def official_does(browser: Any, live_site: Any, username: str, task_id: str, act: Any) -> None:
    """``username`` signs in on the office's screen, claims the task on its page and does ``act``."""
    context = browser.new_context(base_url=live_site.url, locale=LOCALE, viewport={"width": 1366, "height": 768})
    page = context.new_page()
    problems = script_problems(page)
    try:
        sign_in(page, username)
        page.goto(f"/cong-viec/{task_id}")
        if page.get_by_role("button", name="Nhận xử lý").count():
            page.get_by_role("button", name="Nhận xử lý").click()
        act(page)
        expect(page.get_by_text("Đã hoàn thành công việc.")).to_be_visible()
        assert not problems, "\n".join(problems)
    finally:
        context.close()


def test_a_citizen_sends_feedback_on_a_phone_and_reads_the_answer(phone, browser, live_site):
    phone.goto("/phan-anh-kien-nghi")
    expect(phone.get_by_role("heading", name="Gửi phản ánh, kiến nghị", level=1)).to_be_visible()
    phone.get_by_label("Nơi nhận").select_option(label="Trung tâm Phục vụ hành chính công tỉnh Quảng Ninh")
    phone.get_by_label("Số điện thoại hoặc thư điện tử").fill("09123")
    phone.get_by_label("Tiêu đề").fill("Chậm trả kết quả đăng ký doanh nghiệp")
    phone.get_by_role("button", name="Gửi phản ánh, kiến nghị").click()
    expect(phone.locator("#fb-name-error")).to_have_text("Trường “Họ và tên” là bắt buộc")
    expect(phone.locator("#fb-contact-error")).to_have_text("Số điện thoại phải gồm 10 chữ số, bắt đầu bằng số 0")
    expect(phone.get_by_label("Nội dung phản ánh, kiến nghị")).to_have_attribute("aria-invalid", "true")
    expect(phone.get_by_label("Tiêu đề")).to_have_value("Chậm trả kết quả đăng ký doanh nghiệp")  # kept
    check_accessible(phone)
    screenshot(phone, "feedback-form-errors-phone", full_page=True)

    phone.get_by_label("Họ và tên").fill("Trần Thị Bình")
    phone.get_by_label("Số điện thoại hoặc thư điện tử").fill("0912 345 678")
    phone.get_by_label("Nội dung phản ánh, kiến nghị").fill(
        "Hồ sơ đăng ký doanh nghiệp của tôi đã quá hẹn ba ngày mà chưa có thông báo lý do.")
    phone.get_by_role("button", name="Gửi phản ánh, kiến nghị").click()
    expect(phone.get_by_role("heading", name="Đã gửi phản ánh, kiến nghị")).to_be_visible()
    code = phone.get_by_test_id("feedback-code").inner_text()
    assert phone.get_by_test_id("feedback-secret").inner_text()
    check_accessible(phone)
    screenshot(phone, "feedback-sent-phone", full_page=True)

    phone.get_by_role("link", name="Theo dõi phản ánh, kiến nghị").click()
    expect(phone.locator("ol")).to_contain_text("Đang xem xét, phân loại phản ánh, kiến nghị")
    expect(phone.get_by_test_id("feedback-answer")).to_have_count(0)

    def forward(page: Any) -> None:
        page.get_by_label("Đơn vị có trách nhiệm trả lời").select_option(
            label="Sở Tài chính – Phòng Đăng ký kinh doanh")
        page.get_by_role("button", name="Chuyển đơn vị có trách nhiệm trả lời").click()

    def answer(page: Any) -> None:
        page.get_by_label("Nội dung trả lời").fill(ANSWER)
        page.get_by_role("button", name="Hoàn thành").click()

    official_does(browser, live_site, live_site.officials["reception"], open_task_of(live_site, code), forward)
    official_does(browser, live_site, live_site.officials["specialist"], open_task_of(live_site, code), answer)

    phone.reload()
    expect(phone.get_by_test_id("feedback-answer")).to_contain_text(ANSWER)
    expect(phone.locator("dl")).to_contain_text("Đã trả lời phản ánh, kiến nghị")
    expect(phone.locator("body")).not_to_contain_text("0912")  # the sender stays private
    check_accessible(phone)
    screenshot(phone, "feedback-answer-lookup-phone", full_page=True)

    phone.get_by_role("link", name="Xem, kiểm tra chữ ký số và tải kết quả").click()
    expect(phone.get_by_test_id("signature-verdict")).to_have_text("Chữ ký số hợp lệ")
    expect(phone.locator("dl")).to_contain_text("Trung tâm Phục vụ hành chính công tỉnh Quảng Ninh")
    check_accessible(phone)
    screenshot(phone, "signed-result-phone", full_page=True)
