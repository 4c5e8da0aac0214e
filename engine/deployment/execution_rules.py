"""Elements the engine cannot run as drawn are refused at deploy, at their file, line and element.

SpiffWorkflow parses service tasks and business-rule tasks, but running them needs a connector or
a decision table this engine does not have: deployed, the first dossier to reach one fails. A call
activity that calls its own process, directly or through others, builds an endless tree when the
dossier starts. Everything else SpiffWorkflow executes runs here as it does there (a plain
``bpmn:task`` is a human step, like a user task).
"""

from __future__ import annotations

from collections.abc import Iterable

from engine.deployment.diagram import Diagram, DiagramElement
from engine.errors import Problem

RULE = "execution"
# Element types nothing in this engine can run, with what the analyst should draw instead.
UNRUNNABLE = {
    "serviceTask": ("nhiệm vụ dịch vụ (serviceTask)", "a service task"),
    "businessRuleTask": ("nhiệm vụ quy tắc nghiệp vụ (businessRuleTask)", "a business-rule task"),
}


def check_execution(diagrams: Iterable[Diagram]) -> list[Problem]:
    """Located problems for every element that would not run as drawn."""
    diagrams = list(diagrams)
    return _unrunnable_tasks(diagrams) + _recursive_calls(diagrams)


def _problem(diagram: Diagram, element: DiagramElement, vi: str, en: str) -> Problem:
    return Problem(file=diagram.filename, line=element.line, element_id=element.id, rule=RULE, message=vi,
                   message_en=en)


def _unrunnable_tasks(diagrams: list[Diagram]) -> list[Problem]:
    problems = []
    for diagram in diagrams:
        for element in diagram.elements.values():
            if element.tag in UNRUNNABLE:
                vi, en = UNRUNNABLE[element.tag]
                problems.append(_problem(
                    diagram, element,
                    f"Bước '{element.id}' là {vi}: hệ thống không có cách thực thi loại bước này; hãy vẽ "
                    "thành nhiệm vụ kịch bản (scriptTask) hoặc bước do cán bộ xử lý (userTask)",
                    f"Step '{element.id}' is {en}: this engine has no way to run it; draw it as a script "
                    "task or as a step for an official (userTask)"))
    return problems


def _recursive_calls(diagrams: list[Diagram]) -> list[Problem]:
    """Call activities on a cycle of the graph "process calls process" (a process calling itself
    is the shortest cycle)."""
    calls: list[tuple[Diagram, DiagramElement, str]] = []
    for diagram in diagrams:
        for element in diagram.elements.values():
            called = element.node.get("calledElement") if element.node is not None else None
            if element.tag == "callActivity" and called:
                calls.append((diagram, element, called))
    graph: dict[str, set[str]] = {}
    for _, element, called in calls:
        graph.setdefault(element.process_id, set()).add(called)
    problems = []
    for diagram, element, called in calls:
        cycle = _path(graph, called, element.process_id)
        if cycle is not None:
            chain = " → ".join([element.process_id, *cycle])
            problems.append(_problem(
                diagram, element,
                f"Hoạt động gọi '{element.id}' gọi lại chính quy trình của nó ({chain}): hồ sơ sẽ không bao giờ "
                "dừng; hãy dùng vòng lặp thay cho lời gọi đệ quy",
                f"Call activity '{element.id}' calls its own process again ({chain}): a dossier would never "
                "stop; use a loop instead of a recursive call"))
    return problems


def _path(graph: dict[str, set[str]], start: str, goal: str) -> list[str] | None:
    """The processes from ``start`` to ``goal`` following calls (both included), or None."""
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    seen: set[str] = set()
    while stack:
        process, path = stack.pop()
        if process == goal:
            return path
        if process in seen:
            continue
        seen.add(process)
        stack.extend((called, [*path, called]) for called in sorted(graph.get(process, ())))
    return None
