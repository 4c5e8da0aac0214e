"""A procedure's files as the studio holds them: path in the procedure folder -> text.

Drafts are edited as text in the browser (the diagram's XML, procedure.json, the forms' JSON
Schemas), so they are kept as text; a deployment reads them as the bytes of a package.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from engine.deployment.package import KEY_PATTERN, SHARED_FOLDER, ProcedurePackage
from engine.errors import FieldProblem, FormInvalidError
from engine.persistence.models import ProcedureVersion

FORM_NAME = re.compile(r"^forms/[A-Za-z0-9_.-]+\.(?:ui)?schema\.json$")
BPMN_NAME = re.compile(r"^[A-Za-z0-9_.-]+\.bpmn$")
MAX_FILES = 200


def main_diagram(key: str) -> str:
    """The diagram file a procedure's folder is named after (its process id is the key)."""
    return f"{key}.bpmn"


def checked_key(key: str) -> str:
    if not KEY_PATTERN.match(key or ""):
        raise FormInvalidError([FieldProblem(
            "key", f"Mã thủ tục '{key}' không hợp lệ (chữ thường không dấu, số và _, bắt đầu bằng chữ)",
            f"Procedure key '{key}' is invalid (lower-case letters, digits and _, starting with a letter)")])
    return key


def checked_files(files: Any) -> dict[str, str]:
    """The files of a save: names as in the procedure folder, contents as text."""
    if not isinstance(files, Mapping) or not files:
        raise FormInvalidError([FieldProblem("files", "Cần gửi các tệp của thủ tục (sơ đồ, procedure.json, biểu mẫu)",
                                             "Send the procedure's files (diagram, procedure.json, forms)")])
    problems = []
    if len(files) > MAX_FILES:
        problems.append(FieldProblem("files", f"Nhiều hơn {MAX_FILES} tệp", f"More than {MAX_FILES} files"))
    for name, text in files.items():
        if not isinstance(name, str) or not (name == "procedure.json" or BPMN_NAME.match(name)
                                             or FORM_NAME.match(name)):
            problems.append(FieldProblem(
                f"files/{name}",
                "Tên tệp không hợp lệ: chỉ <mã>.bpmn, procedure.json và forms/<tên>.schema.json "
                "(hoặc .uischema.json)",
                "Invalid file name: only <key>.bpmn, procedure.json and forms/<name>.schema.json (or .uischema.json)"))
        elif not isinstance(text, str):
            problems.append(FieldProblem(f"files/{name}", "Nội dung tệp phải là văn bản",
                                         "The file's content must be text"))
    if problems:
        raise FormInvalidError(problems)
    return {name: files[name] for name in sorted(files)}


def package_of(key: str, files: Mapping[str, str], shared: Mapping[str, bytes] | None = None) -> ProcedurePackage:
    """The deployable package of a draft's files (with the library's shared diagrams)."""
    return ProcedurePackage(key=key, files={name: text.encode("utf-8") for name, text in files.items()},
                            shared_files=dict(shared or {}))


def shared_diagrams(library_path: Path) -> dict[str, bytes]:
    """The library's call-activity diagrams (``bpmn/_shared``), which any procedure may call."""
    folder = library_path / SHARED_FOLDER
    return {path.name: path.read_bytes() for path in sorted(folder.glob("*.bpmn"))} if folder.is_dir() else {}


def json_text(value: Any) -> str:
    """JSON as the library writes it: indented, Vietnamese kept readable, ending with a new line."""
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"


def files_of_version(key: str, version: ProcedureVersion) -> dict[str, str]:
    """A deployed version's folder, rebuilt from what the version stores: its main diagram as
    deployed, procedure.json and the forms as their parsed JSON."""
    files = {main_diagram(key): version.bpmn_xml, "procedure.json": json_text(version.metadata_)}
    for name, schema in sorted((version.forms or {}).items()):
        files[f"forms/{name}"] = json_text(schema)
    return files


def form_names(files: Mapping[str, str]) -> list[str]:
    """The forms a step may name: the draft's ``forms/*.schema.json`` files."""
    return sorted(name.split("/", 1)[1] for name in files
                  if name.startswith("forms/") and name.endswith(".schema.json")
                  and not name.endswith(".uischema.json"))


def readable_metadata(files: Mapping[str, str]) -> dict[str, Any]:
    """procedure.json of the files as far as it parses (an empty dict when it does not)."""
    try:
        metadata = json.loads(files.get("procedure.json", ""))
    except ValueError:
        return {}
    return metadata if isinstance(metadata, dict) else {}
