"""The composition root: the only place that wires config, database, engine and web together."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask
from flask_smorest import Api
from sqlalchemy.exc import DBAPIError

from api.config import load_config
from engine.audit.org_changes import record_org_changes
from engine.db import make_db_engine, make_session_factory
from engine.identity.throttle import SignInGuard, ThrottleSettings
from engine.runtime.context import EngineContext, build_context
from engine.settings import EngineSettings


def default_database_url(app: Flask) -> str:
    os.makedirs(app.instance_path, exist_ok=True)
    return f"sqlite:///{os.path.join(app.instance_path, 'motcua.sqlite3')}"


def _load_calendar(app: Flask) -> None:
    """Apply the calendar overrides stored in the database (before migrations, there are none)."""
    try:
        with app.extensions["session_factory"]() as session:
            app.extensions["engine"].reload_calendar(session)
    except DBAPIError:
        app.logger.info("calendar_overrides_unavailable: the schema is not migrated yet")


def _refresh_calendar(app: Flask) -> None:
    """Each request first picks up calendar changes another process made (checked once a minute)."""
    try:
        app.extensions["engine"].refresh_calendar(app.extensions["read_session_factory"])
    except DBAPIError as error:  # the request itself meets the outage, and answers it (api.edge)
        app.logger.warning("calendar_refresh_failed: %s", type(error).__name__)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the web application; ``test_config`` replaces the environment in tests."""
    app = Flask(__name__, instance_relative_config=True, static_folder=None)  # assets: admin.workplace
    load_config(app.config, test_config)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # Vietnamese stays readable in responses
    if not app.config.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = default_database_url(app)

    db_engine = app.config.get("DB_ENGINE") or make_db_engine(app.config["DATABASE_URL"])
    app.extensions["db_engine"] = db_engine
    app.extensions["session_factory"] = make_session_factory(db_engine)
    app.extensions["read_session_factory"] = make_session_factory(db_engine, read_only=True)
    engine: EngineContext = app.config.get("ENGINE_CONTEXT") or build_context(
        EngineSettings.from_mapping(app.config)
    )
    app.extensions["engine"] = engine
    app.extensions["sign_in"] = SignInGuard(ThrottleSettings.from_mapping(app.config))

    from admin import workplace
    from api import (
        audit,
        auth,
        calendar,
        deps,
        dossiers,
        edge,
        errors,
        health,
        inbox,
        incidents,
        observability,
        org,
        procedures,
        public,
        replica,
        slips,
        statistics,
        studio,
        tasks,
    )

    record_org_changes()  # organisation changes become events of the administrative chain
    observability.init_app(app)  # first: its hooks wrap every other one
    _load_calendar(app)
    app.before_request(lambda: _refresh_calendar(app))
    deps.init_app(app)
    replica.init_app(app)
    api = Api(app)
    for resource in (auth, procedures, dossiers, tasks, inbox, slips, org, incidents, calendar, studio, public,
                     statistics, audit):
        api.register_blueprint(resource.blp)
    api.register_blueprint(slips.logbook_blp)
    # After Api(): flask-smorest registers its own HTTP error handler, ours gives the shared shape.
    errors.init_app(app)
    edge.init_app(app)
    workplace.init_app(app)
    app.register_blueprint(health.bp)
    return app
