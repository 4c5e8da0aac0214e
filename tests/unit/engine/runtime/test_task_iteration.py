"""The engine's tree walk gives exactly SpiffWorkflow's results, order and depth.

The whole suite also runs every walk beside the library's in lockstep (tests/iteration_twin.py);
these tests add filters and start points the engine itself never uses, on a deep tree, and show
that the lockstep check catches a walk that is wrong.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.util.task import BpmnTaskFilter, BpmnTaskIterator
from SpiffWorkflow.spiff.specs.defaults import UserTask
from SpiffWorkflow.util.task import TaskIterator, TaskState

from engine.runtime.task_iteration import next_match
from tests.iteration_twin import IterationMismatch, _LibraryBpmnIterator, _LibraryTaskIterator, checked
from tests.unit.engine.runtime.loop_workflow import enterprise_workflow_after

STATES = (TaskState.ANY_MASK, TaskState.READY, TaskState.WAITING, TaskState.NOT_FINISHED_MASK,
          TaskState.FINISHED_MASK, TaskState.PREDICTED_MASK, TaskState.COMPLETED, TaskState.DEFINITE_MASK)


@pytest.fixture(scope="module")
def workflow() -> BpmnWorkflow:
    """enterprise_registration after 40 user tasks round its supplementation loop: a deep tree."""
    return enterprise_workflow_after(40)


def _fast(iterator: Any) -> tuple[list[Any], int]:
    found = []
    while True:
        try:
            found.append(next_match(iterator))
        except StopIteration:
            return found, iterator.depth


def _library(iterator: Any) -> tuple[list[Any], int]:
    return list(iterator), iterator.depth


def _both(kind: type, library_kind: type, first: Any, **options: Any) -> tuple[Any, Any]:
    return _fast(kind(first, **options)), _library(library_kind(first, **options))


OPTIONS = [
    {"state": state, **extra}
    for state, extra in itertools.product(STATES, [
        {}, {"manual": True}, {"manual": False}, {"spec_name": "appraise_dossier"}, {"spec_class": UserTask},
        {"end_at_spec": "receive_supplement"}, {"max_depth": 7}, {"max_depth": 0}, {"updated_ts": 10 ** 12},
    ])
]


@pytest.mark.parametrize("options", OPTIONS, ids=str)
def test_same_tasks_order_and_depth_as_the_library(workflow, options):
    root = workflow.task_tree
    fast, library = _both(BpmnTaskIterator, _LibraryBpmnIterator, root, **options)
    assert fast == library
    fast, library = _both(TaskIterator, _LibraryTaskIterator, root, **options)
    assert fast == library


def test_a_walk_started_inside_the_tree_and_bpmn_filters(workflow):
    middle = list(workflow.tasks.values())[len(workflow.tasks) // 2]
    lane = next(task.task_spec.lane for task in workflow.tasks.values() if task.task_spec.lane)
    sizes = []
    for options in ({}, {"state": TaskState.READY}, {"skip_subprocesses": True}, {"lane": lane}):
        fast, library = _both(BpmnTaskIterator, _LibraryBpmnIterator, middle, **options)
        assert fast == library
        sizes.append(len(fast[0]))
    assert sizes[0] > 1 and sizes[3] > 0


def test_the_walk_reaches_the_deep_ready_task(workflow):
    ready, _ = _fast(BpmnTaskIterator(workflow.task_tree, state=TaskState.READY, manual=True))
    assert [task.task_spec.bpmn_id for task in ready] == ["appraise_dossier"]
    assert ready[0].depth > 60


def test_breadth_first_and_custom_filters_are_left_to_the_library(workflow):
    options = {"depth_first": False, "state": TaskState.ANY_MASK}
    assert _both(BpmnTaskIterator, _LibraryBpmnIterator, workflow.task_tree, **options)[0] == \
        _library(_LibraryBpmnIterator(workflow.task_tree, **options))

    class OnlyUserTasks(BpmnTaskFilter):
        def matches(self, task):
            return isinstance(task.task_spec, UserTask)

    fast, _ = _fast(BpmnTaskIterator(workflow.task_tree, task_filter=OnlyUserTasks()))
    library, _ = _library(_LibraryBpmnIterator(workflow.task_tree, task_filter=OnlyUserTasks()))
    assert fast == library
    assert len(fast) > 40  # 41 done or ready, and predicted ones


def _children_swapped(self: Any) -> Any:
    """The library's depth-first step and filter, except that each task's children come last first."""
    while True:
        if not self.task_list:
            raise StopIteration()
        task = self.task_list.pop(0)
        if task._children and task.state >= self.min_state and self.depth < self.max_depth \
                and task.task_spec.name != self.end_at_spec:
            self.task_list = task.children[::-1] + self.task_list
            self.depth += 1
        elif self.task_list:
            self._handle_leaf_depth(task)
        if self.task_filter.matches(task):
            return task


def _depth_never_falls(self: Any) -> Any:
    """The right tasks in the right order, but the depth never goes back up the tree."""
    depth = self.depth
    task = next_match(self)
    self.depth = max(self.depth, depth)
    return task


def _walk_to_the_end(step: Any, iterator: Any) -> int:
    taken = 0
    while True:
        try:
            step(iterator)
        except StopIteration:
            return taken
        taken += 1


@pytest.mark.parametrize("wrong_walk", [_children_swapped, _depth_never_falls])
@pytest.mark.parametrize("kind", [TaskIterator, BpmnTaskIterator])
def test_the_lockstep_check_fails_on_a_wrong_walk(workflow, kind, wrong_walk):
    assert any(len(task._children) > 1 for task in workflow.tasks.values())  # an order to get wrong
    right = _walk_to_the_end(checked(next_match), kind(workflow.task_tree, state=TaskState.ANY_MASK))
    assert right == len(workflow.tasks)
    with pytest.raises(IterationMismatch, match="differs from SpiffWorkflow's"):
        _walk_to_the_end(checked(wrong_walk), kind(workflow.task_tree, state=TaskState.ANY_MASK))
