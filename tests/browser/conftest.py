"""Fixtures of the browser tests: one live site for the whole package (the real application under
gunicorn over a SQLite database of its own, migrated, with the procedure library deployed and active
and the demo province's organisation), one chromium for the package, and a fresh context and page
per test. Package scope, not session: the server and the browser stop once the browser tests are done,
rather than idling through the rest of the suite.

Without chromium the tests skip, saying why, unless MOTCUA_REQUIRE_BROWSER=1 (CI sets it), where
they fail: CI must never pass by skipping them.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.app import create_app
from api.cli import DEMO_PASSWORD, cli_actor, deploy_folders, procedure_folders
from bench.server import gunicorn
from demo.org_plan import plan_org
from demo.org_seed import apply_org, cover_bindings, deployed_procedures
from demo.province import DEMO_LOGINS
from engine.identity.officials import hash_password
from engine.identity.profile import OfficialProfile, official_profile
from engine.persistence.migrate import upgrade
from engine.persistence.models import Center, Official, OfficialRole
from engine.runtime.command import Actor
from engine.runtime.context import EngineContext
from engine.runtime.dossiers import start_dossier
from engine.signing.authority import ensure_demo_authority
from tests.browser.support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    LOCALE,
    PASSWORD,
    ROOT,
    SCREENSHOTS,
    VIEWPORT,
    script_problems,
)
from tests.conftest import enterprise_start_data

ARTIFACTS = ROOT / "artifacts"
EXPECT_TIMEOUT_MS = 20_000
OTHER_CENTER = "hcc_ha_long"  # a local center: it never sees the provincial center's own dossiers
assert PASSWORD == DEMO_PASSWORD


def _official(session: Session, username: str) -> Official:
    found = session.scalar(select(Official).where(Official.username == username))
    assert found is not None, username
    return found


@dataclass
class LiveSite:
    """The site under test: its address, and its database for what a test prepares directly."""

    url: str
    session_factory: sessionmaker[Session]
    ctx: EngineContext
    officials: dict[str, str]  # a role (or "other_center_reception") -> the username of one who has it

    def official(self, username: str) -> Official:
        with self.session_factory() as session:
            return _official(session, username)

    def profile(self, username: str) -> OfficialProfile:
        """What the header shows of an official: name, unit, center, roles."""
        with self.session_factory() as session:
            return official_profile(session, _official(session, username))

    def receive(self, procedure: str = "enterprise_registration", data: dict[str, Any] | None = None, *,
                by: str = "tiepnhan") -> str:
        """A dossier received by ``by`` at their center through the engine (for a test whose subject
        is a later page); its code. The counter page's own test receives through the page."""
        reception = self.official(by)
        with self.session_factory.begin() as session:
            center = session.get(Center, reception.center_id)
            assert center is not None
            dossier = start_dossier(session, self.ctx, procedure, actor=Actor(reception.id, reception.full_name),
                                    center_code=center.code,
                                    data=data if data is not None else enterprise_start_data())
            return dossier.code


def _require_chromium() -> None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing = "the playwright package is not installed (pip install -e '.[test]')"
    else:
        if os.access(CHROMIUM, os.X_OK):
            return
        missing = f"no chromium at {CHROMIUM} (apt-get install chromium, or set MOTCUA_CHROMIUM)"
    if os.environ.get("MOTCUA_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests are required here, but {missing}")
    pytest.skip(f"browser tests skipped: {missing}")


def _seed(database_url: str) -> tuple[sessionmaker[Session], EngineContext]:
    """Migrations, every library procedure active, and the demo organisation (no dossiers: each test
    makes the ones it needs), through the same functions as `motcua demo`."""
    app = create_app({"DATABASE_URL": database_url, "LOG_FORMAT": "text"})
    upgrade(app.extensions["db_engine"])
    assert deploy_folders(app, procedure_folders(app.extensions["engine"].settings.library_path),
                          cli_actor("test"), activate=True)
    factory: sessionmaker[Session] = app.extensions["session_factory"]
    ctx: EngineContext = app.extensions["engine"]
    now = ctx.clock.now().astimezone(UTC)
    with factory.begin() as session:
        plan = plan_org()
        cover_bindings(session, plan, deployed_procedures(session))
        apply_org(session, plan, now, now.date(), hash_password(DEMO_PASSWORD))
    return factory, ctx


def _officials(factory: sessionmaker[Session]) -> dict[str, str]:
    found = {role: username for username, _, roles, _ in reversed(DEMO_LOGINS) for role in roles}
    with factory() as session:
        other = session.scalar(
            select(Official.username).join(Center, Official.center_id == Center.id)
            .join(OfficialRole, OfficialRole.official_id == Official.id)
            .where(Center.code == OTHER_CENTER, Official.active.is_(True), OfficialRole.role == "reception")
            .order_by(Official.username).limit(1))
    assert other, f"the demo organisation has no reception at {OTHER_CENTER}"
    found["other_center_reception"] = other
    return found


@pytest.fixture(scope="package")
def live_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveSite]:
    _require_chromium()  # before the minute of setting up a site no browser will visit
    folder = tmp_path_factory.mktemp("live-site")
    database_url = f"sqlite:///{folder}/motcua.sqlite3"
    factory, ctx = _seed(database_url)
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)  # the folder shows this run's pages only
    # Results are signed with a demo authority's certificate, as `motcua demo` does.
    authority = ensure_demo_authority(folder / "signing", "Trung tâm Phục vụ hành chính công tỉnh Quảng Ninh",
                                      DEMO_PASSWORD, datetime.now(UTC))
    env = {"MOTCUA_DATABASE_URL": database_url, "MOTCUA_SECRET_KEY": secrets.token_hex(16),
           "MOTCUA_LOG_FORMAT": "text", "MOTCUA_ENV": "development",
           "PROMETHEUS_MULTIPROC_DIR": str(folder / "metrics"),
           "MOTCUA_SIGNING_PKCS12_PATH": str(authority.pkcs12_path), "MOTCUA_SIGNING_PKCS12_PASSWORD": DEMO_PASSWORD,
           "MOTCUA_SIGNING_TRUST_ROOTS": str(authority.ca_path)}
    with open(ARTIFACTS / "browser-server.log", "wb") as log, gunicorn(env, log=log, cwd=ROOT) as url:
        yield LiveSite(url, factory, ctx, _officials(factory))


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    _require_chromium()
    from playwright.sync_api import expect, sync_playwright

    # The tests check what a page shows, not how fast (bench.pages measures that): on a busy two-core
    # machine an answer can take seconds, past the 5 s Playwright waits for by default.
    expect.set_options(timeout=EXPECT_TIMEOUT_MS)

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser: Any, live_site: LiveSite) -> Iterator[Any]:
    context = browser.new_context(base_url=live_site.url, viewport=VIEWPORT, locale=LOCALE,
                                  timezone_id="Asia/Ho_Chi_Minh")
    yield context
    context.close()


@pytest.fixture
def page(context: Any) -> Iterator[Any]:
    """A fresh page; the test fails if a script on it threw or the site's Content-Security-Policy
    refused something, which a page that looks right can still hide."""
    page = context.new_page()
    problems = script_problems(page)
    yield page
    assert not problems, "\n".join(problems)
