"""Verification and replay speed: one dossier of 20, 100 and 500 events, and a whole demo province, in one run.

Run from the project root::

    python -m bench.audit            # readable lines
    python -m bench.audit --json     # exactly one JSON object on stdout (progress on stderr)
    python -m bench.audit --quick    # two verifications of each target instead of five

What happens:

1. ``motcua demo --no-serve`` fills a fresh SQLite database (every library procedure active, the
   demo province: 6 centers, ~390 officials, ~300 dossiers in every state) and signs an anchor
   with a key made for the run.
2. Three more dossiers of enterprise_registration are driven with the engine's own commands
   (supplementation rounds) until their histories hold at least 20, 100 and 500 events; an anchor
   covers them too.
3. Each is verified ``--repeat`` times (chain, stored head, anchor, and the task and dossier rows
   held to the chained events: ``engine.audit.verify``); the median is printed.
4. Every dossier of the province is verified at once, in this one process (one core), ``--repeat``
   times: events per second, median and best; the same with the chains alone (no row checks) for
   scale, and the administrative chain.
5. Replay (``engine.audit.replay``, in memory, never writing) of dossiers of about 20, 100 and 500
   events, median and p95 (``bench.audit_replay``; target at 100 events: ≤ 50 ms).

The machine's load average is printed beside the figures: other work on a shared machine moves them
most. Benchmarks print figures; they never assert.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select, true
from sqlalchemy.orm import Session, sessionmaker

from bench.audit_replay import replay_figures
from engine.audit.anchors import write_anchor
from engine.audit.keys import write_demo_key
from engine.audit.verify import verify_admin_chain, verify_where
from engine.calendar.clock import FixedClock
from engine.db import make_db_engine, make_session_factory
from engine.persistence.models import Dossier, HumanTask, TaskStatus
from engine.runtime.command import Actor
from engine.runtime.context import EngineContext, build_context
from engine.runtime.dossiers import start_dossier
from engine.runtime.tasks import complete_task
from engine.settings import EngineSettings

ROOT = Path(__file__).resolve().parent.parent
SIZES = (20, 100, 500)
SYSTEM = Actor(None, "Hệ thống")  # the access policy never refuses the system: no official to pick per step
CENTER = "hcc_tinh"  # the demo's provincial center
START = {
    "applicant": {"applicant_name": "Nguyễn Văn An", "id_number": "022086001234", "phone": "0912345678",
                  "address": "Phường Hồng Gai, tỉnh Quảng Ninh"},
    "enterprise_name": "Công ty TNHH Thương mại Hạ Long Xanh",
    "head_office_address": "Số 1 đường Trần Hưng Đạo, phường Hồng Gai, tỉnh Quảng Ninh",
    "charter_capital_vnd": 2_000_000_000, "business_lines": ["Bán lẻ hàng hóa"], "owner_type": "individual",
    "documents": ["registration_application", "company_charter", "owner_legal_papers"],
    "result_delivery": "counter",
}
STEPS = {
    "appraise_dossier": {"appraisal_decision": "request_supplement",
                         "appraisal_opinion": "Thiếu điều lệ có chữ ký của chủ sở hữu",
                         "missing_documents": ["Điều lệ công ty có chữ ký của chủ sở hữu"]},
    "receive_supplement": {"supplemented_documents": ["Điều lệ công ty (bản có chữ ký)"],
                           "supplement_note": "Nộp tại quầy"},
}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class Bench:
    """The database the figures are measured on, and the dossiers of each size (code by size)."""

    factory: sessionmaker[Session]
    ctx: EngineContext
    db_engine: Engine
    sized: dict[int, str] = field(default_factory=dict)


def seed_demo(database_url: str, key_path: Path) -> float:
    """``motcua demo --no-serve`` into ``database_url``, signing with ``key_path``; its seconds."""
    env = {**os.environ, "MOTCUA_DATABASE_URL": database_url, "MOTCUA_AUDIT_SIGNING_KEY": str(key_path),
           "MOTCUA_LOG_LEVEL": "WARNING"}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "from api.cli import main; main()", "demo", "--no-serve"], cwd=ROOT,
                   env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def _open_task(session: Session, dossier_id: int) -> HumanTask | None:
    return session.scalar(select(HumanTask).where(HumanTask.dossier_id == dossier_id,
                                                  HumanTask.status.in_((TaskStatus.READY, TaskStatus.CLAIMED)))
                          .order_by(HumanTask.ready_at))


def long_dossier(bench: Bench, clock: FixedClock, events: int) -> str:
    """A dossier of enterprise_registration whose history holds at least ``events`` events, made by
    the engine's own commands: supplementation rounds (appraisal, the citizen's supplement)."""
    with bench.factory.begin() as session:
        dossier = start_dossier(session, bench.ctx, "enterprise_registration", actor=SYSTEM, center_code=CENTER,
                                data=START)
        dossier_id, code = dossier.id, dossier.code
    count = 0
    while count < events:
        clock.set(clock.now() + timedelta(minutes=7))
        with bench.factory.begin() as session:
            task = _open_task(session, dossier_id)
            if task is None or task.element_id not in STEPS:
                raise RuntimeError(f"{code}: no supplementation step open ({task and task.element_id})")
            complete_task(session, bench.ctx, task.id, actor=SYSTEM, data=STEPS[task.element_id])
            count = session.scalar(select(Dossier.event_count).where(Dossier.id == dossier_id)) or 0
    return code


def prepare(workdir: Path) -> tuple[Bench, dict[str, Any]]:
    key = workdir / "anchor-key.pem"
    write_demo_key(key)
    url = f"sqlite:///{workdir / 'audit.sqlite3'}"
    log("seeding the demo province (motcua demo --no-serve)…")
    seeded = seed_demo(url, key)
    clock = FixedClock(datetime.now(UTC).replace(microsecond=0))
    settings = replace(EngineSettings(), audit_signing_key=str(key))
    db_engine = make_db_engine(url)
    bench = Bench(make_session_factory(db_engine), build_context(settings, clock), db_engine)
    log("driving dossiers of 20, 100 and 500 events…")
    for size in SIZES:
        bench.sized[size] = long_dossier(bench, clock, size)
    with bench.factory() as session:
        write_anchor(session, settings, SYSTEM, now=clock.now(), today=bench.ctx.today())
        session.commit()
    return bench, {"seed_seconds": round(seeded, 1)}


def _timed(bench: Bench, where: Any, repeat: int, check_rows: bool = True) -> tuple[list[float], list[float], Any]:
    """Wall seconds and CPU seconds of this process (SQLite runs in it) for each verification: on a
    shared machine the CPU time is what one core spends, whatever else waits for the core."""
    from engine.audit.anchors import load_fold

    seconds, cpu, result = [], [], None
    with bench.factory() as session:
        fold = load_fold(session, bench.ctx.settings)
        for _ in range(repeat):
            started, started_cpu = time.perf_counter(), time.process_time()
            result = verify_where(session, where, check_rows=check_rows, fold=fold)
            seconds.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
    return seconds, cpu, result


def verify_figures(bench: Bench, repeat: int) -> dict[str, Any]:
    figures: dict[str, Any] = {"dossiers": {}}
    for size, code in bench.sized.items():
        seconds, cpu, result = _timed(bench, Dossier.code == code, repeat)
        figures["dossiers"][str(size)] = {"code": code, "events": result.events, "ok": result.ok,
                                          "median_ms": round(statistics.median(seconds) * 1000, 2),
                                          "best_ms": round(min(seconds) * 1000, 2),
                                          "cpu_median_ms": round(statistics.median(cpu) * 1000, 2)}
    province, province_cpu, result = _timed(bench, true(), repeat)
    chains_only, _, bare = _timed(bench, true(), repeat, check_rows=False)
    with bench.factory() as session:
        started = time.perf_counter()
        admin = verify_admin_chain(session)
        admin_seconds = time.perf_counter() - started
    figures["province"] = {
        "dossiers": result.chains, "events": result.events, "ok": result.ok, "breaks": len(result.breaks),
        "median_s": round(statistics.median(province), 3),
        "events_per_s_median": round(result.events / statistics.median(province)),
        "events_per_s_best": round(result.events / min(province)),
        "events_per_cpu_s_median": round(result.events / statistics.median(province_cpu)),
        "chains_only_events_per_s_best": round(bare.events / min(chains_only)),
    }
    figures["admin_chain"] = {"events": admin.events, "ok": admin.ok, "ms": round(admin_seconds * 1000, 2)}
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    parser.add_argument("--repeat", type=int, default=5, help="verifications of each target (median, best)")
    parser.add_argument("--quick", action="store_true", help="two verifications of each target (python -m bench)")
    args = parser.parse_args()
    if args.quick:
        args.repeat = 2
    with tempfile.TemporaryDirectory(prefix="motcua-bench-audit-") as tmp:
        bench, setup = prepare(Path(tmp))
        log("verifying…")
        figures: dict[str, Any] = {"command": "python -m bench.audit" + (" --json" if args.json else ""),
                   "database": "sqlite", "load_average": [round(x, 2) for x in os.getloadavg()],
                   "setup": setup, "verify": verify_figures(bench, args.repeat)}
        bench.db_engine.dispose()
    log("replaying…")
    figures["replay"] = replay_figures(samples=5 if args.quick else 20)
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
        return
    verify = figures["verify"]
    print(f"load average {figures['load_average']} (a shared machine: other work moves these figures)")
    for size, one in verify["dossiers"].items():
        print(f"verify one dossier of {one['events']:>4} events (≥{size}): median {one['median_ms']:.1f} ms, "
              f"best {one['best_ms']:.1f} ms, CPU median {one['cpu_median_ms']:.1f} ms, ok={one['ok']}")
    province = verify["province"]
    print(f"verify the province: {province['dossiers']} dossiers, {province['events']} events in "
          f"{province['median_s']:.2f} s: {province['events_per_s_median']:,} events/s median, "
          f"{province['events_per_s_best']:,} best, {province['events_per_cpu_s_median']:,} per CPU second "
          f"(chains alone {province['chains_only_events_per_s_best']:,} best); ok={province['ok']}")
    print(f"administrative chain: {verify['admin_chain']['events']} events in {verify['admin_chain']['ms']} ms")
    for size, row in figures["replay"]["by_events"].items():
        print(f"replay one dossier of ~{size} events ({row['events']}): median {row['median_ms']} ms, "
              f"p95 {row['p95_ms']} ms (target at 100 events: ≤ {figures['replay']['target_100_events_ms']} ms)")


if __name__ == "__main__":
    main()
