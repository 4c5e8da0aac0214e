"""A department leader reassigns two tasks at once from the inbox, extends a dossier with the
apology's reason from its page, and stops another after confirming."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from engine.persistence.models import Dossier, HumanTask, Official, TaskStatus
from engine.runtime.command import Actor
from engine.runtime.tasks import claim_task, complete_task
from tests.browser.support import check_accessible, check_script_budget, screenshot, sign_in

pytestmark = pytest.mark.browser

LEADER, SPECIALIST = "lanhdao", "chuyenvien"  # the demo's department leader and one of its office's specialists


def at_approval(live_site, code: str) -> None:
    """The specialist appraises the dossier, so its next step waits in the leader's unit."""
    specialist = live_site.official(SPECIALIST)
    actor = Actor(specialist.id, specialist.full_name)
    with live_site.session_factory.begin() as session:
        task_id = session.scalar(select(HumanTask.id).join(Dossier, HumanTask.dossier_id == Dossier.id)
                                 .where(Dossier.code == code, HumanTask.status == TaskStatus.READY))
        claim_task(session, live_site.ctx, task_id, actor=actor)
    with live_site.session_factory.begin() as session:
        complete_task(session, live_site.ctx, task_id, actor=actor,
                      data={"appraisal_decision": "propose_approval", "appraisal_opinion": "Hồ sơ hợp lệ"})


def holders(live_site, codes: list[str]) -> set[str | None]:
    with live_site.session_factory() as session:
        return set(session.scalars(
            select(Official.username).join(HumanTask, HumanTask.assignee_id == Official.id)
            .join(Dossier, HumanTask.dossier_id == Dossier.id)
            .where(Dossier.code.in_(codes), HumanTask.status == TaskStatus.CLAIMED)))


def status_and_appointment(live_site, code: str) -> tuple[str, object]:
    with live_site.session_factory() as session:
        dossier = session.scalar(select(Dossier).where(Dossier.code == code))
        return dossier.status.value, dossier.extended_due_at


REFRESH_WOULD_RUN = """() => {
    const list = document.getElementById("inbox-results");
    const asked = new CustomEvent("htmx:beforeRequest", {bubbles: true, cancelable: true,
                                                         detail: {elt: list, requestConfig: {verb: "get"}}});
    list.dispatchEvent(asked);
    return !asked.defaultPrevented;
}"""


def test_a_leader_reassigns_two_tasks_extends_one_dossier_and_stops_another(page, live_site):
    queued = [live_site.receive(), live_site.receive()]
    for code in queued:
        at_approval(live_site, code)
    extended, stopped = live_site.receive(), live_site.receive()

    sign_in(page, LEADER)
    page.goto("/hop-cong-viec?view=queue")
    bulk = page.get_by_test_id("leader-bulk")
    expect(bulk).to_be_visible()
    assert page.evaluate(REFRESH_WOULD_RUN)  # the list refreshes itself while nobody fills in the form
    for code in queued:
        bulk.get_by_role("checkbox", name=re.compile(code)).check()
    assert not page.evaluate(REFRESH_WOULD_RUN)  # and waits while boxes are ticked, not to wipe them
    receiver = bulk.get_by_label("Chuyển cho")
    me = live_site.official(LEADER).full_name
    colleague = next(name for name in receiver.locator("option").all_inner_texts()[1:] if name != me)
    receiver.select_option(label=colleague)
    bulk.get_by_label("Lý do chuyển xử lý").fill("Cân đối công việc trong đơn vị")
    check_accessible(page)
    screenshot(page, "leader-inbox-bulk")
    bulk.get_by_role("button", name="Chuyển các công việc đã chọn").click()
    expect(page.locator(".flashes")).to_contain_text("Đã chuyển 2 công việc cho cán bộ khác xử lý.")
    assert len(holders(live_site, queued)) == 1 and LEADER not in holders(live_site, queued)

    with live_site.session_factory() as session:
        due_at = session.scalar(select(Dossier.due_at).where(Dossier.code == extended))
    new_day = live_site.ctx.calendar.add_working_days(due_at, 3)
    page.goto(f"/ho-so/{extended}")
    actions = page.get_by_test_id("leader-actions")
    actions.get_by_text("Gia hạn, hẹn lại ngày trả kết quả", exact=True).click()
    actions.get_by_label("Ngày hẹn trả mới").fill(new_day.isoformat())
    actions.get_by_label("Lý do chậm (ghi trong thư xin lỗi)").fill("Cần xác minh thêm thông tin tại địa phương")
    check_accessible(page)
    check_script_budget(page)
    screenshot(page, "leader-dossier-actions")
    actions.get_by_role("button", name="Gia hạn và hẹn lại").click()
    expect(page.locator(".flashes")).to_contain_text(f"Đã gia hạn hồ sơ {extended}")
    expect(page.get_by_role("link", name="In thư xin lỗi và hẹn lại ngày trả kết quả")).to_be_visible()
    assert status_and_appointment(live_site, extended)[1] is not None

    page.goto(f"/ho-so/{stopped}")
    actions = page.get_by_test_id("leader-actions")
    actions.get_by_text("Dừng giải quyết hồ sơ", exact=True).click()
    actions.get_by_label("Lý do dừng giải quyết").fill("Công dân không bổ sung hồ sơ theo yêu cầu")
    actions.get_by_role("button", name="Dừng giải quyết…").click()
    expect(page.get_by_role("heading", name=f"Dừng giải quyết hồ sơ {stopped}")).to_be_visible()
    assert status_and_appointment(live_site, stopped)[0] == "processing"  # nothing happens before confirming
    check_accessible(page)
    screenshot(page, "leader-stop-confirm")
    page.get_by_role("button", name="Xác nhận dừng giải quyết").click()
    expect(page.locator(".flashes")).to_contain_text(f"Đã dừng giải quyết hồ sơ {stopped}.")
    assert status_and_appointment(live_site, stopped)[0] == "stopped"
    check_accessible(page)
