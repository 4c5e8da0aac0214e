"""What a form field means to the engine, declared in the form: ``"x-motcua-role": "<role>"``.

Slips and the legal clock need to know which field lists the missing documents or holds the
grounds of a refusal. They read it from this declaration, never from the field's name, so an
analyst may name fields freely. A role not listed here is refused when the procedure is deployed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

ROLE_KEY = "x-motcua-role"

ROLES: dict[str, tuple[str, str]] = {
    "missing_documents": ("các giấy tờ công dân phải bổ sung (phiếu yêu cầu bổ sung, lý do dừng đồng hồ)",
                          "the documents the citizen must add (supplementation slip, reason the clock stops)"),
    "supplement_reason": ("lý do yêu cầu bổ sung, hoàn thiện hồ sơ", "why the dossier must be supplemented"),
    "refusal_grounds": ("lý do từ chối in trên phiếu từ chối (Mẫu 03)", "the grounds printed on the refusal slip"),
    "opinion": ("ý kiến của bước; dùng khi không có lý do riêng", "the step's opinion; used when no reason of its own"),
    "recipient_name": ("người nhận kết quả", "who received the result"),
    "result_delivery": ("cách công dân muốn nhận kết quả", "how the applicant wants to receive the result"),
    "delivery_channel": ("cách kết quả đã được trả", "how the result was handed over"),
    "public_answer": ("câu trả lời gửi người nộp, hiển thị trên trang tra cứu hồ sơ (ví dụ: trả lời phản ánh)",
                      "the answer to the applicant, shown on the public lookup page (e.g. the answer to feedback)"),
    "locality": ("mã xã, phường (đơn vị UBND) nơi cư trú của người nộp, khi thủ tục giải quyết theo nơi cư trú",
                 "the code of the applicant's commune or ward (its People's Committee unit), for procedures "
                 "handled where the applicant lives"),
}


def roles_of(schema: Any) -> dict[str, str]:
    """Top-level field name -> its declared role, in the form's order."""
    properties = schema.get("properties") if isinstance(schema, Mapping) else None
    if not isinstance(properties, Mapping):
        return {}
    return {name: str(field[ROLE_KEY]) for name, field in properties.items()
            if isinstance(field, Mapping) and ROLE_KEY in field}


def fields_with_role(forms: Iterable[Any], role: str) -> list[str]:
    """Names of the fields that ``role`` is declared on, across ``forms``, without repeats."""
    names: dict[str, None] = {}
    for schema in forms:
        for name, declared in roles_of(schema).items():
            if declared == role:
                names[name] = None
    return list(names)
