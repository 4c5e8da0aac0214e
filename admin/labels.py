"""Names shown for the engine's codes (roles, statuses), in the page's language."""

from __future__ import annotations

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
