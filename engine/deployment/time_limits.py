"""Deploy checks of ``time_limit_variants``: each condition is a safe expression, evaluated at
reception or at a step the diagrams contain, and ids are unique."""

from __future__ import annotations

import json
from typing import Any

from engine.deployment.diagram import Diagram
from engine.deployment.package import ProcedurePackage
from engine.errors import Problem
from engine.runtime.script_env import ScriptRejectedError, check_expression
from engine.runtime.time_limits import RECEPTION


def check_time_limit_variants(package: ProcedurePackage, metadata: dict[str, Any],
                              diagrams: list[Diagram]) -> list[Problem]:
    steps = {element_id for diagram in diagrams for element_id in diagram.elements}
    text = package.files.get("procedure.json", b"").decode("utf-8", "replace")
    problems, seen = [], set()
    for index, variant in enumerate(metadata.get("time_limit_variants", [])):
        where = f"time_limit_variants/{index}"
        line = _line_of(text, variant["when"])
        try:
            check_expression(variant["when"])
        except ScriptRejectedError as exc:
            problems.append(_problem(line, f"procedure.json, trường {where}/when: điều kiện bị từ chối: {exc}",
                                     f"procedure.json, field {where}/when: the condition is refused: {exc}"))
        at = variant.get("at", RECEPTION)
        if at != RECEPTION and at not in steps:
            problems.append(_problem(line, f"procedure.json, trường {where}/at: không có bước '{at}' trong sơ đồ",
                                     f"procedure.json, field {where}/at: the diagrams have no step '{at}'"))
        if variant["id"] in seen:
            problems.append(_problem(line, f"procedure.json, trường {where}/id: '{variant['id']}' bị trùng",
                                     f"procedure.json, field {where}/id: '{variant['id']}' is repeated"))
        seen.add(variant["id"])
    return problems


def _line_of(text: str, condition: str) -> int | None:
    """The line of ``procedure.json`` holding the condition, as JSON writes it."""
    encoded = json.dumps(condition, ensure_ascii=False)
    for number, line in enumerate(text.splitlines(), start=1):
        if encoded in line or json.dumps(condition) in line:
            return number
    return None


def _problem(line: int | None, vi: str, en: str) -> Problem:
    return Problem(file="procedure.json", rule="procedure", line=line, message=vi, message_en=en)
