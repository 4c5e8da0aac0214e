"""The vendored front-end files are exactly what .ci/vendor-frontend copied from the packages that
package-lock.json pins: a hand edit, a stray file or a lockfile bump without re-vendoring fails here."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]
SERVED = ROOT / "admin" / "static" / "vendor"
TESTS_ONLY = ROOT / "tests" / "browser" / "vendor"
VENDOR_ROOTS = (SERVED, TESTS_ONLY)


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


PACKAGE_JSON = _json(ROOT / "package.json")
LOCK = _json(ROOT / "package-lock.json")
DECLARED = {**PACKAGE_JSON.get("dependencies", {}), **PACKAGE_JSON.get("devDependencies", {})}
# Tools .ci/vendor-frontend runs (esbuild bundles the studio); nothing of theirs is copied.
BUILD_TOOLS = set(PACKAGE_JSON.get("vendorBuildTools", []))
MANIFESTS = {root: _json(root / "manifest.json")["packages"] for root in VENDOR_ROOTS}
VENDORED = [(root, name, entry) for root, packages in MANIFESTS.items() for name, entry in packages.items()]


def _ids(item: tuple[Path, str, Any]) -> str:
    return item[1]


def test_package_json_pins_exact_versions_and_the_lockfile_agrees():
    loose = {name: spec for name, spec in DECLARED.items() if not spec[:1].isdigit()}
    assert not loose, f"pin exact versions in package.json (npm install --save-exact): {loose}"
    root = LOCK["packages"][""]
    assert root.get("dependencies", {}) == PACKAGE_JSON.get("dependencies", {}), "package-lock.json is stale"
    assert root.get("devDependencies", {}) == PACKAGE_JSON.get("devDependencies", {}), "package-lock.json is stale"


def test_every_declared_package_is_vendored_once():
    vendored = sorted(name for _, name, _ in VENDORED)
    assert vendored == sorted(set(DECLARED) - BUILD_TOOLS), "run .ci/vendor-frontend after changing package.json"


def test_build_tools_are_pinned_dev_dependencies():
    assert BUILD_TOOLS <= set(PACKAGE_JSON.get("devDependencies", {}))


@pytest.mark.parametrize("item", VENDORED, ids=_ids)
def test_the_manifest_names_the_locked_version_and_integrity(item):
    _, name, entry = item
    locked = LOCK["packages"][f"node_modules/{name}"]
    assert (entry["version"], entry["integrity"]) == (locked["version"], locked["integrity"]), (
        f"{name}: package-lock.json has {locked['version']}; run .ci/vendor-frontend")
    assert entry["version"] == DECLARED[name]


@pytest.mark.parametrize("item", VENDORED, ids=_ids)
def test_every_vendored_file_is_the_one_copied(item):
    root, name, entry = item
    changed = [path for path, digest in entry["files"].items()
               if hashlib.sha256((root / name / path).read_bytes()).hexdigest() != digest]
    assert not changed, f"{name}: edited after vendoring (run .ci/vendor-frontend): {changed}"


@pytest.mark.parametrize("item", VENDORED, ids=_ids)
def test_every_vendored_package_carries_its_licence(item):
    _, name, entry = item
    assert any(Path(path).name.lower().startswith(("license", "licence")) for path in entry["files"]), name


@pytest.mark.parametrize("root", VENDOR_ROOTS, ids=lambda root: root.relative_to(ROOT).as_posix())
def test_no_file_lies_in_a_vendor_folder_unrecorded(root):
    recorded = {f"{name}/{path}" for name, entry in MANIFESTS[root].items() for path in entry["files"]}
    present = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()} - {"manifest.json"}
    assert present == recorded


def test_packages_for_the_tests_only_are_never_served():
    dev_only = {name for name, _ in PACKAGE_JSON.get("devDependencies", {}).items()}
    assert dev_only and not dev_only & set(MANIFESTS[SERVED])
