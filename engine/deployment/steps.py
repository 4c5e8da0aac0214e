"""Checks of a diagram against the rest of its package: lanes bound in procedure.json, forms that
exist under the name the diagram gives, decisions that name a form field, results with a name."""

from __future__ import annotations

from typing import Any

from engine.deployment.dataflow import form_fields
from engine.deployment.diagram import HUMAN_TAGS, Diagram, DiagramElement
from engine.errors import Problem


def _problem(diagram: Diagram, element: DiagramElement, vi: str, en: str, rule: str = "step") -> Problem:
    return Problem(file=diagram.filename, line=element.line, element_id=element.id, rule=rule,
                   message=vi, message_en=en)


def check_steps(diagram: Diagram, lanes: dict[str, Any] | None, forms: dict[str, Any],
                broken_forms: set[str]) -> list[Problem]:
    """Human steps sit in a bound lane and name a form that exists; ``lanes`` None skips the lanes
    (procedure.json could not be read, which is reported on its own)."""
    problems = []
    for element in diagram.elements.values():
        form = element.properties.get("formJsonSchemaFilename")
        if element.tag in HUMAN_TAGS:
            problems += _lane_problems(diagram, element, lanes)
            if not form:
                problems.append(_problem(diagram, element, "Bước xử lý chưa khai báo biểu mẫu (formJsonSchemaFilename)",
                                         "The step names no form (formJsonSchemaFilename)"))
        if form and form not in forms and form not in broken_forms:
            problems.append(_missing_form(diagram, element, form, forms))
        decision = element.properties.get("decisionField")
        if decision and form in forms and decision not in form_fields(forms[form]):
            problems.append(_problem(
                diagram, element, f"Trường quyết định '{decision}' không có trong biểu mẫu forms/{form}",
                f"Decision field '{decision}' is not a field of the form forms/{form}", rule="property"))
    return problems


def _lane_problems(diagram: Diagram, element: DiagramElement, lanes: dict[str, Any] | None) -> list[Problem]:
    if element.lane is None:
        return [_problem(diagram, element, "Bước xử lý không nằm trong làn (lane) nào", "The step is not in any lane")]
    if lanes is not None and element.lane not in lanes:
        return [_problem(diagram, element,
                         f"Làn '{element.lane}' chưa được gán đơn vị và vai trò trong procedure.json",
                         f"Lane '{element.lane}' is not bound to a department and role in procedure.json")]
    return []


def _missing_form(diagram: Diagram, element: DiagramElement, form: str, forms: dict[str, Any]) -> Problem:
    near = next((name for name in forms if name.casefold() == form.casefold()), None)
    hint_vi = f" (có tệp '{near}': tên phải khớp đúng từng chữ hoa, chữ thường)" if near else ""
    hint_en = f" (there is '{near}': the name must match exactly, case included)" if near else ""
    return _problem(diagram, element, f"Không tìm thấy biểu mẫu forms/{form}{hint_vi}",
                    f"Form forms/{form} does not exist{hint_en}")


def check_result_ends(diagram: Diagram) -> list[Problem]:
    """End events of a pool the dossier runs in carry the dossier's result: they need a name."""
    problems = []
    for element in diagram.elements.values():
        parent = element.node.getparent() if element.node is not None else None
        in_pool = parent is not None and parent.tag.endswith("}process")
        if element.tag == "endEvent" and in_pool and diagram.processes.get(element.process_id) \
                and not (element.name or "").strip():
            problems.append(_problem(
                diagram, element, "Sự kiện kết thúc chưa có tên: tên này là kết quả hồ sơ mà công dân thấy",
                "The end event has no name: the name is the dossier's result the citizen sees", rule="result"))
    return problems
