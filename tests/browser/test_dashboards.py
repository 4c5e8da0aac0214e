"""The dashboards as their readers use them: a unit leader reads their unit's figures, trend chart,
tables and a procedure's bottleneck heatmap; a center leader reads the whole center's; a supervisor
reads the watchlist and a dossier's appraisal record; each only within their scope."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from engine.runtime.command import Actor
from engine.runtime.tasks import complete_task
from engine.statistics.units import forget_units
from tests.browser.support import check_accessible, screenshot, sign_in
from tests.conftest import open_tasks

pytestmark = pytest.mark.browser
APPRAISE_OK = {"appraisal_decision": "propose_approval", "appraisal_opinion": "Hồ sơ hợp lệ, đủ điều kiện cấp"}


@pytest.fixture(scope="module")
def appraised(live_site) -> list[str]:
    """Two dossiers at the provincial center; the first appraised by the office's specialist."""
    forget_units()
    codes = [live_site.receive(), live_site.receive()]
    specialist = live_site.official(live_site.officials["specialist"])
    from sqlalchemy import select

    from engine.persistence.models import Dossier
    with live_site.session_factory() as session:
        dossier_id = session.scalar(select(Dossier.id).where(Dossier.code == codes[0]))
    (task,) = open_tasks(live_site.session_factory, dossier_id)
    with live_site.session_factory.begin() as session:
        complete_task(session, live_site.ctx, task.id, actor=Actor(specialist.id, specialist.full_name),
                      data=APPRAISE_OK)
    return codes


def test_a_unit_leader_reads_their_unit_and_its_bottlenecks(page, live_site, appraised):
    sign_in(page, live_site.officials["unit_leader"])
    page.get_by_role("link", name="Thống kê").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sở Tài chính")
    # The live site is shared by every browser test: other tests' dossiers reach this unit too, so
    # the figure counts at least the two made here.
    received = page.get_by_test_id("figure-received")
    expect(received).to_contain_text(re.compile(r"\d"))
    assert int(re.findall(r"\d+", received.inner_text())[0]) >= len(appraised)
    expect(page.locator("#trend-chart")).to_have_attribute("data-ready", "true")
    units = page.locator("#by-unit tbody th")
    expect(units.first).to_be_visible()
    assert all(name.startswith(("Sở Tài chính", "Phòng")) for name in units.all_inner_texts()), \
        units.all_inner_texts()
    expect(page.locator("#by-unit")).not_to_contain_text("Bộ phận Một cửa")
    check_accessible(page)
    screenshot(page, "dashboard-unit-leader", full_page=True)

    page.locator("#steps").get_by_role("link", name="enterprise_registration").first.click()
    heatmap = page.get_by_test_id("heatmap")
    expect(heatmap).to_have_attribute("data-ready", "true", timeout=30_000)  # the viewer is 1 MB of script
    expect(heatmap.locator('g.djs-element[data-element-id="appraise_dossier"].heat-1')).to_have_count(1)
    expect(heatmap.locator('g.djs-element[data-element-id="approve_dossier"].heat-0')).to_have_count(1)
    expect(heatmap.locator(".heat-badge")).to_contain_text("P90")
    check_accessible(page)
    screenshot(page, "dashboard-bottlenecks")

    response = page.goto("/thong-ke?unit=trung_tam_hcc")  # beyond their unit
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", name="Yêu cầu bị từ chối")).to_be_visible()


def test_a_center_leader_reads_the_whole_center_and_its_overdue_work(page, live_site, appraised):
    sign_in(page, live_site.officials["center_leader"])
    page.goto("/thong-ke")
    expect(page.get_by_test_id("scope")).to_contain_text("Trung tâm")
    expect(page.locator("#by-unit")).to_contain_text("Phòng Đăng ký kinh doanh")
    expect(page.locator("#center")).to_contain_text("Hạ Long")  # the local centers below are in their scope
    expect(page.locator("#indicators")).to_contain_text("2.1")
    check_accessible(page)
    screenshot(page, "dashboard-center-leader", full_page=True)
    page.get_by_test_id("figure-in_progress").get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đang giải quyết")
    expect(page.locator("#drill")).to_contain_text(appraised[1])
    expect(page.locator("#drill")).to_contain_text("Phê duyệt kết quả")  # the first waits for its approval
    check_accessible(page)
    screenshot(page, "dashboard-drill-down")


def test_a_supervisor_reads_the_watchlist_and_an_appraisal_record(page, live_site, appraised):
    sign_in(page, live_site.officials["supervisor"])
    page.get_by_role("link", name="Giám sát").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Giám sát giải quyết hồ sơ")
    expect(page.locator("main form[method=post]")).to_have_count(0)  # read-only: nothing to submit
    check_accessible(page)
    screenshot(page, "dashboard-supervisor-watchlist", full_page=True)
    page.goto(f"/giam-sat/tham-dinh/{appraised[0]}")
    row = page.locator("#appraisal tbody tr").first
    expect(row).to_contain_text("Thẩm định hồ sơ")
    expect(row).to_contain_text("Đề xuất cấp Giấy chứng nhận đăng ký doanh nghiệp")
    expect(row).to_contain_text("Hồ sơ hợp lệ, đủ điều kiện cấp")
    check_accessible(page)
    screenshot(page, "dashboard-appraisal-record")


def test_a_local_centers_official_sees_none_of_the_provincial_figures(page, live_site, appraised):
    sign_in(page, "chutich_halong")  # the unit leader of phường Hạ Long
    page.goto("/thong-ke")
    expect(page.get_by_test_id("figure-received")).to_contain_text("0")
    response = page.goto("/thong-ke?unit=so_tai_chinh")
    assert response is not None and response.status == 403
    response = page.goto(f"/giam-sat/tham-dinh/{appraised[0]}")
    assert response is not None and response.status == 404
