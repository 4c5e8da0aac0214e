"""Dump and load workflow state: the only module that knows SpiffWorkflow's serializer.

The spec (diagram) is serialized once per ProcedureVersion; a dossier's state holds only its task
tree. Loading reuses the already-built spec objects of the version, which skips the largest part
of SpiffWorkflow's deserialization cost.
"""

from __future__ import annotations

import functools
import json
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from copy import copy
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, TaskConverter
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState

STATE_FORMAT = "motcua-state-1"


class _SharedSpecWorkflowConverter(BpmnWorkflowConverter):
    """Accepts already-built spec objects in place of their dicts when restoring."""

    def from_dict(self, dct: dict[str, Any]) -> BpmnWorkflow:
        spec = dct.get("spec")
        if isinstance(spec, BpmnProcessSpec):
            dct["spec"] = _SpecPassThrough(spec)
            dct["subprocess_specs"] = {k: _SpecPassThrough(v) for k, v in dct["subprocess_specs"].items()}
        return super().from_dict(dct)  # type: ignore[no-any-return]

    def mapping_from_dict(self, mapping: dict[str, Any], key_class: Any = None, **kwargs: Any) -> dict[Any, Any]:
        workflow = kwargs.get("workflow")
        if key_class is uuid.UUID and workflow is not None and len(kwargs) == 1:
            return _restore_task_map(self.registry, mapping, workflow)
        return super().mapping_from_dict(mapping, key_class, **kwargs)  # type: ignore[no-any-return]


class _TaskBodies(dict):  # type: ignore[type-arg]
    """Parsed task rows by id, with the ids of those that hold no typed value (``plain``): their
    JSON is already what restoring it through the registry would give."""

    plain: frozenset[str] = frozenset()


def _restore_task_map(registry: Any, mapping: dict[str, Any], workflow: BpmnWorkflow) -> dict[uuid.UUID, Any]:
    """The top workflow's task map, restored as SpiffWorkflow's ``TaskConverter.from_dict`` does it.

    Written out here because restoring goes through that converter once per task, and a dossier
    that has looped through its steps a hundred times holds a few hundred tasks: the library's path
    parses each task's id up to five times (as the map's key, as its own id, as its parent's child,
    as its child's parent), copies every task dict to drop its typename and walks all data through
    the registry, which rebuilds every dict and list of it. Here each id is parsed once, and the
    data of a row that holds no typed value (``_TaskBodies.plain``) is taken as parsed; the result is
    the same objects in the same states (``tests/unit/engine/persistence/test_task_restore.py`` and
    every procedure test compare the two), and any task the library would restore with another
    converter still goes through the registry.
    """
    converter = _task_converter(registry)
    if converter is None:
        return {uuid.UUID(key): registry.restore(value, workflow=workflow) for key, value in mapping.items()}
    make_task, specs = converter.target_class, workflow.spec.task_specs
    plain: frozenset[str] = getattr(mapping, "plain", frozenset())
    parsed: dict[str, uuid.UUID] = {}

    def as_uuid(text: str) -> uuid.UUID:
        found = parsed.get(text)
        if found is None:
            found = parsed[text] = uuid.UUID(text)
        return found

    tasks: dict[uuid.UUID, Any] = {}
    for key, dct in mapping.items():
        if dct.get("typename") != "Task":
            tasks[as_uuid(key)] = registry.restore(dct, workflow=workflow)
            continue
        restore = _as_parsed if key in plain else registry.restore
        task_spec = specs.get(dct["task_spec"])
        task = make_task(workflow, task_spec, state=dct["state"], id=as_uuid(dct["id"]))
        parent_id = dct["parent"]
        task._parent = as_uuid(parent_id) if parent_id is not None else None
        task._children = [as_uuid(child) for child in dct["children"]]
        task.last_state_change = dct["last_state_change"]
        task.triggered = dct["triggered"]
        task.internal_data = restore(dct["internal_data"])
        if isinstance(task_spec, CatchingEvent) and task.has_state(TaskState.WAITING):
            task.workflow.top_workflow.event_manager.add_task(task)
        task.data = _task_data(dct, task.parent, restore)
        tasks[as_uuid(key)] = task
    return tasks


def _as_parsed(value: Any) -> Any:
    return value


def _task_converter(registry: Any) -> TaskConverter | None:
    """The registry's converter of plain tasks, if it is SpiffWorkflow's own (whose steps
    ``_restore_task_map`` repeats); the registry keeps it as ``partial(_obj_from_dict, from_dict)``."""
    restore = registry.convert_from_dict.get("Task")
    from_dict = restore.args[0] if isinstance(restore, functools.partial) and restore.args else None
    converter = getattr(from_dict, "__self__", None)
    return converter if type(converter) is TaskConverter else None


_COPIED_BY_METHOD = (dict, list, set)  # copy.copy calls these types' own .copy()


def _copy_mutable(value: Any) -> Any:
    """What ``DeepMerge.merge`` stores for a value: a shallow copy of a dict, list or set, anything
    else as it is. The exact types take their ``copy`` method directly (what ``copy.copy`` ends up
    calling for them); a subclass still goes through ``copy.copy``."""
    kind = type(value)
    if kind in _COPIED_BY_METHOD:
        return value.copy()
    return copy(value) if isinstance(value, _COPIED_BY_METHOD) else value


def _task_data(dct: dict[str, Any], parent: Any, restore: Callable[[Any], Any]) -> dict[str, Any]:
    """A task's data: its parent's (each mutable value copied, as ``DeepMerge.merge({}, ...)`` does)
    with the stored delta applied, or the stored data itself for a root."""
    delta = dct.get("delta")
    if not delta or parent is None:
        return restore(dct["data"])  # type: ignore[no-any-return]
    data = {key: _copy_mutable(value) for key, value in parent.data.items()}
    updates = delta.get("updates")
    if updates:
        data.update(restore(updates))
    for key in delta.get("deletions", ()):
        data.pop(key, None)
    return data


class _SpecPassThrough(dict):  # type: ignore[type-arg]
    """Marks a spec object that the registry must hand back as it is."""

    def __init__(self, spec: BpmnProcessSpec) -> None:
        super().__init__()
        self.spec = spec


def _make_serializer() -> BpmnWorkflowSerializer:
    config = dict(SPIFF_CONFIG)
    config[BpmnWorkflow] = _SharedSpecWorkflowConverter
    registry = BpmnWorkflowSerializer.configure(config)
    registry.register(Decimal, lambda v: {"value": str(v)}, lambda v: Decimal(v["value"]))
    registry.register(date, lambda v: {"value": v.isoformat()}, lambda v: date.fromisoformat(v["value"]))
    restore = registry.restore

    def restore_passing_specs(dct: Any, **kwargs: Any) -> Any:
        if isinstance(dct, _SpecPassThrough):
            return dct.spec
        return restore(dct, **kwargs)

    registry.restore = restore_passing_specs  # type: ignore[method-assign]
    return BpmnWorkflowSerializer(registry)


# One serializer per thread: serialize_json toggles state on the shared registry (brief §9).
_local = threading.local()


def serializer() -> BpmnWorkflowSerializer:
    instance = getattr(_local, "serializer", None)
    if instance is None:
        instance = _local.serializer = _make_serializer()
    return instance


def dump_spec(spec: BpmnProcessSpec, subprocess_specs: dict[str, BpmnProcessSpec]) -> str:
    """Serialize a parsed process and its called subprocesses, for ProcedureVersion.spec_json."""
    s = serializer()
    return json.dumps(
        {
            "spec": s.to_dict(spec),
            "subprocess_specs": {name: s.to_dict(sub) for name, sub in subprocess_specs.items()},
        },
        ensure_ascii=False,
    )


def load_spec(spec_json: str) -> tuple[BpmnProcessSpec, dict[str, BpmnProcessSpec]]:
    s = serializer()
    data = json.loads(spec_json)
    spec = s.from_dict(data["spec"])
    subs = {name: s.from_dict(sub) for name, sub in data["subprocess_specs"].items()}
    return spec, subs


def dump_workflow(workflow: BpmnWorkflow) -> str:
    """Serialize the task tree only; the spec stays with the ProcedureVersion."""
    s = serializer()
    dct = s.to_dict(workflow)
    del dct["spec"], dct["subprocess_specs"]
    dct["serializer_version"] = s.VERSION
    dct["format"] = STATE_FORMAT
    # Key order matters: each task's data is a delta against its parent, which must come first.
    # The result is stored as TEXT, never JSONB, so the order survives (brief §0.4).
    return json.dumps(dct, ensure_ascii=False, separators=(",", ":"), default=_json_default)


def load_workflow(
    state: str, spec: BpmnProcessSpec, subprocess_specs: dict[str, BpmnProcessSpec]
) -> BpmnWorkflow:
    # An older serializer version is migrated by the library itself, with full spec dicts.
    return _restore(json.loads(state), spec, subprocess_specs)


def _json_default(value: Any) -> Any:
    raise TypeError(f"task data of type {type(value).__name__} cannot be stored")


class WorkflowCache:
    """A bounded per-process cache of loaded workflows, keyed by dossier id and row version.

    ``take`` removes the entry, so a workflow object is only ever used by one command at a time;
    ``put`` returns it after the command wrote its new state. A command that fails simply never
    puts it back, and a stale version never matches the database row.
    """

    def __init__(self, capacity: int = 512) -> None:
        self.capacity = capacity
        self._entries: OrderedDict[int, tuple[str, BpmnWorkflow]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, dossier_id: int, row_version: str) -> BpmnWorkflow | None:
        with self._lock:
            entry = self._entries.pop(dossier_id, None)
        if entry is None or entry[0] != row_version:
            return None
        return entry[1]

    def put(self, dossier_id: int, row_version: str, workflow: BpmnWorkflow) -> None:
        if self.capacity <= 0:
            return
        with self._lock:
            self._entries[dossier_id] = (row_version, workflow)
            self._entries.move_to_end(dossier_id)
            while len(self._entries) > self.capacity:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


# --- Incremental storage --------------------------------------------------------------------
#
# Rewriting the whole task tree on every command makes each step cost O(history) (brief §5, §8).
# The tree is therefore stored as one row per task (workflow_task) plus a small "meta" document
# on the dossier; a command rewrites only the tasks it can have changed:
#   * tasks created in the command, and tasks removed (deleted rows);
#   * every unfinished task: predicted descendants store their data as a delta against their
#     parent, so they change whenever an open ancestor's data changes;
#   * tasks whose state changed, and the parents of all of the above (children lists, and
#     multi-instance or loop parents that merge child data without changing state).
# Finished tasks are otherwise immutable. Tests run with a check that the stored rows always
# reassemble into exactly SpiffWorkflow's own full serialization.

_FINISHED = TaskState.FINISHED_MASK


@dataclass
class TaskRow:
    task_id: str
    position: int
    body: str


@dataclass
class TreeTracker:
    """What is stored for one workflow: positions (parent-first order), parents, open tasks."""

    positions: dict[uuid.UUID, int]
    parents: dict[uuid.UUID, uuid.UUID | None]
    unfinished: set[uuid.UUID]
    next_position: int

    @classmethod
    def attach(cls, workflow: BpmnWorkflow, positions: dict[uuid.UUID, int]) -> TreeTracker:
        """Start tracking a workflow whose stored rows have these positions."""
        tasks = workflow.tasks
        tracker = cls(
            positions=positions,
            parents={task_id: task._parent for task_id, task in tasks.items()},
            unfinished={task_id for task_id, task in tasks.items() if not task.has_state(_FINISHED)},
            next_position=max(positions.values(), default=-1) + 1,
        )
        workflow.motcua_tracker = tracker
        return tracker


@dataclass
class StateChanges:
    meta: str
    upserts: list[TaskRow]
    deleted: list[str]


def _tracker(workflow: BpmnWorkflow) -> TreeTracker | None:
    return getattr(workflow, "motcua_tracker", None)


def _meta_document(workflow: BpmnWorkflow) -> str:
    s = serializer()
    converter = s.registry
    meta = {
        "typename": converter.typenames[BpmnWorkflow],
        "data": converter.convert(converter.clean(workflow.data)),
        "correlations": workflow.correlations,
        "last_task": str(workflow.last_task.id) if workflow.last_task is not None else None,
        "success": workflow.success,
        "completed": workflow.completed,
        "root": str(workflow.task_tree.id),
        "subprocesses": {str(k): converter.convert(v) for k, v in workflow.subprocesses.items()},
        "bpmn_events": converter.convert(workflow.bpmn_events),
        "serializer_version": s.VERSION,
        "format": STATE_FORMAT,
    }
    return json.dumps(meta, ensure_ascii=False, separators=(",", ":"), default=_json_default)


def _task_body(task: Any) -> str:
    return json.dumps(serializer().to_dict(task), ensure_ascii=False, separators=(",", ":"), default=_json_default)


def dump_new_workflow(workflow: BpmnWorkflow) -> StateChanges:
    """Every row of a workflow that has never been stored."""
    positions = {task_id: index for index, task_id in enumerate(workflow.tasks)}
    TreeTracker.attach(workflow, positions)
    rows = [TaskRow(str(task_id), positions[task_id], _task_body(task)) for task_id, task in workflow.tasks.items()]
    return StateChanges(_meta_document(workflow), rows, [])


def dump_changes(workflow: BpmnWorkflow, changed: set[uuid.UUID]) -> StateChanges:
    """The rows a command must write, given the ids of tasks whose state it changed."""
    tracker = _tracker(workflow)
    if tracker is None:
        return dump_new_workflow(workflow)
    tasks = workflow.tasks
    created = _created_in_order(tasks, tasks.keys() - tracker.positions.keys())
    removed = tracker.positions.keys() - tasks.keys()
    for task_id in created:  # dict order is creation order: parents first
        tracker.positions[task_id] = tracker.next_position
        tracker.parents[task_id] = tasks[task_id]._parent
        tracker.next_position += 1
    touched = set(changed) | set(created) | tracker.unfinished
    for task_id in list(touched) + list(removed):
        parent = tracker.parents.get(task_id)
        if parent is not None:
            touched.add(parent)
    for task_id in removed:
        del tracker.positions[task_id]
        tracker.parents.pop(task_id, None)
    touched -= removed
    touched &= tasks.keys()
    tracker.unfinished = {task_id for task_id in touched if not tasks[task_id].has_state(_FINISHED)}
    ordered = sorted(touched, key=tracker.positions.__getitem__)
    rows = [TaskRow(str(t), tracker.positions[t], _task_body(tasks[t])) for t in ordered]
    return StateChanges(_meta_document(workflow), rows, [str(t) for t in removed])


def _created_in_order(tasks: dict[uuid.UUID, Any], new_ids: set[uuid.UUID]) -> list[uuid.UUID]:
    # New tasks sit at the end of the (insertion-ordered) task map: walk it backwards.
    created: list[uuid.UUID] = []
    if new_ids:
        for task_id in reversed(tasks):
            if task_id in new_ids:
                created.append(task_id)
                if len(created) == len(new_ids):
                    break
    created.reverse()
    return created


def load_stored_workflow(
    meta: str, rows: list[tuple[str, int, str]], spec: BpmnProcessSpec, subprocess_specs: dict[str, BpmnProcessSpec]
) -> BpmnWorkflow:
    """Reassemble a workflow from its meta document and its task rows (any order)."""
    ordered = sorted(rows, key=lambda row: row[1])
    document = json.loads(meta)
    # One parse of all the bodies costs about half of one parse per body.
    bodies = json.loads("[" + ",".join(body for _, _, body in ordered) + "]")
    tasks = _TaskBodies((task_id, body) for (task_id, _, _), body in zip(ordered, bodies, strict=True))
    # A typed value (a BpmnEvent, a Decimal...) is stored as a dict with a "typename" key: a row whose
    # text names none but its own task's needs no restoring. A string holding the word is escaped
    # (\"typename\") and never matches; a data key of that name only sends the row the library's way.
    tasks.plain = frozenset(task_id for task_id, _, body in ordered if body.count('"typename"') == 1)
    document["tasks"] = tasks
    workflow = _restore(document, spec, subprocess_specs)
    restored = {str(task_id): task_id for task_id in workflow.tasks}
    TreeTracker.attach(workflow, {restored.get(task_id) or uuid.UUID(task_id): position
                                  for task_id, position, _ in ordered})
    return workflow


def _restore(dct: dict[str, Any], spec: BpmnProcessSpec, subprocess_specs: dict[str, BpmnProcessSpec]) -> BpmnWorkflow:
    s = serializer()
    version = dct.pop("serializer_version")
    dct.pop("format", None)
    if version != s.VERSION:
        dct["spec"] = s.to_dict(spec)
        dct["subprocess_specs"] = {k: s.to_dict(v) for k, v in subprocess_specs.items()}
        dct["serializer_version"] = version
        return s.deserialize_json(json.dumps(dct))
    dct["spec"] = spec
    dct["subprocess_specs"] = dict(subprocess_specs)
    return s.from_dict(dct)  # type: ignore[no-any-return]


def drop_detached_subprocesses(workflow: BpmnWorkflow) -> list[uuid.UUID]:
    """Forget the subprocesses whose call activity is no longer in the workflow, and return their ids.

    Cancelling a workflow drops the instances of a multi-instance call activity from the task tree,
    but SpiffWorkflow keeps their subprocesses; a stored workflow restores only the subprocesses
    attached to a task of the tree, so the workflow in memory must hold no others (or the next
    command would run on a state the database cannot give back).
    """
    attached = set(workflow.tasks)
    kept: set[uuid.UUID] = set()
    grew = True
    while grew:  # a subprocess is attached when its call activity is, at any depth
        grew = False
        for sp_id, subprocess in workflow.subprocesses.items():
            if sp_id not in kept and sp_id in attached:
                kept.add(sp_id)
                attached |= set(subprocess.tasks)
                grew = True
    detached = [sp_id for sp_id in workflow.subprocesses if sp_id not in kept]
    for sp_id in detached:
        del workflow.subprocesses[sp_id]
    return detached


def full_document(workflow: BpmnWorkflow) -> dict[str, Any]:
    """SpiffWorkflow's own serialization without the spec: the reference the rows must match.

    A delta's ``deletions`` list follows the key order of the parent's data, which a restore may
    change without changing the data; it is sorted so only real differences count.
    """
    return _sorted_deletions(json.loads(dump_workflow(workflow)))


def _sorted_deletions(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: sorted(v, key=str) if k == "deletions" and isinstance(v, list) else _sorted_deletions(v)
                for k, v in value.items()}
    if isinstance(value, list):
        return [_sorted_deletions(v) for v in value]
    return value
