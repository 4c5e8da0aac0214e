"""Probes for the orchestrator: /healthz (the process answers) and /readyz (it can serve requests).

Both sit outside /api/ (no token needed) and write nothing.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app
from sqlalchemy.exc import SQLAlchemyError

from api.errors import error_body
from engine.persistence.migrate import schema_revisions

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up; touches nothing else, so a slow database never gets a worker killed."""
    return {"status": "ok"}


@bp.get("/readyz")
def readyz() -> Any:
    """200 when the database (and its read replica, if one is set) answers and its schema is at the
    code's migration head; else 503."""
    try:
        current, heads = schema_revisions(current_app.extensions["db_engine"])
    except SQLAlchemyError as error:
        current_app.logger.warning("readiness_database_unavailable", extra={"error": str(error).splitlines()[0]})
        return _not_ready("Cơ sở dữ liệu không phản hồi", "The database does not answer", "database_unavailable")
    if current != heads:
        return _not_ready("Cơ sở dữ liệu chưa được cập nhật (chạy: motcua db upgrade)",
                          "The database schema is not current (run: motcua db upgrade)", "migrations_pending",
                          {"current": sorted(current), "expected": sorted(heads)})
    replica = current_app.extensions.get("replica_db_engine")
    if replica is not None:
        try:
            schema_revisions(replica)
        except SQLAlchemyError as error:
            current_app.logger.warning("readiness_replica_unavailable", extra={"error": str(error).splitlines()[0]})
            return _not_ready("Bản sao đọc của cơ sở dữ liệu không phản hồi", "The read replica does not answer",
                              "replica_unavailable")
    return {"status": "ready", "revision": sorted(heads)}


def _not_ready(message: str, message_en: str, error: str, errors: Any = None) -> Any:
    retry_after = str(current_app.config["READYZ_RETRY_AFTER_SECONDS"])
    return error_body(503, message, message_en, error, errors), 503, {"Retry-After": retry_after}
