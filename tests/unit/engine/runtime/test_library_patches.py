"""SpiffWorkflow is changed only by build_context, only where it is the version the changes were
written for, and the speed-ups setting leaves the library's own code paths with the same results.

Each scenario runs in a fresh interpreter (library_probe.py): this process has long been changed.
"""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskIterator

from engine.runtime import library_patches
from engine.runtime.context import build_context
from engine.settings import EngineSettings

ROOT = Path(__file__).resolve().parents[4]
SCENARIOS = ("import", "version", "signature", "off", "on_then_off")
AS_SHIPPED = {"library_next": True, "library_set_state": True, "max_depth": 1000,
              "applied": {"limits": False, "speedups": False}}


@pytest.fixture(scope="module")
def probes() -> dict[str, dict[str, Any]]:
    """Every scenario's report, the processes run side by side."""
    running = {name: subprocess.Popen([sys.executable, "-m", "tests.unit.engine.runtime.library_probe", name],
                                      cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for name in SCENARIOS}
    reports = {}
    for name, process in running.items():
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, f"probe {name} failed:\n{err}"
        reports[name] = json.loads(out)
    return reports


def _subset(report: dict[str, Any], expected: dict[str, Any]) -> dict[str, Any]:
    return {key: report[key] for key in expected}


def test_importing_the_engine_changes_nothing_building_the_context_applies(probes):
    report = probes["import"]
    assert _subset(report["after_import"], AS_SHIPPED) == AS_SHIPPED
    assert report["after_import"]["recursion_limit"] < library_patches.RECURSION_LIMIT
    assert report["library_next"] is False and report["library_set_state"] is False
    assert report["max_depth"] == library_patches.MAX_TREE_DEPTH
    assert report["recursion_limit"] == library_patches.RECURSION_LIMIT
    assert report["log"] == ["INFO SpiffWorkflow 3.2.0: tree depth limit 100000, speed-ups on"]


def test_building_a_second_context_changes_nothing_more(probes):
    assert probes["import"]["same_after_second_build"] is True


def test_another_spiffworkflow_version_is_left_as_shipped_with_one_log_line(probes):
    report = probes["version"]
    assert _subset(report, AS_SHIPPED) == AS_SHIPPED
    (line,) = report["log"]
    assert line.startswith("ERROR SpiffWorkflow left as shipped")
    assert "SpiffWorkflow 3.3.0 installed, 3.2.0 expected" in line


def test_a_changed_signature_is_left_as_shipped_naming_the_function(probes):
    report = probes["signature"]
    assert _subset(report, AS_SHIPPED) == AS_SHIPPED
    (line,) = report["log"]
    assert line.startswith("ERROR SpiffWorkflow left as shipped")
    assert "Task._set_state(" in line and "force" in line


def test_speedups_off_keeps_the_library_walk_and_state_changes_but_raises_the_limits(probes):
    for name in ("off", "on_then_off"):
        report = probes[name]
        assert report["library_next"] is True and report["library_set_state"] is True
        assert report["max_depth"] == library_patches.MAX_TREE_DEPTH
        assert report["applied"] == {"limits": True, "speedups": False}
    assert probes["on_then_off"]["log"][-1] == "INFO SpiffWorkflow speed-ups off"


def test_every_library_state_captures_the_same_transitions(probes):
    """The history's feed: the hook when applied, else the library's spiff.task log records, even
    after a logging configuration disabled that logger."""
    expected = probes["import"]["transitions"]
    assert len(expected) > 20
    assert {state for _, state in expected} >= {"READY", "COMPLETED", "FUTURE"}
    for name in ("version", "signature", "off", "on_then_off"):
        assert probes[name]["transitions"] == expected, name


def test_the_setting_is_read_from_the_configuration():
    assert EngineSettings.from_mapping({}).spiff_speedups is True
    for off in ("false", "0", "off", False):
        assert EngineSettings.from_mapping({"SPIFF_SPEEDUPS": off}).spiff_speedups is False
    assert EngineSettings.from_mapping({"SPIFF_SPEEDUPS": "true"}).spiff_speedups is True


def test_building_a_context_here_keeps_what_is_applied():
    before = (TaskIterator.__next__, Task._set_state, TaskIterator.__init__.__defaults__)
    build_context()
    assert (TaskIterator.__next__, Task._set_state, TaskIterator.__init__.__defaults__) == before
    assert library_patches.current() == library_patches.Applied(limits=True, speedups=True)


def test_a_default_is_set_by_parameter_name_wherever_the_function_keeps_it():
    def moved(task, added=1, max_depth=1000, depth_first=True, *, limit=5):
        return added, max_depth, depth_first, limit

    library_patches._set_default(moved, "max_depth", 7)
    library_patches._set_default(moved, "limit", 9)
    assert moved("t") == (1, 7, True, 9)
    assert inspect.signature(moved).parameters["max_depth"].default == 7
