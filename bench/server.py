"""The production server (gunicorn with api.gunicorn_config) on a free local port, for the browser
tests and the page benchmark: they measure and drive what a center runs, not the development server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

START_TIMEOUT_SECONDS = 240  # a loaded machine can take minutes to import and start the workers


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return str(response.read().decode())


def wait_until_up(url: str, server: subprocess.Popen[bytes]) -> None:
    """Return once ``url`` answers 2xx; fail if the server exits or takes over START_TIMEOUT_SECONDS."""
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            get(url)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer {url} within {START_TIMEOUT_SECONDS} s")


@contextmanager
def gunicorn(env: dict[str, str], *, workers: int = 1, threads: int = 4,
             log: IO[bytes] | None = None, cwd: Path | None = None, pid_file: Path | None = None,
             app: str = "api.app:create_app()") -> Iterator[str]:
    """Serve ``app`` (the product unless told otherwise) with ``env`` (MOTCUA_* settings) added to
    this process's environment; yields the base URL once /readyz answers, stops the server on exit.
    ``pid_file``: where gunicorn writes its master's process id (to read its workers' CPU time)."""
    port = free_port()
    pid_args = ["--pid", str(pid_file)] if pid_file is not None else []
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "python:api.gunicorn_config", "--workers", str(workers),
         "--threads", str(threads), "--bind", f"127.0.0.1:{port}", *pid_args, app],
        env={**os.environ, **env}, cwd=cwd, stdout=log or subprocess.DEVNULL, stderr=log or subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(f"{base}/readyz", server)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
