"""The auditor's page (kiểm tra hồ sơ): a dossier's history stepped through event by event on its
diagram (the path done, the steps waiting and who held them, the data each step saw, what each
command changed, the legal clock then), with the engine's verdicts on demand: Replay (the recorded
inputs run again, "identical" or the first divergence).

Every state shown is the engine's (engine.audit.time_travel, engine.audit.replay), read through
the access policy's ``audit.read`` rule: auditors and supervisors of the dossier's center. Stepping
and the verdicts are plain links and GET forms: they read, never change anything.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_login import login_required
from werkzeug.wrappers import Response

from admin.context import engine, page_session, signed_in_official
from admin.dossiers import not_found
from admin.i18n import current_language, engine_message
from admin.labels import NATIONAL_STATUS_LABELS, TASK_STATUS_LABELS
from engine.audit.replay import Divergence, replay_dossier
from engine.audit.time_travel import AuditedHistory, audited_history, dossier_as_of
from engine.errors import EngineError, NotFoundError, PermissionDeniedError
from engine.persistence.models import DossierStatus

bp = Blueprint("audit_pages", __name__, template_folder="templates")

EVENT_LABELS: dict[str, LazyString] = {
    "dossier_received": _l("Tiếp nhận hồ sơ"),
    "dossier_completed": _l("Kết thúc hồ sơ"),
    "dossier_failed": _l("Sự cố quy trình"),
    "incident_retried": _l("Chạy lại sau sự cố"),
    "dossier_migrated": _l("Chuyển phiên bản quy trình"),
    "step_ready": _l("Bước sẵn sàng"),
    "step_waiting": _l("Bước đang chờ"),
    "step_started": _l("Bước bắt đầu"),
    "step_completed": _l("Bước hoàn thành"),
    "step_cancelled": _l("Bước bị hủy"),
    "step_failed": _l("Bước lỗi"),
    "task_claimed": _l("Nhận xử lý"),
    "task_released": _l("Trả lại hàng chờ"),
    "task_completed": _l("Hoàn thành công việc"),
    "task_assigned": _l("Phân công tự động"),
    "task_delegated": _l("Ủy quyền xử lý"),
    "task_reassigned": _l("Giao lại công việc"),
    "timer_fired": _l("Hết thời gian chờ"),
    "clock_paused": _l("Tạm dừng tính thời hạn"),
    "clock_resumed": _l("Tiếp tục tính thời hạn"),
    "deadline_extended": _l("Gia hạn"),
    "time_limit_selected": _l("Chọn thời hạn giải quyết"),
    "dossier_withdrawn": _l("Rút hồ sơ"),
    "dossier_due_soon": _l("Sắp đến hạn"),
    "dossier_overdue": _l("Quá hạn"),
    "apology_required": _l("Cần thư xin lỗi"),
    "pause_expired": _l("Quá thời hạn bổ sung"),
    "dossier_stopped": _l("Dừng giải quyết"),
}
STEP_STATUS_LABELS: dict[str, LazyString] = {**TASK_STATUS_LABELS, "waiting": _l("Đang chờ sự kiện")}


@bp.get("/kiem-tra")
@login_required  # type: ignore[misc]
def start() -> Response | str:
    """Where an auditor names the dossier to examine (a GET form: it only reads)."""
    code = (request.args.get("ma") or "").strip()
    if code:
        return redirect(url_for("audit_pages.dossier", code=code))
    return render_template("audit/start.html")


@bp.get("/kiem-tra/ho-so/<code>")
@login_required  # type: ignore[misc]
def dossier(code: str) -> str | tuple[str, int]:
    return _page(code)


@bp.get("/kiem-tra/ho-so/<code>/phat-lai")
@login_required  # type: ignore[misc]
def replayed(code: str) -> str | tuple[str, int]:
    """The same page with the replay's verdict."""
    try:
        result = replay_dossier(page_session(), engine(), signed_in_official(), code)
    except NotFoundError:
        return not_found(code)
    except PermissionDeniedError as error:
        return _denied(error)
    return _page(code, replay=result)


def _page(code: str, **verdicts: Any) -> str | tuple[str, int]:
    session, ctx, official = page_session(), engine(), signed_in_official()
    try:
        history = audited_history(session, ctx, official, code)
    except NotFoundError:
        return not_found(code)
    except PermissionDeniedError as error:
        return _denied(error)
    seq = _chosen(history)
    state = dossier_as_of(session, ctx, official, code, seq) if seq is not None else None
    return render_template(
        "audit/dossier.html", history=history, state=state, seq=seq, positions=_positions(history, seq),
        current_steps=[{"id": s.element_id, "label": _holder(s)} for s in state.active] if state else [],
        event_label=_event_label, status_label=_status_label, step_status=STEP_STATUS_LABELS,
        divergence_text=_divergence_text, procedure_name=_procedure_name(history), **verdicts)


def _chosen(history: AuditedHistory) -> int | None:
    """The event asked for (``su-kien``), else the last one; an unknown number counts as the last."""
    numbers = [e.seq for e in history.events]
    if not numbers:
        return None
    asked = request.args.get("su-kien", type=int)
    return asked if asked in numbers else numbers[-1]


def _positions(history: AuditedHistory, seq: int | None) -> dict[str, int | None]:
    numbers = [e.seq for e in history.events]
    if seq is None:
        return {"first": None, "previous": None, "next": None, "last": None}
    index = numbers.index(seq)
    return {"first": numbers[0], "previous": numbers[index - 1] if index else None,
            "next": numbers[index + 1] if index + 1 < len(numbers) else None, "last": numbers[-1]}


def _holder(step: Any) -> str:
    if step.holder:
        return str(step.holder)
    return str(STEP_STATUS_LABELS.get(step.status, step.status))


def _event_label(event_type: str) -> str:
    return str(EVENT_LABELS.get(event_type, event_type))


def _status_label(status: str) -> str:
    try:
        return str(NATIONAL_STATUS_LABELS[DossierStatus(status).national_code])
    except (ValueError, KeyError):
        return status


def _procedure_name(history: AuditedHistory) -> str:
    return history.procedure_en if current_language() == "en" and history.procedure_en else history.procedure


def _divergence_text(divergence: Divergence) -> str:
    return divergence.message_en if current_language() == "en" else divergence.message


def _denied(error: EngineError) -> tuple[str, int]:
    return render_template("admin/refused.html", message=engine_message(error)), 403

