"""The acceptance walk of the studio, with the mouse: an analyst opens judicial_record's draft,
drops a new step on a flow, names it and drags it into the leaders' lane, binds that
lane to a unit from the list, saves and sees the server's "no form" problem on the step, adds the
form in the form editor (the preview drawn by the officials' renderer), saves clean, runs a test
dossier, publishes v2 and activates it. A dossier received after runs on v2, one received before
stays on v1; a second analyst who opened the draft before saves and is refused with both versions.
The list and the comparison of v1 and v2 follow. Axe and a screenshot on each page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from engine.persistence.models import Dossier, Official, OfficialRole
from tests.browser.support import LOCALE, VIEWPORT, check_accessible, screenshot, script_problems, sign_in
from tests.procedures.test_judicial_record import PROCEDURE

pytestmark = pytest.mark.browser

KEY = "judicial_record"
NEW_UNIT = "so_tu_phap.phong_hanh_chinh_tu_phap"

# Page coordinates of an element's centre (of a flow's first segment), from the canvas's viewbox.
SCREEN = """(id) => {
  const modeler = window.motcuaStudio.modeler, canvas = modeler.get('canvas');
  const element = modeler.get('elementRegistry').get(id), box = canvas.viewbox();
  const rect = document.querySelector('#canvas .djs-container').getBoundingClientRect();
  const at = (x, y) => ({ x: rect.left + (x - box.x) * box.scale, y: rect.top + (y - box.y) * box.scale });
  if (element.waypoints) {
    const [a, b] = element.waypoints;
    return at((a.x + b.x) / 2, (a.y + b.y) / 2);
  }
  return at(element.x + element.width / 2, element.y + element.height / 2);
}"""

# A point of a lane, on the lane's middle line, that no shape or flow of the diagram covers (so a
# shape dropped there lands in the lane and on no flow), in page coordinates.
FREE_IN_LANE = """(laneId) => {
  const modeler = window.motcuaStudio.modeler, canvas = modeler.get('canvas');
  const registry = modeler.get('elementRegistry'), lane = registry.get(laneId), box = canvas.viewbox();
  const rect = document.querySelector('#canvas .djs-container').getBoundingClientRect();
  const y = lane.y + lane.height / 2, margin = 70;
  const drawn = registry.filter((e) => !['bpmn:Lane', 'bpmn:Participant', 'label'].includes(e.type));
  const covered = (x) => drawn.some((e) => {
      const points = e.waypoints || [{ x: e.x, y: e.y }, { x: e.x + e.width, y: e.y + e.height }];
      const xs = points.map((p) => p.x), ys = points.map((p) => p.y);
      return x > Math.min(...xs) - margin && x < Math.max(...xs) + margin
        && y > Math.min(...ys) - margin && y < Math.max(...ys) + margin;
    });
  for (let x = lane.x + 120; x < lane.x + lane.width - 60; x += 10) {
    const visible = (x - box.x) * box.scale < box.outer.width - 20;
    if (!covered(x) && visible) {
      return { x: rect.left + (x - box.x) * box.scale, y: rect.top + (y - box.y) * box.scale };
    }
  }
  return null;
}"""

LANE_OF = """(id) => (window.motcuaStudio.modeler.get('elementRegistry').get(id).businessObject.lanes || [])
  .map((lane) => lane.id)"""
NEW_TASKS = """() => window.motcuaStudio.modeler.get('elementRegistry')
  .filter((e) => /^bpmn:(User)?Task$/.test(e.type) && !e.businessObject.name).map((e) => e.id)"""


def _version_of(live_site, code: str) -> int:
    with live_site.session_factory() as session:
        dossier = session.scalar(select(Dossier).where(Dossier.code == code))
        return dossier.procedure_version.version


def _another_analyst(live_site, besides: str) -> str:
    with live_site.session_factory() as session:
        username = session.scalar(
            select(Official.username).join(OfficialRole, OfficialRole.official_id == Official.id)
            .where(OfficialRole.role == "analyst", Official.username != besides, Official.active.is_(True))
            .order_by(Official.username).limit(1))
    assert username, "the demo organisation has a second analyst"
    return username


def _open_draft(page: Page) -> None:
    page.goto("/thiet-ke")
    page.get_by_test_id(f"draft-{KEY}").get_by_role("link").click()
    expect(page.locator("#studio")).to_have_attribute("data-ready", "true")


def _drag(page: Page, start: dict, end: dict) -> None:
    page.mouse.move(start["x"], start["y"])
    page.mouse.down()
    page.mouse.move(start["x"] + 10, start["y"] + 10, steps=3)
    page.mouse.move(end["x"], end["y"], steps=12)
    page.mouse.up()


def test_an_analyst_draws_checks_publishes_and_activates_a_new_version(page, live_site, browser):
    analyst = live_site.officials["analyst"]
    before = live_site.receive(KEY, PROCEDURE.start_data())
    sign_in(page, analyst)
    _open_draft(page)

    # A second analyst opens the same draft now, before the first one saves.
    other_context = browser.new_context(base_url=live_site.url, viewport=VIEWPORT, locale=LOCALE,
                                        timezone_id="Asia/Ho_Chi_Minh")
    other = other_context.new_page()
    other_problems = script_problems(other)
    sign_in(other, _another_analyst(live_site, analyst))
    _open_draft(other)

    # A new step (a task: Motcua gives it to a person like a user task) dropped on the flow from the
    # appraisal to its outcome, and named.
    flow = page.evaluate(SCREEN, "flow_appraise_to_outcome")
    page.locator('.djs-palette [data-action="create.task"]').click()
    page.mouse.move(flow["x"] - 40, flow["y"] + 30, steps=4)
    page.mouse.move(flow["x"], flow["y"], steps=4)
    page.mouse.click(flow["x"], flow["y"])
    [step] = page.evaluate(NEW_TASKS)
    assert page.evaluate(LANE_OF, step) == ["specialist"]
    centre = page.evaluate(SCREEN, step)
    page.mouse.dblclick(centre["x"], centre["y"])
    page.keyboard.type("Kiểm tra chéo hồ sơ")
    page.locator("#studio-status").click()  # leaving the label ends the editing

    # Moved into the leaders' lane with the mouse.
    _drag(page, page.evaluate(SCREEN, step), page.evaluate(FREE_IN_LANE, "leader"))
    assert page.evaluate(LANE_OF, step) == ["leader"]

    # The leaders' lane bound to a unit from the organisation's list.
    lane_label = page.evaluate(SCREEN, "leader")
    lane_box = page.locator('[data-element-id="leader"]').bounding_box()
    page.mouse.click(lane_box["x"] + 12, lane_label["y"])
    panel = page.get_by_test_id("properties")
    expect(panel.locator(".bio-properties-panel-header")).to_contain_text("Lãnh đạo Sở Tư pháp")
    panel.get_by_text("Thuộc tính Motcua").click()
    unit = panel.get_by_label("Đơn vị", exact=True)
    expect(unit.locator(f'option[value="{NEW_UNIT}"]')).to_have_count(1)
    unit.select_option(NEW_UNIT)

    # Saved: the server's check marks the step that names no form.
    page.get_by_role("button", name="Lưu bản nháp").click()
    expect(page.locator("#studio-status")).to_contain_text("Đã lưu bản nháp")
    expect(page.get_by_test_id("problems")).to_contain_text("chưa khai báo biểu mẫu")
    badge = page.locator(f'.djs-overlays[data-container-id="{step}"] .problem-badge')
    expect(badge).to_be_visible()
    check_accessible(page)
    screenshot(page, "studio-draft-problem")

    # The problem's line selects the step; the form editor gives it a form with one required field.
    page.get_by_test_id("problems").get_by_role("button", name=re.compile("chưa khai báo biểu mẫu")).click()
    page.get_by_role("button", name="Tạo biểu mẫu cho bước đang chọn").click()
    expect(page.locator("#form-choice")).to_have_value(f"{step}.schema.json")
    page.get_by_label("Tên trường mới").fill("ghi_chu_kiem_tra")
    page.get_by_role("button", name="Thêm trường").click()
    page.locator("#form-field-ghi_chu_kiem_tra-title").fill("Ghi chú kiểm tra chéo")
    page.locator("#form-field-ghi_chu_kiem_tra-kind").select_option("long_text")
    page.locator("#form-field-ghi_chu_kiem_tra-required").check()
    preview = page.get_by_test_id("form-preview")
    expect(preview.locator("label", has_text="Ghi chú kiểm tra chéo")).to_contain_text("*")
    expect(preview.locator("textarea")).to_have_count(1)
    page.get_by_role("button", name="Lưu bản nháp").click()
    expect(page.locator("#problem-summary")).to_have_text("Không có lỗi: có thể xuất bản.")
    expect(badge).to_have_count(0)

    # A test dossier says who each step would reach.
    page.get_by_role("button", name="Chạy hồ sơ thử").click()
    expect(page.get_by_test_id("sandbox-run")).to_contain_text("Kiểm tra chéo hồ sơ", timeout=60_000)
    check_accessible(page)
    screenshot(page, "studio-draft-form-and-test-dossier", full_page=True)

    # Published as v2 and activated at once.
    page.get_by_label("Kích hoạt ngay cho hồ sơ mới").check()
    page.get_by_label("Lý do kích hoạt").fill("Thêm bước kiểm tra chéo theo quyết định của Giám đốc Sở")
    page.get_by_role("button", name="Xuất bản phiên bản mới").click()
    expect(page.locator("#publish-result")).to_contain_text("Đã xuất bản và kích hoạt v2")
    after = live_site.receive(KEY, PROCEDURE.start_data())
    assert (_version_of(live_site, before), _version_of(live_site, after)) == (1, 2)

    # The second analyst's save, based on what they opened, is refused with both versions shown.
    other.get_by_role("button", name="Lưu bản nháp").click()
    conflict = other.get_by_test_id("conflict")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text(live_site.profile(analyst).full_name)
    expect(conflict.locator("#conflict-files")).to_contain_text(f"forms/{step}.schema.json")
    expect(other.locator("#conflict-diagram .djs-container")).to_be_visible()
    check_accessible(other)
    screenshot(other, "studio-stale-save-refused")
    assert other_problems == []
    other_context.close()

    # The list shows v2 active; the comparison marks the new step and the changed binding.
    page.goto("/thiet-ke")
    row = page.get_by_test_id(f"version-{KEY}-2")
    expect(row).to_contain_text("Đang áp dụng")
    expect(page.get_by_test_id(f"version-{KEY}-1")).to_contain_text("Ngừng áp dụng")
    row.get_by_role("link", name="So sánh với v1").click()
    expect(page.get_by_test_id("diff-elements")).to_contain_text("Thêm: Kiểm tra chéo hồ sơ")
    expect(page.locator(f'#diff-new [data-element-id="{step}"].diff-added')).to_have_count(1)
    expect(page.get_by_test_id("diff-procedure.json")).to_contain_text(NEW_UNIT)
    check_accessible(page)
    screenshot(page, "studio-compare-versions")
