"""Browser sessions for the officials' pages: Flask-Login over the API's own tokens, CSRF on
every form post.

A browser session holds a bearer token (engine.identity.officials) in the signed session
cookie, and the user loader looks it up on every request. Signing out deletes it; deactivation,
a new password or other roles delete all of an official's tokens; so a session ends by exactly
the events that end a token, in every worker at once.

The cookie is HttpOnly, SameSite=Lax, and Secure when ``SESSION_COOKIE_SECURE`` says so or the
page was served over HTTPS. Every POST, PUT, PATCH and DELETE outside ``/api/`` needs the CSRF
token of Flask-WTF; the JSON API is exempt because it authenticates by the Authorization header
alone (api.deps), which a browser never adds on its own to a cross-site request.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask, current_app, has_request_context, render_template, request
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext, lazy_gettext
from flask_login import LoginManager, UserMixin
from flask_wtf.csrf import CSRFError, CSRFProtect

from admin.context import identity_session
from engine.errors import NotAuthenticatedError
from engine.identity.officials import official_for_token
from engine.identity.profile import OfficialProfile, official_profile
from engine.persistence.models import Official


class SignedIn(UserMixin):  # type: ignore[misc]
    """The official of a browser session, who they are in the header's words, and the token the
    session holds."""

    def __init__(self, official: Official, profile: OfficialProfile, token: str) -> None:
        self.official = official
        self.profile = profile
        self.token = token

    def get_id(self) -> str:
        return self.token


def load_signed_in(token: str) -> SignedIn | None:
    # In the page's own session, so the official stays attached for the engine calls of the view
    # (on the primary when the page reads a replica: admin.context.identity_session).
    session = identity_session()
    try:
        official = official_for_token(session, current_app.extensions["engine"].clock, token)
    except NotAuthenticatedError:
        return None  # signed out, expired or revoked: the browser is anonymous again
    return SignedIn(official, official_profile(session, official), token)


class _SessionInterface(SecureCookieSessionInterface):
    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or (has_request_context() and request.is_secure)


def _flag(value: Any) -> bool:
    """A setting that may come from the environment as text ("false", "0"…)."""
    return value.strip().lower() in ("1", "true", "yes", "on") if isinstance(value, str) else bool(value)


def _refused_csrf(error: CSRFError) -> tuple[str, int]:
    return render_template("admin/refused.html", message=gettext(
        "Biểu mẫu đã hết hạn hoặc không hợp lệ; vui lòng tải lại trang và gửi lại.")), 400


def init_app(app: Flask) -> None:
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE=app.config.get("SESSION_COOKIE_SAMESITE") or "Lax",
        SESSION_COOKIE_SECURE=_flag(app.config.get("SESSION_COOKIE_SECURE")),
        PERMANENT_SESSION_LIFETIME=timedelta(hours=int(app.config["TOKEN_LIFETIME_HOURS"])),
        WTF_CSRF_CHECK_DEFAULT=False,  # checked below, for everything outside the JSON API
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
    )
    app.session_interface = _SessionInterface()
    manager = LoginManager()
    manager.login_view = "signin.sign_in"
    manager.login_message = lazy_gettext("Vui lòng đăng nhập để tiếp tục.")
    manager.login_message_category = "info"
    manager.session_protection = "strong"
    manager.user_loader(load_signed_in)
    manager.init_app(app)

    csrf = CSRFProtect(app)

    @app.before_request
    def _check_csrf() -> None:
        if not request.path.startswith("/api/"):
            csrf.protect()  # does nothing for GET, HEAD, OPTIONS

    app.register_error_handler(CSRFError, _refused_csrf)
