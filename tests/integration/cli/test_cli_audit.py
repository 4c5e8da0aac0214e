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
    assert ok.output.startswith("OK: 3 chuỗi / chains")  # two dossiers and the administrative chain

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


def test_anchors_export_and_check_from_the_command_line(runner, dossiers, tmp_path, monkeypatch):  # noqa: F811
    from engine.audit.keys import public_hex, write_demo_key

    key = public_hex(write_demo_key(tmp_path / "key.pem"))
    monkeypatch.setenv("MOTCUA_AUDIT_SIGNING_KEY", str(tmp_path / "key.pem"))
    written = runner.invoke(main, ["audit", "anchors", "--write", "--export", str(tmp_path / "anchors.json")])
    assert written.exit_code == 0, written.output
    assert "anchor 1: 3 chuỗi thay đổi" in written.output and "✓     1" in written.output
    kept = runner.invoke(main, ["audit", "anchors", "--check", str(tmp_path / "anchors.json"), "--public-key", key])
    assert kept.exit_code == 0, kept.output

    pack = tmp_path / "pack.zip"
    exported = runner.invoke(main, ["audit", "export", dossiers.finished, "-o", str(pack)])
    assert exported.exit_code == 0, exported.output
    monkeypatch.delenv("MOTCUA_AUDIT_SIGNING_KEY")  # offline: only the public key
    checked = runner.invoke(main, ["audit", "check", str(pack), "--public-key", key])
    assert checked.exit_code == 0 and "anchor 1 covers 32 of 32 events" in checked.output, checked.output
    data = pack.read_bytes()
    pack.write_bytes(data[:1000] + bytes([data[1000] ^ 1]) + data[1001:])
    broken = runner.invoke(main, ["audit", "check", str(pack), "--public-key", key])
    assert broken.exit_code == 1 and "NOT valid" in broken.output


def test_replay_is_identical_until_a_recorded_input_is_altered(runner, dossiers, session_factory):  # noqa: F811
    same = runner.invoke(main, ["audit", "replay", dossiers.finished])
    assert same.exit_code == 0, same.output
    assert same.output.startswith(f"Trùng khớp / identical: {dossiers.finished}")

    as_json = runner.invoke(main, ["audit", "replay", dossiers.finished, "--json"])
    assert json.loads(as_json.output)["identical"] is True

    with session_factory.begin() as session:
        tasks = table_of(HumanTask)
        session.execute(update(tasks).where(tasks.c.element_id == "return_result").values(completed_by_id=None))
    differs = runner.invoke(main, ["audit", "replay", dossiers.finished])
    assert differs.exit_code == 1
    assert f"✗ {dossiers.finished}" in differs.output


def test_replay_of_an_unknown_dossier_says_so(runner):
    result = runner.invoke(main, ["audit", "replay", "KHONG-CO"])
    assert result.exit_code != 0 and "KHONG-CO" in result.output
