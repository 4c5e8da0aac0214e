"""Replay time of dossiers of about 20, 100 and 500 history events (``engine.audit.replay``).

Run from the project root::

    python -m bench.audit_replay           # readable lines
    python -m bench.audit_replay --json    # exactly one JSON object on stdout (progress on stderr)

``bench.audit`` prints these figures too, under ``replay``.

What is measured: one enterprise_registration dossier per size, on a SQLite file in a temporary
directory, driven by the system actor (so no organisation is needed) through the engine's commands
with a clock moved an hour per command: received, then rounds of claim + appraise (approval
proposed) + claim + approve sent back for re-appraisal, until its history holds the wanted number
of events, then signed and returned (the last rounds finish it, so the replay also checks a closed
dossier's rows). One sample = ``replay(session, ctx, dossier)`` from a fresh session with the
dossier loaded: reading its events, task rows and stored state, running every recorded input again
in memory and comparing. Median and p95 over ``--samples`` runs after two warm-ups, with the machine's
load average beside them (other work on a shared machine moves the figures most).

Benchmarks print figures; they never assert.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker, undefer

from engine.audit.replay import replay
from engine.calendar.clock import FixedClock
from engine.db import make_db_engine, make_session_factory
from engine.deployment.deploy import deploy_procedure
from engine.deployment.lifecycle import activate_version
from engine.deployment.package import load_package
from engine.persistence.migrate import upgrade
from engine.persistence.models import Center, Dossier, HumanTask, TaskStatus
from engine.runtime.command import Actor
from engine.runtime.context import EngineContext, build_context
from engine.runtime.dossiers import start_dossier
from engine.runtime.tasks import claim_task, complete_task
from engine.settings import EngineSettings

SIZES = (20, 100, 500)
SYSTEM = Actor(None, "Hệ thống")
LIBRARY = Path(__file__).resolve().parent.parent / "bpmn"
KEY = "enterprise_registration"
INTAKE = {
    "applicant": {"applicant_name": "Nguyễn Văn An", "id_number": "022090001234", "phone": "0912345678",
                  "address": "Số 1 đường Hạ Long, phường Hạ Long"},
    "enterprise_name": "Công ty TNHH Thương mại Vịnh Xanh", "head_office_address": "Số 1 đường Hạ Long",
    "charter_capital_vnd": 1_000_000_000, "business_lines": ["Bán lẻ hàng hóa"], "owner_type": "individual",
    "documents": ["registration_application", "company_charter", "owner_legal_papers"], "result_delivery": "counter",
}
ANSWERS = {
    "appraise_dossier": {"appraisal_decision": "propose_approval", "appraisal_opinion": "Hồ sơ hợp lệ"},
    "reappraise": {"approval_decision": "return_for_reappraisal", "approval_comment": "Kiểm tra lại"},
    "approve_dossier": {"approval_decision": "sign_certificate", "approval_comment": "Đồng ý"},
    "return_result": {"delivery_channel": "counter", "recipient_name": "Nguyễn Văn An", "delivered_on": "2026-12-01"},
}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _open_task(factory: sessionmaker[Session], dossier_id: int) -> HumanTask:
    with factory() as session:
        task = session.scalar(select(HumanTask).where(HumanTask.dossier_id == dossier_id,
                                                      HumanTask.status.in_([TaskStatus.READY, TaskStatus.CLAIMED])))
        assert task is not None
        return task


def _do(factory: sessionmaker[Session], ctx: EngineContext, clock: FixedClock, dossier_id: int,
        answer: str | None = None) -> None:
    """Claim and complete the open step (an hour later each), with its answer."""
    task = _open_task(factory, dossier_id)
    clock.advance(hours=1)
    with factory.begin() as session:
        claim_task(session, ctx, task.id, actor=SYSTEM)
    clock.advance(hours=1)
    with factory.begin() as session:
        complete_task(session, ctx, task.id, actor=SYSTEM, data=ANSWERS[answer or task.element_id])


def _events(factory: sessionmaker[Session], dossier_id: int) -> int:
    with factory() as session:
        return int(session.scalar(select(Dossier.event_count).where(Dossier.id == dossier_id)) or 0)


def make_dossier(factory: sessionmaker[Session], ctx: EngineContext, clock: FixedClock, events: int) -> int:
    """A finished dossier whose history holds about ``events`` events."""
    with factory.begin() as session:
        dossier_id = start_dossier(session, ctx, KEY, actor=SYSTEM, center_code="hcc_bench", data=INTAKE).id
    finish = ("appraise_dossier", "approve_dossier", "return_result")
    while _events(factory, dossier_id) + 16 < events:  # a round adds ~9 events, finishing ~16
        _do(factory, ctx, clock, dossier_id, "appraise_dossier")
        _do(factory, ctx, clock, dossier_id, "reappraise")
    for answer in finish:
        _do(factory, ctx, clock, dossier_id, answer)
    return dossier_id


def time_replays(factory: sessionmaker[Session], ctx: EngineContext, dossier_id: int, samples: int) -> list[float]:
    timings = []
    for run in range(samples + 2):
        with factory() as session:
            dossier = session.scalar(select(Dossier).options(undefer(Dossier.state), undefer(Dossier.data))
                                     .where(Dossier.id == dossier_id))
            assert dossier is not None
            started = time.perf_counter()
            result = replay(session, ctx, dossier)
            elapsed = time.perf_counter() - started
        if not result.identical:
            raise RuntimeError(f"replay of the bench dossier diverged: {result.as_dict()}")
        if run >= 2:  # two warm-ups: the version's spec is built once per process
            timings.append(elapsed * 1000)
    return timings


def replay_figures(samples: int = 20) -> dict[str, Any]:
    """Replay ms (median, p95) of dossiers of about 20, 100 and 500 events, one SQLite run."""
    with tempfile.TemporaryDirectory() as folder:
        db_engine = make_db_engine(f"sqlite:///{folder}/bench.sqlite3")
        upgrade(db_engine)
        factory = make_session_factory(db_engine)
        clock = FixedClock(datetime(2026, 11, 2, 1, 0, tzinfo=UTC))
        ctx = build_context(EngineSettings(library_path=LIBRARY), clock)
        with factory.begin() as session:
            session.add(Center(code="hcc_bench", name="Trung tâm thử", agency_identifier="000.00.00.H98"))
            version = deploy_procedure(session, load_package(LIBRARY / KEY), clock=clock, actor=SYSTEM).version
            activate_version(session, KEY, version.version, actor=SYSTEM, reason="bench", clock=clock)
        figures: dict[str, Any] = {}
        for size in SIZES:
            log(f"replay: making a dossier of ~{size} events")
            clock.set(clock.now() + timedelta(days=30))
            dossier_id = make_dossier(factory, ctx, clock, size)
            timings = time_replays(factory, ctx, dossier_id, samples)
            figures[str(size)] = {
                "events": _events(factory, dossier_id),
                "median_ms": round(statistics.median(timings), 2),
                "p95_ms": round(statistics.quantiles(timings, n=20)[-1], 2),
                "samples": len(timings),
            }
            log(f"replay: {figures[str(size)]}")
        db_engine.dispose()
    return {"database": "sqlite", "target_100_events_ms": 50, "by_events": figures,
            "load_average": [round(x, 2) for x in os.getloadavg()]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--samples", type=int, default=20)
    args = parser.parse_args()
    figures = replay_figures(args.samples)
    if args.json:
        print(json.dumps({"replay": figures}, ensure_ascii=False))
        return
    for size, row in figures["by_events"].items():
        print(f"replay, ~{size} events ({row['events']}): median {row['median_ms']} ms, p95 {row['p95_ms']} ms")
    print(f"load average {figures['load_average']} (a shared machine: other work moves these figures)")


if __name__ == "__main__":
    main()
