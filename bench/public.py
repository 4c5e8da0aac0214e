"""Server time of the citizens' pages on the demo province, through the production server, in one run.

Run from the project root::

    python -m bench.public                # SQLite (the demo's database), ~1 min with the seeding
    python -m bench.public --postgres     # PostgreSQL scratch database (bench.engine_step's), dropped after
    python -m bench.public --json         # exactly one JSON object on stdout (progress on stderr)
    python -m bench.public --quick        # 20 dossiers, 3 warm requests each (``python -m bench --quick``)

What happens:

1. ``motcua demo --no-serve`` fills a fresh database: every library procedure active, the demo
   province (6 centers, ~390 officials, ~300 dossiers in every state).
2. gunicorn serves it as the Docker image does (2 workers × 4 threads), logging JSON, with the
   lookup throttle raised out of the way: this measures the pages, not the limit (one client
   address asks thousands of times here).
3. The pages, anonymous as a citizen's phone: the catalogue (``/thu-tuc``), two accent-insensitive
   searches, every procedure's page (``/thu-tuc/<key>``), the lookup form, the lookup of many
   dossiers with their receipt's secret (``/tra-cuu/<code>?mbm=…``, every state: a paused dossier
   reads its supplementation request, an extended one its apology) and the same as JSON for kiosks
   (``/api/v1/public/dossiers/<code>``).
4. Cold: the first request for each URL after the server started; warm: ``--repeat`` more of each,
   shuffled together. Server time is the ``duration_ms`` of the application's own ``request`` log
   line, matched by X-Request-ID; the client's round trip is printed beside it, and the HTTP floor
   (``/healthz``) and a database round trip measured in the same run.

The target is 30 ms p95 (warm) for the catalogue and the lookup. Benchmarks print figures; they
never assert.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import urllib.parse
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bench.engine_step import PG_DB_NAME, create_pg_database, drop_pg_database
from bench.pages import (
    ROOT,
    Browser,
    Fetch,
    database_round_trip_ms,
    http_floor_ms,
    log,
    run,
    seed,
    server_times,
    summarise,
)
from bench.server import gunicorn

WORKERS, THREADS = 2, 4  # as the Docker image runs
SEARCHES = ("dang ky", "khai sinh")
TARGET_P95_MS = 30.0


def lookups(database_url: str, count: int) -> tuple[list[tuple[str, str]], list[str]]:
    """``count`` dossiers (code, secret) sampled over every state, and the active procedures' keys."""
    from engine.db import make_db_engine, make_session_factory
    from engine.persistence.models import Dossier, Procedure, ProcedureVersion, VersionState

    db_engine = make_db_engine(database_url)
    try:
        with make_session_factory(db_engine)() as session:
            pairs = [(row.code, row.lookup_secret) for row in session.execute(
                select(Dossier.code, Dossier.lookup_secret).order_by(Dossier.id))]
            keys = list(session.scalars(
                select(Procedure.key).join(ProcedureVersion, ProcedureVersion.procedure_id == Procedure.id)
                .where(ProcedureVersion.state == VersionState.ACTIVE).order_by(Procedure.key)))
    finally:
        db_engine.dispose()
    return random.Random(7).sample(pairs, min(count, len(pairs))), keys


def plan(dossiers: list[tuple[str, str]], keys: list[str]) -> list[Fetch]:
    fetches = [Fetch("catalogue", "", "/thu-tuc", True, "")]
    fetches += [Fetch("search", "", "/thu-tuc?" + urllib.parse.urlencode({"q": q}), True, "") for q in SEARCHES]
    fetches += [Fetch("procedure", "", f"/thu-tuc/{key}", True, "") for key in keys]
    fetches += [Fetch("lookup-form", "", "/tra-cuu", True, "")]
    fetches += [Fetch("lookup", "", f"/tra-cuu/{code}?mbm={secret}", True, "") for code, secret in dossiers]
    fetches += [Fetch("lookup-json", "", f"/api/v1/public/dossiers/{code}?secret={secret}", True, "")
                for code, secret in dossiers]
    return fetches


def measure(database_url: str, args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    seed(database_url)
    dossiers, keys = lookups(database_url, args.dossiers)
    log_file = folder / "server.log"
    env = {"MOTCUA_DATABASE_URL": database_url, "MOTCUA_LOG_FORMAT": "json", "MOTCUA_LOG_LEVEL": "INFO",
           "MOTCUA_LOOKUPS_PER_ADDRESS": "1000000 per minute",
           "PROMETHEUS_MULTIPROC_DIR": str(folder / "metrics")}
    load_before = os.getloadavg()[0]
    with open(log_file, "wb") as server_log, gunicorn(env, workers=WORKERS, threads=THREADS, log=server_log,
                                                      cwd=ROOT) as base:
        log(f"serving at {base}; fetching the public pages")
        browsers = {"": Browser(base)}
        cold = run(browsers, plan(dossiers, keys))
        warm = [Fetch(f.page, f.official, f.url, False, "") for f in cold for _ in range(args.repeat)]
        random.Random(11).shuffle(warm)
        warm = run(browsers, warm)
        floor = http_floor_ms(base)
    server = server_times(log_file)
    return {"database": database_url.split(":")[0].split("+")[0], "pages": summarise(cold + warm, server),
            "http_floor_ms": round(floor, 2),
            "database_round_trip_ms": round(database_round_trip_ms(database_url), 3),
            # Other work on the machine moves p95 most: the 1-minute load average before and after.
            "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)], "cpus": os.cpu_count(),
            "target_p95_ms": TARGET_P95_MS}


def print_report(result: dict[str, Any]) -> None:
    print(f"Citizens' pages on the demo province ({result['database']}): gunicorn {WORKERS} workers × {THREADS} "
          f"threads, one request at a time; ms from the app's request log (client round trip beside)")
    print(f"HTTP floor (/healthz) {result['http_floor_ms']:.2f} ms, database round trip "
          f"{result['database_round_trip_ms']:.3f} ms; load average {result['load_average'][0]:.1f} → "
          f"{result['load_average'][1]:.1f} on {result['cpus']} CPUs; target p95 ≤ {result['target_p95_ms']:.0f} ms")
    print(f"  {'page':12s} {'':5s} {'n':>5s} {'p50':>7s} {'p95':>7s} {'max':>7s}   {'client p50':>10s} {'p95':>7s}"
          f"  status")
    for r in result["pages"]:
        print(f"  {r['page']:12s} {'cold' if r['cold'] else 'warm':5s} {r['requests']:5d} "
              f"{r['server_p50_ms']:7.1f} {r['server_p95_ms']:7.1f} {r['server_max_ms']:7.1f}   "
              f"{r['client_p50_ms']:10.1f} {r['client_p95_ms']:7.1f}  {','.join(map(str, r['statuses']))}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--postgres", action="store_true", help=f"PostgreSQL scratch database {PG_DB_NAME}")
    parser.add_argument("--dossiers", type=int, default=100, help="distinct dossiers looked up (cold samples)")
    parser.add_argument("--repeat", type=int, default=10, help="warm requests of each URL")
    parser.add_argument("--quick", action="store_true", help="a short run: 20 dossiers, 3 warm requests each")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.quick:
        args.dossiers, args.repeat = 20, 3
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
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print_report(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
