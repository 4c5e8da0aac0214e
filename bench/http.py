"""What an official waits for over HTTP, against the production server, beside the engine's own time.

Run from the project root::

    python -m bench.http                       # SQLite and PostgreSQL (~3-5 min on 2 loaded cores)
    python -m bench.http --quick               # fewer dossiers (~1-2 min)
    python -m bench.http --database sqlite     # one database only
    python -m bench.http --json                # exactly one JSON object on stdout (progress on stderr)

What happens, per database (a SQLite file in a temporary folder; PostgreSQL: the scratch database of
``bench.engine_step``, recreated and dropped at the end):

1. ``motcua demo --no-serve`` fills it: every library procedure active, the demo province (~440
   officials, ~300 dossiers in every state), so inboxes and access checks have real sizes.
2. In this process, through the engine's commands as the demo officials (``tiepnhan`` receives and
   takes the supplements, ``chuyenvien`` appraises), dossiers of ``enterprise_registration`` are
   prepared, untimed: some driven through 90 user tasks of the supplementation loop (appraise with
   "request supplement", receive the supplement, again) and some only received.
3. Engine series, in this process, with a fresh engine context (an empty workflow cache, as a fresh
   worker has): the same operations as below, each one transaction with its commit, the official
   loaded before the timer starts. These are the ``engine_median_ms`` of each row.
4. HTTP series: gunicorn serves the database as README.md documents (``-c python:api.gunicorn_config``,
   1 worker x 4 threads by default, JSON request logs at INFO), started after the preparation, so no
   prepared dossier is in its cache. Each official signs in through ``POST /api/v1/auth/login`` and
   keeps one keep-alive connection; requests go one at a time, as real officials with bearer tokens
   (every one through the access policy). After a warm-up on dossiers of its own:

   * ``start``: ``POST /api/v1/dossiers`` (reception at ``hcc_tinh``).
   * ``claim`` / ``complete``: ``POST /api/v1/tasks/<id>/claim`` then ``/complete`` with the step's form
     data. ``executed_user_tasks`` 4: every step of dossiers that execute 4 user tasks (started over
     HTTP in this run). 100: steps 91..100 of the dossiers prepared to 90.
   * ``cache`` cold: the first command of a dossier in the worker: step 91 of a 100-task dossier, and
     step 1 of a dossier received before the server started (its workflow state is loaded from the
     database). Warm: every later step (the worker's cache holds the state it wrote itself).
   * ``inbox``: ``GET /api/v1/inbox/queue`` as the official about to claim the next step.
   * ``dossier_page``: ``GET /api/v1/dossiers/<code>`` (data and open tasks) to find the next step.

   The series of all dossiers are interleaved (round robin), so every row sees the same machine.
   ``median_ms`` / ``p90_ms`` are the round trip the client saw; ``server_median_ms`` the
   ``duration_ms`` of the application's own ``request`` log line (matched by ``X-Request-ID``).
5. For scale, measured in the same run: the raw SpiffWorkflow step (``bench.engine_step``, library
   as shipped, no database) and the HTTP floor (``GET /healthz``: gunicorn and the app's hooks).

Benchmarks print figures; they never assert.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from bench.engine_step import (
    INTAKE,
    PG_DB_NAME,
    create_pg_database,
    drop_pg_database,
    library_spiffworkflow,
    log,
    measure_raw,
    median_ms,
    p90_ms,
    step_element,
    step_payload,
)
from bench.pages import PASSWORD, seed, server_times
from bench.server import gunicorn

ROOT = Path(__file__).resolve().parent.parent
CENTER = "hcc_tinh"
PROCEDURE = "enterprise_registration"
RECEPTION, SPECIALIST = "tiepnhan", "chuyenvien"
SHORT, LONG = 4, 100  # user tasks executed by the two shapes of dossier
LONG_PREPARED = 90  # the 100-task dossiers are prepared to this many, the rest is timed
OPERATIONS = ("start", "claim", "complete", "inbox", "dossier_page")
PG_URL = f"postgresql+psycopg://postgres@127.0.0.1:5432/{PG_DB_NAME}"


def actor_of_step(n: int) -> str:
    """Who does user task n of the supplementation loop: the specialist appraises, reception receives."""
    return SPECIALIST if step_element(n) == "appraise_dossier" else RECEPTION


@dataclass(frozen=True)
class Preset:
    short: int  # 4-task dossiers walked in the timed series
    long: int  # 100-task dossiers prepared to 90 (per series: HTTP and engine each get this many)
    cold: int  # dossiers received before the series: their first command is cold


FULL = Preset(short=24, long=10, cold=24)
QUICK = Preset(short=6, long=3, cold=6)


@dataclass(frozen=True)
class Opened:
    """A dossier and its one open task."""

    code: str
    task_id: str
    element_id: str


@dataclass
class Samples:
    """Seconds (and request ids, over HTTP) by (operation, executed user tasks, cache)."""

    seconds: dict[tuple[str, int | None, str], list[float]] = field(default_factory=lambda: defaultdict(list))
    request_ids: dict[tuple[str, int | None, str], list[str]] = field(default_factory=lambda: defaultdict(list))

    def add(self, key: tuple[str, int | None, str], seconds: float, request_id: str | None = None) -> None:
        self.seconds[key].append(seconds)
        if request_id is not None:
            self.request_ids[key].append(request_id)


class Driver(Protocol):
    """The five operations, as one official; each returns its seconds (and what the next step needs)."""

    samples: Samples

    def start(self, key: tuple[str, int | None, str] | None) -> Opened: ...

    def claim(self, who: str, task_id: str, key: tuple[str, int | None, str] | None) -> None: ...

    def complete(self, who: str, task_id: str, data: dict[str, Any], key: tuple[str, int | None, str] | None) -> None:
        ...

    def inbox(self, who: str, key: tuple[str, int | None, str] | None) -> None: ...

    def dossier(self, who: str, code: str, key: tuple[str, int | None, str] | None) -> Opened: ...


# ------------------------------------------------------------------------------------------ engine


class EngineDriver:
    """The operations through the engine's functions in this process, one transaction each."""

    def __init__(self, database_url: str) -> None:
        from sqlalchemy import select

        from engine.db import make_db_engine, make_session_factory
        from engine.persistence.models import Official
        from engine.runtime.context import build_context
        from engine.settings import EngineSettings

        self.db = make_db_engine(database_url)
        self.factory = make_session_factory(self.db)
        self.ctx = build_context(EngineSettings(library_path=ROOT / "bpmn"))
        with self.factory() as session:
            self.ctx.reload_calendar(session)
            self.officials = {name: official_id for name, official_id in session.execute(
                select(Official.username, Official.id).where(Official.username.in_((RECEPTION, SPECIALIST))))}
        self.samples = Samples()

    def close(self) -> None:
        self.db.dispose()

    def _timed(self, who: str, key: tuple[str, int | None, str] | None, work: Callable[..., Any],
               write: bool) -> Any:
        from engine.persistence.models import Official

        with self.factory() as session:
            official = session.get(Official, self.officials[who])
            assert official is not None
            _ = official.roles  # loaded before the timer, as the API's token check loads them
            started = time.perf_counter()
            result = work(session, official)
            if write:
                session.commit()
            else:
                session.close()
            elapsed = time.perf_counter() - started
        if key is not None:
            self.samples.add(key, elapsed)
        return result

    def start(self, key: tuple[str, int | None, str] | None) -> Opened:
        from engine.runtime.command import Actor
        from engine.runtime.dossiers import start_dossier

        def work(session: Any, official: Any) -> tuple[int, str]:
            dossier = start_dossier(session, self.ctx, PROCEDURE, actor=Actor.of(official), center_code=CENTER,
                                    data=copy.deepcopy(INTAKE))
            return dossier.id, dossier.code

        _, code = self._timed(RECEPTION, key, work, write=True)
        return self.dossier(RECEPTION, code, None)

    def claim(self, who: str, task_id: str, key: tuple[str, int | None, str] | None) -> None:
        from engine.runtime.command import Actor
        from engine.runtime.tasks import claim_task

        self._timed(who, key, lambda s, o: claim_task(s, self.ctx, uuid.UUID(task_id), actor=Actor.of(o)),
                    write=True)

    def complete(self, who: str, task_id: str, data: dict[str, Any], key: tuple[str, int | None, str] | None) -> None:
        from engine.runtime.command import Actor
        from engine.runtime.tasks import complete_task

        self._timed(who, key, lambda s, o: complete_task(s, self.ctx, uuid.UUID(task_id), actor=Actor.of(o),
                                                         data=copy.deepcopy(data)), write=True)

    def inbox(self, who: str, key: tuple[str, int | None, str] | None) -> None:
        from zoneinfo import ZoneInfo

        from engine.org.inbox import inbox_filters, inbox_listing

        def work(session: Any, official: Any) -> Any:
            now = self.ctx.clock.now()
            return inbox_listing(session, official, "queue", inbox_filters(session), now=now,
                                 day=now.astimezone(ZoneInfo(self.ctx.settings.timezone)).date(), limit=50)

        self._timed(who, key, work, write=False)

    def dossier(self, who: str, code: str, key: tuple[str, int | None, str] | None) -> Opened:
        from engine.reads.dossiers import dossier_with_open_tasks

        def work(session: Any, official: Any) -> Opened:
            dossier = dossier_with_open_tasks(session, official, code, today=self.ctx.today())
            open_tasks = dossier.open_tasks  # type: ignore[attr-defined]  # set by the read for the page
            return _only_open(code, [(str(t.id), t.element_id) for t in open_tasks])

        result: Opened = self._timed(who, key, work, write=False)
        return result


def _only_open(code: str, tasks: list[tuple[str, str]]) -> Opened:
    if len(tasks) != 1:
        raise RuntimeError(f"dossier {code}: open tasks {tasks}, expected one")
    return Opened(code, *tasks[0])


# -------------------------------------------------------------------------------------------- http


class Connection:
    """One official's keep-alive connection, with their bearer token."""

    def __init__(self, base: str, username: str | None) -> None:
        parsed = urllib.parse.urlsplit(base)
        self.host, self.port = parsed.hostname or "127.0.0.1", parsed.port or 80
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
        self.token: str | None = None
        if username is not None:
            self.token = self._sign_in(username)

    def _sign_in(self, username: str) -> str:
        for _ in range(50):  # sign-in allows a few password checks at once per process: wait for a turn
            status, body, _ = self.call("POST", "/api/v1/auth/login", {"username": username, "password": PASSWORD})
            if status == 200:
                return str(body["token"])
            if status not in (429, 503):
                raise RuntimeError(f"{username} could not sign in: {status} {body}")
            time.sleep(0.2)
        raise RuntimeError(f"{username} could not sign in: the server stayed busy")

    def call(self, method: str, path: str, body: Any = None, request_id: str | None = None) -> tuple[int, Any, float]:
        """Status, parsed body and seconds of one request (a connection the server closed is reopened)."""
        headers = {"X-Request-ID": request_id or uuid.uuid4().hex, "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        payload = None
        if body is not None:
            payload = json.dumps(body, ensure_ascii=False).encode()
            headers["Content-Type"] = "application/json"
        for attempt in (1, 2):
            started = time.perf_counter()
            try:
                self.conn.request(method, path, body=payload, headers=headers)
                response = self.conn.getresponse()
                raw = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # gunicorn closes a keep-alive connection idle for 2 s; the request was not read
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
                if attempt == 2:
                    raise
                continue
            elapsed = time.perf_counter() - started
            if response.getheader("Connection", "").lower() == "close":
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
            return response.status, json.loads(raw) if raw else None, elapsed
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.conn.close()


class HttpDriver:
    """The operations over HTTP, one official per keep-alive connection."""

    def __init__(self, base: str) -> None:
        self.connections = {name: Connection(base, name) for name in (RECEPTION, SPECIALIST)}
        self.samples = Samples()

    def close(self) -> None:
        for connection in self.connections.values():
            connection.close()

    def _call(self, who: str, method: str, path: str, key: tuple[str, int | None, str] | None,
              body: Any = None, expect: int = 200) -> Any:
        request_id = uuid.uuid4().hex
        status, answer, elapsed = self.connections[who].call(method, path, body, request_id)
        if status != expect:
            raise RuntimeError(f"{who} {method} {path}: {status} {answer}")
        if key is not None:
            self.samples.add(key, elapsed, request_id)
        return answer

    def start(self, key: tuple[str, int | None, str] | None) -> Opened:
        body = {"procedure": PROCEDURE, "center": CENTER, "channel": "direct", "data": copy.deepcopy(INTAKE)}
        answer = self._call(RECEPTION, "POST", "/api/v1/dossiers", key, body, expect=201)
        return _only_open(answer["code"], [(t["id"], t["element_id"]) for t in answer["open_tasks"]])

    def claim(self, who: str, task_id: str, key: tuple[str, int | None, str] | None) -> None:
        self._call(who, "POST", f"/api/v1/tasks/{task_id}/claim", key)

    def complete(self, who: str, task_id: str, data: dict[str, Any], key: tuple[str, int | None, str] | None) -> None:
        self._call(who, "POST", f"/api/v1/tasks/{task_id}/complete", key, {"data": data})

    def inbox(self, who: str, key: tuple[str, int | None, str] | None) -> None:
        self._call(who, "GET", "/api/v1/inbox/queue?limit=50", key)

    def dossier(self, who: str, code: str, key: tuple[str, int | None, str] | None) -> Opened:
        answer = self._call(who, "GET", f"/api/v1/dossiers/{urllib.parse.quote(code)}", key)
        return _only_open(code, [(t["id"], t["element_id"]) for t in answer["open_tasks"]])


# -------------------------------------------------------------------------------------------- jobs


def step(driver: Driver, opened: Opened, n: int, shape: int, cache: str, *, timed: bool = True) -> None:
    """Claim and complete user task n of the loop (checking it is the expected element)."""
    if opened.element_id != step_element(n):
        raise RuntimeError(f"{opened.code}: step {n} is {opened.element_id}, expected {step_element(n)}")
    who = actor_of_step(n)
    driver.claim(who, opened.task_id, ("claim", shape, cache) if timed else None)
    driver.complete(who, opened.task_id, step_payload(n), ("complete", shape, cache) if timed else None)


def short_job(driver: Driver) -> Iterator[None]:
    """Receive a dossier and walk its 4 user tasks: look at the queue, claim, complete, read the page."""
    opened = driver.start(("start", 0, "warm"))
    yield
    for n in range(1, SHORT + 1):
        driver.inbox(actor_of_step(n), ("inbox", None, "warm"))
        step(driver, opened, n, SHORT, "warm")
        yield
        if n < SHORT:
            opened = driver.dossier(actor_of_step(n + 1), opened.code, ("dossier_page", SHORT, "warm"))


def cold_job(driver: Driver, opened: Opened) -> Iterator[None]:
    """The first command of a dossier received before the series (its state is not cached)."""
    step(driver, opened, 1, SHORT, "cold")
    yield


def long_job(driver: Driver, opened: Opened) -> Iterator[None]:
    """Steps 91..100 of a dossier prepared to 90: the first is cold, the others warm."""
    for n in range(LONG_PREPARED + 1, LONG + 1):
        step(driver, opened, n, LONG, "cold" if n == LONG_PREPARED + 1 else "warm")
        yield
        if n < LONG:
            opened = driver.dossier(actor_of_step(n + 1), opened.code, ("dossier_page", LONG, "warm"))


def run_jobs(jobs: list[Iterator[None]]) -> None:
    """Advance every job one step at a time, round robin, until all are done."""
    active = list(jobs)
    while active:
        for job in list(active):
            try:
                next(job)
            except StopIteration:
                active.remove(job)


@dataclass(frozen=True)
class Prepared:
    """Dossiers of one series: 100-task ones driven to 90, and received ones (their first command is cold)."""

    long: list[Opened]
    cold: list[Opened]


def jobs_of(driver: Driver, preset: Preset, prepared: Prepared) -> list[Iterator[None]]:
    jobs = [short_job(driver) for _ in range(preset.short)]
    jobs += [long_job(driver, opened) for opened in prepared.long]
    jobs += [cold_job(driver, opened) for opened in prepared.cold]
    return jobs


def series(drivers: list[tuple[Driver, Prepared]], preset: Preset) -> None:
    """The jobs of every driver, interleaved (with ``--baseline``, two servers take turns)."""
    for driver, _ in drivers:
        warm_up(driver)
    per_driver = [jobs_of(driver, preset, prepared) for driver, prepared in drivers]
    run_jobs([job for turn in zip(*per_driver, strict=True) for job in turn])


def warm_up(driver: Driver) -> None:
    """A dossier of its own through one step and every read, untimed: imports, compiled statements."""
    for _ in range(2):
        opened = driver.start(None)
        driver.inbox(SPECIALIST, None)
        driver.inbox(RECEPTION, None)
        step(driver, opened, 1, SHORT, "warm", timed=False)
        driver.dossier(RECEPTION, opened.code, None)


def prepare(database_url: str, preset: Preset, series_count: int) -> list[Prepared]:
    """Untimed, in this process: the dossiers of each series."""
    driver = EngineDriver(database_url)
    try:
        longs = [driver.start(None) for _ in range(series_count * preset.long)]
        for n in range(1, LONG_PREPARED + 1):
            if n % 30 == 0:
                log(f"  prepared {n} user tasks of {len(longs)} dossiers")
            for index, opened in enumerate(longs):
                step(driver, opened, n, LONG, "warm", timed=False)
                longs[index] = driver.dossier(actor_of_step(n + 1), opened.code, None)
        colds = [driver.start(None) for _ in range(series_count * preset.cold)]
    finally:
        driver.close()
    return [Prepared(longs[i * preset.long:(i + 1) * preset.long], colds[i * preset.cold:(i + 1) * preset.cold])
            for i in range(series_count)]


# ----------------------------------------------------------------------------------------- measure


def measure(database: str, database_url: str, preset: Preset, folder: Path, workers: int, threads: int,
            baseline: Path | None = None) -> dict[str, Any]:
    seed(database_url)
    log(f"[{database}] preparing dossiers (in this process)")
    prepared = prepare(database_url, preset, 3 if baseline else 2)
    load_before = _load()
    log(f"[{database}] engine series")
    engine = EngineDriver(database_url)
    try:
        series([(engine, prepared[0])], preset)
    finally:
        engine.close()
    env = {"MOTCUA_DATABASE_URL": database_url, "MOTCUA_LOG_FORMAT": "json", "MOTCUA_LOG_LEVEL": "INFO"}
    log(f"[{database}] HTTP series (gunicorn {workers} worker(s) x {threads} threads"
        + (f", beside the baseline at {baseline})" if baseline else ")"))
    with contextlib.ExitStack() as stack:
        servers = [ROOT, *([baseline] if baseline else [])]
        logs = [folder / f"{database}-server-{i}.log" for i in range(len(servers))]
        bases = [stack.enter_context(gunicorn(
            {**env, "PROMETHEUS_MULTIPROC_DIR": str(folder / f"{database}-metrics-{i}")}, workers=workers,
            threads=threads, log=stack.enter_context(open(logs[i], "wb")), cwd=checkout)) for i, checkout in
            enumerate(servers)]
        clients = [HttpDriver(base) for base in bases]
        try:
            series([(client, prepared[1 + i]) for i, client in enumerate(clients)], preset)
        finally:
            for client in clients:
                client.close()
        floor = http_floor(bases[0])
    found = rows(database, clients[0].samples, engine.samples, server_times(logs[0]))
    if baseline:
        before = {(r["operation"], r["executed_user_tasks"], r["cache"]): r
                  for r in rows(database, clients[1].samples, Samples(), server_times(logs[1]))}
        for row in found:
            old = before[(row["operation"], row["executed_user_tasks"], row["cache"])]
            row["baseline_median_ms"], row["baseline_p90_ms"] = old["median_ms"], old["p90_ms"]
            row["baseline_server_median_ms"] = old["server_median_ms"]
    return {"rows": found, "http_floor_ms": round(floor, 3), "load_average": [load_before, _load()]}


def http_floor(base: str, runs: int = 200) -> float:
    connection = Connection(base, None)
    seconds = [connection.call("GET", "/healthz")[2] for _ in range(runs)]
    connection.close()
    return median_ms(seconds)


def rows(database: str, http_samples: Samples, engine_samples: Samples,
         server: dict[str, float]) -> list[dict[str, Any]]:
    out = []
    order = {name: index for index, name in enumerate(OPERATIONS)}
    keys = sorted(http_samples.seconds, key=lambda k: (order[k[0]], k[1] or 0, k[2] != "warm"))
    for key in keys:
        operation, executed, cache = key
        seconds = http_samples.seconds[key]
        server_ms = [server[r] for r in http_samples.request_ids[key] if r in server]
        engine_seconds = engine_samples.seconds.get(key, [])
        median = median_ms(seconds)
        engine_median = median_ms(engine_seconds) if engine_seconds else None
        out.append({
            "database": database, "operation": operation, "executed_user_tasks": executed, "cache": cache,
            "samples": len(seconds), "median_ms": round(median, 3), "p90_ms": round(p90_ms(seconds), 3),
            "server_median_ms": round(statistics.median(server_ms), 3) if server_ms else None,
            "engine_median_ms": round(engine_median, 3) if engine_median is not None else None,
            "engine_p90_ms": round(p90_ms(engine_seconds), 3) if engine_seconds else None,
            "engine_samples": len(engine_seconds),
            "ratio_to_engine": round(median / engine_median, 2) if engine_median else None,
        })
    return out


def targets(rows_: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The issue's ratio targets that this benchmark's rows decide, each with its figures."""
    found = {(r["database"], r["operation"], r["executed_user_tasks"], r["cache"]): r for r in rows_}
    checks = []
    for database in dict.fromkeys(r["database"] for r in rows_):
        warm4 = found.get((database, "complete", SHORT, "warm"))
        warm100 = found.get((database, "complete", LONG, "warm"))
        cold100 = found.get((database, "complete", LONG, "cold"))
        if warm4 and warm4["engine_median_ms"]:
            checks.append(_check(f"{database}: HTTP complete (4 tasks, warm) / engine complete <= 2",
                                 warm4["median_ms"] / warm4["engine_median_ms"], 2.0))
        if warm100 and cold100:
            checks.append(_check(f"{database}: complete at 100 tasks, cold / warm <= 3",
                                 cold100["median_ms"] / warm100["median_ms"], 3.0))
        if warm4 and warm100:
            checks.append(_check(f"{database}: complete warm, 100 tasks / 4 tasks <= 1.2",
                                 warm100["median_ms"] / warm4["median_ms"], 1.2))
        cold4 = found.get((database, "complete", SHORT, "cold"))
        if cold4 and cold100:
            checks.append(_check(f"{database}: complete cold, 100 tasks / 4 tasks <= 1.2",
                                 cold100["median_ms"] / cold4["median_ms"], 1.2))
        if database == "sqlite":
            for operation, limit in (("inbox", 3.0), ("claim", 3.0), ("dossier_page", 10.0)):
                row = found.get((database, operation, None if operation == "inbox" else SHORT, "warm"))
                if row:
                    checks.append(_check(f"sqlite: {operation} median <= {limit:g} ms", row["median_ms"], limit))
    return checks


def _check(label: str, value: float, limit: float) -> dict[str, Any]:
    return {"target": label, "value": round(value, 2), "limit": limit, "met": value <= limit}


def _load() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


# ------------------------------------------------------------------------------------------ report


def run(databases: list[str], quick: bool, workers: int = 1, threads: int = 4,
        baseline: Path | None = None) -> dict[str, Any]:
    """Every database's rows and the raw step, as one report (also what ``python -m bench`` calls)."""
    preset = QUICK if quick else FULL
    log("raw SpiffWorkflow step")
    with library_spiffworkflow():
        raw = measure_raw(5 if quick else 15)
    all_rows: list[dict[str, Any]] = []
    floors: dict[str, float] = {}
    loads: dict[str, Any] = {}
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="motcua_bench_http_") as tmp:
        folder = Path(tmp)
        for database in databases:
            if database == "sqlite":
                result = measure("sqlite", f"sqlite:///{folder / 'bench.sqlite3'}", preset, folder, workers, threads,
                                 baseline)
            else:
                note = create_pg_database()
                if note is not None:
                    notes.append(note)
                    log(note)
                    continue
                try:
                    result = measure("postgresql", PG_URL, preset, folder, workers, threads, baseline)
                finally:
                    drop_pg_database()
            all_rows += result["rows"]
            floors[database] = result["http_floor_ms"]
            loads[database] = result["load_average"]
    return {"raw_step_ms": round(median_ms(raw.low), 4), "http": all_rows, "http_floor_ms": floors,
            "http_targets": targets(all_rows), "server": {"workers": workers, "threads": threads},
            "load_average": loads, "notes": notes, "quick": quick,
            **({"baseline": {"path": str(baseline), "commit": _commit(baseline)},
                "commit": _commit(ROOT)} if baseline else {})}


def _commit(checkout: Path) -> str:
    result = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=checkout, capture_output=True, text=True,
                            check=False)
    return result.stdout.strip() or "unknown"


def print_report(report: dict[str, Any]) -> None:
    server = report["server"]
    print(f"HTTP: one request at a time as the demo officials, gunicorn {server['workers']} worker(s) x "
          f"{server['threads']} threads; client round trip (server time from its request log), engine = the "
          f"same operation in-process, one transaction")
    print(f"  raw SpiffWorkflow step {report['raw_step_ms']:.3f} ms; HTTP floor (/healthz) "
          + ", ".join(f"{db} {ms:.2f} ms" for db, ms in report["http_floor_ms"].items())
          + "; load average " + ", ".join(f"{db} {a} -> {b}" for db, (a, b) in report["load_average"].items()))
    print(f"  {'database':10s} {'operation':12s} {'tasks':>5s} {'cache':5s} {'n':>4s} {'median':>8s} {'p90':>8s} "
          f"{'server':>8s} {'engine':>8s} {'x engine':>8s}")
    for r in report["http"]:
        tasks = "-" if r["executed_user_tasks"] is None else str(r["executed_user_tasks"])
        engine = f"{r['engine_median_ms']:6.2f}ms" if r["engine_median_ms"] is not None else f"{'-':>8s}"
        ratio = f"{r['ratio_to_engine']:7.1f}x" if r["ratio_to_engine"] is not None else f"{'-':>8s}"
        server_ms = f"{r['server_median_ms']:6.2f}ms" if r["server_median_ms"] is not None else f"{'-':>8s}"
        print(f"  {r['database']:10s} {r['operation']:12s} {tasks:>5s} {r['cache']:5s} {r['samples']:4d} "
              f"{r['median_ms']:6.2f}ms {r['p90_ms']:6.2f}ms {server_ms} {engine} {ratio}")
    for note in report["notes"]:
        print(f"  note: {note}")
    print_targets(report["http_targets"])
    if "baseline" in report:
        print_comparison(report)


def print_comparison(report: dict[str, Any]) -> None:
    print(f"  before / after in this run: the baseline {report['baseline']['path']} "
          f"({report['baseline']['commit']}) against this checkout ({report['commit']}), requests taking turns")
    print(f"  {'database':10s} {'operation':12s} {'tasks':>5s} {'cache':5s} {'before':>8s} {'after':>8s} "
          f"{'after/before':>12s}   server: {'before':>8s} {'after':>8s}")
    for r in report["http"]:
        tasks = "-" if r["executed_user_tasks"] is None else str(r["executed_user_tasks"])
        server_before, server_after = r.get("baseline_server_median_ms"), r["server_median_ms"]
        servers = f"{server_before:6.2f}ms {server_after:6.2f}ms" if server_before and server_after else ""
        ratio = r["median_ms"] / r["baseline_median_ms"]
        print(f"  {r['database']:10s} {r['operation']:12s} {tasks:>5s} {r['cache']:5s} "
              f"{r['baseline_median_ms']:6.2f}ms {r['median_ms']:6.2f}ms {ratio:12.2f}   {servers}")


def print_targets(checks: list[dict[str, Any]]) -> None:
    if checks:
        print("  targets:")
    for check in checks:
        print(f"    {check['target']}: {check['value']:g} {'met' if check['met'] else 'NOT met'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.http", description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    parser.add_argument("--quick", action="store_true", help="fewer dossiers")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), action="append",
                        help="only this database (repeatable; default both)")
    parser.add_argument("--workers", type=int, default=1, help="gunicorn workers (default 1)")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker (default 4)")
    parser.add_argument("--baseline", type=Path, metavar="CHECKOUT",
                        help="also serve another checkout of Motcua (e.g. a worktree of main) on the same "
                             "database, its requests taking turns with this one's: before / after in one run")
    args = parser.parse_args(argv)
    report = run(args.database or ["sqlite", "postgresql"], args.quick, args.workers, args.threads,
                 args.baseline.resolve() if args.baseline else None)
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        print_report(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
