"""What the engine tells operators: which command runs on which dossier, how long it took, how many.

The engine knows nothing of HTTP or of log formats. A command function is wrapped with
``@command("kind")``: while it runs, ``current_command()`` names it and the dossier it locked (for
the log lines the web layer formats), and when it ends its count and duration go to Prometheus
through prometheus_client, which keeps them per process or, under gunicorn, in the shared
PROMETHEUS_MULTIPROC_DIR.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import ParamSpec, TypeVar

from prometheus_client import Counter, Histogram

from engine.errors import EngineError

log = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")

COMMANDS = Counter("motcua_commands", "Commands run, by kind and outcome (ok, or the engine error code).",
                   ["kind", "outcome"])
COMMAND_SECONDS = Histogram("motcua_command_duration_seconds", "Time spent in a command's engine work, by kind.",
                            ["kind"], buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))


@dataclass
class CommandScope:
    """The command running in this thread or task, and the dossier it works on once known."""

    kind: str
    dossier: str | None = None


_scope: ContextVar[CommandScope | None] = ContextVar("motcua_command", default=None)


def current_command() -> CommandScope | None:
    return _scope.get()


def note_dossier(code: str) -> None:
    """Tell the running command which dossier it locked (its log lines carry the code from then on)."""
    scope = _scope.get()
    if scope is not None and scope.dossier is None:
        scope.dossier = code


def command(kind: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Count and time every call of the wrapped command function as one command of ``kind``.

    A command called from inside another one is part of it: only the outermost is counted.
    """

    def wrap(function: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(function)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            if _scope.get() is not None:
                return function(*args, **kwargs)
            scope = CommandScope(kind)
            token = _scope.set(scope)
            started, outcome = time.perf_counter(), "error"
            try:
                result = function(*args, **kwargs)
                outcome = "ok"
                return result
            except EngineError as error:
                outcome = error.code
                raise
            finally:
                elapsed = time.perf_counter() - started
                COMMANDS.labels(kind, outcome).inc()
                COMMAND_SECONDS.labels(kind).observe(elapsed)
                log.info("command", extra={"outcome": outcome, "duration_ms": round(elapsed * 1000, 1)})
                _scope.reset(token)

        return run

    return wrap
