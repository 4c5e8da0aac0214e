"""`motcua deploy [--activate]` and `motcua procedure …`: versions are activated, rolled back and
retired only on purpose, with a reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from api.cli import main
from tests.fixtures import tiny_procedure

KEY = tiny_procedure.KEY


@pytest.fixture
def runner(tmp_path: Path, monkeypatch) -> CliRunner:
    monkeypatch.setenv("MOTCUA_DATABASE_URL", f"sqlite:///{tmp_path}/cli.sqlite3")
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    return runner


def folder(tmp_path: Path, script: str) -> str:
    path = tmp_path / script.replace(" ", "") / KEY
    for name, content in tiny_procedure.files(script=script).items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_bytes(content)
    return str(path)


def states(runner: CliRunner) -> list[tuple[str, str]]:
    result = runner.invoke(main, ["procedure", "versions", KEY])
    assert result.exit_code == 0, result.output
    return [tuple(line.split()[:2]) for line in result.output.splitlines()[1:]]


def test_deploy_leaves_the_version_inactive_unless_asked(runner: CliRunner, tmp_path: Path):
    deployed = runner.invoke(main, ["deploy", folder(tmp_path, "total = 1")])
    assert deployed.exit_code == 0 and "chưa áp dụng / deployed, not active" in deployed.output
    assert states(runner) == [("1", "deployed")]
    activated = runner.invoke(main, ["deploy", "--activate", folder(tmp_path, "total = 2")])
    assert activated.exit_code == 0 and "phiên bản 2 (phiên bản mới) — đang áp dụng" in activated.output
    assert states(runner) == [("1", "deployed"), ("2", "active")]


def test_activate_rollback_and_retire_from_the_command_line(runner: CliRunner, tmp_path: Path):
    runner.invoke(main, ["deploy", folder(tmp_path, "total = 1")])
    runner.invoke(main, ["deploy", folder(tmp_path, "total = 2")])
    assert runner.invoke(main, ["procedure", "activate", KEY, "1", "--reason", "Bản đầu"]).exit_code == 0
    switched = runner.invoke(main, ["procedure", "activate", KEY, "2", "--reason", "Bản sửa thời hạn"])
    assert switched.exit_code == 0 and "thay phiên bản 1" in switched.output
    assert states(runner) == [("1", "retired"), ("2", "active")]

    rolled_back = runner.invoke(main, ["procedure", "rollback", KEY, "--reason", "Bản sửa có lỗi"])
    assert rolled_back.exit_code == 0, rolled_back.output
    assert states(runner) == [("1", "active"), ("2", "retired")]

    assert runner.invoke(main, ["procedure", "retire", KEY, "1", "--reason", "Bãi bỏ"]).exit_code == 0
    assert states(runner) == [("1", "retired"), ("2", "retired")]


def test_a_change_without_a_reason_or_of_a_missing_version_is_refused(runner: CliRunner, tmp_path: Path):
    runner.invoke(main, ["deploy", folder(tmp_path, "total = 1")])
    assert runner.invoke(main, ["procedure", "activate", KEY, "1"]).exit_code == 2  # --reason is required
    blank = runner.invoke(main, ["procedure", "activate", KEY, "1", "--reason", " "])
    assert blank.exit_code == 1 and "reason" in blank.output
    missing = runner.invoke(main, ["procedure", "retire", KEY, "5", "--reason", "x"])
    assert missing.exit_code == 1 and "không có phiên bản 5" in missing.output
    assert states(runner) == [("1", "deployed")]
