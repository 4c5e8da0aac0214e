"""Every setting and its default, in one place; MOTCUA_<NAME> environment variables override them.

The environment is read once, by ``load_config`` (Flask's ``from_prefixed_env``, every value as
text, so a secret key or a province code is never reinterpreted; the numeric settings are then
converted); the engine gets its part as ``EngineSettings``. README.md lists every setting.
"""

from __future__ import annotations

from flask import Config

ENV_PREFIX = "MOTCUA"
INT_SETTINGS = ("TOKEN_LIFETIME_HOURS", "WORKFLOW_CACHE_SIZE", "MAX_CONTENT_LENGTH", "READYZ_RETRY_AFTER_SECONDS")


class DefaultConfig:
    # --- what an operator sets (README.md, "Configuration") ---
    DATABASE_URL: str | None = None  # None: SQLite in the instance folder
    REPLICA_DATABASE_URL: str | None = None  # a read replica for reads that may lag (api.replica); None: none
    SECRET_KEY = "dev-only-change-me"
    LIBRARY_PATH: str | None = None  # None: bpmn/ beside the code
    PROVINCE: str | None = None
    PUBLIC_BASE_URL: str | None = None  # None: http://127.0.0.1:5000, and a refusal to start in production
    ENV = "development"  # production: the Docker image (api/edge.py)
    SLIP_PLACE = ""
    SLIP_PARENT_BODY = ""
    TIMEZONE = "Asia/Ho_Chi_Minh"
    TOKEN_LIFETIME_HOURS = 12
    WORKFLOW_CACHE_SIZE = 512
    SCRIPT_TIME_LIMIT_SECONDS = 2.0
    SCRIPT_MEMORY_LIMIT_MB = 32
    IDEMPOTENCY_KEY_HOURS = 24
    AUDIT_SIGNING_KEY: str | None = None  # Ed25519 key (PEM or PKCS#12) signing anchors (engine.audit.anchors)
    AUDIT_SIGNING_KEY_PASSWORD: str | None = None
    AUDIT_ANCHOR_MINUTES = 60
    SPIFF_SPEEDUPS = True  # false: SpiffWorkflow's own tree walk and steps (engine/runtime/library_patches.py)
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024
    LOG_FORMAT = "json"  # json: one object per line; text: readable lines (motcua demo)
    LOG_LEVEL = "INFO"
    READYZ_RETRY_AFTER_SECONDS = 10
    # The center's signing certificate (PKCS#12) and the authorities' certificates (PEM) signed
    # results are checked against; `motcua demo` makes a demo pair under the instance folder.
    SIGNING_PKCS12_PATH: str | None = None
    SIGNING_PKCS12_PASSWORD: str | None = None
    SIGNING_TRUST_ROOTS: str | None = None

    # --- fixed ---
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
    # Sign-in and public lookup throttling (engine.identity.throttle); a shared store such as
    # redis://host:6379 makes the per-address counts hold across processes.
    RATELIMIT_STORAGE_URI = "memory://"
    LOGIN_FAILURES_PER_ADDRESS = "30 per 15 minutes"
    LOGIN_MAX_FAILURES = 5  # in a row, per account: then locked for LOGIN_LOCKOUT_MINUTES
    LOGIN_LOCKOUT_MINUTES = 15
    LOGIN_CONCURRENCY = 2  # password verifications at once per process; more are told to retry
    LOOKUPS_PER_ADDRESS = "30 per minute"
    FEEDBACK_PER_ADDRESS = "10 per hour"  # the public feedback form's submissions
    # Browser sessions (admin.sessions): the cookie is also Secure whenever served over HTTPS.
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False


def load_config(config: Config, overrides: dict[str, object] | None = None) -> None:
    """Defaults, then the MOTCUA_* environment, or ``overrides`` instead of the environment (tests)."""
    config.from_object(DefaultConfig)
    if overrides is None:
        config.from_prefixed_env(ENV_PREFIX, loads=str)
    else:
        config.update(overrides)
    for name in INT_SETTINGS:
        config[name] = int(config[name])
