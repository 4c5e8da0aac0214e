"""The pages a counter tablet shows fit its width: nothing makes the page itself scroll sideways
(wide tables scroll inside their own box)."""

from __future__ import annotations

import pytest

from tests.browser.support import screenshot, sign_in

pytestmark = pytest.mark.browser

TABLET = {"width": 800, "height": 1280}  # a 10-inch tablet held upright
PAGE_OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.mark.parametrize(("username", "path", "name"), [
    ("tiepnhan", "/tiep-nhan", "counter"),
    ("tiepnhan", "/hop-cong-viec", "inbox"),
    ("tiepnhan", "/ho-so", "search"),
])
def test_the_page_fits_a_tablet(page, live_site, username, path, name):
    live_site.receive()
    sign_in(page, username)
    page.set_viewport_size(TABLET)
    page.goto(path)
    overflow = page.evaluate(PAGE_OVERFLOW)
    screenshot(page, f"tablet-{name}")
    assert overflow <= 0, f"{path} is {overflow}px wider than a tablet"


def test_the_dossier_page_fits_a_tablet(page, live_site):
    code = live_site.receive()
    sign_in(page, "tiepnhan")
    page.set_viewport_size(TABLET)
    page.goto(f"/ho-so/{code}")
    page.locator(".djs-container svg").first.wait_for()  # the diagram drawn at the width it has
    overflow = page.evaluate(PAGE_OVERFLOW)
    screenshot(page, "tablet-dossier")
    assert overflow <= 0, f"the dossier page is {overflow}px wider than a tablet"
