"""Default configuration; environment variables MOTCUA_* override it in real runs."""

from __future__ import annotations

import os


class DefaultConfig:
    API_TITLE = "Motcua API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.1.0"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "/docs"
    # Served from the package's own static folder: no CDN is reachable from a center's network.
    OPENAPI_SWAGGER_UI_URL = None
    API_SPEC_OPTIONS = {
        "info": {"description": "Motcua: một cửa BPMN engine for Public Administration Service Centers"},
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
    }
    JSON_SORT_KEYS = False
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024
    DATABASE_URL: str | None = None
    SECRET_KEY = os.environ.get("MOTCUA_SECRET_KEY", "dev-only-change-me")
    TOKEN_LIFETIME_HOURS = 12
    WORKFLOW_CACHE_SIZE = 512
    # Sign-in and public lookup throttling (engine.identity.throttle); a shared store such as
    # redis://host:6379 makes the per-address counts hold across processes.
    RATELIMIT_STORAGE_URI = "memory://"
    LOGIN_FAILURES_PER_ADDRESS = "30 per 15 minutes"
    LOGIN_MAX_FAILURES = 5  # in a row, per account: then locked for LOGIN_LOCKOUT_MINUTES
    LOGIN_LOCKOUT_MINUTES = 15
    LOGIN_CONCURRENCY = 2  # password verifications at once per process; more are told to retry
    LOOKUPS_PER_ADDRESS = "30 per minute"
    # Browser sessions (admin.sessions): the cookie is also Secure whenever served over HTTPS.
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False


def config_from_environment() -> dict[str, object]:
    """Read MOTCUA_* variables: MOTCUA_DATABASE_URL, MOTCUA_SECRET_KEY, MOTCUA_LIBRARY_PATH."""
    values: dict[str, object] = {}
    for name, value in os.environ.items():
        if name.startswith("MOTCUA_"):
            values[name[len("MOTCUA_"):]] = value
    return values
