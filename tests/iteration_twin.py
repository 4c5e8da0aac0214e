"""Runs SpiffWorkflow's own tree walk beside the engine's faster one, in lockstep, for the whole suite.

Every iterator the engine creates during the tests gets a twin that uses the library's methods;
each step advances both and fails the test at the first task (or depth) on which they differ.
Lockstep matters: callers change the tree between steps (``update_waiting_tasks`` runs each task
it is given), and both walks must see each change at the same moment.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from SpiffWorkflow.bpmn.util.task import BpmnTaskIterator
from SpiffWorkflow.util.task import TaskIterator

from engine.runtime import library_patches
from engine.runtime.task_iteration import next_match


class _LibraryTaskIterator(TaskIterator):
    __next__ = library_patches.LIBRARY_NEXT


class _LibraryBpmnIterator(BpmnTaskIterator):
    __next__ = library_patches.LIBRARY_NEXT


class IterationMismatch(AssertionError):
    pass


def _twin_of(iterator: Any) -> Any:
    twin = copy.copy(iterator)
    twin.task_list = list(iterator.task_list)
    twin.__dict__.pop("_motcua_stack", None)
    twin.__class__ = _LibraryBpmnIterator if isinstance(iterator, BpmnTaskIterator) else _LibraryTaskIterator
    return twin


def checked(walk: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A ``__next__`` that takes ``walk``'s next task and fails unless the library's twin agrees."""

    def checked_next(self: Any) -> Any:
        twin = self.__dict__.get("_motcua_twin")
        if twin is None:
            twin = self._motcua_twin = _twin_of(self)
        try:
            expected = next(twin)
        except StopIteration:
            expected = StopIteration
        try:
            actual = walk(self)
        except StopIteration:
            actual = StopIteration
        if actual is not expected or self.depth != twin.depth:
            raise IterationMismatch(f"tree walk differs from SpiffWorkflow's: {actual!r} (depth {self.depth}) "
                                    f"where the library gives {expected!r} (depth {twin.depth})")
        if actual is StopIteration:
            raise StopIteration
        return actual

    return checked_next


def install() -> None:
    """Apply the engine's changes to the library (as ``build_context`` does), then check every walk."""
    library_patches.apply(speedups=True)
    TaskIterator.__next__ = checked(next_match)  # type: ignore[method-assign]


def uninstall() -> None:
    TaskIterator.__next__ = next_match  # type: ignore[method-assign]
