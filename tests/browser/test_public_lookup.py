"""A citizen opens the lookup page the receipt's QR code points to: the dossier's status without
personal data, and the same "not found" for a wrong secret; both pages pass the accessibility check."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from engine.persistence.models import Dossier
from tests.browser.support import check_accessible, check_script_budget, screenshot

pytestmark = pytest.mark.browser


def test_a_citizen_looks_up_a_dossier_by_code_and_secret(page, live_site):
    code = live_site.receive()
    with live_site.session_factory() as session:
        secret = session.scalar(select(Dossier.lookup_secret).where(Dossier.code == code))
    page.goto("/tra-cuu")
    page.get_by_label("Mã hồ sơ").fill(code)
    page.get_by_label("Mã bảo mật").fill(secret)
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.get_by_role("heading", name="Quá trình xử lý")).to_be_visible()
    expect(page.locator("dl")).to_contain_text(code)
    expect(page.locator("body")).not_to_contain_text("Nguyễn Văn An")  # the applicant stays private
    check_accessible(page)
    check_script_budget(page)
    screenshot(page, "public-lookup")

    page.goto(f"/tra-cuu/{code}?mbm=SAIMABAO")
    expect(page.locator(".error")).to_be_visible()
    check_accessible(page)
    screenshot(page, "public-lookup-not-found")
