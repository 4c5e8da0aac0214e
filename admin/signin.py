"""Sign-in and sign-out pages for officials (đăng nhập / đăng xuất), the entrance to the workplace.

The same SignInGuard as the API's login (engine.identity.throttle): throttled per address,
locked per account, bounded in cost. Both forms post with a CSRF token (admin.sessions).
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import PasswordField, StringField
from wtforms.validators import InputRequired, Length

from admin.context import page_session
from admin.i18n import engine_message, safe_next
from admin.sessions import SignedIn
from engine.errors import BusyError, EngineError, RetryLaterError, TooManyAttemptsError
from engine.identity.officials import issue_token, revoke_token
from engine.identity.profile import official_profile
from engine.identity.throttle import SignInGuard

bp = Blueprint("signin", __name__, template_folder="templates")

# The statuses of what a sign-in can be refused with (api/errors.py maps the same for the API).
_STATUS = ((TooManyAttemptsError, 429), (BusyError, 503))


class SignInForm(FlaskForm):  # type: ignore[misc]
    username = StringField(_l("Tên đăng nhập"), validators=[
        InputRequired(_l("Vui lòng nhập tên đăng nhập")), Length(max=64, message=_l("Tên đăng nhập tối đa 64 ký tự"))])
    password = PasswordField(_l("Mật khẩu"), validators=[
        InputRequired(_l("Vui lòng nhập mật khẩu")), Length(max=256, message=_l("Mật khẩu tối đa 256 ký tự"))])


def _refused(form: SignInForm, error: EngineError) -> tuple[str, int, dict[str, str]]:
    status = next((code for cls, code in _STATUS if isinstance(error, cls)), 401)
    headers = {"Retry-After": str(error.retry_after)} if isinstance(error, RetryLaterError) else {}
    return render_template("admin/sign_in.html", form=form, error=engine_message(error)), status, headers


@bp.route("/dang-nhap", methods=["GET", "POST"])
def sign_in() -> Response | str | tuple[str, int] | tuple[str, int, dict[str, str]]:
    form = SignInForm()
    if not form.validate_on_submit():
        return render_template("admin/sign_in.html", form=form, error=None), 422 if form.errors else 200
    guard: SignInGuard = current_app.extensions["sign_in"]
    engine = current_app.extensions["engine"]
    db = page_session()
    try:
        official = guard.sign_in(db, engine.clock, form.username.data, form.password.data,
                                 request.remote_addr or "unknown")
    except EngineError as error:
        db.commit()  # failed attempts count even though this one is refused
        return _refused(form, error)
    token, _ = issue_token(db, engine.clock, official, timedelta(hours=engine.settings.token_lifetime_hours))
    db.commit()
    login_user(SignedIn(official, official_profile(db, official), token))
    session.permanent = True  # the cookie ends with the token (PERMANENT_SESSION_LIFETIME)
    return redirect(safe_next(request.args.get("next")))


@bp.post("/dang-xuat")
def sign_out() -> Response:
    if current_user.is_authenticated:
        # The request's own session: it already read the token, and on SQLite a second
        # connection's write would wait for that read to end.
        db = page_session()
        revoke_token(db, current_user.token)
        db.commit()
    logout_user()
    return redirect(url_for("signin.sign_in"))
