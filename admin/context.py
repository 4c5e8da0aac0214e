"""Per-request access for the pages: one database session, the engine, the signed-in official.

The pages hold no queries of their own; they pass this session and official to engine functions,
which apply the access policy.
"""

from __future__ import annotations

from flask import Flask, current_app, g
from flask_login import current_user
from sqlalchemy.orm import Session, sessionmaker

from engine.identity.profile import OfficialProfile
from engine.persistence.models import Official
from engine.runtime.command import Actor
from engine.runtime.context import EngineContext

_SESSION_KEY = "page_db_session"
_IDENTITY_KEY = "page_identity_session"


def page_session() -> Session:
    """The request's database session, opened on first use and closed (rolled back) at teardown:
    from the primary, or a read replica for the reads that may lag (api.replica)."""
    if _SESSION_KEY not in g:
        factory: sessionmaker[Session] = current_app.extensions["reading_factory"]()
        setattr(g, _SESSION_KEY, factory())
    session: Session = getattr(g, _SESSION_KEY)
    return session


def identity_session() -> Session:
    """The session that checks the browser's sign-in: the page's own, or one on the primary when
    the page reads a replica, whose copy of a token issued a moment ago may not have arrived."""
    factory: sessionmaker[Session] | None = current_app.extensions["identity_factory"]()
    if factory is None:
        return page_session()
    if _IDENTITY_KEY not in g:
        setattr(g, _IDENTITY_KEY, factory())
    session: Session = getattr(g, _IDENTITY_KEY)
    return session


def engine() -> EngineContext:
    context: EngineContext = current_app.extensions["engine"]
    return context


def signed_in_official() -> Official:
    """The official of the browser session; views behind ``login_required`` only."""
    official: Official = current_user.official
    return official


def signed_in_profile() -> OfficialProfile:
    profile: OfficialProfile = current_user.profile
    return profile


def signed_in_actor() -> Actor:
    return Actor.of(signed_in_official())


def _close(_exc: BaseException | None) -> None:
    for key in (_SESSION_KEY, _IDENTITY_KEY):
        session = g.pop(key, None)
        if session is not None:
            session.close()


def init_app(app: Flask) -> None:
    app.teardown_appcontext(_close)
