"""Which variables a condition reads that nothing before it writes.

A gateway condition on a name that no form, script, start data or message produces fails only when
a dossier reaches it; finding it at deploy saves a stuck dossier. "Before" is every element from
which the condition's gateway can be reached, with the whole content of subprocesses and called
processes among them. It is a warning: a name can also come from where this reading cannot see.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from typing import Any

from lxml import etree

from engine.deployment.diagram import NS, Diagram, DiagramElement
from engine.errors import Problem
from engine.runtime.script_env import SAFE_FUNCTIONS

# What the engine puts into the start data besides the start form (engine/runtime/dossiers.py).
START_DATA = frozenset({"dossier_code", "received_at", "channel"})
# Helpers the condition sandbox offers besides SAFE_FUNCTIONS (engine/runtime/diagram_helpers.py).
CALENDAR_HELPERS = frozenset({"add_working_days", "add_working_hours", "is_working_day"})
SCHEMA_BRANCHES = ("allOf", "anyOf", "oneOf")
SPIFF = "{http://spiffworkflow.org/bpmn/schema/1.0/core}"


def form_fields(schema: Any) -> set[str]:
    """Top-level field names a form can submit, including those of its allOf/anyOf/oneOf/if branches."""
    if not isinstance(schema, dict):
        return set()
    names = set((schema.get("properties") or {}).keys()) if isinstance(schema.get("properties"), dict) else set()
    for key in SCHEMA_BRANCHES:
        for branch in schema.get(key) or []:
            names |= form_fields(branch)
    for key in ("then", "else"):
        names |= form_fields(schema.get(key))
    return names


def _assigned_names(script: str) -> set[str]:
    try:
        tree = ast.parse(script)
    except SyntaxError:
        return set()  # the sandbox check reports it
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)}


def read_names(expression: str) -> set[str]:
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError:
        return set()
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}


def _element_writes(element: DiagramElement, forms: dict[str, Any]) -> set[str]:
    node = element.node
    if node is None:
        return set()
    written: set[str] = set()
    form = element.properties.get("formJsonSchemaFilename")
    if form:
        written |= form_fields(forms.get(form))
    if element.tag == "startEvent" and node.getparent() is not None and node.getparent().tag.endswith("process"):
        written |= START_DATA
    for script in _scripts(node):
        written |= _assigned_names(script)
    for child in node.iter():
        if not isinstance(child.tag, str):
            continue
        if child.tag in (f"{SPIFF}messageVariable",) and (child.text or "").strip():
            written.add((child.text or "").strip())
        if child.tag.endswith(("}outputDataItem", "}inputDataItem", "}loopDataOutputRef")):
            name = child.get("name") or child.get("id") or (child.text or "").strip()
            if name:
                written.add(name)
        if child.tag.endswith("}dataOutput") and child.get("name"):
            written.add(child.get("name", ""))
    return written


def _scripts(node: etree._Element) -> Iterator[str]:
    for child in node:
        if not isinstance(child.tag, str):
            continue
        if child.tag.endswith("}script"):
            yield child.text or ""
        if child.tag.endswith("}extensionElements"):
            for tag in ("preScript", "postScript"):
                for script in child.iterfind(f"spiffworkflow:{tag}", NS):
                    yield script.text or ""


def _upstream(diagrams: list[Diagram], start: str) -> set[str]:
    """Element ids from which ``start`` can be reached, subprocess and called content included."""
    incoming: dict[str, list[str]] = {}
    elements = {eid: e for d in diagrams for eid, e in d.elements.items()}
    for diagram in diagrams:
        for flow in diagram.flows:
            incoming.setdefault(flow.get("targetRef", ""), []).append(flow.get("sourceRef", ""))
    by_process: dict[str, list[str]] = {}
    for eid, element in elements.items():
        by_process.setdefault(element.process_id, []).append(eid)
    seen: set[str] = set()
    frontier = [start]
    while frontier:
        current = frontier.pop()
        if current in seen or current not in elements:
            continue
        seen.add(current)
        element = elements[current]
        frontier += incoming.get(current, [])
        frontier += list(_containers_and_contents(element, by_process))
    # Event subprocesses may run at any time the process runs.
    seen |= {eid for eid, e in elements.items() if e.node is not None and e.node.get("triggeredByEvent") == "true"}
    return seen


def _containers_and_contents(element: DiagramElement, by_process: dict[str, list[str]]) -> Iterable[str]:
    node = element.node
    if node is None:
        return []
    related: list[str] = []
    if element.tag == "boundaryEvent" and node.get("attachedToRef"):
        related.append(node.get("attachedToRef", ""))
    parent = node.getparent()
    if parent is not None and parent.get("id") and parent.tag.endswith(("}subProcess", "}transaction")):
        related.append(parent.get("id", ""))  # a step inside a subprocess comes after what precedes it
    if element.tag in ("subProcess", "transaction"):
        related += [c.get("id", "") for c in node.iter() if isinstance(c.tag, str) and c.get("id")]
    if element.tag == "callActivity" and node.get("calledElement"):
        related += by_process.get(node.get("calledElement", ""), [])
    return related


def check_unwritten_variables(diagrams: list[Diagram], forms: dict[str, Any]) -> list[Problem]:
    """Warn about each name a condition reads that no element before the condition writes."""
    problems = []
    elements = {eid: e for d in diagrams for eid, e in d.elements.items()}
    writes = {eid: _element_writes(e, forms) for eid, e in elements.items()}
    helpers = set(SAFE_FUNCTIONS) | CALENDAR_HELPERS
    for diagram in diagrams:
        flows = {flow.get("id"): flow for flow in diagram.flows}
        for fragment in diagram.code:
            if fragment.kind != "condition" or fragment.element_id not in flows:
                continue
            source = flows[fragment.element_id].get("sourceRef", "")
            written = set().union(*(writes.get(eid, set()) for eid in _upstream(diagrams, source)))
            for name in sorted(read_names(fragment.text) - written - helpers):
                problems.append(Problem(
                    file=diagram.filename, line=fragment.line, element_id=fragment.element_id,
                    rule="variable", severity="warning",
                    message=f"Điều kiện đọc biến '{name}' mà không biểu mẫu, kịch bản hay dữ liệu ban đầu "
                            "nào trước đó ghi",
                    message_en=f"The condition reads '{name}', which no form, script or start data before "
                               "it writes"))
    return problems
