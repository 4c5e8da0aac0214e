"""A migration's module, for tests that run its data step on rows made by today's code."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

VERSIONS = Path(__file__).resolve().parent.parent / "engine" / "persistence" / "migrations" / "versions"


def migration(file_stem: str) -> ModuleType:
    """The module of ``versions/<file_stem>.py`` (the folder is no package: loaded by its path)."""
    spec = importlib.util.spec_from_file_location(f"migration_{file_stem}", VERSIONS / f"{file_stem}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
