"""A procedure as a set of files: diagram(s), procedure.json and forms; read from a folder or upload."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from engine.errors import DeploymentError, Problem

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,127}$")
SHARED_FOLDER = "_shared"


@dataclass
class ProcedurePackage:
    """Everything one deployment consists of, as bytes keyed by path relative to the procedure."""

    key: str
    files: dict[str, bytes]
    shared_files: dict[str, bytes] = field(default_factory=dict)

    @property
    def bpmn_files(self) -> dict[str, bytes]:
        return {name: data for name, data in self.files.items() if name.endswith(".bpmn")}

    @property
    def form_files(self) -> dict[str, bytes]:
        return {
            name.split("/")[-1]: data
            for name, data in self.files.items()
            if name.endswith(".schema.json") or name.endswith(".uischema.json")
        }

    def content_hash(self) -> str:
        """SHA-256 over every file name and content: the same content is the same version."""
        digest = hashlib.sha256()
        for prefix, files in (("", self.files), (f"{SHARED_FOLDER}/", self.shared_files)):
            for name in sorted(files):
                digest.update(f"{prefix}{name}\0{len(files[name])}\0".encode())
                digest.update(files[name])
        return digest.hexdigest()


def load_package(folder: Path) -> ProcedurePackage:
    """Read ``bpmn/<key>/`` (and the library's ``_shared/`` diagrams) into a package."""
    folder = folder.resolve()
    if not folder.is_dir():
        raise DeploymentError(
            [
                Problem(
                    file=str(folder),
                    rule="package",
                    message=f"Không tìm thấy thư mục quy trình {folder}",
                    message_en=f"No procedure folder at {folder}",
                )
            ]
        )
    key = folder.name
    files = {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and _belongs_to_package(path.relative_to(folder).as_posix())
    }
    shared_folder = folder.parent / SHARED_FOLDER
    shared = (
        {p.name: p.read_bytes() for p in sorted(shared_folder.glob("*.bpmn"))} if shared_folder.is_dir() else {}
    )
    return ProcedurePackage(key=key, files=files, shared_files=shared)


def package_from_upload(key: str, files: dict[str, bytes]) -> ProcedurePackage:
    """Build a package from uploaded files named as in the procedure folder."""
    if not KEY_PATTERN.match(key):
        raise DeploymentError(
            [
                Problem(
                    file="procedure.json",
                    rule="package",
                    message=f"Mã quy trình '{key}' không hợp lệ (chữ thường, số và _)",
                    message_en=f"Procedure key '{key}' is invalid (lower case letters, digits and _)",
                )
            ]
        )
    normalised: dict[str, bytes] = {}
    for name, data in files.items():
        base = name.replace("\\", "/").split("/")[-1]
        if base.endswith(".schema.json") or base.endswith(".uischema.json"):
            normalised[f"forms/{base}"] = data
        elif _belongs_to_package(base):
            normalised[base] = data
    return ProcedurePackage(key=key, files=normalised)


def _belongs_to_package(relative: str) -> bool:
    return relative.endswith(".bpmn") or relative == "procedure.json" or relative.startswith("forms/")
