"""`motcua org import|export` as an administrator uses it at a center."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from api.cli import main
from api.cli_org import org
from engine.org import exchange
from tests.conftest import FIXTURES


@pytest.fixture
def runner(tmp_path: Path, monkeypatch) -> CliRunner:
    """A migrated SQLite file, `org` under `motcua` (until api/cli.py adds it), and a fast hash."""
    monkeypatch.setenv("MOTCUA_DATABASE_URL", f"sqlite:///{tmp_path}/org.sqlite3")
    if "org" not in main.commands:
        monkeypatch.setitem(main.commands, "org", org)
    monkeypatch.setattr(exchange, "hash_password", lambda password: f"test-hash${password}")
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    return runner


def test_import_prints_the_summary_and_the_initial_passwords_and_is_idempotent(runner: CliRunner):
    result = runner.invoke(main, ["org", "import", str(FIXTURES / "org_sample.csv")])
    assert result.exit_code == 0, result.output
    assert "đã nhập / imported" in result.output
    assert "cán bộ / officials" in result.output and "6 mới / created" in result.output
    passwords = dict(line.split() for line in result.output.split("not shown again):\n")[1].strip().splitlines())
    assert set(passwords) == {"tiepnhan", "chuyenvien", "chuyenvien2", "lanhdao", "nghihuu"}
    assert "quan-tri-2026" not in result.output

    again = runner.invoke(main, ["org", "import", str(FIXTURES / "org_sample.json")])
    assert again.exit_code == 0, again.output
    assert "0 mới / created, 0 cập nhật / updated, 6 không đổi / unchanged" in again.output
    assert "initial passwords" not in again.output


def test_a_file_with_errors_lists_every_row_exits_1_and_writes_nothing(runner: CliRunner, tmp_path: Path):
    broken = (FIXTURES / "org_sample.csv").read_text(encoding="utf-8")
    broken = broken.replace("unit_leader,true", "truong_phong,true").replace(",so_tai_chinh,hcc_tinh,", ",so,hcc_tinh,")
    path = tmp_path / "to_chuc.csv"
    path.write_text(broken, encoding="utf-8")
    result = runner.invoke(main, ["org", "import", str(path)])
    assert result.exit_code == 1
    assert "2 lỗi" in result.output and "nothing was written" in result.output
    assert "row 5: parent: Không có đơn vị cấp trên 'so'" in result.output
    assert "row 12: roles: Vai trò không tồn tại: 'truong_phong'" in result.output
    assert "(Unknown role: 'truong_phong'" in result.output
    exported = runner.invoke(main, ["org", "export", "--format", "json"])
    assert json.loads(exported.output)["officials"] == []  # nothing written


def test_dry_run_checks_without_writing(runner: CliRunner):
    result = runner.invoke(main, ["org", "import", "--dry-run", str(FIXTURES / "org_sample.json")])
    assert result.exit_code == 0, result.output
    assert "--dry-run" in result.output and "5 cán bộ mới" in result.output
    assert json.loads(runner.invoke(main, ["org", "export"]).output)["units"] == []


def test_export_to_stdout_and_files_round_trips(runner: CliRunner, tmp_path: Path):
    assert runner.invoke(main, ["org", "import", str(FIXTURES / "org_sample.json")]).exit_code == 0
    as_json = runner.invoke(main, ["org", "export"])
    assert as_json.exit_code == 0
    document = json.loads(as_json.output)
    assert [u["code"] for u in document["units"]][1:3] == ["so_tai_chinh", "so_tai_chinh.phong_dkkd"]
    assert "password" not in as_json.output and "test-hash" not in as_json.output

    csv_file = tmp_path / "to_chuc.csv"
    written = runner.invoke(main, ["org", "export", "--output", str(csv_file)])
    assert written.exit_code == 0 and "to_chuc.csv (csv)" in written.output
    assert csv_file.read_bytes().startswith(b"\xef\xbb\xbf")
    assert exchange.read_document(csv_file.read_bytes(), "csv") == exchange.read_document(as_json.output, "json")
    reimported = runner.invoke(main, ["org", "import", str(csv_file)])
    assert reimported.exit_code == 0 and "0 mới / created, 0 cập nhật / updated, 6 không đổi" in reimported.output

    json_file = tmp_path / "org.data"
    assert runner.invoke(main, ["org", "export", "--format", "json", "-o", str(json_file)]).exit_code == 0
    assert json.loads(json_file.read_text(encoding="utf-8")) == document


def test_a_file_of_unknown_type_is_refused(runner: CliRunner, tmp_path: Path):
    path = tmp_path / "org.xlsx"
    path.write_bytes(b"PK")
    result = runner.invoke(main, ["org", "import", str(path)])
    assert result.exit_code == 1 and "file: " in result.output and ".csv or .json" in result.output
    forced = runner.invoke(main, ["org", "import", "--format", "json", str(path)])
    assert forced.exit_code == 1 and "Invalid JSON" in forced.output
