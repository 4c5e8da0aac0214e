"""Names shown for the engine's codes (roles, statuses), in the page's language."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from engine.persistence.models import Role

ROLE_LABELS: dict[str, LazyString] = {
    Role.RECEPTION.value: _l("Tiếp nhận"),
    Role.SPECIALIST.value: _l("Chuyên viên"),
    Role.UNIT_LEADER.value: _l("Lãnh đạo phòng, đơn vị"),
    Role.CENTER_LEADER.value: _l("Lãnh đạo Trung tâm"),
    Role.ANALYST.value: _l("Phân tích quy trình"),
    Role.AUDITOR.value: _l("Kiểm toán"),
    Role.SUPERVISOR.value: _l("Giám sát"),
    Role.ADMIN.value: _l("Quản trị"),
}


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))

# The DVCQG TrangThaiHoSo list (domain brief §2.1), keyed by DossierStatus.national_code.
NATIONAL_STATUS_LABELS: dict[int, LazyString] = {
    1: _l("Mới đăng ký"),
    2: _l("Được tiếp nhận"),
    3: _l("Không được tiếp nhận"),
    4: _l("Đang xử lý"),
    5: _l("Yêu cầu bổ sung giấy tờ"),
    6: _l("Yêu cầu thực hiện nghĩa vụ tài chính"),
    7: _l("Công dân yêu cầu rút hồ sơ"),
    8: _l("Dừng xử lý"),
    9: _l("Đã xử lý xong"),
    10: _l("Đã trả kết quả"),
}

STAGE_LABELS: dict[str, LazyString] = {
    "receive": _l("Tiếp nhận"),
    "appraise": _l("Thẩm định"),
    "consult": _l("Lấy ý kiến"),
    "approve": _l("Phê duyệt"),
    "pay": _l("Thực hiện nghĩa vụ tài chính"),
    "return": _l("Trả kết quả"),
}

# Where a deadline stands (engine.reads.dossiers.DossierTimeliness), as the traffic light says it.
TIMELINESS_LABELS: dict[str, LazyString] = {
    "on_time": _l("Còn hạn"),
    "due_soon": _l("Sắp đến hạn"),
    "overdue": _l("Quá hạn"),
    "paused": _l("Tạm dừng"),
}

# A closed dossier's verdict against its legal deadline (Dossier.timeliness).
VERDICT_LABELS: dict[str, LazyString] = {
    "early": _l("Trước hạn"),
    "on_time": _l("Đúng hạn"),
    "late": _l("Trễ hạn"),
}

TASK_STATUS_LABELS: dict[str, LazyString] = {
    "ready": _l("Chờ nhận"),
    "claimed": _l("Đang xử lý"),
    "completed": _l("Đã xong"),
    "cancelled": _l("Đã hủy"),
}

PAUSE_LABELS: dict[str, LazyString] = {
    "supplement": _l("Chờ bổ sung hồ sơ"),
    "payment": _l("Chờ thực hiện nghĩa vụ tài chính"),
}

COPY_TYPE_LABELS: dict[str, LazyString] = {
    "ban_chinh": _l("Bản chính"),
    "ban_sao": _l("Bản sao"),
    "ban_sao_chung_thuc": _l("Bản sao có chứng thực"),
    "ban_chup": _l("Bản chụp"),
}


def label(table: dict[Any, LazyString], key: Any) -> str:
    """The name ``table`` gives ``key`` in the page's language; the key itself when it has none."""
    return str(table.get(key, key if key is not None else ""))

# Each internal status as the search filter offers it: the national words, and where two statuses
# share one national code, what sets them apart.
STATUS_CHOICE_LABELS: dict[str, LazyString] = {
    "processing": _l("Đang xử lý"),
    "awaiting_supplement": _l("Yêu cầu bổ sung giấy tờ"),
    "awaiting_payment": _l("Yêu cầu thực hiện nghĩa vụ tài chính"),
    "completed": _l("Đã trả kết quả"),
    "refused": _l("Dừng xử lý (từ chối giải quyết)"),
    "withdrawn": _l("Công dân yêu cầu rút hồ sơ"),
    "stopped": _l("Dừng xử lý (theo quyết định dừng)"),
    "failed": _l("Đang xử lý (gặp sự cố kỹ thuật)"),
}
