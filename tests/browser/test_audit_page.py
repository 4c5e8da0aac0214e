"""An auditor opens a dossier from the menu, steps through its history on the diagram (the path done
and the step waiting after each event, who held it, what each command changed, the clock), has it
replayed (identical); a dossier whose recorded data was altered in the database is flagged, naming
the event where replay and record part."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select, update

from engine.persistence.models import Dossier, HistoryEvent, HumanTask
from engine.runtime.command import Actor
from engine.runtime.tasks import claim_task, complete_task
from tests.browser.support import check_accessible, screenshot, script_problems, sign_in
from tests.procedures.test_enterprise_registration import APPRAISE_OK

pytestmark = pytest.mark.browser


def appraised(live_site):
    """A dossier received, then claimed and appraised by the specialist: a history worth stepping."""
    code = live_site.receive()
    specialist = live_site.official("chuyenvien")
    actor = Actor(specialist.id, specialist.full_name)
    with live_site.session_factory() as session:
        task_id = session.scalar(select(HumanTask.id).join(Dossier, HumanTask.dossier_id == Dossier.id)
                                 .where(Dossier.code == code))
    with live_site.session_factory.begin() as session:
        claim_task(session, live_site.ctx, task_id, actor=actor)
    with live_site.session_factory.begin() as session:
        complete_task(session, live_site.ctx, task_id, actor=actor, data=APPRAISE_OK)
    return code


def test_an_auditor_steps_through_a_history_and_replays_it(page, live_site):
    code = appraised(live_site)
    problems = script_problems(page)
    sign_in(page, live_site.officials["auditor"])
    page.get_by_role("link", name="Kiểm tra hồ sơ").click()
    page.get_by_label("Mã hồ sơ").fill(code)
    page.get_by_role("button", name="Mở").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Kiểm tra hồ sơ {code}")

    page.get_by_role("link", name="« Đầu").click()
    expect(page.get_by_test_id("position")).to_contain_text("Sự kiện 1 /")
    expect(page.get_by_test_id("active-steps")).to_contain_text("Thẩm định hồ sơ")
    diagram = page.locator("#diagram")
    expect(diagram).to_have_attribute("data-ready", "true", timeout=30_000)
    expect(diagram.locator('g.djs-element.path-current[data-element-id="appraise_dossier"]')).to_have_count(1)
    check_accessible(page)
    screenshot(page, "audit-first-event", full_page=True)

    page.get_by_role("link", name="Nhận xử lý").first.click()  # the claim, in the event list
    expect(page.get_by_test_id("active-steps")).to_contain_text(live_site.official("chuyenvien").full_name)

    page.get_by_role("link", name="Hoàn thành công việc").first.click()
    expect(page.get_by_test_id("changes")).to_contain_text("appraisal_decision")
    expect(page.get_by_test_id("active-steps")).to_contain_text("Phê duyệt")
    expect(diagram).to_have_attribute("data-ready", "true", timeout=30_000)
    expect(diagram.locator('g.djs-element.path-done[data-element-id="appraise_dossier"]')).to_have_count(1)
    expect(page.get_by_test_id("clock")).to_contain_text("Còn lại")
    check_accessible(page)
    screenshot(page, "audit-after-appraisal", full_page=True)

    page.get_by_role("button", name="Phát lại").click()
    expect(page.get_by_test_id("replay-verdict")).to_contain_text("Phát lại: trùng khớp")
    check_accessible(page)
    screenshot(page, "audit-replay-identical")

    page.get_by_role("button", name="Kiểm chứng chuỗi").click()
    expect(page.get_by_test_id("verify-verdict")).to_contain_text("Kiểm chứng: nguyên vẹn.")
    assert problems == []


def test_a_dossier_whose_recorded_data_was_altered_is_flagged(page, live_site):
    code = appraised(live_site)
    with live_site.session_factory.begin() as session:
        completed = session.scalar(select(HistoryEvent).join(Dossier, HistoryEvent.dossier_id == Dossier.id)
                                   .where(Dossier.code == code, HistoryEvent.event_type == "task_completed"))
        payload = {"data": {**APPRAISE_OK, "appraisal_decision": "propose_refusal",
                            "refusal_grounds": "Tên doanh nghiệp trùng"},
                   "decision": {"appraisal_decision": "propose_refusal"}}
        session.execute(update(HistoryEvent).where(HistoryEvent.id == completed.id).values(payload=payload))
    problems = script_problems(page)
    sign_in(page, live_site.officials["auditor"])
    page.goto(f"/kiem-tra/ho-so/{code}")
    page.get_by_role("button", name="Phát lại").click()

    # The altered decision still leads to the leader's approval, so the events agree: the dossier's
    # stored data, derived from the completion the record really had, is where they part.
    verdict = page.get_by_test_id("replay-verdict")
    expect(verdict).to_contain_text("Phát lại: có khác biệt.")
    expect(verdict).to_contain_text("appraisal_decision")
    expect(verdict).to_contain_text("propose_refusal")  # what the altered record makes the replay give
    expect(verdict).to_contain_text("propose_approval")  # what the dossier holds
    check_accessible(page)
    screenshot(page, "audit-tampered-flagged", full_page=True)

    # The edited event no longer matches its hash: verification names it.
    page.get_by_role("button", name="Kiểm chứng chuỗi").click()
    verified = page.get_by_test_id("verify-verdict")
    expect(verified).to_contain_text("Kiểm chứng: chuỗi bị phá vỡ.")
    expect(verified).to_contain_text(f"#{completed.seq}")
    check_accessible(page)
    screenshot(page, "audit-tampered-verify-broken", full_page=True)
    assert problems == []
