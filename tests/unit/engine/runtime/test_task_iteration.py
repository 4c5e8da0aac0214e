"""The engine's tree walk gives exactly SpiffWorkflow's results, order and depth.

The whole suite also runs every walk beside the library's in lockstep (tests/iteration_twin.py);
these tests add filters and start points the engine itself never uses, on a deep tree.
"""

from __future__ import annotations

import copy
import itertools
from typing import Any

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.util.task import BpmnTaskFilter, BpmnTaskIterator
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.specs.defaults import UserTask
from SpiffWorkflow.util.task import TaskIterator, TaskState

from bench.engine_step import INTAKE, PROCEDURE_DIR, PROCESS_ID, step_payload
from engine.runtime import task_iteration
from tests.iteration_twin import _LibraryBpmnIterator, _LibraryTaskIterator

STATES = (TaskState.ANY_MASK, TaskState.READY, TaskState.WAITING, TaskState.NOT_FINISHED_MASK,
          TaskState.FINISHED_MASK, TaskState.PREDICTED_MASK, TaskState.COMPLETED, TaskState.DEFINITE_MASK)


@pytest.fixture(scope="module")
def workflow() -> BpmnWorkflow:
    """enterprise_registration after 40 user tasks round its supplementation loop: a deep tree."""
    parser = SpiffBpmnParser()
    parser.add_bpmn_file(str(PROCEDURE_DIR / f"{PROCESS_ID}.bpmn"))
    workflow = BpmnWorkflow(parser.get_spec(PROCESS_ID), parser.get_subprocess_specs(PROCESS_ID))
    start = workflow.get_tasks(state=TaskState.READY)[0]
    start.data.update(copy.deepcopy(INTAKE), dossier_code="H40-261127-0001", channel="direct",
                      received_at="2026-11-27T02:00:00+00:00")
    workflow.do_engine_steps()
    for n in range(1, 41):
        task = workflow.get_tasks(state=TaskState.READY, manual=True)[0]
        task.data.update(copy.deepcopy(step_payload(n)))
        task.run()
        workflow.do_engine_steps()
    return workflow


def _fast(iterator: Any) -> tuple[list[Any], int]:
    found = []
    while True:
        try:
            found.append(task_iteration._next_match(iterator))
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
