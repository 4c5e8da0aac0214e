"""`motcua validate`: one language per printed problem, and lane bindings against an organisation file."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from api.cli import main
from tests.fixtures import tiny_procedure


def write_tiny(folder: Path, metadata: dict | None = None, **bpmn_args: str) -> Path:
    for name, content in tiny_procedure.files(metadata=metadata, **bpmn_args).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)
    return folder


def test_problems_are_printed_in_the_language_asked_for(tmp_path: Path):
    folder = write_tiny(tmp_path / tiny_procedure.KEY, review_target="nowhere")
    runner = CliRunner()
    vi = runner.invoke(main, ["validate", str(folder)])
    en = runner.invoke(main, ["validate", "--lang", "en", str(folder)])
    assert vi.exit_code == en.exit_code == 1
    vi_lines = [line for line in vi.output.splitlines() if "[f2]" in line]
    en_lines = [line for line in en.output.splitlines() if "[f2]" in line]
    assert vi_lines and en_lines
    assert all("lỗi" in line and "points at" not in line for line in vi_lines)
    assert all("error" in line and "trỏ tới" not in line for line in en_lines)


def test_an_organisation_file_turns_unknown_lane_bindings_into_warnings(tmp_path: Path):
    folder = write_tiny(tmp_path / tiny_procedure.KEY)
    org = tmp_path / "org.json"
    org.write_text(json.dumps({
        "format": "motcua-org", "version": 1, "centers": [],
        "units": [{"code": "van_phong", "name": "Văn phòng", "kind": "department"}],
        "officials": [{"username": "an", "full_name": "An", "unit": "van_phong", "roles": ["specialist"]}],
    }), encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["validate", "--json", "--org", str(org), str(folder)])
    assert result.exit_code == 0, result.output
    (entry,) = json.loads(result.output)["results"]
    (problem,) = [p for p in entry["problems"] if p["rule"] == "organisation"]
    assert problem["severity"] == "warning" and "so_tai_chinh.phong_dkkd" in problem["message_en"]
    assert entry["executable"] is True
