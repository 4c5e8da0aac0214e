"""Sign-in: exchange a username and password for a bearer token."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from api.deps import current_engine, current_official, get_session
from api.schemas import LoginArgsSchema, OfficialSchema, TokenSchema
from engine.identity.officials import authenticate, issue_token

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Đăng nhập / Sign-in")


@blp.route("/login")
class Login(MethodView):
    @blp.arguments(LoginArgsSchema)
    @blp.response(200, TokenSchema)
    def post(self, args: dict[str, Any]) -> dict[str, Any]:
        """Sign in and receive a bearer token"""
        session = get_session()
        engine = current_engine()
        official = authenticate(session, args["username"], args["password"])
        token, expires_at = issue_token(
            session, engine.clock, official, timedelta(hours=engine.settings.token_lifetime_hours)
        )
        session.commit()
        return {"token": token, "token_type": "Bearer", "expires_at": expires_at, "official": official}


@blp.route("/me")
class Me(MethodView):
    @blp.response(200, OfficialSchema)
    @blp.doc(security=[{"bearerAuth": []}])
    def get(self) -> Any:
        """The signed-in official"""
        return current_official()
