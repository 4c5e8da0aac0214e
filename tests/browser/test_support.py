"""The helpers every page test relies on measure and refuse what they claim to."""

from __future__ import annotations

import json

import pytest

from tests.browser.support import PASSWORD, ROOT, check_accessible, script_bytes, script_problems, scripts_loaded

pytestmark = pytest.mark.browser
VENDOR = ROOT / "admin" / "static" / "vendor"


def load_script(page, path: str) -> None:
    page.evaluate("""src => new Promise((loaded, failed) => {
        const script = Object.assign(document.createElement('script'), {src, onload: loaded, onerror: failed});
        document.head.append(script); })""", path)


def test_script_bytes_counts_the_vendored_scripts_a_page_loads_but_the_diagram_viewer(page):
    page.goto("/dang-nhap")
    assert script_bytes(page) == 0
    load_script(page, "/static/vendor/htmx.org/htmx.min.js")
    load_script(page, "/static/vendor/bpmn-js/bpmn-navigated-viewer.production.min.js")
    htmx = (VENDOR / "htmx.org" / "htmx.min.js").stat().st_size
    viewer = (VENDOR / "bpmn-js" / "bpmn-navigated-viewer.production.min.js").stat().st_size
    assert script_bytes(page) == htmx
    assert sum(scripts_loaded(page).values()) == htmx + viewer
    assert page.evaluate("() => typeof htmx.process === 'function' && typeof BpmnJS === 'function'")


def test_the_vendored_files_served_are_the_ones_recorded(page):
    manifest = json.loads(page.goto("/static/vendor/manifest.json").text())
    served = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["dependencies"]
    assert set(manifest["packages"]) == set(served)  # every run-time package, and nothing else
    assert page.goto("/static/vendor/bpmn-js/assets/bpmn-js.css").ok


def test_check_accessible_lists_serious_violations(page):
    page.goto("/dang-nhap")
    page.evaluate("() => document.querySelector('label[for=password]').remove()")
    with pytest.raises(AssertionError, match=r"critical label: Form elements must have labels\n.*#password"):
        check_accessible(page)


def test_a_dossier_received_for_a_test_is_on_the_live_site(page, live_site):
    code = live_site.receive()
    signed_in = page.request.post("/api/v1/auth/login", data={"username": "tiepnhan", "password": PASSWORD})
    token = signed_in.json()["token"]
    dossier = page.request.get(f"/api/v1/dossiers/{code}", headers={"Authorization": f"Bearer {token}"})
    assert dossier.ok and dossier.json()["code"] == code and dossier.json()["status"] == "processing"


def test_scripts_the_site_refuses_and_script_errors_are_noticed(context):
    page = context.new_page()
    problems = script_problems(page)
    page.goto("/dang-nhap")
    page.evaluate("() => { const s = document.createElement('script'); s.textContent = 'window.ran = 1';"
                  " document.head.append(s); }")
    page.evaluate("() => setTimeout(() => { throw new Error('kaputt') })")
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.ran") is None
    assert [p.split(":")[0] for p in problems] == ["refused by the CSP", "uncaught script error"], problems
