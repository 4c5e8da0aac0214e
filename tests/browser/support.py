"""What every browser test uses: signing in through the sign-in page, the accessibility check,
screenshots CI keeps, and the script weight of a page.

The browser is Debian's chromium (``MOTCUA_CHROMIUM`` names another binary); Playwright drives it
and never downloads a browser of its own.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"  # gitignored; .ci/run prints where it is
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"

CHROMIUM = os.environ.get("MOTCUA_CHROMIUM") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-quic", "--no-first-run", "--disable-sync"]
VIEWPORT = {"width": 1366, "height": 768}  # the counter's and the offices' screens
LOCALE = "vi-VN"

PASSWORD = "motcua-demo"  # every official of the test site (the demo's password)
BLOCKING_IMPACTS = ("serious", "critical")
SCRIPT_BUDGET = 400 * 1024  # bytes of script a page may load, the diagram viewer aside
DIAGRAM_VIEWER = "bpmn-navigated-viewer"


def sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    """Sign in through the sign-in page as an official does, and wait until it has let them in."""
    page.goto("/dang-nhap")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("form:has(input[name=password]) [type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("input[name=password]"), f"{username} was not let in").to_have_count(0)


@cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def check_accessible(page: Page) -> None:
    """Fail listing every serious or critical axe-core violation of the page as it is now.

    axe is evaluated through the DevTools protocol rather than added as a <script> element, so the
    page keeps its own Content-Security-Policy (script-src 'self') during the test.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    violations: list[dict[str, Any]] = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations.map(v => ({
             id: v.id, impact: v.impact, help: v.help,
             nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))}))""")
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, f"accessibility violations on {page.url}:\n" + "\n".join(
        f"- {v['impact']} {v['id']}: {v['help']}\n" + "\n".join(
            f"    {n['target']}: {n['summary']}" for n in v["nodes"]) for v in blocking)


def script_problems(page: Page) -> list[str]:
    """A list that fills, from now on, with the page's uncaught script errors and whatever its
    Content-Security-Policy refuses (an inline script, a script from elsewhere, eval)."""
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"uncaught script error: {error}"))
    page.on("console", lambda message: problems.append(f"refused by the CSP: {message.text}")
            if message.type == "error" and "Content Security Policy" in message.text else None)
    return problems


def screenshot(page: Page, name: str, *, full_page: bool = False) -> Path:
    """Write the page as the official sees it (1366×768) to artifacts/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path, full_page=full_page)
    return path


def scripts_loaded(page: Page) -> dict[str, int]:
    """Bytes of JavaScript the page has loaded so far, by URL (``inline`` for <script> elements
    without src), uncompressed as the browser parses them (Resource Timing's decodedBodySize)."""
    loaded: dict[str, int] = page.evaluate(
        """() => {
             const sizes = {};
             for (const e of performance.getEntriesByType('resource')) {
               if (e.initiatorType === 'script' || new URL(e.name).pathname.endsWith('.js'))
                 sizes[e.name] = (sizes[e.name] || 0) + e.decodedBodySize;
             }
             const inline = [...document.querySelectorAll('script:not([src])')]
               .reduce((n, s) => n + new TextEncoder().encode(s.textContent).length, 0);
             if (inline) sizes.inline = inline;
             return sizes;
           }""")
    return loaded


def script_bytes(page: Page, *, besides: str = DIAGRAM_VIEWER) -> int:
    """Bytes of JavaScript the page has loaded, the files whose URL contains ``besides`` aside."""
    return sum(size for url, size in scripts_loaded(page).items() if besides not in url)


def check_script_budget(page: Page) -> None:
    loaded = scripts_loaded(page)
    total = script_bytes(page)
    assert total <= SCRIPT_BUDGET, f"{page.url} loads {total} bytes of script: {json.dumps(loaded, indent=1)}"
