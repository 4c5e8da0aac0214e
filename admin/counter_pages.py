"""The counter (quầy tiếp nhận) at ``/tiep-nhan``, reception's page: choose a procedure from the
catalogue, fill its start form and document checklist, receive the dossier and print its receipt;
and the center's reception work (supplements to receive, refusals to hand over, results to return),
each printing its slip afterwards.

Receiving is protected like ``POST /api/v1/dossiers`` with an ``Idempotency-Key``: the form carries
a key made when it was drawn, so a double click or a resent form receives one dossier, not two.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_login import login_required
from werkzeug.wrappers import Response

from admin.context import engine, page_session, signed_in_actor, signed_in_official
from admin.i18n import engine_message
from admin.schema_form import PlacedErrors, Values, data_from, fields_of, posted_values
from admin.task_pages import form_errors
from engine.errors import EngineError, FormInvalidError, NotFoundError, PermissionDeniedError, WorkflowFailedError
from engine.idempotency import check_key, record_answer, request_fingerprint, take_key
from engine.persistence.models import Center
from engine.reads.counter import (
    StartForm,
    counter_tasks,
    printable_kinds,
    readable_dossier,
    receiving_center,
    receiving_procedures,
    start_form,
)
from engine.runtime.dossiers import start_dossier

bp = Blueprint("counter_pages", __name__, template_folder="templates")


def _center() -> Center:
    """The official's center if the policy lets them receive there (``dossier.start``), else 403."""
    try:
        return receiving_center(page_session(), engine(), signed_in_official())
    except PermissionDeniedError as error:
        abort(403, engine_message(error))


def _refused(error: Exception) -> tuple[str, int]:
    return render_template("admin/refused.html", message=getattr(error, "description", "")), 403


bp.register_error_handler(403, _refused)
bp.add_app_template_global(printable_kinds, "printable_kinds")

_TIME_UNITS: dict[str, LazyString] = {
    "working_days": _l("%(value)s ngày làm việc"),
    "working_hours": _l("%(value)s giờ làm việc"),
    "calendar_days": _l("%(value)s ngày"),
}
_SAME_DAY = _l("Trong ngày làm việc")
_COPY_TYPES: dict[str, LazyString] = {"ban_chinh": _l("Bản chính"), "ban_sao": _l("Bản sao"),
                                      "ban_chup": _l("Bản chụp")}


@bp.app_template_global()
def time_limit_label(limit: dict[str, object] | None) -> str:
    """A legal time limit in words: {"value": 3, "unit": "working_days"} → "3 ngày làm việc"."""
    if not isinstance(limit, dict) or str(limit.get("unit")) not in _TIME_UNITS:
        return "—"
    value = limit.get("value")
    if value == 0:  # decided the day it is received (certified copies)
        return str(_SAME_DAY)
    return str(_TIME_UNITS[str(limit["unit"])]) % {"value": f"{value:g}" if isinstance(value, float) else value}


@bp.app_template_global()
def copy_type_label(copy_type: str | None) -> str:
    return str(_COPY_TYPES[copy_type]) if copy_type in _COPY_TYPES else (copy_type or "—")


@bp.get("/tiep-nhan")
@login_required
def counter() -> str:
    center = _center()
    query = request.args.get("q", "")
    session = page_session()
    return render_template("counter/counter.html", center=center, query=query,
                           procedures=receiving_procedures(session, query),
                           tasks=counter_tasks(session, engine(), signed_in_official()))


def _start_form(key: str) -> StartForm:
    try:
        return start_form(page_session(), engine(), key)
    except (NotFoundError, EngineError):
        abort(404)  # not deployed, or no active version: not in the catalogue either


def _form_page(form: StartForm, center: Center, values: Values, errors: PlacedErrors | None = None,
               status: int = 200, extra_rows: dict[str, int] | None = None, key: str | None = None
               ) -> tuple[str, int]:
    return render_template("counter/receive.html", form=form, center=center, fields=fields_of(form.schema),
                           values=values, errors=errors or PlacedErrors(), extra_rows=extra_rows or {},
                           idempotency_key=key or uuid.uuid4().hex), status


@bp.get("/tiep-nhan/<key>")
@login_required
def receive_form(key: str) -> tuple[str, int]:
    center = _center()
    return _form_page(_start_form(key), center, {})


@bp.post("/tiep-nhan/<key>")
@login_required
def receive(key: str) -> Response | tuple[str, int]:
    center = _center()
    form = _start_form(key)
    fields = fields_of(form.schema)
    values = posted_values(fields, request.form)
    idempotency_key = request.form.get("idempotency_key") or uuid.uuid4().hex
    action = request.form.get("action", "receive")
    if action.startswith("add-row:"):
        return _form_page(form, center, values, extra_rows={action.removeprefix("add-row:"): 1},
                          key=idempotency_key)
    session = page_session()
    official = signed_in_official()
    ctx = engine()
    try:
        stored = take_key(session, official.id, check_key(idempotency_key),
                          request_fingerprint("POST", request.path, request.get_data()), ctx.clock.now(),
                          timedelta(hours=ctx.settings.idempotency_key_hours))
        if stored is not None:  # the same form sent again: the dossier it received the first time
            session.rollback()
            return redirect(url_for("counter_pages.received", code=stored.body))
        dossier = start_dossier(session, ctx, key, actor=signed_in_actor(), center_code=center.code,
                                data=data_from(fields, values))
        record_answer(session, official.id, idempotency_key, 201, dossier.code)
        session.commit()
    except FormInvalidError as error:
        session.rollback()
        return _form_page(form, center, values, form_errors(error, fields, values), 422, key=idempotency_key)
    except WorkflowFailedError as error:
        if error.incident is None:
            session.rollback()
        else:
            # The diagram failed but the dossier is received, kept as an incident for an administrator:
            # keep it, and let the same form sent again open it rather than receive a second one.
            record_answer(session, official.id, idempotency_key, 422, error.incident["dossier"])
            session.commit()
        flash(engine_message(error), "error")
        return _form_page(form, center, values, status=422, key=idempotency_key)
    except EngineError as error:
        session.rollback()
        flash(engine_message(error), "error")
        return _form_page(form, center, values, status=409, key=idempotency_key)
    flash(_("Đã tiếp nhận hồ sơ %(code)s.", code=dossier.code), "success")
    return redirect(url_for("counter_pages.received", code=dossier.code))


@bp.get("/tiep-nhan/da-nhan/<code>")
@login_required
def received(code: str) -> str:
    """After receiving: the dossier's code and appointment, and its receipt to print."""
    _center()
    try:
        dossier = readable_dossier(page_session(), engine(), signed_in_official(), code)
    except NotFoundError:
        abort(404)
    return render_template("counter/received.html", dossier=dossier, slips=printable_kinds(dossier))
