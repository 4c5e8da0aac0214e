"""Under gunicorn with two workers, /metrics adds up every worker's figures (multiprocess mode)."""

from __future__ import annotations

from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from bench.server import get, gunicorn
from engine.db import make_db_engine
from engine.persistence.migrate import upgrade

pytest.importorskip("gunicorn")  # in the [test] extra
REQUESTS = 40


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
    env = {"MOTCUA_DATABASE_URL": database, "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)}
    with gunicorn(env, workers=2, threads=1) as base:
        for _ in range(REQUESTS):
            get(f"{base}/healthz")
        assert healthz_requests(get(f"{base}/metrics")) == REQUESTS
        assert len(list(metrics_dir.glob("histogram_*.db"))) >= 1 and not (metrics_dir / "left-over.db").exists()
