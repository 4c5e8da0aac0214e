"""The studio's version changes: activate a version, roll back to the one active before, retire one.

Each asks for a reason (the engine records who, when and why) on a page of its own, then runs the
engine's lifecycle command (engine.deployment.lifecycle), whose access policy decides; one
transaction per change.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import TextAreaField
from wtforms.validators import InputRequired, Length

from admin.context import engine, page_session, signed_in_actor
from admin.page_commands import Outcome, run_command
from engine.deployment.lifecycle import (
    REASON_MAX_LENGTH,
    VersionChange,
    activate_version,
    retire_version,
    rollback_procedure,
)

bp = Blueprint("studio_versions", __name__, template_folder="templates")


class ChangeForm(FlaskForm):  # type: ignore[misc]
    reason = TextAreaField(_l("Lý do"), validators=[
        InputRequired(_l("Vui lòng nhập lý do")),
        Length(max=REASON_MAX_LENGTH, message=_l("Lý do tối đa %(max)d ký tự", max=REASON_MAX_LENGTH))])


Command = Callable[[str], VersionChange]


def _change(key: str, heading: str, explanation: str, command: Command, done: str) -> Response | tuple[str, int]:
    form = ChangeForm()
    if form.validate_on_submit():
        outcome, change = run_command(form, lambda: command(form.reason.data), every_problem_on="reason")
        if outcome is Outcome.DONE:
            flash(done if change.changed else gettext("Không có gì thay đổi."), "success")
        if outcome is not Outcome.INVALID:
            return redirect(url_for("studio_pages.procedures"))
    status = 422 if form.errors else 200
    return render_template("studio/change.html", form=form, key=key, heading=heading,
                           explanation=explanation), status


@bp.route("/thiet-ke/<key>/phien-ban/<int(max=2147483647):number>/kich-hoat", methods=["GET", "POST"])
@login_required  # type: ignore[misc]
def activate(key: str, number: int) -> Response | tuple[str, int]:
    ctx = engine()
    return _change(
        key, gettext("Kích hoạt %(key)s v%(n)s", key=key, n=number),
        gettext("Hồ sơ tiếp nhận từ nay chạy trên phiên bản này; phiên bản đang áp dụng ngừng nhận hồ sơ mới. "
                "Hồ sơ đã tiếp nhận vẫn chạy trên phiên bản của mình."),
        lambda reason: activate_version(page_session(), key, number, actor=signed_in_actor(), reason=reason,
                                        clock=ctx.clock),
        gettext("Đã kích hoạt %(key)s v%(n)s.", key=key, n=number))


@bp.route("/thiet-ke/<key>/phien-ban/<int(max=2147483647):number>/ngung-ap-dung", methods=["GET", "POST"])
@login_required  # type: ignore[misc]
def retire(key: str, number: int) -> Response | tuple[str, int]:
    ctx = engine()
    return _change(
        key, gettext("Ngừng áp dụng %(key)s v%(n)s", key=key, n=number),
        gettext("Phiên bản không nhận hồ sơ mới; hồ sơ đang chạy trên nó vẫn chạy đến khi xong. "
                "Nếu đây là phiên bản đang áp dụng, thủ tục sẽ không tiếp nhận hồ sơ cho đến khi "
                "một phiên bản khác được kích hoạt."),
        lambda reason: retire_version(page_session(), key, number, actor=signed_in_actor(), reason=reason,
                                      clock=ctx.clock),
        gettext("Đã ngừng áp dụng %(key)s v%(n)s.", key=key, n=number))


@bp.route("/thiet-ke/<key>/quay-lai", methods=["GET", "POST"])
@login_required  # type: ignore[misc]
def rollback(key: str) -> Response | tuple[str, int]:
    ctx = engine()
    return _change(
        key, gettext("Quay lại phiên bản trước của %(key)s", key=key),
        gettext("Phiên bản áp dụng trước lần kích hoạt gần nhất được áp dụng lại."),
        lambda reason: rollback_procedure(page_session(), key, actor=signed_in_actor(), reason=reason,
                                          clock=ctx.clock),
        gettext("Đã quay lại phiên bản trước của %(key)s.", key=key))
