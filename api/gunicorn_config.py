"""gunicorn settings for several workers: ``gunicorn -c python:api.gunicorn_config "api.app:create_app()"``.

prometheus_client adds up the workers' metrics when PROMETHEUS_MULTIPROC_DIR names a directory for
their files. Unless the operator names one, this run gets its own, set here before any worker
imports prometheus_client (which reads the variable once, at import). The hooks start a run from an
empty directory, compile each worker's page templates before it takes a request
(api.warm_up) and set what it built to start aside from the garbage collector, and retire the
files of workers that exit.
"""

from __future__ import annotations

import gc
import os
import tempfile
from pathlib import Path
from typing import Any

os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(Path(tempfile.gettempdir()) / f"motcua-metrics-{os.getpid()}"))


def on_starting(_server: Any) -> None:
    directory = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):  # counts left by a previous run would be added to this one's
        stale.unlink()


def child_exit(_server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess  # not at the top: the master must not fix its mode first

    multiprocess.mark_process_dead(worker.pid)


def post_worker_init(worker: Any) -> None:
    from api.warm_up import compile_templates

    count = compile_templates(worker.wsgi)
    # What the worker built to start (the app, its templates, its libraries) lives as long as the
    # worker: out of the collector's sight, a full collection no longer walks it, which otherwise
    # stalls whichever request triggers it for 100-200 ms (seen in bench.public's slowest page).
    gc.collect()
    gc.freeze()
    worker.log.info("templates compiled: %d; %d start-up objects frozen", count, gc.get_freeze_count())
