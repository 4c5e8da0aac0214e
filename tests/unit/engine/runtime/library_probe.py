"""Run in a fresh interpreter by test_library_patches.py: reports what SpiffWorkflow looks like.

``python -m tests.unit.engine.runtime.library_probe SCENARIO`` prints one JSON object: whether the
library's own functions are in place, its depth limit, the recursion limit, the log lines of
engine.runtime.library_patches, and the transitions a command captures on a few steps of
enterprise_registration. A fresh process is the only place where "nothing applied yet" holds.
"""

from __future__ import annotations

import importlib
import inspect
import json
import logging
import logging.config
import pkgutil
import sys
from typing import Any

from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskIterator

import engine
from engine.runtime import library_patches
from engine.runtime.context import build_context
from engine.runtime.transitions import capture_transitions
from engine.settings import EngineSettings
from tests.unit.engine.runtime.loop_workflow import enterprise_workflow_after


def import_every_engine_module() -> None:
    for module in pkgutil.walk_packages(engine.__path__, "engine."):
        if ".migrations" not in module.name:
            importlib.import_module(module.name)
    importlib.import_module("api.app")


def library_state() -> dict[str, Any]:
    return {
        # Judged by where the functions come from, whatever was imported first.
        "library_next": TaskIterator.__next__.__module__ == "SpiffWorkflow.util.task",
        "library_set_state": Task._set_state.__module__ != library_patches.__name__,
        "max_depth": inspect.signature(TaskIterator.__init__).parameters["max_depth"].default,
        "recursion_limit": sys.getrecursionlimit(),
        "applied": vars(library_patches.current()),
    }


def transitions_of_a_few_steps() -> list[list[str]]:
    with capture_transitions() as transitions:
        workflow = enterprise_workflow_after(3)
    names = {task_id: task.task_spec.name for task_id, task in workflow.tasks.items()}
    return [[names.get(t.task_id, "(removed)"), t.state] for t in transitions]


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.levelname} {record.getMessage()}")


def _import_then_build_twice() -> None:
    import_every_engine_module()
    REPORT["after_import"] = library_state()
    build_context()
    first = (TaskIterator.__next__, Task._set_state, TaskIterator.__init__.__defaults__, sys.getrecursionlimit())
    build_context()
    REPORT["same_after_second_build"] = first == (
        TaskIterator.__next__, Task._set_state, TaskIterator.__init__.__defaults__, sys.getrecursionlimit())


def _other_version() -> None:
    library_patches.installed_spiff_version = lambda: "3.3.0"
    build_context()
    build_context()  # said once, not again


def _other_signature() -> None:
    """A library whose ``Task._set_state`` takes another parameter: nothing may be applied."""
    library = Task._set_state

    def _set_state(self: Task, value: int, force: bool = False) -> None:
        library(self, value)

    Task._set_state = _set_state  # type: ignore[method-assign]
    build_context()


def _speedups_off_then_logging_config() -> None:
    """Speed-ups off by configuration; after a first command, a logging configuration disables the
    loggers it does not name (``spiff.task`` among them), as dictConfig does by default."""
    build_context(EngineSettings.from_mapping({"SPIFF_SPEEDUPS": "false"}))
    transitions_of_a_few_steps()
    logging.config.dictConfig({"version": 1, "root": {"level": "WARNING"}})


def _on_then_off() -> None:
    build_context()
    build_context(EngineSettings(spiff_speedups=False))


SCENARIOS = {"import": _import_then_build_twice, "version": _other_version, "signature": _other_signature,
             "off": _speedups_off_then_logging_config, "on_then_off": _on_then_off}
REPORT: dict[str, Any] = {}


def main(scenario: str) -> dict[str, Any]:
    lines = _Lines()
    patches_log = logging.getLogger(library_patches.__name__)
    patches_log.addHandler(lines)
    patches_log.setLevel(logging.INFO)
    SCENARIOS[scenario]()
    REPORT.update(library_state(), transitions=transitions_of_a_few_steps(), log=lines.lines)
    return REPORT


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
