"""Server time of the officials' pages on the demo province, through the production server, in one run.

Run from the project root::

    python -m bench.pages                # SQLite (the demo's database), ~1 min with the seeding
    python -m bench.pages --postgres     # PostgreSQL scratch database (bench.engine_step's), dropped after
    python -m bench.pages --json         # exactly one JSON object on stdout (progress on stderr)

What happens:

1. ``motcua demo --no-serve`` fills a fresh database: every library procedure active, the demo
   province (6 centers, ~390 officials, ~300 dossiers in every state).
2. gunicorn serves it as the Docker image does (``-c python:api.gunicorn_config``, 2 workers × 4
   threads), logging JSON. Each official signs in through the sign-in page, as a browser does
   (session cookie, CSRF token), and the pages are fetched one request at a time.
3. The pages: the sign-in page (anonymous), the home page, and, where the build has them, the inbox
   (``/hop-cong-viec``, and its list that htmx refreshes) of a specialist, a receptionist and a
   leader, the dossier search (``/ho-so``) and the dossier page (``/ho-so/<code>``) of many dossiers
   as the center's leader, who may read them all; the counter (``/tiep-nhan``) and a start form
   as reception, and the forms of open tasks (``/cong-viec/<id>``) as the center's leader (read-only
   for them). A page that answers 404 everywhere is left out (not built yet).
4. Cold: the first request for each URL after the server started (the dossier's workflow is not in
   the worker's cache, SQLAlchemy has not compiled the page's statements in that worker yet).
   Warm: ``--repeat`` more requests of each URL, shuffled together.
5. Page server time is the ``duration_ms`` of the application's own ``request`` log line (from the
   first hook to the last, matched by the X-Request-ID the bench sends); the round trip as the client
   saw it is printed beside it. For scale, measured in the same run: the HTTP floor (``/healthz``:
   the server and the app's hooks, no database), a database round trip (``SELECT 1`` in its own
   transaction, from this process) and the raw SpiffWorkflow step (bench.engine_step, library as
   shipped, no database).

Benchmarks print figures; they never assert.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select, text

from bench.engine_step import (
    PG_DB_NAME,
    create_pg_database,
    drop_pg_database,
    library_spiffworkflow,
    measure_raw,
    median_ms,
)
from bench.server import gunicorn

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "motcua-demo"
INBOX = "/hop-cong-viec"
INBOX_LIST = "/hop-cong-viec/danh-sach"  # the part htmx refreshes without reloading the page
SEARCH = "/ho-so"
DOSSIER = "/ho-so/{code}"
COUNTER = "/tiep-nhan"
START_FORM = "/tiep-nhan/enterprise_registration"
TASK = "/cong-viec/{task_id}"
INBOX_OFFICIALS = ("chuyenvien", "tiepnhan", "lanhdao")
DOSSIER_READER = "giamdoc"  # the center's leader reads every dossier of the center and the local ones
WORKERS, THREADS = 2, 4  # as the Docker image runs


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def quantile_ms(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@dataclass
class Fetch:
    page: str
    official: str
    url: str
    cold: bool
    request_id: str
    status: int = 0
    client_ms: float = 0.0


class Browser:
    """One official's cookie jar against the site: signs in through the sign-in page."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def fetch(self, path: str, data: dict[str, str] | None = None, request_id: str | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body,
                                         headers={"X-Request-ID": request_id or uuid.uuid4().hex})
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def sign_in(self, username: str) -> None:
        _, page = self.fetch("/dang-nhap")
        token = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', page)
        assert token, "no CSRF token on the sign-in page"
        status, page = self.fetch("/dang-nhap", {"username": username, "password": PASSWORD,
                                                 "csrf_token": token.group(1)})
        if status != 200 or 'name="password"' in page:
            raise RuntimeError(f"{username} could not sign in ({status})")


def seed(database_url: str) -> None:
    log(f"seeding the demo province into {database_url.split('@')[-1]}")
    env = {**os.environ, "MOTCUA_DATABASE_URL": database_url, "MOTCUA_LOG_FORMAT": "text"}
    subprocess.run([sys.executable, "-c", "from api.cli import main; main()", "demo", "--no-serve"],
                   env=env, cwd=ROOT, check=True, stdout=sys.stderr)


def dossier_codes(database_url: str, count: int) -> list[str]:
    from engine.db import make_db_engine, make_session_factory
    from engine.persistence.models import Dossier

    db_engine = make_db_engine(database_url)
    try:
        with make_session_factory(db_engine)() as session:
            codes = list(session.scalars(select(Dossier.code).order_by(Dossier.id)))
    finally:
        db_engine.dispose()
    return random.Random(7).sample(codes, min(count, len(codes)))


def open_task_ids(database_url: str, count: int) -> list[str]:
    """Open tasks of the center the dossier reader leads (their forms are read-only for them)."""
    from engine.db import make_db_engine, make_session_factory
    from engine.persistence.models import HumanTask, TaskStatus

    db_engine = make_db_engine(database_url)
    try:
        with make_session_factory(db_engine)() as session:
            ids = [str(i) for i in session.scalars(select(HumanTask.id).where(
                HumanTask.status.in_((TaskStatus.READY, TaskStatus.CLAIMED))).order_by(HumanTask.ready_at))]
    finally:
        db_engine.dispose()
    return random.Random(7).sample(ids, min(count, len(ids)))


def database_round_trip_ms(database_url: str, runs: int = 300) -> float:
    from engine.db import make_db_engine, make_session_factory

    db_engine = make_db_engine(database_url)
    factory = make_session_factory(db_engine)
    seconds = []
    try:
        for _ in range(runs):
            started = time.perf_counter()
            with factory.begin() as session:
                session.execute(text("SELECT 1"))
            seconds.append(time.perf_counter() - started)
    finally:
        db_engine.dispose()
    return median_ms(seconds)


def plan(base: str, codes: list[str], tasks: list[str]) -> tuple[dict[str, Browser], list[Fetch]]:
    """Who fetches what: every page that exists on this build, once each (cold)."""
    browsers = {name: Browser(base) for name in {*INBOX_OFFICIALS, DOSSIER_READER}}
    for username, browser in browsers.items():
        browser.sign_in(username)
    anonymous = Browser(base)
    browsers[""] = anonymous
    fetches = [Fetch("sign-in", "", "/dang-nhap", True, ""), Fetch("home", "tiepnhan", "/", True, "")]
    fetches += [Fetch("inbox", name, INBOX, True, "") for name in INBOX_OFFICIALS]
    fetches += [Fetch("inbox-list", name, INBOX_LIST, True, "") for name in INBOX_OFFICIALS]
    fetches += [Fetch("search", name, SEARCH, True, "") for name in (*INBOX_OFFICIALS, DOSSIER_READER)]
    fetches += [Fetch("dossier", DOSSIER_READER, DOSSIER.format(code=code), True, "") for code in codes]
    fetches += [Fetch("counter", "tiepnhan", COUNTER, True, ""), Fetch("start-form", "tiepnhan", START_FORM, True, "")]
    fetches += [Fetch("task", DOSSIER_READER, TASK.format(task_id=task_id), True, "") for task_id in tasks]
    return browsers, fetches


def run(browsers: dict[str, Browser], fetches: list[Fetch]) -> list[Fetch]:
    done = []
    for fetch in fetches:
        fetch.request_id = uuid.uuid4().hex
        started = time.perf_counter()
        fetch.status, _ = browsers[fetch.official].fetch(fetch.url, request_id=fetch.request_id)
        fetch.client_ms = (time.perf_counter() - started) * 1000
        done.append(fetch)
    return done


def server_times(log_file: Path) -> dict[str, float]:
    """duration_ms of every ``request`` line of the application's JSON log, by request id."""
    times = {}
    for line in log_file.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("{"):
            record = json.loads(line)
            if record.get("message") == "request" and "request_id" in record:
                times[record["request_id"]] = float(record["duration_ms"])
    return times


def http_floor_ms(base: str, runs: int = 200) -> float:
    browser = Browser(base)
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        browser.fetch("/healthz")
        seconds.append(time.perf_counter() - started)
    return median_ms(seconds)


def summarise(fetches: list[Fetch], server: dict[str, float]) -> list[dict[str, Any]]:
    groups: dict[tuple[str, bool], list[Fetch]] = defaultdict(list)
    for fetch in fetches:
        groups[(fetch.page, fetch.cold)].append(fetch)
    rows = []
    for (page, cold), group in sorted(groups.items(), key=lambda item: (item[0][0], not item[0][1])):
        statuses = sorted({f.status for f in group})
        ms = [server[f.request_id] for f in group if f.request_id in server]
        client = [f.client_ms for f in group]
        rows.append({"page": page, "cold": cold, "requests": len(group), "statuses": statuses,
                     "server_p50_ms": round(quantile_ms(ms, 0.5), 1) if ms else None,
                     "server_p95_ms": round(quantile_ms(ms, 0.95), 1) if ms else None,
                     "server_max_ms": round(max(ms), 1) if ms else None,
                     "client_p50_ms": round(quantile_ms(client, 0.5), 1),
                     "client_p95_ms": round(quantile_ms(client, 0.95), 1)})
    return rows


def measure(database_url: str, args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    seed(database_url)
    codes = dossier_codes(database_url, args.dossiers)
    log_file = folder / "server.log"
    env = {"MOTCUA_DATABASE_URL": database_url, "MOTCUA_LOG_FORMAT": "json", "MOTCUA_LOG_LEVEL": "INFO",
           "PROMETHEUS_MULTIPROC_DIR": str(folder / "metrics")}
    load_before = os.getloadavg()[0]
    with open(log_file, "wb") as server_log, gunicorn(env, workers=WORKERS, threads=THREADS, log=server_log,
                                                      cwd=ROOT) as base:
        log(f"serving at {base}; signing in and fetching the pages")
        browsers, cold = plan(base, codes, open_task_ids(database_url, args.dossiers))
        cold = run(browsers, cold)
        built = [f for f in cold if f.status != 404]
        missing = sorted({f.page for f in cold} - {f.page for f in built})
        warm = [Fetch(f.page, f.official, f.url, False, "") for f in built for _ in range(args.repeat)]
        random.Random(11).shuffle(warm)
        warm = run(browsers, warm)
        floor = http_floor_ms(base)
    server = server_times(log_file)
    return {"database": database_url.split(":")[0].split("+")[0], "pages": summarise(built + warm, server),
            "not_built_yet": missing, "http_floor_ms": round(floor, 2),
            "database_round_trip_ms": round(database_round_trip_ms(database_url), 3),
            # Other work on the machine moves p95 most: the 1-minute load average before and after.
            "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)], "cpus": os.cpu_count()}


def print_report(report: dict[str, Any]) -> None:
    print(f"Page server time on the demo province: gunicorn {WORKERS} workers × {THREADS} threads, "
          f"one request at a time; ms from the app's request log (client round trip beside)")
    for result in report["results"]:
        print(f"\n{result['database']}: HTTP floor (/healthz) {result['http_floor_ms']:.2f} ms, "
              f"database round trip {result['database_round_trip_ms']:.3f} ms, "
              f"raw SpiffWorkflow step {report['raw_step_ms']:.3f} ms; load average "
              f"{result['load_average'][0]:.1f} → {result['load_average'][1]:.1f} on {result['cpus']} CPUs")
        print(f"  {'page':10s} {'':5s} {'n':>5s} {'p50':>7s} {'p95':>7s} {'max':>7s}   "
              f"{'client p50':>10s} {'p95':>7s}  status")
        for r in result["pages"]:
            print(f"  {r['page']:10s} {'cold' if r['cold'] else 'warm':5s} {r['requests']:5d} "
                  f"{r['server_p50_ms']:7.1f} {r['server_p95_ms']:7.1f} {r['server_max_ms']:7.1f}   "
                  f"{r['client_p50_ms']:10.1f} {r['client_p95_ms']:7.1f}  {','.join(map(str, r['statuses']))}")
        if result["not_built_yet"]:
            print(f"  not on this build (404): {', '.join(result['not_built_yet'])}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", action="store_true", help=f"PostgreSQL scratch database {PG_DB_NAME}")
    parser.add_argument("--dossiers", type=int, default=100, help="distinct dossier pages (cold samples)")
    parser.add_argument("--repeat", type=int, default=10, help="warm requests of each URL")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if args.postgres:
            note = create_pg_database()
            if note:
                log(note)
                return 1
            try:
                result = measure(f"postgresql+psycopg://postgres@127.0.0.1:5432/{PG_DB_NAME}", args, folder)
            finally:
                drop_pg_database()
        else:
            result = measure(f"sqlite:///{folder}/motcua.sqlite3", args, folder)
    log("raw SpiffWorkflow step")
    with library_spiffworkflow():
        raw = measure_raw(5)
    report = {"results": [result], "raw_step_ms": round(median_ms(raw.low), 3)}
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        print_report(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
