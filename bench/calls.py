"""What one request of an official costs, counted rather than timed: SQL statements and Python function
calls per start, claim, complete, inbox and dossier page, in-process, on the demo province (SQLite).

Run from the project root::

    python -m bench.calls                          # this checkout (~1 min with the seeding)
    python -m bench.calls --baseline ../main       # also another checkout, same requests: before / after
    python -m bench.calls --json

Counts do not move with the machine's load, unlike times: a change that saves work shows here
even on a busy machine. What happens: ``motcua demo --no-serve`` fills a SQLite database; the
Flask app (``api.app.create_app``, production settings, JSON logs to nowhere) serves it through
its test client; ``tiepnhan`` and ``chuyenvien`` sign in; dossiers of ``enterprise_registration`` are
received and walked through the supplementation loop (4 user tasks each: the queue, claim,
complete, the dossier page per step). After 3 dossiers of warm-up, each request of the next ones
is counted: statements with ``before_cursor_execute``, function calls with cProfile (each request on
its own profiler). Medians per kind of request.

With ``--baseline``, this file runs again in a subprocess with the other checkout's packages first
on ``sys.path`` (PYTHONPATH), on a copy of the same seeded database. Benchmarks print figures;
they never assert.
"""

from __future__ import annotations

import argparse
import copy
import cProfile
import json
import logging
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

OPERATIONS = ("start", "claim", "complete", "inbox", "dossier_page")
PASSWORD = "motcua-demo"  # the demo's (bench.pages has it too; this file must run against older checkouts)


def count(database: Path, dossiers: int) -> dict[str, dict[str, float]]:
    """Median statements and function calls per kind of request, in this process."""
    from sqlalchemy import event

    from api.app import create_app
    from bench.engine_step import INTAKE, step_payload

    app = create_app({"DATABASE_URL": f"sqlite:///{database}", "LOG_FORMAT": "json", "LOG_LEVEL": "INFO"})
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(open(os.devnull, "w"))  # noqa: SIM115 - for the life of the process
    client = app.test_client()
    statements: list[str] = []
    event.listen(app.extensions["db_engine"], "before_cursor_execute", lambda *a: statements.append(a[2]))
    counted: dict[str, list[tuple[int, int]]] = defaultdict(list)

    def headers(username: str) -> dict[str, str]:
        answer = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
        return {"Authorization": f"Bearer {answer.json['token']}"}  # type: ignore[index]

    reception, specialist = headers("tiepnhan"), headers("chuyenvien")

    def request(operation: str, measure: bool, method: str, path: str, **kwargs: Any) -> Any:
        if not measure:
            return client.open(path, method=method, **kwargs)
        statements.clear()
        profiler = cProfile.Profile()
        profiler.enable()
        answer = client.open(path, method=method, **kwargs)
        profiler.disable()
        counted[operation].append((len(statements), pstats.Stats(profiler).total_calls))  # type: ignore[attr-defined]
        return answer

    def dossier(measure: bool) -> None:
        answer = request("start", measure, "POST", "/api/v1/dossiers", headers=reception, json={
            "procedure": "enterprise_registration", "center": "hcc_tinh", "data": copy.deepcopy(INTAKE)})
        code, task = answer.json["code"], answer.json["open_tasks"][0]["id"]
        for n in range(1, 5):
            who = specialist if n % 2 else reception
            request("inbox", measure, "GET", "/api/v1/inbox/queue?limit=50", headers=who)
            claimed = request("claim", measure, "POST", f"/api/v1/tasks/{task}/claim", headers=who)
            done = request("complete", measure, "POST", f"/api/v1/tasks/{task}/complete", headers=who,
                           json={"data": step_payload(n)})
            page = request("dossier_page", measure, "GET", f"/api/v1/dossiers/{code}", headers=who)
            if {claimed.status_code, done.status_code, page.status_code} != {200}:
                raise RuntimeError(f"step {n} of {code}: {claimed.status_code} {done.status_code} {page.status_code}")
            if n < 4:
                task = page.json["open_tasks"][0]["id"]

    for _ in range(3):
        dossier(False)
    for _ in range(dossiers):
        dossier(True)
    return {op: {"statements": statistics.median(s for s, _ in counted[op]),
                 "calls": statistics.median(c for _, c in counted[op]), "requests": len(counted[op])}
            for op in OPERATIONS}


def seed(folder: Path) -> Path:
    database = folder / "calls.sqlite3"
    env = {**os.environ, "MOTCUA_DATABASE_URL": f"sqlite:///{database}", "MOTCUA_LOG_FORMAT": "text"}
    subprocess.run([sys.executable, "-c", "from api.cli import main; main()", "demo", "--no-serve"], env=env,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return database


def _copy(database: Path, name: str) -> Path:
    target = database.with_name(name)
    shutil.copy(database, target)
    for suffix in ("-wal", "-shm"):
        if Path(f"{database}{suffix}").exists():
            shutil.copy(f"{database}{suffix}", f"{target}{suffix}")
    return target


def baseline_counts(checkout: Path, database: Path, dossiers: int) -> dict[str, dict[str, float]]:
    """This file, run with the other checkout's packages first on sys.path."""
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    # -P: not this file's folder first on sys.path (bench/http.py would shadow the standard http package)
    result = subprocess.run([sys.executable, "-P", __file__, "--database", str(database), "--dossiers", str(dossiers),
                             "--json"], env=env, cwd=checkout, capture_output=True, text=True, check=True)
    counts: dict[str, dict[str, float]] = json.loads(result.stdout)["counts"]
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.calls", description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--dossiers", type=int, default=5, help="dossiers counted (4 steps each), after 3 of warm-up")
    parser.add_argument("--baseline", type=Path, metavar="CHECKOUT", help="also count another checkout's requests")
    parser.add_argument("--database", type=Path, help=argparse.SUPPRESS)  # a seeded database (the baseline's run)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="motcua_bench_calls_") as tmp:
        seeded = args.database or seed(Path(tmp))
        before = baseline_counts(args.baseline.resolve(), _copy(seeded, "baseline.sqlite3"), args.dossiers) \
            if args.baseline else None
        after = count(_copy(seeded, "counted.sqlite3") if args.database is None else seeded, args.dossiers)
    report: dict[str, Any] = {"counts": after, **({"baseline": str(args.baseline), "baseline_counts": before}
                                                  if before else {})}
    if args.json:
        print(json.dumps(report))
        return 0
    print("Per request, median (SQLite, demo province, in-process): SQL statements and Python function calls")
    print(f"  {'request':14s} {'statements':>10s} {'calls':>8s}" + ("   baseline: statements, calls" if before else ""))
    for op in OPERATIONS:
        line = f"  {op:14s} {after[op]['statements']:10g} {after[op]['calls']:8.0f}"
        if before:
            line += f"   {before[op]['statements']:10g} {before[op]['calls']:8.0f}  " \
                    f"({after[op]['calls'] / before[op]['calls'] - 1:+.0%} calls)"
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
