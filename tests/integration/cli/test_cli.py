"""The `motcua` command as an analyst or operator uses it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from api.cli import main
from tests.conftest import LIBRARY
from tests.fixtures import tiny_procedure


def test_deploy_reports_located_problems_and_exits_1(tmp_path: Path, monkeypatch, db_engine):
    monkeypatch.setenv("MOTCUA_DATABASE_URL", f"sqlite:///{tmp_path}/cli.sqlite3")
    folder = tmp_path / tiny_procedure.KEY
    for name, content in tiny_procedure.files(script="import os").items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(main, ["deploy", str(folder)])
    assert result.exit_code == 1
    assert "tiny_procedure.bpmn:" in result.output and "[compute]" in result.output
    assert "import" in result.output


def test_demo_prepares_the_database_and_deploys_the_library(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("MOTCUA_DATABASE_URL", f"sqlite:///{tmp_path}/demo.sqlite3")
    library = tmp_path / "bpmn"
    shutil.copytree(LIBRARY / "enterprise_registration", library / "enterprise_registration")
    monkeypatch.setenv("MOTCUA_LIBRARY_PATH", str(library))
    result = CliRunner().invoke(main, ["demo", "--no-serve"])
    assert result.exit_code == 0, result.output
    assert "✓ enterprise_registration: phiên bản 1 (phiên bản mới) — đang áp dụng" in result.output
    assert "tiepnhan" in result.output and "motcua-demo" in result.output
    # A demo certificate authority and center certificate beside the demo database, kept afterwards.
    assert f"Chứng thư số demo (tạo mới): {tmp_path / 'signing' / 'center.p12'}" in result.output
    assert (tmp_path / "signing" / "demo-ca.pem").read_bytes().startswith(b"-----BEGIN CERTIFICATE-----")
    again = CliRunner().invoke(main, ["demo", "--no-serve"])
    assert "phiên bản 1 (không đổi)" in again.output and "Chứng thư số demo (dùng lại)" in again.output


def test_validate_reports_a_verdict_per_path_and_json_for_tools(tmp_path: Path):
    good = tmp_path / "enterprise_registration"
    shutil.copytree(LIBRARY / "enterprise_registration", good)
    bad = tmp_path / tiny_procedure.KEY
    for name, content in tiny_procedure.files(review_target="nowhere").items():
        (bad / name).parent.mkdir(parents=True, exist_ok=True)
        (bad / name).write_bytes(content)
    runner = CliRunner()
    assert runner.invoke(main, ["validate", str(good)]).exit_code == 0
    result = runner.invoke(main, ["validate", str(good), str(bad)])
    assert result.exit_code == 1
    assert "✓" in result.output and "tiny_procedure.bpmn:" in result.output and "[f2]" in result.output
    as_json = runner.invoke(main, ["validate", "--json", str(tmp_path)])
    report = json.loads(as_json.output)["results"]
    verdicts = {Path(r["path"]).name: r["executable"] for r in report}
    assert verdicts == {"enterprise_registration": True, tiny_procedure.KEY: False}
    problem = next(r for r in report if not r["executable"])["problems"][0]
    assert {"file", "line", "element_id", "severity", "message", "message_en", "rule"} <= set(problem)


def test_calendar_answers_the_counter_questions(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("MOTCUA_DATABASE_URL", f"sqlite:///{tmp_path}/calendar.sqlite3")
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    # Tết 2026: 16–20 February are days off.
    result = runner.invoke(main, ["calendar", "add-working-days", "2026-02-12", "3"])
    assert result.exit_code == 0 and result.output.strip().splitlines()[-1] == "2026-02-24"
    assert runner.invoke(main, ["deploy", "--activate", str(LIBRARY / "enterprise_registration")]).exit_code == 0
    due = runner.invoke(main, ["calendar", "due", "--procedure", "enterprise_registration",
                               "--received", "2026-11-27T09:00"])
    assert due.output.strip().splitlines()[-1] == "2026-12-02T17:00:00+07:00"
    # A province's extra day off moves the answer, and a make-up Saturday counts as a working day.
    assert runner.invoke(main, ["calendar", "set", "2026-12-01", "--day-off", "--name", "Nghỉ bù"]).exit_code == 0
    assert runner.invoke(main, ["calendar", "add-working-days", "2026-11-27", "3"]).output.strip() == "2026-12-03"
    assert runner.invoke(main, ["calendar", "set", "2026-11-28", "--working-day", "--name", "Làm bù"]).exit_code == 0
    assert runner.invoke(main, ["calendar", "add-working-days", "2026-11-27", "3"]).output.strip() == "2026-12-02"
    unknown = runner.invoke(main, ["calendar", "due", "--procedure", "khong_co", "--received", "2026-11-27T09:00"])
    assert unknown.exit_code != 0 and "khong_co" in unknown.output


def test_statistics_rebuild_gives_back_the_demo_provinces_figures(tmp_path: Path, monkeypatch):
    """`motcua statistics rebuild` recomputes the daily figures from the dossiers: on the demo's
    dossiers of a procedure (every state the demo makes) they come back as the commands kept them."""
    import sqlite3

    monkeypatch.setenv("MOTCUA_DATABASE_URL", f"sqlite:///{tmp_path}/demo.sqlite3")
    library = tmp_path / "bpmn"
    shutil.copytree(LIBRARY / "enterprise_registration", library / "enterprise_registration")
    monkeypatch.setenv("MOTCUA_LIBRARY_PATH", str(library))
    assert CliRunner().invoke(main, ["demo", "--no-serve"]).exit_code == 0

    def figures() -> list[list[tuple]]:
        with sqlite3.connect(tmp_path / "demo.sqlite3") as connection:
            return [sorted(connection.execute(f"SELECT * FROM {table}").fetchall())  # noqa: S608 - fixed names
                    for table in ("stat_dossier_day", "stat_official_day")]

    kept = figures()
    result = CliRunner().invoke(main, ["statistics", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "Đã tính lại số liệu của" in result.output
    assert all(kept) and figures() == kept
