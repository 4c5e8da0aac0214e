"""A faster walk of SpiffWorkflow's task tree, with exactly the library's order and results.

SpiffWorkflow finds READY and WAITING tasks by walking the whole task tree from its root, several
times per step (``update_waiting_tasks``, ``do_engine_steps``), and a dossier's tree keeps every
task it ever ran. Its iterator spends about ten Python calls per node (properties, a filter object,
list copies), so a step's cost grows with the dossier's history: at 100 executed user tasks the
library's own step is about seven times slower than at the start (bench.engine_step).

SpiffWorkflow has no index of open tasks to use instead, so the walk stays; this module makes
each node cheaper. ``next_match``, which engine/runtime/library_patches.py installs as
``TaskIterator.__next__`` when the engine context is built, is one loop that does the library's
depth-first step and standard filter together, with pending tasks on a stack (top = next) and no
calls in between. Everything observable is kept: the order, which tasks' children are read when
(a task's children are read when it is taken, before it is returned, as the library does), the
depth bookkeeping and ``max_depth``, ``end_at_spec`` and subprocess descent. Breadth-first walks,
subclasses and custom filter classes keep the library's own steps. The test suite runs every walk
beside the library's in lockstep (tests/iteration_twin.py) and
tests/unit/engine/runtime/test_task_iteration.py compares both on a deep tree.
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.util.task import BpmnTaskFilter, BpmnTaskIterator
from SpiffWorkflow.util.task import TaskFilter, TaskIterator, TaskState

_FINISHED_MASK = TaskState.FINISHED_MASK


def next_match(self: Any) -> Any:
    """TaskIterator.__next__: the next task the filter accepts.

    Iterators of the two library classes, depth first, with a standard filter (every iterator
    SpiffWorkflow and the engine create) take the fast walk; any other keeps the library's steps.
    """
    kind = type(self)
    if (kind is BpmnTaskIterator or kind is TaskIterator) and self.depth_first \
            and type(self.task_filter) in (TaskFilter, BpmnTaskFilter):
        return _walk(self, kind is BpmnTaskIterator)
    step, task_filter = self._next, self.task_filter
    task = step()
    while not task_filter.matches(task):
        task = step()
    return task


def _walk(self: Any, bpmn: bool) -> Any:
    """The library's depth-first step and standard filter in one loop, state kept in locals.

    Per task this does what ``_next`` then ``matches`` do, in the same order; only the Python
    calls between them are gone. ``self.depth`` is written back however the loop ends.
    """
    try:
        stack = self._motcua_stack  # the pending tasks, next on top
    except AttributeError:
        stack = self._motcua_stack = self.task_list[::-1]
    task_filter = self.task_filter
    state, updated_ts, manual = task_filter.state, task_filter.updated_ts, task_filter.manual
    spec_name, spec_class = task_filter.spec_name, task_filter.spec_class
    catches_event = getattr(task_filter, "catches_event", None)
    lane = getattr(task_filter, "lane", None)
    min_state, max_depth, end_at_spec = self.min_state, self.max_depth, self.end_at_spec
    skip_subprocesses = bpmn and self.skip_subprocesses
    finished_only = task_filter.state <= _FINISHED_MASK
    depth = self.depth
    try:
        while stack:
            task = stack.pop()
            workflow = task.workflow
            subprocess = None
            if bpmn:
                subprocesses = workflow.top_workflow.subprocesses
                if subprocesses:
                    subprocess = subprocesses.get(task.id)
            children = task._children
            task_state = task._state
            spec = task.task_spec
            if (children or subprocess is not None) and (task_state >= min_state or subprocess is not None) \
                    and depth < max_depth and spec.name != end_at_spec:
                if children:
                    tasks = workflow.tasks
                    stack.extend([tasks.get(child) for child in reversed(children)])
                if subprocess is not None and not (
                        skip_subprocesses or (task_state >= _FINISHED_MASK and finished_only)):
                    stack.append(subprocess.task_tree)
                depth += 1
            elif stack:
                # The library's _handle_leaf_depth, with the next task on top of the stack.
                ancestor = stack[-1].parent
                current = task.parent
                while current is not None and current != ancestor:
                    current = current.parent
                    depth -= 1
            if not task_state & state or task.last_state_change < updated_ts:
                continue
            if manual is not None and spec.manual != manual:
                continue
            if spec_name is not None and spec.name != spec_name:
                continue
            if spec_class is not None and not isinstance(spec, spec_class):
                continue
            if catches_event is not None and not (isinstance(spec, CatchingEvent)
                                                  and spec.catches(task, catches_event)):
                continue
            if lane is not None and spec.lane != lane:
                continue
            return task
        raise StopIteration()
    finally:
        self.depth = depth

