"""Every change the engine makes to SpiffWorkflow's behaviour, in one place.

Nothing here happens on import: ``build_context`` (engine/runtime/context.py) calls ``apply``,
which is idempotent and process-wide (the library's classes are shared by every context).

Two kinds of change, kept apart on purpose:

* **Required: deep task trees.** Every round of a modelled loop makes the task tree deeper, and
  the library's iterators stop at ``max_depth=1000``: after about 333 supplementation rounds a
  READY task becomes invisible and the workflow reports itself complete (reference
  spiffworkflow-3.2 §0.2). SpiffWorkflow builds these iterators itself (``is_completed``, joins,
  ``get_tasks``) with no way to pass another limit, so the only lever is the default of
  ``max_depth`` in ``TaskIterator.__init__`` and ``BpmnTaskIterator.__init__``; it is set by
  parameter name. Parallel joins recurse once per level, so the interpreter's recursion limit
  is raised with it. Correctness depends on these (tests/integration/engine/test_loop_regression.py),
  so the speed-ups setting does not turn them off.

* **Speed only** (``EngineSettings.spiff_speedups``, ``MOTCUA_SPIFF_SPEEDUPS``; off gives the
  library's own code paths with the same results):
  - ``TaskIterator.__next__`` becomes the faster walk of engine/runtime/task_iteration.py, which
    yields exactly the library's tasks, order and depth (tests/iteration_twin.py checks every
    walk of the test suite against the library's in lockstep).
  - ``Task._set_state`` also hands each transition straight to the running command. The history
    does not depend on this hook: without it, transitions come from the library's documented
    channel, one INFO record per state change on the ``spiff.task`` logger
    (engine/runtime/transitions.py). The hook only saves building a log record per transition.

Before changing anything, ``apply`` compares the installed SpiffWorkflow version and the
signature of every function whose defaults or body is replaced (or whose steps the faster walk
repeats) with those this module was written against. On any difference it changes nothing,
logs one line naming what differs, and the library's own behaviour (limits included) is used.
"""

from __future__ import annotations

import contextlib
import inspect
import logging
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any

from SpiffWorkflow.bpmn.util.task import BpmnTaskFilter, BpmnTaskIterator
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskFilter, TaskIterator

from engine.runtime import transitions
from engine.runtime.task_iteration import next_match

logger = logging.getLogger(__name__)

SPIFF_VERSION = "3.2.0"
MAX_TREE_DEPTH = 100_000
RECURSION_LIMIT = 20_000

# The library's own walk, as imported (nothing in the engine changes it on import): the lockstep twin uses it.
LIBRARY_NEXT = TaskIterator.__next__

# What the changes rely on, as inspect.signature prints it for SpiffWorkflow 3.2.0: the functions
# whose defaults or body are replaced, and those whose steps the faster walk repeats.
_CLASSES: dict[str, type] = {"TaskIterator": TaskIterator, "BpmnTaskIterator": BpmnTaskIterator,
                             "TaskFilter": TaskFilter, "BpmnTaskFilter": BpmnTaskFilter, "Task": Task}
EXPECTED_SIGNATURES = {
    "TaskIterator.__init__":
        "(self, task, end_at_spec=None, max_depth=1000, depth_first=True, task_filter=None, **kwargs)",
    "BpmnTaskIterator.__init__":
        "(self, task, end_at_spec=None, max_depth=1000, depth_first=True, skip_subprocesses=False, "
        "task_filter=None, **kwargs)",
    "TaskIterator.__next__": "(self)",
    "TaskIterator._next": "(self)",
    "BpmnTaskIterator._next": "(self)",
    "TaskIterator._handle_leaf_depth": "(self, task)",
    "TaskFilter.__init__": "(self, state=511, updated_ts=0, manual=None, spec_name=None, spec_class=None)",
    "BpmnTaskFilter.__init__": "(self, catches_event=None, lane=None, **kwargs)",
    "TaskFilter.matches": "(self, task)",
    "BpmnTaskFilter.matches": "(self, task)",
    "Task._set_state": "(self, value: int) -> None",
}


@dataclass(frozen=True)
class Applied:
    """What is in force: the raised tree limits, and the speed-ups."""

    limits: bool
    speedups: bool


_state = Applied(limits=False, speedups=False)
_saved: dict[str, Any] = {}
_refused = False  # the library differs: said once, never tried again
_lock = threading.RLock()


def installed_spiff_version() -> str:
    return version("SpiffWorkflow")


def differences() -> list[str]:
    """How the installed library differs from the one these changes were written for (empty: none).

    Meaningful while nothing is applied (``apply`` asks only then): applied, the defaults differ.
    """
    found = []
    installed = installed_spiff_version()
    if installed != SPIFF_VERSION:
        found.append(f"SpiffWorkflow {installed} installed, {SPIFF_VERSION} expected")
    for name, expected in EXPECTED_SIGNATURES.items():
        owner, attribute = name.split(".")
        actual = str(inspect.signature(getattr(_CLASSES[owner], attribute)))
        if actual != expected:
            found.append(f"{name}{actual} where {expected} was expected")
    return found


def apply(speedups: bool = True) -> Applied:
    """Bring the library to the wanted state: limits always, speed-ups as asked. Idempotent."""
    global _refused
    with _lock:
        if _refused:
            return _state
        if _state.limits:
            if speedups != _state.speedups:
                _set_speedups(speedups)
                logger.info("SpiffWorkflow speed-ups %s", "on" if speedups else "off")
            return _state
        problems = differences()
        if problems:
            _refused = True
            logger.error("SpiffWorkflow left as shipped (tree depth limited to 1000 levels, library's own tree "
                         "walk): %s", "; ".join(problems))
            return _state
        _set_limits(True)
        _set_speedups(speedups)
        logger.info("SpiffWorkflow %s: tree depth limit %d, speed-ups %s", SPIFF_VERSION, MAX_TREE_DEPTH,
                    "on" if speedups else "off")
        return _state


def current() -> Applied:
    return _state


def revert() -> None:
    """Back to SpiffWorkflow exactly as shipped."""
    with _lock:
        _set_speedups(False)
        _set_limits(False)


@contextlib.contextmanager
def library_as_shipped() -> Iterator[None]:
    """SpiffWorkflow as shipped for the duration (bench.engine_step times the raw library this way)."""
    with _lock:
        before = _state
        revert()
        try:
            yield
        finally:
            if before.limits:
                apply(before.speedups)


def _set_limits(raised: bool) -> None:
    global _state
    if raised == _state.limits:
        return
    if raised:
        _saved["defaults"] = {kind: _defaults(kind.__init__) for kind in (TaskIterator, BpmnTaskIterator)}
        _saved["recursion"] = sys.getrecursionlimit()
        for kind in (TaskIterator, BpmnTaskIterator):
            _set_default(kind.__init__, "max_depth", MAX_TREE_DEPTH)
        sys.setrecursionlimit(max(_saved["recursion"], RECURSION_LIMIT))
    else:
        for kind, (positional, keyword) in _saved.pop("defaults").items():
            kind.__init__.__defaults__, kind.__init__.__kwdefaults__ = positional, keyword
        sys.setrecursionlimit(_saved.pop("recursion"))
    _state = Applied(limits=raised, speedups=_state.speedups)


def _set_speedups(on: bool) -> None:
    global _state
    if on == _state.speedups:
        return
    if on:
        _saved["next"], _saved["set_state"] = TaskIterator.__next__, Task._set_state
        TaskIterator.__next__ = next_match  # type: ignore[method-assign]
        Task._set_state = _announcing(_saved["set_state"])  # type: ignore[method-assign]
        transitions.feed_from_hook(True)
    else:
        TaskIterator.__next__ = _saved.pop("next")  # type: ignore[method-assign]
        Task._set_state = _saved.pop("set_state")  # type: ignore[method-assign]
        transitions.feed_from_hook(False)
    _state = Applied(limits=_state.limits, speedups=on)


def _announcing(library_set_state: Callable[[Task, int], None]) -> Callable[[Task, int], None]:
    """``Task._set_state`` that also hands the transition to the running command, if any."""
    record = transitions.record

    def _set_state(self: Task, value: int) -> None:
        changed = value != self._state
        library_set_state(self, value)
        if changed:
            record(self.id, value)

    return _set_state


def _defaults(function: Callable[..., Any]) -> tuple[Any, Any]:
    return function.__defaults__, function.__kwdefaults__  # type: ignore[attr-defined]


def _set_default(function: Callable[..., Any], name: str, value: Any) -> None:
    """Set the default of parameter ``name``, wherever the function keeps it.

    Positional defaults live in one tuple aligned to the last positional parameters; it is rebuilt
    from the signature by name, so a parameter added or moved by the library is never given
    another's value.
    """
    parameters = inspect.signature(function).parameters.values()
    target = next(p for p in parameters if p.name == name)
    if target.kind is inspect.Parameter.KEYWORD_ONLY:
        function.__kwdefaults__ = {**(function.__kwdefaults__ or {}), name: value}  # type: ignore[attr-defined]
        return
    positional = [p for p in parameters if p.kind in (inspect.Parameter.POSITIONAL_ONLY,
                                                       inspect.Parameter.POSITIONAL_OR_KEYWORD)
                  and p.default is not inspect.Parameter.empty]
    function.__defaults__ = tuple(value if p.name == name else p.default  # type: ignore[attr-defined]
                                  for p in positional)
