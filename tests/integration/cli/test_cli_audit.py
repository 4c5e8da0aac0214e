"""`motcua audit verify`: OK over an untouched database, the first broken link (exit status 1) once
an event is edited behind the engine's back."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import update

from api.cli import main
from engine.persistence.models import HumanTask, table_of
from tests.integration.engine.audit.conftest import dossiers  # noqa: F401 - the fixture


@pytest.fixture
def runner(db_engine, monkeypatch) -> CliRunner:
    monkeypatch.setenv("MOTCUA_DATABASE_URL", db_engine.url.render_as_string(hide_password=False))
    return CliRunner()


def test_verify_all_then_a_tampered_task(runner, dossiers, session_factory):  # noqa: F811
    ok = runner.invoke(main, ["audit", "verify", "--all"])
    assert ok.exit_code == 0, ok.output
    assert ok.output.startswith("OK: 2 chuỗi / chains")

    one = runner.invoke(main, ["audit", "verify", "--dossier", dossiers.finished, "--json"])
    assert one.exit_code == 0 and json.loads(one.output)["chains"] == 1

    with session_factory.begin() as session:
        tasks = table_of(HumanTask)
        session.execute(update(tasks).where(tasks.c.element_id == "return_result").values(completed_by_id=None))
    broken = runner.invoke(main, ["audit", "verify", "--center", "hcc_test"])
    assert broken.exit_code == 1
    assert f"✗ {dossiers.finished}" in broken.output and "human_task.completed_by_id" in broken.output


def test_verify_needs_exactly_one_target(runner):
    result = runner.invoke(main, ["audit", "verify"])
    assert result.exit_code == 2 and "--dossier" in result.output
