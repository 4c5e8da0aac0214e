"""Where the time of one completion goes: the engine's phases, timed by wrapping its functions.

``bench.engine_step`` runs this after its timed series, on completions of their own: the wrappers
add a little time, so the medians it reports never come from these completions. Phases are
additive: each nested phase is counted once, under its parent, and what a parent spends outside
its named children is reported as its "other" line. Means, not medians, so the lines add up; the
slowest tenth of the completions (a WAL checkpoint, a garbage collection, the machine's other
work) is left out so that a few stalls do not stand in for the typical completion.
"""

from __future__ import annotations

import contextlib
import importlib
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Phase:
    key: str
    label: str
    target: str  # "module:attribute" or "module:Class.method"
    parent: str  # "command" for the top level


PHASES = (
    Phase("complete_task", "complete_task(...) in all", "engine.runtime.tasks:complete_task", "command"),
    Phase("lock", "lock the task and its dossier (ORM select; BEGIN on SQLite)",
          "engine.runtime.tasks:lock_task", "complete_task"),
    Phase("form", "validate the form data (JSON Schema)", "engine.runtime.tasks:check_form_data", "complete_task"),
    Phase("task_update", "UPDATE the completed task row", "engine.runtime.tasks:write_task", "complete_task"),
    Phase("engine_run", "SpiffWorkflow: run the task, do_engine_steps (with the transition hook)",
          "engine.runtime.command:Command.run", "complete_task"),
    Phase("finish", "finish_command in all", "engine.runtime.tasks:finish_command", "complete_task"),
    Phase("history_events", "history events: build and hash (SHA-256 chain)",
          "engine.runtime.workflow:_record_transition", "finish"),
    Phase("new_tasks", "new human tasks: unit, assignee, due time", "engine.runtime.workflow:new_human_task", "finish"),
    Phase("clock", "legal clock: pause / resume", "engine.runtime.workflow:_drive_clock", "finish"),
    Phase("serialize", "serialize changed tasks and the meta document",
          "engine.runtime.workflow:_dossier_changes", "finish"),
    Phase("tree_rows", "upsert / delete workflow_task rows", "engine.runtime.workflow:write_task_rows", "finish"),
    Phase("history_insert", "INSERT history rows", "engine.history.recorder:HistoryBuffer.flush", "finish"),
    Phase("dossier_update", "UPDATE the dossier row (version guard)", "engine.runtime.workflow:write_dossier",
          "finish"),
)


@contextlib.contextmanager
def phase_timers() -> Iterator[dict[str, float]]:
    """Wrap every phase's function for the duration; yields the seconds accumulated per phase key."""
    spent: dict[str, float] = defaultdict(float)
    restore: list[tuple[Any, str, Any]] = []
    try:
        for phase in PHASES:
            owner, name = _resolve(phase.target)
            original = owner.__dict__[name]
            restore.append((owner, name, original))
            setattr(owner, name, _timed(original, phase.key, spent))
        yield spent
    finally:
        for owner, name, original in reversed(restore):
            setattr(owner, name, original)


def _resolve(target: str) -> tuple[Any, str]:
    module_name, path = target.split(":")
    owner: Any = importlib.import_module(module_name)
    *outer, name = path.split(".")
    for part in outer:
        owner = getattr(owner, part)
    return owner, name


def _timed(function: Callable[..., Any], key: str, spent: dict[str, float]) -> Callable[..., Any]:
    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            spent[key] += time.perf_counter() - started

    return timed


@dataclass(frozen=True)
class PhaseSample:
    """One completion: its whole time and the seconds each phase took in it."""

    command: float
    spent: dict[str, float]


def summarise(samples: list[PhaseSample], keep: float = 0.9) -> list[dict[str, Any]]:
    """The breakdown of the fastest ``keep`` share of the completions."""
    kept = sorted(samples, key=lambda sample: sample.command)[:max(1, int(len(samples) * keep))]
    spent: dict[str, float] = defaultdict(float)
    for sample in kept:
        for key, seconds in sample.spent.items():
            spent[key] += seconds
    return breakdown(spent, sum(sample.command for sample in kept), len(kept))


def breakdown(spent: dict[str, float], command_seconds: float, completions: int) -> list[dict[str, Any]]:
    """Mean ms per completion of each phase, with each parent's time outside its children as "other"."""
    rows = [{"phase": "command", "label": "one completion: complete_task + commit",
             "ms": _per(command_seconds, completions)}]
    parents = {"command": command_seconds, **{p.key: spent[p.key] for p in PHASES}}
    for parent in ("command", "complete_task", "finish"):
        children = [p for p in PHASES if p.parent == parent]
        for phase in children:
            if phase.key in ("complete_task", "finish"):
                continue  # shown through their children and their "other" line
            rows.append({"phase": phase.key, "label": phase.label, "ms": _per(spent[phase.key], completions)})
        rest = parents[parent] - sum(spent[p.key] for p in children)
        rows.append({"phase": f"{parent}_other", "label": _OTHER[parent], "ms": _per(rest, completions)})
    return rows


_OTHER = {
    "command": "commit, session begin and close",
    "complete_task": "rest of complete_task: checks, version lookup, cache, copies",
    "finish": "rest of finish_command: transition loop, INSERT new tasks, result",
}


def _per(seconds: float, completions: int) -> float:
    return round(seconds / completions * 1000, 3)
