"""A specialist works a task's form in the browser: claims it from the page, saves a draft and finds
it again, submits one wrong field and reads the Vietnamese error at that field, fixes it, completes."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from engine.persistence.models import HumanTask, TaskStatus
from tests.browser.support import check_accessible, check_script_budget, screenshot, sign_in

pytestmark = pytest.mark.browser


def open_task_of(live_site, code: str) -> str:
    """The id of the dossier's open step (the walk would find it in the inbox)."""
    with live_site.session_factory() as session:
        return str(session.scalar(select(HumanTask.id).where(
            HumanTask.dossier_code == code, HumanTask.status.in_((TaskStatus.READY, TaskStatus.CLAIMED)))))


def test_a_specialist_claims_drafts_corrects_and_completes(page, live_site):
    code = live_site.receive()
    sign_in(page, live_site.officials["specialist"])
    page.goto(f"/cong-viec/{open_task_of(live_site, code)}")
    expect(page.get_by_role("heading", name="Thẩm định hồ sơ", level=1)).to_be_visible()
    expect(page.get_by_test_id("task-facts")).to_contain_text(code)
    check_accessible(page)
    check_script_budget(page)
    page.get_by_role("button", name="Nhận xử lý").click()
    expect(page.get_by_test_id("task-status")).to_contain_text("Đang xử lý")

    opinion = page.get_by_label("Ý kiến thẩm định")
    opinion.fill("Đang đối chiếu điều lệ")
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.get_by_text("Đã lưu bản nháp.")).to_be_visible()
    page.reload()
    expect(opinion).to_have_value("Đang đối chiếu điều lệ")

    page.get_by_role("button", name="Yêu cầu bổ sung, hoàn thiện hồ sơ").click()  # the list is missing
    missing = page.get_by_label("Nội dung cần bổ sung, hoàn thiện")
    expect(missing).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-missing_documents-error")).to_have_text(
        "Trường “Nội dung cần bổ sung, hoàn thiện” là bắt buộc")
    expect(opinion).to_have_value("Đang đối chiếu điều lệ")  # kept
    check_accessible(page)
    screenshot(page, "task-form-error", full_page=True)

    missing.fill("Điều lệ công ty có chữ ký của chủ sở hữu")
    page.get_by_role("button", name="Yêu cầu bổ sung, hoàn thiện hồ sơ").click()
    expect(page.get_by_text("Đã hoàn thành công việc.")).to_be_visible()
    expect(page.get_by_test_id("decision-made")).to_have_text("Yêu cầu bổ sung, hoàn thiện hồ sơ")
    check_accessible(page)
    screenshot(page, "task-form-completed")
