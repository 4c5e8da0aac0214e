"""Sign-in: exchange a username and password for a bearer token; sign out; change the password.

Every attempt goes through the app's SignInGuard (engine.identity.throttle): throttled per client
address, locked per account after repeated failures, and refused with "retry later" while the
password verifications of this process are all busy.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from api.deps import bearer_token, current_engine, current_official, get_session
from api.schemas import LoginArgsSchema, OfficialSchema, TokenSchema
from engine.identity.officials import issue_token, revoke_token
from engine.identity.throttle import SignInGuard
from engine.persistence.models import Official

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Đăng nhập / Sign-in")


class PasswordChangeSchema(Schema):
    current_password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=256))
    new_password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=256))


def sign_in_guard() -> SignInGuard:
    guard: SignInGuard = current_app.extensions["sign_in"]
    return guard


def client_address() -> str:
    # The peer address; behind a reverse proxy the app must trust its X-Forwarded-For (ProxyFix).
    return request.remote_addr or "unknown"


def _new_token(official: Official) -> dict[str, Any]:
    engine = current_engine()
    token, expires_at = issue_token(
        get_session(), engine.clock, official, timedelta(hours=engine.settings.token_lifetime_hours)
    )
    return {"token": token, "token_type": "Bearer", "expires_at": expires_at, "official": official}


@blp.route("/login")
class Login(MethodView):
    @blp.arguments(LoginArgsSchema)
    @blp.response(200, TokenSchema)
    @blp.alt_response(429, description="Too many attempts from this address or on this account (Retry-After)")
    @blp.alt_response(503, description="Sign-in is busy (Retry-After)")
    def post(self, args: dict[str, Any]) -> dict[str, Any]:
        """Sign in and receive a bearer token"""
        session = get_session()
        try:
            official = sign_in_guard().sign_in(session, current_engine().clock, args["username"], args["password"],
                                               client_address())
            answer = _new_token(official)
        finally:
            session.commit()  # failed attempts count even though the request fails
        return answer


@blp.route("/logout")
class Logout(MethodView):
    @blp.response(204)
    @blp.doc(security=[{"bearerAuth": []}])
    def post(self) -> None:
        """Sign out: the token stops working at once"""
        session = get_session()
        revoke_token(session, bearer_token())
        session.commit()


@blp.route("/password")
class Password(MethodView):
    @blp.arguments(PasswordChangeSchema)
    @blp.response(200, TokenSchema)
    @blp.doc(security=[{"bearerAuth": []}])
    def post(self, args: dict[str, Any]) -> dict[str, Any]:
        """Change one's password: every token and browser session of the official ends, and a new
        token is returned"""
        session = get_session()
        official = current_official()
        try:
            sign_in_guard().change_password(session, current_engine().clock, official, args["current_password"],
                                            args["new_password"], client_address())
            answer = _new_token(official)
        finally:
            session.commit()
        return answer


@blp.route("/me")
class Me(MethodView):
    @blp.response(200, OfficialSchema)
    @blp.doc(security=[{"bearerAuth": []}])
    def get(self) -> Any:
        """The signed-in official"""
        return current_official()
