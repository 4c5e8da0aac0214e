"""Under gunicorn with two workers, /metrics adds up every worker's figures (multiprocess mode)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from engine.db import make_db_engine
from engine.persistence.migrate import upgrade

pytest.importorskip("gunicorn")  # in the [dev] extra, which CI installs
REQUESTS = 40


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return str(response.read().decode())


def wait_until_up(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, "gunicorn exited"
        try:
            get(url)
            return
        except OSError:
            time.sleep(0.3)
    raise AssertionError("gunicorn did not answer within 60 s")


def healthz_requests(metrics: str) -> float:
    return sum(s.value for family in text_string_to_metric_families(metrics) for s in family.samples
               if s.name == "motcua_http_request_duration_seconds_count" and s.labels["endpoint"] == "/healthz")


def test_two_workers_report_one_sum(tmp_path: Path):
    database = f"sqlite:///{tmp_path}/motcua.sqlite3"
    db_engine = make_db_engine(database)
    upgrade(db_engine)
    db_engine.dispose()
    metrics_dir = tmp_path / "metrics"
    (metrics_dir / "left-over.db").parent.mkdir()
    (metrics_dir / "left-over.db").write_bytes(b"stale")  # on_starting clears what a previous run left
    port = free_port()
    env = {**os.environ, "MOTCUA_DATABASE_URL": database, "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "python:api.gunicorn_config", "--workers", "2",
         "--bind", f"127.0.0.1:{port}", "api.app:create_app()"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(f"{base}/readyz", server)
        for _ in range(REQUESTS):
            get(f"{base}/healthz")
        assert healthz_requests(get(f"{base}/metrics")) == REQUESTS
        assert len(list(metrics_dir.glob("histogram_*.db"))) >= 1 and not (metrics_dir / "left-over.db").exists()
    finally:
        server.terminate()
        server.wait(timeout=30)
