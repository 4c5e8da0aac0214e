"""The auditor's page (kiểm tra hồ sơ): a dossier's history stepped through event by event on its
diagram (the path done, the steps waiting and who held them, the data each step saw, what each
command changed, the legal clock then), with the engine's verdicts on demand: Verify (the history
chain, the rows it covers and the latest signed anchor: OK or the first broken link), Replay (the
recorded inputs run again, "identical" or the first divergence), and the evidence pack to take away.

Every state shown is the engine's (engine.audit.time_travel, engine.audit.replay), read through
the access policy's ``audit.read`` rule: auditors and supervisors of the dossier's center. Stepping
and the verdicts are plain links and GET forms: they read, never change anything.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_login import login_required
from werkzeug.wrappers import Response

from admin.context import engine, page_session, signed_in_official
from admin.dossiers import not_found
from admin.i18n import current_language, engine_message
from admin.labels import NATIONAL_STATUS_LABELS, TASK_STATUS_LABELS
from engine.audit.pack import build_pack
from engine.audit.replay import Divergence, replay_dossier
from engine.audit.time_travel import AuditedHistory, audited_history, dossier_as_of
from engine.audit.verify import verify_dossier
from engine.errors import EngineError, NotFoundError, PermissionDeniedError
from engine.persistence.models import DossierStatus
from engine.slips.printed import options_from

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
    return _with_verdict(code, "replay", lambda: replay_dossier(page_session(), engine(), signed_in_official(), code))


@bp.get("/kiem-tra/ho-so/<code>/kiem-chung")
@login_required  # type: ignore[misc]
def verified(code: str) -> str | tuple[str, int]:
    """The same page with the verification's verdict: the chain, its rows and the latest anchor."""
    ctx = engine()
    return _with_verdict(code, "verification", lambda: verify_dossier(
        page_session(), signed_in_official(), code, today=ctx.today(), settings=ctx.settings))


def _with_verdict(code: str, name: str, verdict: Callable[[], Any]) -> str | tuple[str, int]:
    """The page with one of the engine's verdicts, or the access policy's answer."""
    try:
        result = verdict()
    except NotFoundError:
        return not_found(code)
    except PermissionDeniedError as error:
        return _denied(error)
    return _page(code, **{name: result})


@bp.get("/kiem-tra/ho-so/<code>/bo-chung-cu.zip")
@login_required  # type: ignore[misc]
def evidence_pack(code: str) -> Response | str | tuple[str, int]:
    """The dossier's evidence pack (engine.audit.pack), for checking offline with the public key."""
    ctx = engine()
    try:
        data = build_pack(page_session(), ctx.settings, signed_in_official(), code, today=ctx.today(),
                          calendar=ctx.calendar, options=options_from(current_app.config), now=ctx.clock.now())
    except NotFoundError:
        return not_found(code)
    except PermissionDeniedError as error:
        return _denied(error)
    except EngineError as error:  # no signing key configured, or it cannot be read: said on the page
        page = _page(code, pack_error=engine_message(error))
        return (page, 409) if isinstance(page, str) else page
    response = Response(data, mimetype="application/zip")
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", code)
    response.headers["Content-Disposition"] = f'attachment; filename="evidence-{safe}.zip"'
    response.headers["Cache-Control"] = "no-store"  # the applicant's personal data
    return response


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

