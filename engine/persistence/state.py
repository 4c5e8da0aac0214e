"""Dump and load workflow state: the only module that knows SpiffWorkflow's serializer.

The spec (diagram) is serialized once per ProcedureVersion; a dossier's state holds only its task
tree. Loading reuses the already-built spec objects of the version, which skips the largest part
of SpiffWorkflow's deserialization cost.
"""

from __future__ import annotations

import json
import sys
import threading
from collections import OrderedDict
from datetime import date
from decimal import Decimal
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.util.task import BpmnTaskIterator
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskIterator

# SpiffWorkflow's task iterators stop at depth 1000, and each round of a modelled loop adds
# about three levels: after ~333 supplementation rounds a READY task becomes invisible and the
# workflow reports itself complete (spiffworkflow-3.2 brief §0.2). Parallel joins recurse per
# level, so the interpreter's recursion limit is raised with it.
MAX_TREE_DEPTH = 100_000
TaskIterator.__init__.__defaults__ = (None, MAX_TREE_DEPTH, True, None)
BpmnTaskIterator.__init__.__defaults__ = (None, MAX_TREE_DEPTH, True, False, None)
sys.setrecursionlimit(max(sys.getrecursionlimit(), 20_000))

STATE_FORMAT = "motcua-state-1"


class _SharedSpecWorkflowConverter(BpmnWorkflowConverter):
    """Accepts already-built spec objects in place of their dicts when restoring."""

    def from_dict(self, dct: dict[str, Any]) -> BpmnWorkflow:
        spec = dct.get("spec")
        if isinstance(spec, BpmnProcessSpec):
            dct["spec"] = _SpecPassThrough(spec)
            dct["subprocess_specs"] = {k: _SpecPassThrough(v) for k, v in dct["subprocess_specs"].items()}
        return super().from_dict(dct)  # type: ignore[no-any-return]


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
    s = serializer()
    dct = json.loads(state)
    version = dct.pop("serializer_version")
    dct.pop("format", None)
    if version != s.VERSION:
        # An older blob: let the library migrate it with full spec dicts, as it expects.
        dct["spec"] = s.to_dict(spec)
        dct["subprocess_specs"] = {k: s.to_dict(v) for k, v in subprocess_specs.items()}
        dct["serializer_version"] = version
        return s.deserialize_json(json.dumps(dct))
    dct["spec"] = spec
    dct["subprocess_specs"] = dict(subprocess_specs)
    return s.from_dict(dct)  # type: ignore[no-any-return]


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

    def discard(self, dossier_id: int) -> None:
        with self._lock:
            self._entries.pop(dossier_id, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
