"""The extension properties the engine reads from a diagram: where each may stand and what it may say.

This table is the single declaration: the validator checks diagrams against it and the reference
page (bpmn/README.md) lists the same names and values, which a test keeps in step.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from engine.calendar.deadlines import TimeLimit

HUMAN_STEPS = frozenset({"userTask", "manualTask", "task"})
FORM_FILE = re.compile(r"^[A-Za-z0-9_.-]+\.schema\.json$")
FIELD_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def _is_step_duration(value: str) -> bool:
    # The engine turns the text into a deadline with this same parser, so they cannot disagree.
    try:
        TimeLimit.from_iso_duration(value)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class PropertySpec:
    """One declared property: the elements it belongs on and the values it accepts."""

    name: str
    on: frozenset[str]
    meaning_vi: str
    meaning_en: str
    values: tuple[str, ...] = ()  # a closed vocabulary; empty when ``accepts`` decides
    accepts: Callable[[str], bool] | None = None
    format_vi: str = ""
    format_en: str = ""

    def allows(self, value: str) -> bool:
        if self.values:
            return value in self.values
        if self.accepts is not None:
            return self.accepts(value)
        return bool(value.strip())

    def expected(self, language: str) -> str:
        if self.values:
            return ", ".join(self.values)
        if language == "vi":
            return self.format_vi or "một đoạn văn bản không rỗng"
        return self.format_en or "a non-empty text"


STAGES = ("receive", "appraise", "consult", "approve", "pay", "return")
CLOCKS = ("supplement", "payment")
OUTCOMES = ("issued", "refused")

PROPERTIES: dict[str, PropertySpec] = {
    spec.name: spec
    for spec in (
        PropertySpec(
            "formJsonSchemaFilename", frozenset({"startEvent"}) | HUMAN_STEPS,
            "tệp biểu mẫu trong forms/ kiểm tra dữ liệu nộp ở bước này",
            "the file under forms/ that validates the data submitted at this step",
            accepts=lambda v: bool(FORM_FILE.match(v)),
            format_vi="tên tệp dạng <tên>.schema.json", format_en="a file name <name>.schema.json"),
        PropertySpec(
            "stage", HUMAN_STEPS, "giai đoạn xử lý, dùng để lọc hộp việc",
            "the stage of handling, used to filter the inbox", values=STAGES),
        PropertySpec(
            "allottedTime", HUMAN_STEPS, "thời gian được giao cho bước",
            "the time allotted to the step", accepts=_is_step_duration,
            format_vi="P<n>D (ngày làm việc) hoặc PT<n>H / PT<n>M (giờ, phút làm việc), ví dụ P2D, PT4H",
            format_en="P<n>D (working days) or PT<n>H / PT<n>M (working hours, minutes), e.g. P2D, PT4H"),
        PropertySpec(
            "statusText", HUMAN_STEPS, "điều công dân thấy khi hồ sơ chờ ở bước này",
            "what the citizen sees while the dossier waits at this step"),
        PropertySpec(
            "clock", HUMAN_STEPS,
            "thời gian của công dân: đồng hồ pháp lý dừng khi bước mở và hạn lùi theo thời gian đã dừng",
            "the citizen's time: the legal clock stops while the step is open and the due time moves",
            values=CLOCKS),
        PropertySpec(
            "decisionField", HUMAN_STEPS,
            "trường của biểu mẫu chứa quyết định của bước; được ghi vào lịch sử là quyết định",
            "the form field holding the step's decision; the history records it as the decision",
            accepts=lambda v: bool(FIELD_NAME.match(v)),
            format_vi="tên một trường của biểu mẫu của bước", format_en="the name of a field of the step's form"),
        PropertySpec(
            "outcome", frozenset({"endEvent"}),
            "kết quả của hồ sơ khi kết thúc ở đây: issued (trả kết quả) hoặc refused (từ chối)",
            "the dossier's result when it ends here: issued (result issued) or refused", values=OUTCOMES),
    )
}
