"""Which database a request reads: the primary, or a read replica for reads that may lag.

Leaders' statistics and dashboards, the public catalogue and the auditors' verifications and exports
read a great deal and can be a second behind; the officials' inbox, the dossier page and the
citizen's lookup must show what a command just wrote, so they read the primary (docs/scaling.md).
``MOTCUA_REPLICA_DATABASE_URL`` names the replica; unset, every read goes to the primary. Both the
API (api.deps) and the pages (admin.context, through ``app.extensions["reading_factory"]``: the two
web layers do not import each other) take their session factory from ``reading_factory``.
"""

from __future__ import annotations

from flask import Flask, current_app, request
from sqlalchemy.orm import Session, sessionmaker

from engine.db import make_db_engine, make_session_factory

READS_THAT_MAY_LAG = frozenset({
    "statistics", "dashboard_pages",  # leaders' figures, lists and exports
    "catalogue_pages",  # the public catalogue and its on-time rates
    "audit", "audit_pages",  # chain verification, replay, evidence packs
})
READ_METHODS = ("GET", "HEAD", "OPTIONS")


def init_app(app: Flask) -> None:
    url = app.config.get("REPLICA_DATABASE_URL")
    if url:
        replica = make_db_engine(url)
        app.extensions["replica_db_engine"] = replica
        app.extensions["replica_session_factory"] = make_session_factory(replica, read_only=True)
    app.extensions["reading_factory"] = reading_factory
    app.extensions["identity_factory"] = identity_factory


def reads_replica() -> bool:
    """Whether this request's session reads a replica (one is configured and the route may lag)."""
    return (request.method in READ_METHODS and request.blueprint in READS_THAT_MAY_LAG
            and "replica_db_engine" in current_app.extensions)


def identity_factory() -> sessionmaker[Session] | None:
    """Where to check who is calling when the request reads a replica: the primary, since the
    replica's copy of a token issued a moment ago may not have arrived yet. None: the request's
    own session will do."""
    if not reads_replica():
        return None
    factory: sessionmaker[Session] = current_app.extensions["read_session_factory"]
    return factory


def reading_factory() -> sessionmaker[Session]:
    """The session factory of this request: writes and reads that must see them on the primary,
    reads that may lag on the replica. A GET only reads: its session takes no write lock on SQLite
    (engine.db.make_session_factory), so pages and lists never queue behind a command."""
    if request.method not in READ_METHODS:
        factory: sessionmaker[Session] = current_app.extensions["session_factory"]
    elif reads_replica():
        factory = current_app.extensions["replica_session_factory"]
    else:
        factory = current_app.extensions["read_session_factory"]
    return factory
