"""Rules a diagram must satisfy beyond the BPMN schema, each returning located problems.

They read the XML (lxml), so they also run on diagrams SpiffWorkflow cannot parse, and every
problem names the file, line and element an analyst has to fix.
"""

from __future__ import annotations

import ast
import keyword
import re
from collections.abc import Callable, Iterable

from lxml import etree

from engine.deployment.diagram import BPMN, NS, Diagram, DiagramElement
from engine.deployment.execution_rules import check_execution
from engine.deployment.vocabulary import PROPERTIES
from engine.errors import Problem
from engine.runtime.script_env import ScriptRejectedError, check_expression, compile_script

DECIDING_GATEWAYS = ("exclusiveGateway", "inclusiveGateway")
MESSAGE_RECEIVERS = ("receiveTask", "startEvent", "intermediateCatchEvent", "boundaryEvent", "participant",
                     "userTask", "task", "manualTask", "serviceTask", "subProcess", "callActivity")
ISO_DURATION = re.compile(r"^R?\d*/?P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$")


def _problem(diagram: Diagram, rule: str, line: int | None, element_id: str | None, vi: str, en: str,
             severity: str = "error") -> Problem:
    return Problem(file=diagram.filename, line=line, element_id=element_id, rule=rule, severity=severity,
                   message=vi, message_en=en)


def check_executable(diagram: Diagram) -> list[Problem]:
    """At least one process is marked executable; the engine runs nothing else."""
    if any(diagram.processes.values()):
        return []
    processes = list(diagram.tree.getroot().iterfind(".//bpmn:process", NS))
    if not processes:
        return [_problem(diagram, "executable", 1, None, "Tệp không có quy trình (bpmn:process) nào",
                         "The file contains no process (bpmn:process)")]
    return [
        _problem(diagram, "executable", p.sourceline, p.get("id"),
                 f"Quy trình '{p.get('id')}' không được đánh dấu thực thi (isExecutable=\"true\")",
                 f"Process '{p.get('id')}' is not marked executable (isExecutable=\"true\")")
        for p in processes
    ]


def check_code(diagram: Diagram) -> list[Problem]:
    """Every script compiles under RestrictedPython; every condition and timer is a safe expression."""
    problems = []
    kinds = {"script": ("Kịch bản", "script"), "condition": ("Điều kiện", "condition"),
             "timer": ("Biểu thức hẹn giờ", "timer expression")}
    for fragment in diagram.code:
        try:
            if fragment.kind == "script":
                compile_script(fragment.text)
            else:
                check_expression(fragment.text)
        except ScriptRejectedError as exc:
            vi, en = kinds[fragment.kind]
            detail_vi, detail_en = _sandbox_detail(fragment.text, fragment.kind, str(exc))
            problems.append(_problem(diagram, "sandbox", fragment.line, fragment.element_id,
                                     f"{vi} bị từ chối bởi môi trường an toàn: {detail_vi}",
                                     f"The {en} is refused by the sandbox: {detail_en}"))
    return problems


def _sandbox_detail(text: str, kind: str, detail: str) -> tuple[str, str]:
    """The sandbox's reason in each language alone: the sandbox words it in Vietnamese (its own
    checks) or in English (RestrictedPython's), so the other language is rebuilt from what it names."""
    try:
        ast.parse(text.strip() if kind != "script" else text, mode="exec" if kind == "script" else "eval")
    except SyntaxError as exc:
        if not exc.lineno:
            return "cú pháp không hợp lệ", f"invalid syntax ({exc.msg})"
        return (f"cú pháp không hợp lệ ở dòng {exc.lineno}, cột {exc.offset}",
                f"invalid syntax at line {exc.lineno}, column {exc.offset} ({exc.msg})")
    line = re.match(r"^Line (\d+):\s*", detail)
    body = detail[line.end():] if line else detail
    # What the reason names: quoted names, "import", and Python node kinds (ListComp, Lambda, ...).
    named = re.findall(r"['\"]([^'\"]+)['\"]", body) + [
        word for word in re.findall(r"[A-Za-z_]+\*?", body)
        if keyword.iskeyword(word.rstrip("*")) or re.fullmatch(r"[A-Z][a-z]+[A-Z][A-Za-z]*|Lambda", word)]
    names = ", ".join(dict.fromkeys(named))
    at_vi, at_en = (f"dòng {line.group(1)}: ", f"line {line.group(1)}: ") if line else ("", "")
    if body.isascii():
        return f"{at_vi}dùng điều không được phép" + (f" ({names})" if names else ""), f"{at_en}{body}"
    return f"{at_vi}{body}", f"{at_en}uses what is not allowed" + (f" ({names})" if names else "")


def check_timers(diagram: Diagram) -> list[Problem]:
    """Timer texts are Python expressions: a literal must be a quoted ISO 8601 date, duration or cycle."""
    problems = []
    for fragment in diagram.code:
        if fragment.kind != "timer":
            continue
        text = fragment.text.strip()
        if not text:
            problems.append(_problem(diagram, "timer", fragment.line, fragment.element_id,
                                     "Biểu thức hẹn giờ bị để trống", "The timer expression is empty"))
            continue
        try:
            tree = ast.parse(text, mode="eval")
        except SyntaxError:
            quoted = bool(ISO_DURATION.match(text))
            hint_vi = f' (viết "{text}" trong dấu nháy)' if quoted else ""
            hint_en = f' (write "{text}" in quotes)' if quoted else ""
            problems.append(_problem(
                diagram, "timer", fragment.line, fragment.element_id,
                f"Biểu thức hẹn giờ '{text}' không phải biểu thức hợp lệ{hint_vi}",
                f"Timer expression '{text}' is not a valid expression{hint_en}"))
            continue
        if isinstance(tree.body, ast.Name) and ISO_DURATION.match(tree.body.id):
            # PT4H parses as a variable name and would fail only when the timer starts.
            problems.append(_problem(
                diagram, "timer", fragment.line, fragment.element_id,
                f'Biểu thức hẹn giờ {text} là tên biến, không phải khoảng thời gian: viết "{text}" trong dấu nháy',
                f'Timer expression {text} is a variable name, not a duration: write "{text}" in quotes'))
        elif isinstance(tree.body, ast.Constant) and isinstance(tree.body.value, str):
            if not _is_iso_timer(tree.body.value):
                problems.append(_problem(
                    diagram, "timer", fragment.line, fragment.element_id,
                    f"'{tree.body.value}' không phải thời điểm, khoảng thời gian hay chu kỳ ISO 8601",
                    f"'{tree.body.value}' is not an ISO 8601 date, duration or cycle"))
    return problems


def _is_iso_timer(value: str) -> bool:
    from datetime import datetime

    if ISO_DURATION.match(value):
        return True
    try:
        datetime.fromisoformat(value)
        return True
    except ValueError:
        return False


def check_structure(diagrams: list[Diagram]) -> list[Problem]:
    """Flows connect existing nodes; call activities call a process the package contains."""
    problems = []
    known = {element_id for d in diagrams for element_id in d.elements}
    processes = {process_id for d in diagrams for process_id in d.processes}
    for diagram in diagrams:
        for flow in diagram.flows:
            for end in ("sourceRef", "targetRef"):
                ref = flow.get(end)
                if ref not in known:
                    problems.append(_problem(
                        diagram, "structure", flow.sourceline, flow.get("id"),
                        f"Luồng {flow.get('id')} trỏ tới phần tử không tồn tại '{ref}' ({end})",
                        f"Sequence flow {flow.get('id')} points at a missing element '{ref}' ({end})"))
        for element in diagram.elements.values():
            if element.tag == "callActivity" and element.node is not None:
                called = element.node.get("calledElement")
                if called not in processes:
                    problems.append(_problem(
                        diagram, "structure", element.line, element.id,
                        f"Hoạt động gọi '{element.id}' gọi quy trình '{called}' không có trong gói triển khai",
                        f"Call activity '{element.id}' calls process '{called}', which is not in the package"))
    return problems


def check_gateways(diagram: Diagram) -> list[Problem]:
    """A deciding gateway's outgoing flows each carry a condition, or are its default."""
    problems = []
    outgoing = _outgoing(diagram)
    for element in diagram.elements.values():
        if element.tag not in DECIDING_GATEWAYS or element.node is None:
            continue
        flows = outgoing.get(element.id, [])
        if len(flows) < 2:
            continue
        default = element.node.get("default")
        for flow in flows:
            has_condition = flow.find("bpmn:conditionExpression", NS) is not None and (
                flow.findtext("bpmn:conditionExpression", namespaces=NS) or "").strip()
            if not has_condition and flow.get("id") != default:
                problems.append(_problem(
                    diagram, "gateway", flow.sourceline, flow.get("id"),
                    f"Nhánh {flow.get('id')} của cổng '{element.name or element.id}' không có điều kiện "
                    "và không phải nhánh mặc định",
                    f"Branch {flow.get('id')} of gateway '{element.name or element.id}' has no condition "
                    "and is not the default"))
    return problems


def _outgoing(diagram: Diagram) -> dict[str, list[etree._Element]]:
    result: dict[str, list[etree._Element]] = {}
    for flow in diagram.flows:
        result.setdefault(flow.get("sourceRef", ""), []).append(flow)
    return result


def check_reachability(diagram: Diagram) -> list[Problem]:
    """Every flow node can be reached from a start event of its process (or its subprocess)."""
    outgoing = _outgoing(diagram)
    attached: dict[str, list[str]] = {}
    for element in diagram.elements.values():
        if element.tag == "boundaryEvent" and element.node is not None:
            attached.setdefault(element.node.get("attachedToRef", ""), []).append(element.id)
    reached: set[str] = set()
    frontier = [e.id for e in diagram.elements.values() if _is_entry(e)]
    while frontier:
        current = frontier.pop()
        if current in reached:
            continue
        reached.add(current)
        frontier += [f.get("targetRef", "") for f in outgoing.get(current, [])]
        frontier += attached.get(current, [])
        container = diagram.elements.get(current)
        if container is not None and container.tag in ("subProcess", "transaction") and container.node is not None:
            frontier += [child.get("id", "") for child in container.node if _local(child) == "startEvent"]
    return [
        _problem(diagram, "reachability", e.line, e.id,
                 f"Không thể đi tới phần tử '{e.name or e.id}' từ sự kiện bắt đầu nào",
                 f"Element '{e.name or e.id}' cannot be reached from any start event", severity="error")
        for e in diagram.elements.values()
        if e.id not in reached and diagram.processes.get(e.process_id)
    ]


def _is_entry(element: DiagramElement) -> bool:
    """Start events of a process (not of a nested subprocess), and anything with no incoming flow
    that SpiffWorkflow would start on its own (event subprocesses)."""
    if element.node is None:
        return False
    parent = element.node.getparent()
    if element.tag == "startEvent" and parent is not None and _local(parent) == "process":
        return True
    if element.tag == "subProcess" and element.node.get("triggeredByEvent") == "true":
        return True
    return False


def _local(node: etree._Element) -> str:
    return node.tag[len(BPMN):] if isinstance(node.tag, str) and node.tag.startswith(BPMN) else ""


def check_message_flows(diagram: Diagram) -> list[Problem]:
    """Every message flow ends at something that can receive a message."""
    problems = []
    root = diagram.tree.getroot()
    ids = {node.get("id"): node for node in root.iter() if isinstance(node.tag, str) and node.get("id")}
    for flow in root.iterfind(".//bpmn:messageFlow", NS):
        target = ids.get(flow.get("targetRef"))
        if target is None:
            problems.append(_problem(diagram, "message", flow.sourceline, flow.get("id"),
                                     f"Luồng thông điệp {flow.get('id')} không có nơi nhận ('{flow.get('targetRef')}')",
                                     f"Message flow {flow.get('id')} has no receiver ('{flow.get('targetRef')}')"))
        elif _local(target) not in MESSAGE_RECEIVERS:
            problems.append(_problem(diagram, "message", flow.sourceline, flow.get("id"),
                                     f"Luồng thông điệp {flow.get('id')} kết thúc ở '{target.get('id')}', "
                                     "phần tử không nhận được thông điệp",
                                     f"Message flow {flow.get('id')} ends at '{target.get('id')}', "
                                     "which cannot receive a message"))
    return problems


def check_properties(diagram: Diagram) -> list[Problem]:
    """Every extension property is a declared one, on an element it belongs on, with an allowed value."""
    problems = []
    for element in diagram.elements.values():
        if element.node is None:
            continue
        for prop in element.node.iterfind(
                "bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NS):
            name, value = prop.get("name", ""), prop.get("value", "")
            spec = PROPERTIES.get(name)
            line = prop.sourceline
            if spec is None:
                known = ", ".join(PROPERTIES)
                problems.append(_problem(
                    diagram, "property", line, element.id,
                    f"Thuộc tính '{name}' không được khai báo; các thuộc tính được dùng: {known}",
                    f"Property '{name}' is not declared; the declared properties are: {known}"))
            elif element.tag not in spec.on:
                places = ", ".join(sorted(spec.on))
                problems.append(_problem(
                    diagram, "property", line, element.id,
                    f"Thuộc tính '{name}' không dùng được trên {element.tag}; chỉ trên: {places}",
                    f"Property '{name}' does not belong on a {element.tag}; only on: {places}"))
            elif not spec.allows(value):
                problems.append(_problem(
                    diagram, "property", line, element.id,
                    f"Giá trị '{value}' của thuộc tính '{name}' không hợp lệ; cần: {spec.expected('vi')}",
                    f"Value '{value}' of property '{name}' is not allowed; expected: {spec.expected('en')}"))
    return problems


def check_dead_ends(diagram: Diagram) -> list[Problem]:
    """Every flow node but an end event has a way out; a token stuck there would end the dossier
    without a result."""
    outgoing = _outgoing(diagram)
    return [
        _problem(diagram, "dead_end", e.line, e.id,
                 f"Phần tử '{e.name or e.id}' không có luồng đi ra: hồ sơ sẽ dừng ở đây mà không có kết quả",
                 f"Element '{e.name or e.id}' has no outgoing flow: the dossier would stop here with no result")
        for e in diagram.elements.values()
        if e.id not in outgoing and diagram.processes.get(e.process_id) and _needs_way_out(e)
    ]


def _needs_way_out(element: DiagramElement) -> bool:
    node = element.node
    if node is None or element.tag == "endEvent":
        return False
    if node.get("isForCompensation") == "true" or node.get("triggeredByEvent") == "true":
        return False  # compensation handlers and event subprocesses are entered without flows
    # A link throw continues at its catch; a compensation boundary event points by association.
    return element.event not in ("link", "compensate")


DIAGRAM_RULES: tuple[Callable[[Diagram], list[Problem]], ...] = (
    check_executable, check_code, check_timers, check_gateways, check_reachability, check_message_flows,
    check_properties, check_dead_ends,
)


def check_diagrams(diagrams: Iterable[Diagram]) -> list[Problem]:
    diagrams = list(diagrams)
    problems = check_structure(diagrams) + check_execution(diagrams)
    for diagram in diagrams:
        for rule in DIAGRAM_RULES:
            problems += rule(diagram)
    return problems
