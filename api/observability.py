"""Logs, request ids and Prometheus metrics of the web application.

- Logs: one JSON object per line (python-json-logger) or readable lines (``LOG_FORMAT=text``, the
  demo). Every line logged while a request or a command runs carries its ``request_id``, the
  signed-in ``official``, the ``dossier`` code and the ``command``, besides the ``extra=`` fields of
  the call.
- Request ids: an ``X-Request-ID`` header the client or the proxy sent is kept (when it is a sane
  token), otherwise one is made; the response carries it back.
- ``GET /metrics``: request latency by endpoint, the engine's command counts and durations
  (engine/observability.py) and, read from the database at scrape time, due timers, the
  scheduler's lag and the open tasks of each center. Under gunicorn, set PROMETHEUS_MULTIPROC_DIR
  (README.md, "Operations") so every worker's figures are added up.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import time
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, has_request_context, request
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from engine.observability import current_command
from engine.runtime.context import EngineContext
from engine.work_figures import work_figures

log = logging.getLogger(__name__)
REQUEST_ID_HEADER = "X-Request-ID"
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
CONTEXT_FIELDS = ("request_id", "official", "dossier", "command")

REQUEST_SECONDS = Histogram("motcua_http_request_duration_seconds", "HTTP request latency, by endpoint.",
                            ["method", "endpoint", "status"])

# --- Logs -----------------------------------------------------------------------------------------


class ContextFilter(logging.Filter):
    """Adds the request and command a line was logged in; fields passed in ``extra=`` win."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, value in _context().items():
            if value is not None and not hasattr(record, name):
                setattr(record, name, value)
        return True


def _context() -> dict[str, Any]:
    scope = current_command()
    context: dict[str, Any] = {"command": scope.kind if scope else None, "dossier": scope.dossier if scope else None}
    if has_request_context():
        official = g.get("official")
        context["request_id"] = g.get("request_id")
        context["official"] = getattr(official, "username", None)
    return context


class TextFormatter(logging.Formatter):
    """A readable line: time, level, logger, message, then every extra field as key=value."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s: %(message)s", "%H:%M:%S")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        extras = [f"{key}={value}" for key, value in record.__dict__.items()
                  if key not in RESERVED_ATTRS and key not in ("message", "asctime") and value is not None]
        head, _, trace = line.partition("\n")  # a traceback stays below the fields
        return " ".join([head, *extras]) + (f"\n{trace}" if trace else "")


class _MotcuaHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The one handler configure_logging installs (a second call replaces it, never adds one)."""


def configure_logging(log_format: str, level: str) -> None:
    formatter: logging.Formatter
    if log_format == "text":
        formatter = TextFormatter()
    else:
        formatter = JsonFormatter("%(levelname)s %(name)s %(message)s", timestamp="time",  # ISO 8601, UTC
                                  rename_fields={"levelname": "level", "name": "logger"}, json_ensure_ascii=False)
    handler = _MotcuaHandler(sys.stderr)
    handler.setFormatter(formatter)
    handler.addFilter(ContextFilter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _MotcuaHandler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    # Our "request" line replaces the development server's own access line, and SpiffWorkflow logs
    # every state change of every task at INFO: a dossier's history records those already.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    logging.getLogger("spiff").setLevel(logging.WARNING)


# --- Requests -------------------------------------------------------------------------------------


def _start_request() -> None:
    given = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = given if _SANE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _finish_request(response: Response) -> Response:
    response.headers[REQUEST_ID_HEADER] = g.get("request_id", "")
    started = g.get("request_started")
    if started is None:
        return response
    elapsed = time.perf_counter() - started
    endpoint = request.url_rule.rule if request.url_rule is not None else "unmatched"
    REQUEST_SECONDS.labels(request.method, endpoint, str(response.status_code)).observe(elapsed)
    log.info("request", extra={"method": request.method, "path": request.path, "status": response.status_code,
                               "duration_ms": round(elapsed * 1000, 1)})
    return response


# --- Metrics --------------------------------------------------------------------------------------

bp = Blueprint("metrics", __name__)


class WorkFiguresCollector(Collector):
    """Due timers, scheduler lag and open tasks by center, read from the database on each scrape."""

    def __init__(self, session_factory: sessionmaker[Session], engine: EngineContext) -> None:
        self.session_factory, self.engine = session_factory, engine

    def describe(self) -> Iterable[Metric]:
        return []  # nothing to check at registration (that would query the database)

    def collect(self) -> Iterator[Metric]:
        try:
            with self.session_factory() as session:
                figures = work_figures(session, self.engine.clock.now())
        except SQLAlchemyError as error:
            log.warning("metrics_database_unavailable", extra={"error": str(error).splitlines()[0]})
            return
        yield GaugeMetricFamily("motcua_timers_due", "Open dossiers whose next timer is due and not fired yet.",
                                value=figures.due_timers)
        yield GaugeMetricFamily("motcua_scheduler_lag_seconds",
                                "How long the oldest due timer has waited for the scheduler (0: none waiting).",
                                value=figures.scheduler_lag_seconds)
        open_tasks = GaugeMetricFamily("motcua_open_tasks", "Ready or claimed tasks, by center.", labels=["center"])
        for center, count in sorted(figures.open_tasks_by_center.items()):
            open_tasks.add_metric([center], count)
        yield open_tasks


def _process_registry() -> CollectorRegistry:
    """This process's metrics, or every gunicorn worker's when prometheus_client runs multiprocess."""
    if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:  # prometheus_client's own switch
        return REGISTRY
    registry = CollectorRegistry()
    MultiProcessCollector(registry)
    return registry


@bp.get("/metrics")
def metrics() -> Response:
    body = generate_latest(_process_registry()) + generate_latest(current_app.extensions["work_metrics"])
    return Response(body, mimetype=CONTENT_TYPE_LATEST)


def init_app(app: Flask) -> None:
    """Logging, request ids and metrics; called first so every later hook runs inside them."""
    configure_logging(app.config["LOG_FORMAT"], app.config["LOG_LEVEL"])
    app.before_request(_start_request)
    app.after_request(_finish_request)
    work_metrics = CollectorRegistry()
    work_metrics.register(WorkFiguresCollector(app.extensions["read_session_factory"], app.extensions["engine"]))
    app.extensions["work_metrics"] = work_metrics
    app.register_blueprint(bp)
