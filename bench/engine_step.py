"""Cost of one engine step (complete a human task + commit) against raw SpiffWorkflow, in one run.

Run from the project root::

    python -m bench.engine_step            # readable table (~1-1.5 min on 2 cores)
    python -m bench.engine_step --quick    # fewer samples (~20 s)
    python -m bench.engine_step --json     # exactly one JSON object on stdout (progress on stderr)
    python -m bench.engine_step --profile  # also cProfile the timed completions (SQLite)

What is measured (architecture.md, "Performance"):

raw_step_ms
    SpiffWorkflow 3.2.0 alone, in memory, on the same diagram (bpmn/enterprise_registration parsed
    with SpiffBpmnParser + XSD validation, default script engine): time to find the READY user
    task, put the form data on it, ``task.run()`` and ``workflow.do_engine_steps()``. Median over
    the same steps the engine cases time (below), as in reference/spiff_raw_floor.py. It is
    measured in three slices, of the same size: before the engine is imported, after the SQLite
    cases and after the PostgreSQL cases, so that a machine that speeds up or slows down during
    the run moves the floor with the figures it is compared to (``raw_step_ms_by_slice`` shows
    each). The later slices take the engine's changes to SpiffWorkflow off while they run (all of
    engine/runtime/library_patches.py): the floor is always the library as shipped.

Engine cases, one per database (SQLite file in a temporary directory, PostgreSQL scratch database
``motcua_bench``) and per dossier shape. Every dossier walks the supplementation loop of
enterprise_registration: user task n (1-based) is ``appraise_dossier`` with
``appraisal_decision = "request_supplement"`` when n is odd and ``receive_supplement`` when n is
even, so both shapes time the same mix of the same two steps and differ only in history:

* ``executed_user_tasks = 4``: every completion of dossiers that execute 4 user tasks
  (appraise, receive_supplement, appraise, receive_supplement), i.e. completions n = 1..4, made at
  a history of 0..3 earlier user tasks. Five such dossiers are in progress at a time; one that has
  executed its 4 user tasks is replaced by a newly started one (starting is not timed).
* ``executed_user_tasks = 100``: the last completions of dossiers that execute 100 user tasks,
  n = 91..100 (``HIGH_WINDOW``), i.e. made at a history of 90..99 earlier user tasks. Completions
  1..90 are driven the same way (lock-step: step n of every dossier, then step n + 1) but not timed.

During the timed window every completion of a 100-task dossier is followed by one of a 4-task
dossier, and cache-on and cache-off dossiers alternate, so all series see the same machine
conditions and the 100 / 4 ratio is not skewed by load that comes and goes. One sample =
``complete_task(...)`` and its commit, one transaction ``with session_factory.begin()``, timed
with ``time.perf_counter``. Looking up the id of the READY task and building the form payload
happen before the timer starts. SQL statements are counted with ``before_cursor_execute`` on the
database engine (an executemany is one statement; on SQLite the ``BEGIN IMMEDIATE`` the engine
issues is counted too), commits with the engine's ``commit`` event. The in-process workflow cache
(``ctx.workflows``) stays on; the ``*_no_cache`` keys repeat the timing with
``EngineSettings(workflow_cache_size=0)`` on dossiers of their own (driven with the cache up to the
timed window, then timed without it, so every timed completion loads the state from the database).

After the timed series, ``phases_ms`` (on the 4-task result of each database) splits further
4-task completions into the engine's phases, by wrapping its functions (``bench.phases``): mean
ms per completion of the lock, form validation, SpiffWorkflow run, history, serialization, each
write and the commit. The wrapped completions are never the ones the medians come from.

Benchmarks print figures; they never assert.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import copy
import gc
import json
import os
import platform
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import SpiffWorkflow
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

ROOT = Path(__file__).resolve().parent.parent
PROCEDURE_DIR = ROOT / "bpmn" / "enterprise_registration"
PROCESS_ID = "enterprise_registration"
PG_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/test"  # for CREATE/DROP DATABASE only
# Scratch database of the benchmarks (several people benchmarking on one server: name one each).
PG_DB_NAME = os.environ.get("MOTCUA_BENCH_DATABASE", "motcua_bench")
PG_URL = f"postgresql+psycopg://postgres@127.0.0.1:5432/{PG_DB_NAME}"

LOW_COUNT = 4  # user tasks executed by a dossier of the short shape
HIGH_COUNT = 100  # user tasks executed by a dossier of the long shape
HIGH_WINDOW = 10  # completions timed at the end of the long shape: n = 91..100
# 4-task dossiers in progress at a time. Each gets 2 x (dossiers of a series) timed completions, so an
# even number of 100-task dossiers per series times whole 4-task dossiers (half appraise, half receive).
SHORT_ROTATION = 5

# Targets from architecture.md: an order of magnitude above the raw floor at most, flat with history,
# one commit per command.
TARGET_RAW_FACTOR = 10.0
TARGET_GROWTH = 1.5
TARGET_COMMITS = 1.0

INTAKE = {
    "applicant": {"applicant_name": "Nguyễn Văn A", "id_number": "012345678901", "phone": "0912345678",
                  "address": "Số 1 đường Trần Hưng Đạo, phường Hồng Gai, Hạ Long"},
    "enterprise_name": "Công ty TNHH Thương mại Dịch vụ A",
    "head_office_address": "Số 1 đường Trần Hưng Đạo, phường Hồng Gai, Hạ Long",
    "charter_capital_vnd": 100_000_000,
    "business_lines": ["Bán lẻ hàng hóa", "Dịch vụ lưu trú ngắn ngày"],
    "owner_type": "individual",
    "documents": ["registration_application", "company_charter", "owner_legal_papers"],
    "result_delivery": "counter",
}


@dataclass(frozen=True)
class Preset:
    high_dossiers: int  # dossiers of the 100-task shape timed with the cache (HIGH_WINDOW samples each)
    no_cache_high: int  # the same, timed without the workflow cache
    # The 4-task shape gets as many samples as the 100-task shape, interleaved with it.
    warmup_dossiers: int  # run through a few loop rounds before anything is timed
    raw_runs: int  # in-memory runs of the raw SpiffWorkflow loop
    phase_completions: int  # 4-task completions split into phases, after the timed series


FULL = Preset(high_dossiers=22, no_cache_high=20, warmup_dossiers=4, raw_runs=60, phase_completions=400)
QUICK = Preset(high_dossiers=6, no_cache_high=4, warmup_dossiers=2, raw_runs=15, phase_completions=100)


def step_element(n: int) -> str:
    """The element of user task n (1-based) on the supplementation loop."""
    return "appraise_dossier" if n % 2 == 1 else "receive_supplement"


def step_payload(n: int) -> dict[str, Any]:
    """Form data for user task n, valid against the deployed forms (a few hundred bytes)."""
    round_no = (n + 1) // 2
    if n % 2 == 1:
        return {
            "appraisal_decision": "request_supplement",
            "appraisal_opinion": f"Hồ sơ chưa hợp lệ (lần thẩm định {round_no}): thiếu bản sao giấy tờ pháp lý.",
            "missing_documents": ["Bản sao chứng thực CCCD của chủ sở hữu", "Điều lệ công ty có chữ ký"],
        }
    return {
        "supplemented_documents": ["Bản sao chứng thực CCCD của chủ sở hữu", "Điều lệ công ty có chữ ký"],
        "supplement_note": f"Đã nhận hồ sơ bổ sung lần {round_no} tại quầy.",
    }


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def p90_ms(samples: list[float]) -> float:
    if len(samples) < 2:
        return samples[0] * 1000
    return statistics.quantiles(samples, n=10, method="inclusive")[8] * 1000


# --------------------------------------------------------------------------------------------- raw


@dataclass
class RawSamples:
    """Seconds of raw SpiffWorkflow steps: user tasks 1..4, 91..100 and all 1..100."""

    low: list[float] = field(default_factory=list)
    high: list[float] = field(default_factory=list)
    every: list[float] = field(default_factory=list)


def measure_raw(runs: int) -> RawSamples:
    """Raw SpiffWorkflow: one user task + do_engine_steps, in memory, on the loop the engine walks."""
    parser = SpiffBpmnParser(validator=VALIDATOR)
    parser.add_bpmn_file(str(PROCEDURE_DIR / f"{PROCESS_ID}.bpmn"))
    spec = parser.get_spec(PROCESS_ID)
    subprocess_specs = parser.get_subprocess_specs(PROCESS_ID)
    payloads = {n: step_payload(n) for n in range(1, HIGH_COUNT + 1)}
    samples = RawSamples()
    low, high, every = samples.low, samples.high, samples.every
    for _ in range(runs):
        workflow = BpmnWorkflow(spec, subprocess_specs)
        start = workflow.get_next_task(state=TaskState.READY)
        start.data.update(copy.deepcopy(INTAKE))
        start.data.update(dossier_code="000.00.00.H40-261127-0001", received_at="2026-11-27T02:00:00+00:00",
                          channel="direct")
        workflow.do_engine_steps()
        for n in range(1, HIGH_COUNT + 1):
            data = payloads[n]
            t0 = time.perf_counter()
            task = workflow.get_next_task(state=TaskState.READY, manual=True)
            task.data.update(copy.deepcopy(data))
            task.run()
            workflow.do_engine_steps()
            elapsed = time.perf_counter() - t0
            if task.task_spec.bpmn_id != step_element(n):
                raise RuntimeError(f"raw run: step {n} is {task.task_spec.bpmn_id}, expected {step_element(n)}")
            every.append(elapsed)
            if n <= LOW_COUNT:
                low.append(elapsed)
            elif n > HIGH_COUNT - HIGH_WINDOW:
                high.append(elapsed)
    return samples


@contextlib.contextmanager
def library_spiffworkflow() -> Iterator[None]:
    """SpiffWorkflow as shipped, for raw steps measured after the engine changed it (build_context)."""
    from engine.runtime import library_patches

    with library_patches.library_as_shipped():
        yield


def summarise_raw(slices: list[RawSamples]) -> dict[str, Any]:
    """Medians over every slice; each slice's own 1..4 median shows how the machine drifted."""
    return {
        "raw_step_ms": median_ms([t for s in slices for t in s.low]),
        "raw_step_ms_at_100": median_ms([t for s in slices for t in s.high]),
        "raw_step_ms_all_100": median_ms([t for s in slices for t in s.every]),
        "raw_samples": sum(len(s.low) for s in slices),
        "raw_step_ms_by_slice": [round(median_ms(s.low), 4) for s in slices],
    }


def add_ratios(results: list[dict[str, Any]], raw: dict[str, Any]) -> None:
    for r in results:
        same_history = raw["raw_step_ms"] if r["executed_user_tasks"] == LOW_COUNT else raw["raw_step_ms_at_100"]
        r["ratio_to_raw"] = round(r["median_ms"] / raw["raw_step_ms"], 1)
        r["ratio_to_raw_same_history"] = round(r["median_ms"] / same_history, 1)


# ------------------------------------------------------------------------------------------ engine


@dataclass
class StatementCounter:
    """SQL statements and commits seen on one database engine while ``active``."""

    active: bool = False
    statements: int = 0
    commits: int = 0
    kinds: collections.Counter[str] = field(default_factory=collections.Counter)

    def on_statement(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if self.active:
            self.statements += 1
            self.kinds[statement.lstrip().split(None, 1)[0].upper()] += 1

    def on_commit(self, _conn: Any) -> None:
        if self.active:
            self.commits += 1


@dataclass
class Series:
    """The timed completions of one case."""

    seconds: list[float] = field(default_factory=list)
    statements: list[int] = field(default_factory=list)
    commits: list[int] = field(default_factory=list)
    kinds: collections.Counter[str] = field(default_factory=collections.Counter)
    state_bytes: int = 0
    history_rows: int = 0
    state_dump_ms: float = 0.0
    state_load_ms: float = 0.0


class EngineBench:
    """One database: schema, deployed procedure, two engine contexts (cache on, cache off)."""

    def __init__(self, url: str) -> None:
        from sqlalchemy import event

        from engine.calendar.clock import SystemClock
        from engine.db import Base, make_db_engine, make_session_factory
        from engine.deployment.deploy import deploy_procedure
        from engine.deployment.lifecycle import activate_version
        from engine.deployment.package import load_package
        from engine.persistence.models import Center
        from engine.runtime.command import Actor
        from engine.runtime.context import build_context
        from engine.settings import EngineSettings

        self.db = make_db_engine(url)
        Base.metadata.create_all(self.db)
        self.session_factory = make_session_factory(self.db)
        self.counter = StatementCounter()
        event.listen(self.db, "before_cursor_execute", self.counter.on_statement)
        event.listen(self.db, "commit", self.counter.on_commit)
        self.ctx = build_context(clock=SystemClock())
        self.ctx_no_cache = build_context(EngineSettings(workflow_cache_size=0), clock=SystemClock())
        self.actor = Actor(None, "Cán bộ Một cửa")
        with self.session_factory.begin() as session:
            session.add(Center(code="hcc", name="Trung tâm Phục vụ hành chính công", agency_identifier="000.00.00.H40"))
            package = load_package(PROCEDURE_DIR)
            deployer = Actor(None, "bench")
            deployed = deploy_procedure(session, package, clock=self.ctx.clock, actor=deployer)
            activate_version(session, package.key, deployed.version.version, actor=deployer, reason="bench",
                             clock=self.ctx.clock)

    @property
    def server_version(self) -> str:
        with self.db.connect() as conn:
            if self.db.dialect.name == "sqlite":
                return "SQLite " + str(conn.exec_driver_sql("select sqlite_version()").scalar())
            return "PostgreSQL " + str(conn.exec_driver_sql("show server_version").scalar()).split()[0]

    def start(self) -> int:
        from engine.runtime.dossiers import start_dossier

        with self.session_factory.begin() as session:
            dossier = start_dossier(session, self.ctx, PROCESS_ID, actor=self.actor, center_code="hcc",
                                    data=copy.deepcopy(INTAKE))
            return dossier.id

    def ready_task(self, dossier_id: int, element_id: str) -> uuid.UUID:
        from sqlalchemy import select

        from engine.persistence.models import HumanTask, TaskStatus

        with self.session_factory() as session:
            rows = session.execute(
                select(HumanTask.id, HumanTask.element_id).where(
                    HumanTask.dossier_id == dossier_id, HumanTask.status == TaskStatus.READY)
            ).all()
        if len(rows) != 1 or rows[0].element_id != element_id:
            raise RuntimeError(f"dossier {dossier_id}: open tasks {rows}, expected one {element_id}")
        return rows[0].id  # type: ignore[no-any-return]

    def complete(self, dossier_id: int, n: int, *, cache: bool = True, series: Series | None = None,
                 hook: Callable[[Callable[[], None]], None] | None = None) -> None:
        """Complete user task n of the dossier; time it into ``series`` when one is given."""
        from engine.runtime.tasks import complete_task

        ctx = self.ctx if cache else self.ctx_no_cache
        task_id = self.ready_task(dossier_id, step_element(n))
        data = step_payload(n)
        session_factory, actor, counter = self.session_factory, self.actor, self.counter

        def command() -> None:
            with session_factory.begin() as session:
                complete_task(session, ctx, task_id, actor=actor, data=data)

        if hook is not None:
            hook(command)
            return
        if series is None:
            command()
            return
        statements, commits, kinds = counter.statements, counter.commits, counter.kinds.copy()
        counter.active = True
        t0 = time.perf_counter()
        command()
        elapsed = time.perf_counter() - t0
        counter.active = False
        series.seconds.append(elapsed)
        series.statements.append(counter.statements - statements)
        series.commits.append(counter.commits - commits)
        series.kinds.update(counter.kinds - kinds)

    def describe_state(self, dossier_id: int, series: Series, repeats: int = 7) -> None:
        """Size of the dossier's stored state and history; time to load and dump that state (median)."""
        from sqlalchemy import func, select

        from engine.persistence.models import Dossier, HistoryEvent
        from engine.persistence.state import dump_changes, load_stored_workflow
        from engine.persistence.task_rows import read_task_rows

        with self.session_factory() as session:
            dossier = session.get(Dossier, dossier_id)
            if dossier is None:
                raise RuntimeError(f"dossier {dossier_id} vanished")
            state = dossier.state
            task_rows = read_task_rows(session, dossier_id)
            version = self.ctx.version(session, dossier.procedure_version_id)
            rows = session.scalar(select(func.count()).where(HistoryEvent.dossier_id == dossier_id)) or 0
        loads, dumps = [], []
        for _ in range(repeats):
            t0 = time.perf_counter()
            workflow = load_stored_workflow(state, task_rows, version.spec, version.subprocess_specs)
            t1 = time.perf_counter()
            dump_changes(workflow, set())  # what a command writes when it changed nothing
            dumps.append(time.perf_counter() - t1)
            loads.append(t1 - t0)
        stored_bytes = len(state.encode()) + sum(len(body.encode()) for _, _, body in task_rows)
        series.state_bytes, series.history_rows = stored_bytes, int(rows)
        series.state_load_ms, series.state_dump_ms = median_ms(loads), median_ms(dumps)

    def run_shape(self, dossiers: int, steps: int) -> list[int]:
        """Start ``dossiers`` dossiers and advance them in lock-step through ``steps`` user tasks (untimed)."""
        ids = [self.start() for _ in range(dossiers)]
        for n in range(1, steps + 1):
            for dossier_id in ids:
                self.complete(dossier_id, n)
        return ids

    def close(self) -> None:
        self.db.dispose()


class ShortDossiers:
    """A rotation of dossiers of the 4-task shape: each call times the next completion of the next
    dossier; a dossier that has executed its 4 user tasks is replaced by a new one (started untimed)."""

    def __init__(self, bench: EngineBench, size: int, *, cache: bool) -> None:
        self.bench, self.cache = bench, cache
        self.slots = [(bench.start(), 1) for _ in range(size)]
        self.turn = 0
        self.finished: int | None = None
        self.series = Series()

    def step(self) -> None:
        dossier_id, n = self.slots[self.turn]
        self.bench.complete(dossier_id, n, cache=self.cache, series=self.series)
        if n == LOW_COUNT:
            self.finished = dossier_id
            self.slots[self.turn] = (self.bench.start(), 1)
        else:
            self.slots[self.turn] = (dossier_id, n + 1)
        self.turn = (self.turn + 1) % len(self.slots)


def create_pg_database() -> str | None:
    """(Re)create the scratch database; returns a note instead when PostgreSQL is unreachable."""
    try:
        import psycopg

        with psycopg.connect(PG_SERVER_URL, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_DB_NAME} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {PG_DB_NAME}")
    except Exception as exc:  # noqa: BLE001 - any failure means: skip PostgreSQL
        reason = " ".join(str(exc).split())[:160]
        return f"PostgreSQL skipped: cannot create {PG_DB_NAME} ({type(exc).__name__}: {reason})"
    return None


def drop_pg_database() -> None:
    import psycopg

    with psycopg.connect(PG_SERVER_URL, autocommit=True, connect_timeout=3) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DB_NAME} WITH (FORCE)")


def measure_database_floor(bench: EngineBench, runs: int = 300) -> float:
    """One transaction of the same shape as a completion, with trivial rows and no engine work:
    lock the dossier row, update the task, insert one task row and one history row, upsert one
    tree row, update the dossier, commit. What the database alone costs per command."""
    from sqlalchemy import text

    with bench.session_factory() as session:
        dossier_id, task_id = session.execute(text(
            "SELECT d.id, h.id FROM dossier d JOIN human_task h ON h.dossier_id = d.id LIMIT 1")).one()
    seconds = []
    for i in range(runs):
        started = time.perf_counter()
        with bench.session_factory.begin() as session:
            connection = session.connection()
            connection.execute(text("SELECT id FROM dossier WHERE id = :id" + (
                " FOR UPDATE" if connection.dialect.name == "postgresql" else "")), {"id": dossier_id})
            connection.execute(text("UPDATE human_task SET claimed_at = claimed_at WHERE id = :id"),
                               {"id": task_id})
            connection.execute(text("UPDATE dossier SET event_count = event_count WHERE id = :id"), {"id": dossier_id})
            connection.execute(text("INSERT INTO workflow_task (dossier_id, task_id, position, body) "
                                    "VALUES (:d, :t, -1, '{}') ON CONFLICT (dossier_id, task_id) "
                                    "DO UPDATE SET body = excluded.body"), {"d": dossier_id, "t": f"floor-{i % 2}"})
            connection.execute(text("UPDATE workflow_task SET body = body WHERE dossier_id = :d AND position = -1"),
                               {"d": dossier_id})
            connection.execute(text("SELECT 1"))
        seconds.append(time.perf_counter() - started)
    with bench.session_factory.begin() as session:
        session.execute(text("DELETE FROM workflow_task WHERE position = -1"))
    return median_ms(seconds)


def measure_phases(bench: EngineBench, completions: int) -> list[dict[str, Any]]:
    """Split completions of the 4-task shape (cache on) into the engine's phases (bench.phases)."""
    from bench.phases import PhaseSample, phase_timers, summarise

    # Started before the wrapping: starting a dossier runs some of the same functions.
    fresh = [bench.start() for _ in range(completions // LOW_COUNT + SHORT_ROTATION)]
    slots = [(fresh.pop(), 1) for _ in range(SHORT_ROTATION)]
    samples: list[PhaseSample] = []

    with phase_timers() as spent:
        def timed(command: Callable[[], None]) -> None:
            before = dict(spent)
            started = time.perf_counter()
            command()
            elapsed = time.perf_counter() - started
            samples.append(PhaseSample(elapsed, {k: v - before.get(k, 0.0) for k, v in spent.items()}))

        for turn in range(completions):
            dossier_id, n = slots[turn % len(slots)]
            bench.complete(dossier_id, n, hook=timed)
            slots[turn % len(slots)] = (fresh.pop(), 1) if n == LOW_COUNT else (dossier_id, n + 1)
    return summarise(samples)


def bench_database(name: str, bench: EngineBench, preset: Preset) -> list[dict[str, Any]]:
    log(f"[{name}] warm-up")
    bench.run_shape(preset.warmup_dossiers, 6)
    for dossier_id in bench.run_shape(1, 2):
        for n in range(3, 7):
            bench.complete(dossier_id, n, cache=False)
    first_high = HIGH_COUNT - HIGH_WINDOW + 1
    log(f"[{name}] driving {preset.high_dossiers + preset.no_cache_high} dossiers to {first_high - 1} user tasks")
    long_ids = bench.run_shape(preset.high_dossiers + preset.no_cache_high, first_high - 1)
    # Cache-on and cache-off dossiers alternate, and every timed completion of a 100-task dossier is
    # followed by one of a 4-task dossier, so all four series see the same machine conditions.
    cached_ids, uncached_ids = long_ids[:preset.high_dossiers], long_ids[preset.high_dossiers:]
    order = [(d, True) for d in cached_ids[len(uncached_ids):]]
    for pair in zip(cached_ids, uncached_ids, strict=False):  # the uncached series is shorter
        order += [(pair[0], True), (pair[1], False)]
    short = {True: ShortDossiers(bench, SHORT_ROTATION, cache=True),
             False: ShortDossiers(bench, SHORT_ROTATION, cache=False)}
    long_series = {True: Series(), False: Series()}
    log(f"[{name}] timing completions {first_high}..{HIGH_COUNT} of those, interleaved with 4-task dossiers")
    gc.collect()
    for n in range(first_high, HIGH_COUNT + 1):
        for dossier_id, cache in order:
            bench.complete(dossier_id, n, cache=cache, series=long_series[cache])
            short[cache].step()
    for cache in (True, False):
        bench.describe_state((cached_ids if cache else uncached_ids)[-1], long_series[cache])
        finished = short[cache].finished
        if finished is not None:
            bench.describe_state(finished, short[cache].series)
    log(f"[{name}] database floor")
    floor = measure_database_floor(bench)
    log(f"[{name}] phases")
    phases = measure_phases(bench, preset.phase_completions)
    low, low_nc = short[True].series, short[False].series
    high, high_nc = long_series[True], long_series[False]
    version = bench.server_version
    results = []
    for count, series, series_nc in ((LOW_COUNT, low, low_nc), (HIGH_COUNT, high, high_nc)):
        n = len(series.seconds)
        med = median_ms(series.seconds)
        results.append({
            "database": name,
            "executed_user_tasks": count,
            "timed_completions": f"n={1 if count == LOW_COUNT else first_high}..{count}",
            "samples": n,
            "median_ms": round(med, 3),
            "p90_ms": round(p90_ms(series.seconds), 3),
            "mean_ms": round(statistics.fmean(series.seconds) * 1000, 3),
            "statements_per_completion": round(sum(series.statements) / n, 2),
            "statements_per_completion_max": max(series.statements),
            "statement_kinds_per_completion": {k: round(v / n, 2) for k, v in sorted(series.kinds.items())},
            "commits_per_completion": round(sum(series.commits) / n, 2),
            "median_ms_no_cache": round(median_ms(series_nc.seconds), 3),
            "p90_ms_no_cache": round(p90_ms(series_nc.seconds), 3),
            "samples_no_cache": len(series_nc.seconds),
            "statements_per_completion_no_cache": round(sum(series_nc.statements) / len(series_nc.statements), 2),
            "state_bytes_after": series.state_bytes,
            "state_load_ms_after": round(series.state_load_ms, 3),
            "state_dump_ms_after": round(series.state_dump_ms, 3),
            "history_rows_after": series.history_rows,
            "database_version": version,
            # The same statements with trivial rows and no engine work: what the database alone costs.
            "database_floor_ms": round(floor, 3),
            "engine_ms_above_floor": round(med - floor, 3),
            **({"phases_ms": phases} if count == LOW_COUNT else {}),
        })
    return results


def profile_completions(bench: EngineBench, dossiers: int = 6) -> str:
    """cProfile the timed completions of both shapes (cache on); returns the top functions of each."""
    import cProfile
    import io
    import pstats

    out = io.StringIO()
    for steps, first in ((LOW_COUNT, 1), (HIGH_COUNT, HIGH_COUNT - HIGH_WINDOW + 1)):
        ids = [bench.start() for _ in range(dossiers)]
        profiler = cProfile.Profile()
        for n in range(1, steps + 1):
            for dossier_id in ids:
                if n >= first:
                    bench.complete(dossier_id, n, hook=profiler.runcall)
                else:
                    bench.complete(dossier_id, n)
        timed = dossiers * (steps - first + 1)
        print(f"--- {timed} completions n={first}..{steps} of {steps}-task dossiers, by cumulative time", file=out)
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(28)
        print("--- the same, by own time", file=out)
        stats.sort_stats("tottime").print_stats(12)
    return out.getvalue()


# ------------------------------------------------------------------------------------------ report


def targets(raw_ms: float, results: list[dict[str, Any]]) -> dict[str, Any]:
    limit = TARGET_RAW_FACTOR * raw_ms
    by_case = {f"{r['database']}/{r['executed_user_tasks']}": {"median_ms": r["median_ms"],
                                                               "met": r["median_ms"] <= limit}
               for r in results}
    growth: dict[str, Any] = {}
    for database in dict.fromkeys(r["database"] for r in results):
        med = {r["executed_user_tasks"]: r for r in results if r["database"] == database}
        if LOW_COUNT in med and HIGH_COUNT in med:
            ratio = med[HIGH_COUNT]["median_ms"] / med[LOW_COUNT]["median_ms"]
            ratio_nc = med[HIGH_COUNT]["median_ms_no_cache"] / med[LOW_COUNT]["median_ms_no_cache"]
            growth[database] = {"ratio": round(ratio, 2), "ratio_no_cache": round(ratio_nc, 2),
                                "met": ratio <= TARGET_GROWTH}
    commits = {f"{r['database']}/{r['executed_user_tasks']}": {"commits_per_completion": r["commits_per_completion"],
                                                               "met": r["commits_per_completion"] == TARGET_COMMITS}
               for r in results}
    return {
        "median_le_10x_raw": {"limit_ms": round(limit, 3), "met": all(c["met"] for c in by_case.values()),
                              "by_case": by_case},
        "growth_100_over_4_le_1_5": {"limit": TARGET_GROWTH, "met": all(g["met"] for g in growth.values()),
                                     "by_database": growth},
        "one_commit_per_command": {"limit": TARGET_COMMITS, "met": all(c["met"] for c in commits.values()),
                                   "by_case": commits},
    }


def print_table(report: dict[str, Any]) -> None:
    env = report["environment"]
    raw = report["raw_step_ms"]
    print(f"Motcua engine step benchmark ({'quick' if report['quick'] else 'full'} run): "
          f"{PROCESS_ID}, supplementation loop")
    print(f"  Python {env['python']}, SpiffWorkflow {env['spiffworkflow']}, SQLAlchemy {env['sqlalchemy']}, "
          f"{', '.join(env['databases'])}, {env['cpus']} CPUs")
    load = env["load_average_1min"]
    print(f"  1-min load average: {load['before']} before, {load['after']} after "
          f"(other work on the machine shows up in the figures)")
    print()
    print(f"Raw SpiffWorkflow step, in memory (ready task + data + run() + do_engine_steps()), "
          f"median of {report['raw_samples']}:")
    print(f"  user tasks 1..{LOW_COUNT}: {raw:.3f} ms   tasks {HIGH_COUNT - HIGH_WINDOW + 1}..{HIGH_COUNT}: "
          f"{report['raw_step_ms_at_100']:.3f} ms   all 1..{HIGH_COUNT}: {report['raw_step_ms_all_100']:.3f} ms")
    slices = ", ".join(f"{ms:.3f}" for ms in report["raw_step_ms_by_slice"])
    print(f"  measured before, between and after the databases (tasks 1..{LOW_COUNT}: {slices} ms), "
          "library as shipped")
    print()
    print("Engine: complete_task(...) + commit, one transaction per completion (workflow cache on unless stated)")
    header = (f"  {'database':10s} {'tasks':>5s} {'timed n':>8s} {'samples':>7s} {'median':>8s} {'p90':>8s} "
              f"{'x raw':>6s} {'stmts':>6s} {'commits':>7s} {'no-cache med':>12s} {'no-cache p90':>12s}")
    print(header)
    print("  " + "-" * (len(header) - 2))
    for r in report["results"]:
        print(f"  {r['database']:10s} {r['executed_user_tasks']:5d} {r['timed_completions'][2:]:>8s} "
              f"{r['samples']:7d} {r['median_ms']:6.2f}ms {r['p90_ms']:6.2f}ms {r['ratio_to_raw']:5.1f}x "
              f"{r['statements_per_completion']:6.2f} {r['commits_per_completion']:7.2f} "
              f"{r['median_ms_no_cache']:10.2f}ms {r['p90_ms_no_cache']:10.2f}ms")
    print("  timed n: which user-task completions of each dossier are timed (history = n-1 earlier user tasks);")
    print("  x raw: median / raw step of tasks 1..4; stmts: SQL statements per completion (executemany = 1,")
    print("  SQLite counts its BEGIN IMMEDIATE); no-cache: EngineSettings(workflow_cache_size=0), own dossiers.")
    print()
    print("  per completion, by statement kind | state after the last timed step: stored size, history rows,")
    print("  load (meta + all task rows) / incremental dump of it (median, outside any transaction)")
    for r in report["results"]:
        kinds = ", ".join(f"{k} {v:g}" for k, v in r["statement_kinds_per_completion"].items())
        print(f"  {r['database'] + '/' + str(r['executed_user_tasks']):15s} {kinds:38s} | "
              f"{r['state_bytes_after'] / 1024:5.1f} KB, {r['history_rows_after']:4d} rows, "
              f"load {r['state_load_ms_after']:.2f} ms, dump {r['state_dump_ms_after']:.2f} ms")
    print()
    print("  database floor: the same statements with trivial rows and no engine work, one transaction each")
    for r in report["results"]:
        if r["executed_user_tasks"] == LOW_COUNT:
            print(f"  {r['database']:10s} floor {r['database_floor_ms']:.2f} ms "
                  f"({r['database_floor_ms'] / report['raw_step_ms']:.1f}x raw); engine above it "
                  f"{r['engine_ms_above_floor']:.2f} ms at 4 tasks")
    for note in report["notes"]:
        print(f"  note: {note}")
    print_phases(report)
    print()
    t = report["targets"]
    yes = {True: "met", False: "NOT met"}
    print("Targets")
    t1 = t["median_le_10x_raw"]
    cases = ", ".join(f"{k} {v['median_ms']:.2f}ms {yes[v['met']]}" for k, v in t1["by_case"].items())
    print(f"  median <= {TARGET_RAW_FACTOR:g}x raw step (<= {t1['limit_ms']:.2f} ms): {yes[t1['met']]}  [{cases}]")
    t2 = t["growth_100_over_4_le_1_5"]
    dbs = ", ".join(f"{k} {v['ratio']:.2f} {yes[v['met']]} (no cache {v['ratio_no_cache']:.2f})"
                    for k, v in t2["by_database"].items())
    print(f"  100-task / 4-task median <= {TARGET_GROWTH:g}: {yes[t2['met']]}  [{dbs}]")
    t3 = t["one_commit_per_command"]
    cases = ", ".join(f"{k} {v['commits_per_completion']:g}" for k, v in t3["by_case"].items())
    print(f"  one commit per command: {yes[t3['met']]}  [{cases}]")
    print(f"\n(total {report['elapsed_s']:.0f} s)")


def print_phases(report: dict[str, Any]) -> None:
    low = [r for r in report["results"] if r["executed_user_tasks"] == LOW_COUNT and "phases_ms" in r]
    if not low:
        return
    raw = report["raw_step_ms"]
    print()
    print("  where a 4-task completion's time goes: mean ms per completion over the fastest 90% of completions")
    print("  of their own, with the engine's functions wrapped (bench/phases.py); x raw = ms / raw step 1..4")
    names = [r["database"] for r in low]
    print(f"  {'phase':72s} " + " ".join(f"{n:>10s} {'x raw':>6s}" for n in names))
    for index, row in enumerate(low[0]["phases_ms"]):
        cells = []
        for r in low:
            ms = r["phases_ms"][index]["ms"]
            cells.append(f"{ms:8.3f}ms {ms / raw:5.1f}x")
        print(f"  {row['label'][:72]:72s} " + " ".join(cells))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.engine_step", description=__doc__.split("\n")[0])
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    ap.add_argument("--quick", action="store_true", help="fewer samples (~20 s)")
    ap.add_argument("--profile", action="store_true",
                    help="also cProfile the timed completions of both shapes on SQLite")
    ap.add_argument("--no-postgresql", action="store_true", help="SQLite only")
    args = ap.parse_args(argv)
    preset = QUICK if args.quick else FULL
    began = time.perf_counter()
    load_before = _load_average()

    log("raw SpiffWorkflow step")
    raw_slices = [measure_raw(preset.raw_runs)]  # before the engine is imported (see the module docstring)

    def raw_again() -> None:
        log("raw SpiffWorkflow step, again")
        with library_spiffworkflow():
            raw_slices.append(measure_raw(preset.raw_runs))

    import sqlalchemy

    results: list[dict[str, Any]] = []
    notes: list[str] = []
    databases: list[str] = []
    profile_text = None
    with tempfile.TemporaryDirectory(prefix="motcua_bench_") as tmp:
        bench = EngineBench(f"sqlite:///{Path(tmp) / 'bench.sqlite'}")
        try:
            databases.append(bench.server_version)
            results += bench_database("sqlite", bench, preset)
            raw_again()
            if args.profile:
                log("[sqlite] profiling")
                profile_text = profile_completions(bench)
        finally:
            bench.close()

    note = "PostgreSQL skipped (--no-postgresql)" if args.no_postgresql else create_pg_database()
    if note is not None:
        notes.append(note)
        log(note)
    else:
        try:
            bench = EngineBench(PG_URL)
            try:
                databases.append(bench.server_version)
                results += bench_database("postgresql", bench, preset)
                raw_again()
            finally:
                bench.close()
        finally:
            drop_pg_database()

    raw = summarise_raw(raw_slices)
    add_ratios(results, raw)
    report: dict[str, Any] = {
        **{k: round(v, 4) if isinstance(v, float) else v for k, v in raw.items()},
        "results": results,
        "targets": targets(raw["raw_step_ms"], results),
        "quick": args.quick,
        "notes": notes,
        "environment": {
            "python": platform.python_version(),
            "spiffworkflow": SpiffWorkflow.__version__,
            "sqlalchemy": sqlalchemy.__version__,
            "databases": databases,
            "machine": platform.machine(),
            "cpus": cpu_count(),
            "load_average_1min": {"before": load_before, "after": _load_average()},
        },
    }
    report["elapsed_s"] = round(time.perf_counter() - began, 1)
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        print_table(report)
    if profile_text is not None:
        print("\ncProfile on SQLite, workflow cache on (profiler overhead inflates the times):",
              file=sys.stderr if args.json else sys.stdout)
        print(profile_text, file=sys.stderr if args.json else sys.stdout)
    return 0


def _load_average() -> float | None:
    import os

    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


def cpu_count() -> int | None:
    import os

    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count()


if __name__ == "__main__":
    sys.exit(main())
