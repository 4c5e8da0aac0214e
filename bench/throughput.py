"""How much work the production server sustains: concurrent officials against several gunicorn workers
on PostgreSQL, with the CPU each request costs.

Run from the project root::

    python -m bench.throughput                        # 8 and 32 clients x 2 and 4 workers, 60 s each (~6 min)
    python -m bench.throughput --seconds 20           # shorter runs
    python -m bench.throughput --quick                # 8 clients x 2 workers, 15 s
    python -m bench.throughput --workers 2 --clients 8 --workers 4
    python -m bench.throughput --json                 # exactly one JSON object on stdout

What happens:

1. The PostgreSQL scratch database of ``bench.engine_step`` is recreated and filled by
   ``motcua demo --no-serve`` (every library procedure active, the demo province); dropped at the end.
2. For each number of workers, gunicorn serves it as the Docker image does (``-c
   python:api.gunicorn_config``, N workers x 4 threads, JSON request logs at INFO).
3. Each client is a desk of the center working dossiers of its own from reception to result, one
   request at a time, through the API with bearer tokens (every request through the access policy):
   receive (``POST /api/v1/dossiers``), then for each step: the dossier page (``GET
   /api/v1/dossiers/<code>``) to find it, the step's official's queue (``GET /api/v1/inbox/queue``),
   claim and complete with the step's form data. The procedures alternate: enterprise registration
   at the provincial center (appraisal at the Business Registration Office, the Department of
   Finance's leader signs, reception returns the result) and certified copies at each commune-level
   center that has the officials (the ward's justice officer, its chairman, its one-stop desk), so
   the mix covers the library's two kinds of lanes (fixed unit, routed by locality). Client ``i``
   acts as the ``i``-th official of each unit and role, so the officials and their inboxes vary.
4. After a warm-up (``--warmup`` s) the clients run ``--seconds`` s more; only requests that end in
   that window count. ``completions_per_s``: task completions answered 200 per second;
   ``requests_per_s``: every request; p50/p95/p99 of every request's round trip; ``errors``: any answer
   that is not the expected one (and any connection failure). CPU: user+system time of gunicorn's
   processes and of the PostgreSQL backends of the scratch database over the window (from /proc), per
   request; the machine's whole CPU time per request beside it (that includes the clients, which run
   in this process, and anything else running on the machine).
5. The floor, in the same run: for each number of workers, the same server and clients on
   ``bench.floor_app`` (a JSON body in, as many single-row statements in one transaction as a request
   of this workload runs on average, a JSON answer out; no product code): requests per second and
   CPU per request, the least this stack spends on a request (``floor`` in each row).

Benchmarks print figures; they never assert.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bench.engine_step import INTAKE, PG_DB_NAME, create_pg_database, drop_pg_database, log
from bench.floor_app import STATEMENTS_PER_REQUEST
from bench.http import Connection
from bench.pages import seed
from bench.server import gunicorn
from demo.step_data import CERTIFIED_COPY, ENTERPRISE

ROOT = Path(__file__).resolve().parent.parent
PG_URL = f"postgresql+psycopg://postgres@127.0.0.1:5432/{PG_DB_NAME}"
THREADS = 4  # per worker, as the Docker image runs
TARGET_COMPLETIONS = 120.0  # per second, 2 workers, 8 clients
TARGET_CPU_MS = 2.5  # per request

CERTIFIED_INTAKE = {
    "applicant": {"applicant_name": "Phạm Thị Hoa", "id_number": "022190004567", "phone": "0987654321",
                  "address": "Thôn 3, xã Quảng La, tỉnh Quảng Ninh"},
    "documents_to_certify": [
        {"document_name": "Bằng tốt nghiệp trung học phổ thông",
         "issuing_authority": "Sở Giáo dục và Đào tạo tỉnh Quảng Ninh", "page_count": 1, "copy_count": 3},
        {"document_name": "Học bạ trung học phổ thông", "issuing_authority": "Trường THPT Hòn Gai",
         "page_count": 12, "copy_count": 2},
    ],
    "documents": ["original_document", "prepared_copy"],
    "result_delivery": "counter",
}


@dataclass(frozen=True)
class Flow:
    """One procedure at one center: who receives it and who does each of its steps, with what data."""

    procedure: str
    center: str
    intake: dict[str, Any]
    reception: tuple[str, str]  # (unit code, role)
    steps: dict[str, tuple[tuple[str, str], dict[str, Any]]]  # element -> ((unit code, role), form data)


def enterprise_flow() -> Flow:
    return Flow("enterprise_registration", "hcc_tinh", INTAKE, ("trung_tam_hcc", "reception"), {
        "appraise_dossier": (("so_tai_chinh.phong_dkkd", "specialist"), ENTERPRISE["appraise_ok"]),
        "approve_dossier": (("so_tai_chinh", "unit_leader"), ENTERPRISE["sign"]),
        "return_result": (("trung_tam_hcc", "reception"), ENTERPRISE["return"]),
    })


def certified_copy_flow(center: str, locality: str) -> Flow:
    return Flow("certified_copy", center, CERTIFIED_INTAKE, (f"{locality}.mot_cua", "reception"), {
        "appraise_dossier": ((f"{locality}.tu_phap_ho_tich", "specialist"), CERTIFIED_COPY["appraise_ok"]),
        "approve_dossier": ((locality, "unit_leader"), CERTIFIED_COPY["sign"]),
        "return_result": ((f"{locality}.mot_cua", "reception"), CERTIFIED_COPY["return"]),
    })


def fill(data: Any, applicant: str, day: str) -> Any:
    """The demo's step data with its placeholders ($applicant, $date, $receipt) filled."""
    if isinstance(data, dict):
        return {key: fill(value, applicant, day) for key, value in data.items()}
    if isinstance(data, list):
        return [fill(value, applicant, day) for value in data]
    return {"$applicant": applicant, "$date": day, "$receipt": "BL-0001234"}.get(data, data) \
        if isinstance(data, str) else data


def staff(database_url: str) -> tuple[list[Flow], dict[tuple[str, str, str], list[str]]]:
    """The flows this database's organisation can run, and the usernames of each (center, unit, role)."""
    from sqlalchemy import select

    from engine.db import make_db_engine, make_session_factory
    from engine.persistence.models import Center, Official, OfficialRole, Unit

    db_engine = make_db_engine(database_url)
    people: dict[tuple[str, str, str], list[str]] = {}
    try:
        with make_session_factory(db_engine)() as session:
            rows = session.execute(
                select(Center.code, Unit.code, OfficialRole.role, Official.username)
                .join(Unit, Unit.id == Official.unit_id).join(Center, Center.id == Official.center_id)
                .join(OfficialRole, OfficialRole.official_id == Official.id)
                .where(Official.active.is_(True)).order_by(Official.username))
            for center, unit, role, username in rows:
                people.setdefault((center, unit, role), []).append(username)
            localities = session.execute(select(Center.code, Center.locality).where(Center.locality.is_not(None)))
            candidates = [enterprise_flow(), *(certified_copy_flow(c, loc) for c, loc in localities if loc)]
    finally:
        db_engine.dispose()

    def staffed(flow: Flow) -> bool:
        needed = [flow.reception, *(who for who, _ in flow.steps.values())]
        return all((flow.center, unit, role) in people for unit, role in needed)

    return [flow for flow in candidates if staffed(flow)], people


@dataclass
class Record:
    """Every request of one client: when it ended, what it was, its seconds and whether it went right."""

    ends: list[float] = field(default_factory=list)
    operations: list[str] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    ok: list[bool] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def add(self, operation: str, seconds: float, ok: bool) -> None:
        self.ends.append(time.perf_counter())
        self.operations.append(operation)
        self.seconds.append(seconds)
        self.ok.append(ok)


class Desk:
    """One client: dossiers of its own, from reception to result, one request at a time."""

    def __init__(self, index: int, base: str, flows: list[Flow], people: dict[tuple[str, str, str], list[str]],
                 tokens: dict[str, str]) -> None:
        self.index, self.flows, self.people, self.tokens = index, flows, people, tokens
        self.connection = Connection(base, None)
        self.record = Record()
        self.day = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date().isoformat()

    def who(self, flow: Flow, unit: str, role: str) -> str:
        names = self.people[(flow.center, unit, role)]
        return names[self.index % len(names)]

    def call(self, operation: str, username: str, method: str, path: str, body: Any = None,
             expect: int = 200) -> Any:
        self.connection.token = self.tokens[username]
        try:
            status, answer, seconds = self.connection.call(method, path, body)
        except OSError as error:
            self.record.failures.append(f"{operation}: {type(error).__name__}")
            self.record.add(operation, 0.0, False)
            raise
        self.record.add(operation, seconds, status == expect)
        if status != expect:
            self.record.failures.append(f"{operation}: {status} {str(answer)[:200]}")
            raise RuntimeError(f"{operation}: {status}")
        return answer

    def dossier(self, flow: Flow) -> None:
        """One dossier through every step of the flow."""
        reception = self.who(flow, *flow.reception)
        intake = copy.deepcopy(flow.intake)
        applicant = intake["applicant"]["applicant_name"]
        answer = self.call("start", reception, "POST", "/api/v1/dossiers",
                           {"procedure": flow.procedure, "center": flow.center, "data": intake}, expect=201)
        code, open_tasks = answer["code"], answer["open_tasks"]
        while open_tasks:
            task = open_tasks[0]
            (unit, role), data = flow.steps[task["element_id"]]
            official = self.who(flow, unit, role)
            self.call("inbox", official, "GET", "/api/v1/inbox/queue?limit=50")
            self.call("claim", official, "POST", f"/api/v1/tasks/{task['id']}/claim")
            self.call("complete", official, "POST", f"/api/v1/tasks/{task['id']}/complete",
                      {"data": fill(data, applicant, self.day)})
            page = self.call("dossier_page", official, "GET", f"/api/v1/dossiers/{urllib.parse.quote(code)}")
            open_tasks = page["open_tasks"]

    def run(self, stop: threading.Event) -> None:
        turn = self.index
        while not stop.is_set():
            flow = self.flows[0] if turn % 2 == 0 else self.flows[1 + (turn // 2) % (len(self.flows) - 1)] \
                if len(self.flows) > 1 else self.flows[0]
            turn += 1
            try:
                self.dossier(flow)
            except (RuntimeError, OSError, KeyError):
                time.sleep(0.05)  # counted as an error; start the next dossier
        self.connection.close()


class FloorDesk:
    """One client of the floor app (bench.floor_app): a completion's body and a bearer header, over and over."""

    def __init__(self, index: int, base: str, token: str) -> None:
        self.connection = Connection(base, None)
        self.connection.token = token
        self.record = Record()
        self.body = {"data": fill(ENTERPRISE["appraise_ok"], f"Khách {index}", "2026-12-04")}

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            started = time.perf_counter()
            try:
                status, _, seconds = self.connection.call("POST", "/floor", self.body)
            except OSError as error:
                status, seconds = 0, time.perf_counter() - started
                self.record.failures.append(f"floor: {type(error).__name__}")
            self.record.add("floor", seconds, status == 200)
        self.connection.close()


def sign_in_everyone(base: str, usernames: set[str]) -> dict[str, str]:
    tokens = {}
    for username in sorted(usernames):
        connection = Connection(base, username)
        assert connection.token is not None
        tokens[username] = connection.token
        connection.close()
    return tokens


# --------------------------------------------------------------------------------------------- CPU


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as handle:
            return [int(child) for child in handle.read().split()]
    except OSError:
        return []


def _cpu_seconds(pid: int) -> float:
    """User + system seconds of one process (its threads included), from /proc."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _machine_cpu_seconds() -> float:
    with open("/proc/stat", encoding="ascii") as handle:
        values = [int(v) for v in handle.readline().split()[1:]]
    busy = sum(values) - values[3] - (values[4] if len(values) > 4 else 0)  # minus idle and iowait
    return busy / os.sysconf("SC_CLK_TCK")


def _postgres_backends(database_url: str) -> list[int]:
    import psycopg

    dsn = database_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as conn:
        return [int(row[0]) for row in conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")]


@dataclass
class CpuSnapshot:
    app: dict[int, float]
    database: dict[int, float]
    machine: float

    @classmethod
    def take(cls, server_pid: int, database_url: str) -> CpuSnapshot:
        app = {pid: _cpu_seconds(pid) for pid in [server_pid, *_children(server_pid)]}
        database = {pid: _cpu_seconds(pid) for pid in _postgres_backends(database_url)}
        return cls(app, database, _machine_cpu_seconds())


def _spent(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


# ----------------------------------------------------------------------------------------- measure


def measure(desks: list[Desk] | list[FloorDesk], server_pid: int, database_url: str, seconds: float,
            warmup: float) -> dict[str, Any]:
    stop = threading.Event()
    threads = [threading.Thread(target=desk.run, args=(stop,), daemon=True) for desk in desks]
    for thread in threads:
        thread.start()
    time.sleep(warmup)
    began, cpu_before, process_before = time.perf_counter(), CpuSnapshot.take(server_pid, database_url), os.times()
    time.sleep(seconds)
    ended, cpu_after, process_after = time.perf_counter(), CpuSnapshot.take(server_pid, database_url), os.times()
    stop.set()
    for thread in threads:
        thread.join(timeout=120)
    window = ended - began
    latencies, completions, requests, errors = [], 0, 0, 0
    failures: list[str] = []
    for desk in desks:
        r = desk.record
        for end, operation, spent, ok in zip(r.ends, r.operations, r.seconds, r.ok, strict=True):
            if began <= end <= ended:
                requests += 1
                errors += not ok
                completions += ok and operation == "complete"
                if ok:
                    latencies.append(spent * 1000)
        failures += r.failures
    app_cpu = _spent(cpu_before.app, cpu_after.app)
    database_cpu = _spent(cpu_before.database, cpu_after.database)
    clients_cpu = sum(process_after[:2]) - sum(process_before[:2])
    quantiles = statistics.quantiles(latencies, n=100, method="inclusive") if len(latencies) > 1 else [0.0] * 99

    def per_request(cpu: float) -> float | None:
        return round(cpu * 1000 / requests, 2) if requests else None

    return {
        "completions_per_s": round(completions / window, 1),
        "requests_per_s": round(requests / window, 1),
        "p50_ms": round(quantiles[49], 1), "p95_ms": round(quantiles[94], 1), "p99_ms": round(quantiles[98], 1),
        "errors": errors, "requests": requests, "completions": completions, "seconds": round(window, 1),
        "cpu_ms_per_request": per_request(app_cpu + database_cpu),
        "app_cpu_ms_per_request": per_request(app_cpu),
        "database_cpu_ms_per_request": per_request(database_cpu),
        "clients_cpu_ms_per_request": per_request(clients_cpu),
        "machine_cpu_ms_per_request": per_request(cpu_after.machine - cpu_before.machine),
        "first_failures": sorted(set(failures))[:5],
    }


def run(workers_list: list[int], clients_list: list[int], seconds: float, warmup: float) -> dict[str, Any]:
    note = create_pg_database()
    if note is not None:
        log(note)
        return {"throughput": [], "notes": [note], "targets": []}
    rows: list[dict[str, Any]] = []
    load_before = os.getloadavg()[0]
    try:
        seed(PG_URL)
        flows, people = staff(PG_URL)
        log("flows: " + ", ".join(f"{f.procedure}@{f.center}" for f in flows))
        with tempfile.TemporaryDirectory(prefix="motcua_bench_throughput_") as tmp:
            tokens: dict[str, str] = {}
            for workers in workers_list:
                env = {"MOTCUA_DATABASE_URL": PG_URL, "MOTCUA_LOG_FORMAT": "json", "MOTCUA_LOG_LEVEL": "INFO",
                       "PROMETHEUS_MULTIPROC_DIR": str(Path(tmp) / f"metrics-{workers}")}
                pid_file = Path(tmp) / f"gunicorn-{workers}.pid"
                with open(Path(tmp) / f"server-{workers}.log", "wb") as server_log, \
                        gunicorn(env, workers=workers, threads=THREADS, log=server_log, cwd=ROOT,
                                 pid_file=pid_file) as base:
                    if not tokens:
                        everyone = {name for flow in flows for unit, role in [flow.reception, *(
                            who for who, _ in flow.steps.values())]
                            for name in people[(flow.center, unit, role)][:max(clients_list)]}
                        log(f"signing in {len(everyone)} officials")
                        tokens = sign_in_everyone(base, everyone)
                    server_pid = int(pid_file.read_text().strip())
                    for clients in clients_list:
                        log(f"{workers} workers x {THREADS} threads, {clients} clients: {warmup:g} s warm-up, "
                            f"{seconds:g} s measured")
                        desks = [Desk(i, base, flows, people, tokens) for i in range(clients)]
                        result = measure(desks, server_pid, PG_URL, seconds, warmup)
                        rows.append({"database": "postgresql", "workers": workers, "threads": THREADS,
                                     "clients": clients, **result})
                        log(f"  {result['completions_per_s']} completions/s, {result['requests_per_s']} requests/s, "
                            f"p95 {result['p95_ms']} ms, {result['errors']} errors")
                floors = measure_floor(env, workers, clients_list, tokens, seconds, warmup, Path(tmp))
                for row in rows[-len(clients_list):]:
                    row["floor"] = floors[row["clients"]]
    finally:
        drop_pg_database()
    return {"throughput": rows, "targets": targets(rows), "notes": [],
            "flows": [f"{f.procedure}@{f.center}" for f in flows],
            "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)], "cpus": os.cpu_count()}


def measure_floor(env: dict[str, str], workers: int, clients_list: list[int], tokens: dict[str, str],
                  seconds: float, warmup: float, tmp: Path) -> dict[int, dict[str, Any]]:
    """The same server and clients on bench.floor_app: what each request costs before the product's code."""
    pid_file = tmp / f"floor-{workers}.pid"
    floors: dict[int, dict[str, Any]] = {}
    with open(tmp / f"floor-{workers}.log", "wb") as server_log, \
            gunicorn(env, workers=workers, threads=THREADS, log=server_log, cwd=ROOT, pid_file=pid_file,
                     app="bench.floor_app:create_app()") as base:
        server_pid = int(pid_file.read_text().strip())
        token_list = sorted(tokens.values())
        for clients in clients_list:
            log(f"floor (bench.floor_app, {STATEMENTS_PER_REQUEST} statements per request): {workers} workers x "
                f"{THREADS} threads, {clients} clients")
            desks = [FloorDesk(i, base, token_list[i % len(token_list)]) for i in range(clients)]
            result = measure(desks, server_pid, PG_URL, seconds, warmup)
            floors[clients] = {key: result[key] for key in (
                "requests_per_s", "p50_ms", "p95_ms", "errors", "cpu_ms_per_request", "app_cpu_ms_per_request",
                "database_cpu_ms_per_request", "machine_cpu_ms_per_request")}
            log(f"  {result['requests_per_s']} requests/s, CPU {result['cpu_ms_per_request']} ms per request")
    return floors


def targets(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    checks = []
    for row in rows:
        if row["workers"] == 2 and row["clients"] == 8:
            checks.append({"target": f"PostgreSQL, 2 workers, 8 clients: >= {TARGET_COMPLETIONS:g} completions/s",
                           "value": row["completions_per_s"], "limit": TARGET_COMPLETIONS,
                           "met": row["completions_per_s"] >= TARGET_COMPLETIONS})
            checks.append({"target": "PostgreSQL, 2 workers, 8 clients: 0 errors", "value": row["errors"],
                           "limit": 0, "met": row["errors"] == 0})
            if row["cpu_ms_per_request"] is not None:
                checks.append({"target": f"CPU per request (server + database) <= {TARGET_CPU_MS:g} ms",
                               "value": row["cpu_ms_per_request"], "limit": TARGET_CPU_MS,
                               "met": row["cpu_ms_per_request"] <= TARGET_CPU_MS})
    return checks


def print_report(report: dict[str, Any]) -> None:
    print(f"Throughput on PostgreSQL: gunicorn N workers x {THREADS} threads, C clients each working dossiers "
          f"of its own ({', '.join(report.get('flows', []))})")
    print(f"  load average {report.get('load_average')} on {report.get('cpus')} CPUs (the clients run on the "
          "same machine)")
    print(f"  {'workers':>7s} {'clients':>7s} {'compl/s':>8s} {'req/s':>7s} {'p50':>7s} {'p95':>7s} {'p99':>7s} "
          f"{'errors':>6s}  CPU ms/request: server+db (app, db) | clients | machine")
    for r in report["throughput"]:
        print(f"  {r['workers']:7d} {r['clients']:7d} {r['completions_per_s']:8.1f} {r['requests_per_s']:7.1f} "
              f"{r['p50_ms']:7.1f} {r['p95_ms']:7.1f} {r['p99_ms']:7.1f} {r['errors']:6d}  "
              f"{r['cpu_ms_per_request']} ({r['app_cpu_ms_per_request']}, {r['database_cpu_ms_per_request']}) | "
              f"{r['clients_cpu_ms_per_request']} | {r['machine_cpu_ms_per_request']}")
        for failure in r["first_failures"]:
            print(f"      error: {failure}")
        if "floor" in r:
            f = r["floor"]
            print(f"  {'':7s} {'':7s} {'floor':>8s} {f['requests_per_s']:7.1f} {f['p50_ms']:7.1f} {f['p95_ms']:7.1f} "
                  f"{'':7s} {f['errors']:6d}  {f['cpu_ms_per_request']} ({f['app_cpu_ms_per_request']}, "
                  f"{f['database_cpu_ms_per_request']}) | | {f['machine_cpu_ms_per_request']}")
    for note in report.get("notes", []):
        print(f"  note: {note}")
    for check in report.get("targets", []):
        print(f"  target {check['target']}: {check['value']:g} {'met' if check['met'] else 'NOT met'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.throughput", description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    parser.add_argument("--quick", action="store_true", help="8 clients x 2 workers, 15 s")
    parser.add_argument("--workers", type=int, action="append", help="gunicorn workers (repeatable; 2 and 4)")
    parser.add_argument("--clients", type=int, action="append", help="concurrent clients (repeatable; 8 and 32)")
    parser.add_argument("--seconds", type=float, default=60.0, help="measured seconds per run (default 60)")
    parser.add_argument("--warmup", type=float, default=5.0, help="unmeasured seconds before each run (default 5)")
    args = parser.parse_args(argv)
    workers = args.workers or ([2] if args.quick else [2, 4])
    clients = args.clients or ([8] if args.quick else [8, 32])
    seconds = 15.0 if args.quick and args.seconds == 60.0 else args.seconds
    report = run(workers, clients, seconds, args.warmup)
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        print_report(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
