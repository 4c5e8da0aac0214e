"""The studio as an analyst meets it: the procedure list with every version's life, and a deployed
version in the modeler with its palette, minimap, lint results and properties panel; token
simulation switches on and off; axe, screenshots, and no script refused by the CSP."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.support import ROOT, check_accessible, screenshot, script_problems, sign_in

pytestmark = pytest.mark.browser


def test_the_list_shows_each_version_and_opens_it_in_the_modeler(page, live_site):
    problems = script_problems(page)
    sign_in(page, live_site.officials["analyst"])
    page.get_by_role("link", name="Thiết kế quy trình").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thiết kế quy trình")
    row = page.get_by_test_id("version-certified_copy-1")
    expect(row).to_contain_text("Đang áp dụng")
    check_accessible(page)
    screenshot(page, "studio-procedures")

    row.get_by_role("link", name="Xem sơ đồ v1").click()
    expect(page.locator("#studio")).to_have_attribute("data-ready", "true")
    expect(page.locator(".djs-palette")).to_be_visible()
    expect(page.locator(".djs-minimap")).to_be_visible()
    expect(page.locator(".bjsl-button")).to_be_visible()  # bpmnlint's result

    page.locator('[data-element-id="appraise_dossier"]').click()
    expect(page.get_by_test_id("properties")).to_contain_text("Thuộc tính Motcua")
    check_accessible(page)
    screenshot(page, "studio-modeler-version")

    simulation = page.get_by_role("button", name="Chạy thử đường đi")
    simulation.click()
    expect(simulation).to_have_attribute("aria-pressed", "true")
    simulation.click()
    expect(simulation).to_have_attribute("aria-pressed", "false")
    assert problems == []


def test_a_bpmn_file_from_another_tool_opens_in_the_draft(page, live_site):
    sign_in(page, live_site.officials["analyst"])
    page.goto("/thiet-ke/certified_copy")
    expect(page.locator("#studio")).to_have_attribute("data-ready", "true")
    page.locator("#import-bpmn").set_input_files(ROOT / "bpmn" / "construction_permit" / "construction_permit.bpmn")
    expect(page.locator("#studio-status")).to_contain_text("Đã mở construction_permit.bpmn")
    expect(page.locator("#studio")).to_have_attribute("data-dirty", "true")
    expect(page.locator('[data-element-id="fire_safety_opinion"]')).to_have_count(1)
    check_accessible(page)
    screenshot(page, "studio-draft-imported")
