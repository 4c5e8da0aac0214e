"""The studio's server work, per library procedure: checking a draft and walking a test dossier.

Run from the project root::

    python -m bench.studio            # every library procedure, 5 rounds each
    python -m bench.studio --quick    # 2 rounds each (``python -m bench --quick``)
    python -m bench.studio --json     # exactly one JSON object on stdout (progress on stderr)

What happens: an in-memory SQLite database gets the demo province's organisation (so lane
bindings are checked as deployment checks them) and a draft of each procedure of ``bpmn/``. Then,
per procedure: the validator on the draft (``engine.studio.checking.check_draft``) and the test
dossier (``engine.studio.sandbox.run_sandbox``: a copy of the sandbox's organisation, deployment
there, the walk with every decision tried), each timed ``--rounds`` times. The first test dossier
of a process also builds the sandbox's organisation once: it is timed on its own. Benchmarks print
figures; they never assert.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.pool import StaticPool

from demo.sandbox import DEMO_SANDBOX, write_demo_organisation
from engine.calendar.clock import FixedClock
from engine.db import Base, make_db_engine, make_session_factory
from engine.deployment.package import load_package
from engine.runtime.command import Actor
from engine.runtime.context import build_context
from engine.settings import EngineSettings
from engine.studio.checking import check_draft
from engine.studio.drafts import save_draft
from engine.studio.sandbox import run_sandbox

SYSTEM = Actor(None, "bench.studio")


def _ms(seconds: list[float]) -> dict[str, float]:
    values = sorted(s * 1000 for s in seconds)
    return {"p50_ms": round(statistics.median(values), 1), "max_ms": round(values[-1], 1)}


def measure(rounds: int) -> dict[str, Any]:
    settings = EngineSettings()
    ctx = build_context(settings, FixedClock(datetime(2026, 11, 27, 2, 0, tzinfo=UTC)))
    database = make_db_engine("sqlite://", poolclass=StaticPool)
    Base.metadata.create_all(database)
    factory = make_session_factory(database)
    keys = sorted(p.name for p in settings.library_path.iterdir() if (p / "procedure.json").is_file())
    with factory.begin() as session:
        write_demo_organisation(session, ctx.clock.now())
        for key in keys:
            package = load_package(settings.library_path / key)
            files = {name: data.decode("utf-8") for name, data in package.files.items()}
            save_draft(session, key, files, base_tag=None, actor=SYSTEM, clock=ctx.clock)
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    DEMO_SANDBOX.database(ctx.clock.now()).dispose()
    organisation_ms = round((time.perf_counter() - started) * 1000, 1)
    rows = []
    for key in keys:
        checks, walks, steps, status = [], [], 0, None
        for _ in range(rounds):
            with factory() as session:
                started = time.perf_counter()
                check_draft(session, SYSTEM, key, clock=ctx.clock, library_path=settings.library_path)
                checks.append(time.perf_counter() - started)
                started = time.perf_counter()
                run = run_sandbox(session, SYSTEM, key, ctx=ctx, sandbox=DEMO_SANDBOX)
                walks.append(time.perf_counter() - started)
                steps, status = len(run.steps), run.status
        check, walk = _ms(checks), _ms(walks)
        rows.append({"procedure": key, "check": check, "sandbox": walk, "steps": steps, "status": status})
        print(f"  {key}: check {check['p50_ms']} ms, test dossier {walk['p50_ms']} ms ({steps} steps, {status})",
              file=sys.stderr)
    return {"rounds": rounds, "sandbox_organisation_ms": organisation_ms, "procedures": rows,
            # Other work on the machine moves these most: the 1-minute load average before and after.
            "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)], "cpus": os.cpu_count()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="2 rounds")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = measure(2 if args.quick else args.rounds)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    print(f"sandbox organisation (once a day per process): {result['sandbox_organisation_ms']} ms; "
          f"load average {result['load_average'][0]} → {result['load_average'][1]} on {result['cpus']} CPUs")
    print(f"{'procedure':32} {'check p50':>10} {'check max':>10} {'sandbox p50':>12} {'sandbox max':>12} steps")
    for row in result["procedures"]:
        check, walk = row["check"], row["sandbox"]
        print(f"{row['procedure']:32} {check['p50_ms']:>8.1f}ms {check['max_ms']:>8.1f}ms "
              f"{walk['p50_ms']:>10.1f}ms {walk['max_ms']:>10.1f}ms {row['steps']:>5} {row['status']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
