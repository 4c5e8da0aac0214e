"""Per-request access to the database session, the engine context and the signed-in official."""

from __future__ import annotations

import re

from flask import Flask, current_app, g, request
from sqlalchemy.orm import Session

from api.replica import identity_factory, reading_factory
from engine.audit.org_changes import act_as
from engine.errors import NotAuthenticatedError
from engine.identity.officials import official_for_token
from engine.persistence.models import Official
from engine.runtime.command import Actor
from engine.runtime.context import EngineContext


def get_session() -> Session:
    """The request's session, from the primary or a read replica (api.replica)."""
    if "db_session" not in g:
        g.db_session = reading_factory()()
    session: Session = g.db_session
    return session


def identity_session() -> Session:
    """The session that checks the caller's token: the request's own, or one on the primary when
    the request reads a replica (api.replica.identity_factory)."""
    factory = identity_factory()
    if factory is None:
        return get_session()
    if "identity_session" not in g:
        g.identity_session = factory()
    session: Session = g.identity_session
    return session


def current_engine() -> EngineContext:
    engine: EngineContext = current_app.extensions["engine"]
    return engine


def bearer_token() -> str:
    """The token of the request's ``Authorization: Bearer`` header; raises NotAuthenticatedError."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthenticatedError(
            "Cần đăng nhập: gửi header Authorization: Bearer <token>",
            message_en="Sign in first: send the header Authorization: Bearer <token>",
        )
    return token.strip()


def current_official() -> Official:
    """The official behind the bearer token of this request; raises NotAuthenticatedError.

    Only the header counts, never the browser's session cookie: that is why the JSON API needs
    no CSRF token (admin.sessions)."""
    if "official" not in g:
        g.official = official_for_token(identity_session(), current_engine().clock, bearer_token())
        act_as(get_session(), Actor.of(g.official))  # named on organisation changes (administrative chain)
    official: Official = g.official
    return official


def current_actor() -> Actor:
    return Actor.of(current_official())


def preferred_language() -> str:
    return request.accept_languages.best_match(["vi", "en"], default="vi") or "vi"


def _close_session(_exc: BaseException | None) -> None:
    for name in ("db_session", "identity_session"):
        session = g.pop(name, None)
        if session is not None:
            session.close()  # rolls back whatever was not committed


# What anyone may read or call without signing in; every other API call needs a bearer token,
# checked before the request body is even parsed.
PUBLIC_API = {
    ("POST", "/api/v1/auth/login"),
    ("POST", "/api/v1/auth/logout"),  # an unknown or expired token is already signed out
    ("GET", "/api/v1/openapi.json"),
}
# The public catalogue: the procedures and one procedure, never their versions (they name officials).
PUBLIC_API_PATTERNS = (("GET", re.compile(r"/api/v1/procedures(/[^/]+)?")),
                       # The public lookup and rating (api/public.py): the receipt's secret stands in.
                       ("GET", re.compile(r"/api/v1/public/dossiers/[^/]+")),
                       ("POST", re.compile(r"/api/v1/public/dossiers/[^/]+/rating")))


def _require_token() -> None:
    path = request.path.rstrip("/") or "/"
    if not path.startswith("/api/") or request.method == "OPTIONS":
        return
    if (request.method, path) in PUBLIC_API:
        return
    if any(request.method == method and pattern.fullmatch(path) for method, pattern in PUBLIC_API_PATTERNS):
        return
    current_official()


def init_app(app: Flask) -> None:
    app.before_request(_require_token)
    app.teardown_appcontext(_close_session)


def commit() -> None:
    get_session().commit()


