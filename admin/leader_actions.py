"""Leader actions on the workplace pages: delegate a task, reassign one or many, extend the
deadline, stop or withdraw a dossier — each with its reason.

The forms live on the dossier page (``leader/dossier_actions.html``) and the inbox
(``leader/inbox_bulk.html``), which include them; what they show comes from
``engine.access.offers``, and every post still goes through the engine command, which asks the
policy again. A post that fails its checks shows the action's own page with the error at the field;
any other refusal is a flash on the page the form came from (POST-redirect-GET).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import DateField, HiddenField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import InputRequired, Length

from admin.context import engine, page_session, signed_in_actor, signed_in_official
from admin.i18n import safe_next
from admin.page_commands import Outcome, run_command
from engine.access.offers import (
    BulkOffer,
    DossierOffer,
    TaskOffer,
    appointment_on,
    bulk_reassign_offer,
    dossier_offer,
    task_offer,
)
from engine.errors import NotFoundError
from engine.runtime.actions import extend_deadline, stop_dossier, withdraw_dossier
from engine.runtime.assignments import delegate_task, reassign_tasks

bp = Blueprint("leader_pages", __name__, template_folder="templates")

REASON_MAX = 2000
# The engine's names of the fields it checks, as this page's forms name them.
ENGINE_FIELDS = {"new_due_at": "new_due_on", "to_official_id": "to_official", "task_ids": "task_ids"}
PageResult = Response | tuple[str, int] | str


def _reason() -> TextAreaField:
    return TextAreaField(_l("Lý do"), validators=[
        InputRequired(_l("Vui lòng nhập lý do")),
        Length(max=REASON_MAX, message=_l("Lý do tối đa %(max)d ký tự", max=REASON_MAX))])


def _official() -> SelectField:
    # The engine checks the official chosen (unit, role, center, presence, four-eyes); the list
    # the page offers is a convenience, not the rule.
    return SelectField(_l("Cán bộ nhận"), coerce=int, validate_choice=False,
                       validators=[InputRequired(_l("Vui lòng chọn cán bộ nhận"))])


class DelegateForm(FlaskForm):  # type: ignore[misc]
    to_official = _official()
    reason = _reason()
    next = HiddenField()


class ReassignForm(FlaskForm):  # type: ignore[misc]
    task_ids = SelectMultipleField(_l("Công việc"), coerce=uuid.UUID, validate_choice=False,
                                   validators=[InputRequired(_l("Vui lòng chọn ít nhất một công việc"))])
    to_official = _official()
    reason = _reason()
    next = HiddenField()


class ExtendForm(FlaskForm):  # type: ignore[misc]
    new_due_on = DateField(_l("Ngày hẹn trả mới"), validators=[InputRequired(_l("Vui lòng chọn ngày hẹn trả mới"))])
    reason = _reason()
    next = HiddenField()


class CloseForm(FlaskForm):  # type: ignore[misc]
    reason = _reason()
    confirmed = HiddenField()
    next = HiddenField()


# -- what the included templates ask for ---------------------------------------------------------

def leader_offer(dossier: Any) -> DossierOffer | None:
    """The leader actions on the page's dossier (an object or a mapping with ``code``); None when
    no official is signed in."""
    code = dossier.get("code") if isinstance(dossier, Mapping) else getattr(dossier, "code", None)
    official = _official_or_none()
    if not code or official is None:
        return None
    ctx = engine()
    try:
        return dossier_offer(page_session(), official, str(code), now=ctx.clock.now(), today=ctx.today())
    except NotFoundError:
        return None  # the page around this has said so already


def leader_bulk_offer(tasks: Iterable[Any]) -> BulkOffer | None:
    """Of the page's tasks (objects or mappings with ``id``), those the official may reassign."""
    official = _official_or_none()
    if official is None:
        return None
    ids = [_task_id(task) for task in tasks]
    offer = bulk_reassign_offer(page_session(), official, [i for i in ids if i is not None], today=engine().today())
    return offer if offer.tasks else None


def slip_url(code: str, kind: str) -> str | None:
    """The printable slip of a dossier on the workplace's pages (admin/slip_pages.py), once served."""
    if "slip_pages.slip" not in current_app.view_functions:
        return None
    return url_for("slip_pages.slip", code=code, kind=kind, fmt="html")


def inbox_url() -> str:
    """Where the bulk form returns: the inbox with its filters, also when htmx rendered only its list."""
    if "inbox_pages.inbox" not in current_app.view_functions:
        return request.full_path if request.query_string else request.path
    filters: dict[str, Any] = request.args.to_dict()
    return url_for("inbox_pages.inbox", **filters)


def _official_or_none() -> Any:
    return signed_in_official() if current_user.is_authenticated else None


def _task_id(task: Any) -> uuid.UUID | None:
    value = task.get("id") if isinstance(task, Mapping) else getattr(task, "id", None)
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        return None


# -- shared handling --------------------------------------------------------------------------------

def _back(form: FlaskForm, default: str) -> Response:
    return redirect(safe_next(form.next.data) if form.next.data else default)



def _dossier_page(code: str) -> str:
    if "dossier_pages.dossier" in current_app.view_functions:
        return url_for("dossier_pages.dossier", code=code)
    return url_for("admin.home")


def _inbox_page() -> str:
    return url_for("inbox_pages.inbox") if "inbox_pages.inbox" in current_app.view_functions else url_for("admin.home")


def _run(form: FlaskForm, page: Callable[[], PageResult], command: Callable[[], Any], done: str,
         default_next: str) -> PageResult:
    """Validate the form, run the engine command and commit (admin.page_commands); the action's page
    again on a field error, the page the official came from otherwise."""
    if not form.validate_on_submit():
        return page()
    outcome, _ = run_command(form, command, ENGINE_FIELDS)
    if outcome is Outcome.INVALID:
        return page()
    if outcome is Outcome.DONE:
        flash(done, "success")
    return _back(form, default_next)


def _page(template: str, default_next: str, status: int = 422, **context: Any) -> tuple[str, int]:
    form = context["form"]
    back = safe_next(form.next.data) if form.next.data else default_next
    return render_template(f"leader/{template}", back=back, **context), status


def _offer_or_404(code: str) -> DossierOffer:
    ctx = engine()
    try:
        return dossier_offer(page_session(), signed_in_official(), code, now=ctx.clock.now(), today=ctx.today())
    except NotFoundError:
        abort(404)


def _task_or_404(task_id: uuid.UUID) -> TaskOffer:
    try:
        return task_offer(page_session(), signed_in_official(), task_id, today=engine().today())
    except NotFoundError:
        abort(404)


# -- the actions ------------------------------------------------------------------------------------

@bp.post("/cong-viec/<uuid:task_id>/uy-quyen")
@login_required  # type: ignore[misc]
def delegate(task_id: uuid.UUID) -> PageResult:
    form = DelegateForm()
    offer = _task_or_404(task_id)
    back = _dossier_page(offer.task.dossier_code or "")
    return _run(
        form, lambda: _page("delegate.html", back, form=form, offer=offer),
        lambda: delegate_task(page_session(), engine(), task_id, actor=signed_in_actor(),
                              to_official_id=form.to_official.data, reason=form.reason.data),
        _("Đã ủy quyền công việc “%(name)s”.", name=offer.task.name), back)


@bp.post("/cong-viec/chuyen-xu-ly")
@login_required  # type: ignore[misc]
def reassign() -> PageResult:
    form = ReassignForm()
    chosen = [i for i in (form.task_ids.data or []) if isinstance(i, uuid.UUID)]
    offer = bulk_reassign_offer(page_session(), signed_in_official(), chosen, today=engine().today())
    back = _inbox_page()
    return _run(
        form, lambda: _page("reassign.html", back, form=form, offer=offer, chosen=set(chosen)),
        lambda: reassign_tasks(page_session(), engine(), chosen, actor=signed_in_actor(),
                               to_official_id=form.to_official.data, reason=form.reason.data),
        _("Đã chuyển %(count)d công việc cho cán bộ khác xử lý.", count=len(set(chosen))), back)


@bp.post("/ho-so/<code>/gia-han")
@login_required  # type: ignore[misc]
def extend(code: str) -> PageResult:
    form = ExtendForm()
    offer = _offer_or_404(code)
    back = _dossier_page(code)

    def command() -> Any:
        ctx = engine()
        return extend_deadline(page_session(), ctx, code, actor=signed_in_actor(),
                               new_due_at=appointment_on(ctx.calendar, form.new_due_on.data),
                               reason=form.reason.data)

    return _run(form, lambda: _page("extend.html", back, form=form, offer=offer), command,
                _("Đã gia hạn hồ sơ %(code)s; hãy in thư xin lỗi và hẹn lại ngày trả kết quả.", code=code), back)


def _close(code: str, kind: str, command: Callable[..., Any], done: str) -> PageResult:
    """Stop or withdraw: the first post asks to confirm, the confirmed one runs the command."""
    form = CloseForm()
    offer = _offer_or_404(code)
    back = _dossier_page(code)
    if form.validate_on_submit() and form.confirmed.data != "yes":
        return _page("confirm.html", back, 200, form=form, offer=offer, kind=kind)
    return _run(
        form, lambda: _page("confirm.html", back, form=form, offer=offer, kind=kind),
        lambda: command(page_session(), engine(), code, actor=signed_in_actor(), reason=form.reason.data),
        done, back)


@bp.post("/ho-so/<code>/dung-giai-quyet")
@login_required  # type: ignore[misc]
def stop(code: str) -> PageResult:
    return _close(code, "stop", stop_dossier, _("Đã dừng giải quyết hồ sơ %(code)s.", code=code))


@bp.post("/ho-so/<code>/rut-ho-so")
@login_required  # type: ignore[misc]
def withdraw(code: str) -> PageResult:
    return _close(code, "withdraw", withdraw_dossier,
                  _("Đã rút hồ sơ %(code)s theo yêu cầu của người nộp.", code=code))


@bp.record_once
def _template_helpers(state: Any) -> None:
    state.app.jinja_env.globals.update(leader_offer=leader_offer, leader_bulk_offer=leader_bulk_offer,
                                       leader_slip_url=slip_url, leader_inbox_url=inbox_url,
                                       leader_reason_max=REASON_MAX)
