"""Every benchmark of the product in one run, one table: ``python -m bench``.

Run from the project root::

    python -m bench                          # everything, full size (~20-30 min on 2 cores)
    python -m bench --quick                  # every benchmark at its quick size (~6-10 min)
    python -m bench --only engine_step,http  # a subset (names below), in this order
    python -m bench --skip inbox,pages       # everything but these
    python -m bench --sqlite-only            # leave PostgreSQL out where a benchmark can
    python -m bench --json                   # one JSON object on stdout (progress on stderr)

Each benchmark runs as its own process (``python -m bench.<name> --json``), one after the other, so
one's databases, caches and servers never touch the next one's; what it prints on stderr passes
through as progress. The benchmarks of other parts of the product (``statistics``, ``audit``,
``public``) run when their module exists in this build, with ``--quick`` when they accept it.

The JSON object carries, besides every benchmark's own report under ``benchmarks``:
``raw_step_ms`` (raw SpiffWorkflow step, from bench.engine_step), ``database_floor_ms`` by database,
``engine`` (bench.engine_step's rows), ``http`` (bench.http's rows: database, operation,
executed_user_tasks, cache, median_ms, p90_ms, engine_median_ms, …), ``throughput``
(bench.throughput's rows: database, workers, clients, completions_per_s, requests_per_s, p95_ms,
errors, …) and ``failed`` (benchmarks that exited with an error, with the end of their stderr).

Benchmarks print figures; they never assert.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.engine_step import cpu_count

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Benchmark:
    name: str
    what: str
    quick: tuple[str, ...] = ()  # arguments of its quick size
    sqlite_only: tuple[str, ...] = ()  # arguments that leave PostgreSQL out (None: it needs PostgreSQL)
    needs_postgresql: bool = False
    owned: bool = True  # False: another part of the product's; run when present, quick when it accepts it
    summary: Callable[[dict[str, Any]], list[list[str]]] | None = field(default=None, compare=False)


def _ms(value: Any) -> str:
    return "-" if value is None else f"{value:.2f} ms"


def engine_rows(report: dict[str, Any]) -> list[list[str]]:
    rows = [["raw SpiffWorkflow step (user tasks 1..4)", "", _ms(report.get("raw_step_ms"))]]
    for r in report.get("results", []):
        case = f"{r['database']}, {r['executed_user_tasks']} tasks"
        rows.append([f"complete_task + commit, {case}", "median / p90",
                     f"{_ms(r['median_ms'])} / {_ms(r['p90_ms'])}"])
        rows.append([f"  same, state loaded from the database, {case}", "median", _ms(r["median_ms_no_cache"])])
        rows.append([f"  statements / commits per completion, {case}", "",
                     f"{r['statements_per_completion']:g} / {r['commits_per_completion']:g}"])
        if r["executed_user_tasks"] == 4:
            rows.append([f"database floor (same statements, trivial rows), {r['database']}", "",
                         _ms(r["database_floor_ms"])])
    return rows


def http_rows(report: dict[str, Any]) -> list[list[str]]:
    rows = []
    for r in report.get("http", []):
        tasks = "" if r["executed_user_tasks"] is None else f", {r['executed_user_tasks']} tasks"
        engine = f"; engine {_ms(r['engine_median_ms'])}" if r["engine_median_ms"] is not None else ""
        rows.append([f"{r['operation']} over HTTP, {r['database']}{tasks}, {r['cache']}", "median / p90",
                     f"{_ms(r['median_ms'])} / {_ms(r['p90_ms'])}{engine}"])
    rows += _target_rows(report.get("http_targets", []))
    return rows


def throughput_rows(report: dict[str, Any]) -> list[list[str]]:
    rows = []
    for r in report.get("throughput", []):
        rows.append([f"{r['database']}, {r['workers']} workers, {r['clients']} clients",
                     "completions/s, requests/s, p50/p95/p99, errors, CPU/request",
                     f"{r['completions_per_s']:.1f}, {r['requests_per_s']:.1f}, "
                     f"{r['p50_ms']:.1f}/{r['p95_ms']:.1f}/{r['p99_ms']:.1f} ms, {r['errors']}, "
                     f"{_ms(r.get('cpu_ms_per_request'))}"])
    rows += _target_rows(report.get("targets", []))
    return rows


def inbox_rows(report: dict[str, Any]) -> list[list[str]]:
    rows = [[f"{q['name']} ({report.get('dossiers')} dossiers, {report.get('open_tasks')} open tasks)",
             "p50 / p95", f"{_ms(q.get('p50_ms'))} / {_ms(q.get('p95_ms'))}"] for q in report.get("queries", [])]
    rows.append(["every inbox query p95 <= target", "", "met" if report.get("all_met") else "NOT met"])
    return rows


def pages_rows(report: dict[str, Any]) -> list[list[str]]:
    rows = []
    for result in report.get("results", []):
        for p in result.get("pages", []):
            rows.append([f"page {p['page']}, {result['database']}, {'cold' if p['cold'] else 'warm'}",
                         "server p50 / p95", f"{_ms(p['server_p50_ms'])} / {_ms(p['server_p95_ms'])}"])
    return rows


def calls_rows(report: dict[str, Any]) -> list[list[str]]:
    return [[f"{operation} (SQLite, in-process)", "SQL statements, Python calls",
             f"{figures['statements']:g}, {figures['calls']:.0f}"] for operation, figures in report["counts"].items()]


def _target_rows(checks: list[dict[str, Any]]) -> list[list[str]]:
    return [[f"target: {c['target']}", "", f"{c['value']:g} {'met' if c['met'] else 'NOT met'}"] for c in checks]


def generic_rows(report: Any, prefix: str = "", limit: int = 40) -> list[list[str]]:
    """For a benchmark this table does not know: every object with timing figures, one row each."""
    rows: list[list[str]] = []

    def walk(node: Any, path: str) -> None:
        if len(rows) >= limit:
            return
        if isinstance(node, dict):
            figures = {k: v for k, v in node.items() if isinstance(v, int | float) and not isinstance(v, bool)
                       and k.endswith(("_ms", "_per_s", "_s"))}
            labels = [str(v) for k, v in node.items() if isinstance(v, str) and len(v) < 40 and k != "sql"]
            if figures:
                rows.append([" ".join([path, *labels]).strip() or "(top)", ", ".join(figures),
                             ", ".join(f"{v:g}" for v in figures.values())])
            for key, value in node.items():
                if isinstance(value, dict | list):
                    walk(value, f"{path}.{key}" if path else key)
        elif isinstance(node, list):
            for item in node:
                walk(item, path)

    walk(report, prefix)
    return rows


BENCHMARKS = (
    Benchmark("engine_step", "one engine completion against the raw SpiffWorkflow step and the database floor",
              quick=("--quick",), sqlite_only=("--no-postgresql",), summary=engine_rows),
    Benchmark("calls", "SQL statements and Python function calls per request, counted (load-independent)",
              quick=("--dossiers", "2"), summary=calls_rows),
    Benchmark("http", "start, claim, complete, inbox, dossier page over HTTP as officials, warm and cold",
              quick=("--quick",), sqlite_only=("--database", "sqlite"), summary=http_rows),
    Benchmark("throughput", "concurrent officials against several gunicorn workers on PostgreSQL",
              quick=("--quick",), needs_postgresql=True, summary=throughput_rows),
    Benchmark("inbox", "the inbox queries at 1,000,000 dossiers / 100,000 open tasks on PostgreSQL",
              quick=("--dossiers", "20000", "--open-tasks", "5000", "--repeat", "60"), needs_postgresql=True,
              summary=inbox_rows),
    Benchmark("pages", "the officials' pages on the demo province", quick=("--dossiers", "20", "--repeat", "3"),
              summary=pages_rows),
    Benchmark("statistics", "leaders' statistics", owned=False),
    Benchmark("audit", "auditors' replay and verification", owned=False),
    Benchmark("public", "citizens' public pages", owned=False),
    Benchmark("studio", "the studio: checking a draft and a test dossier in the sandbox", owned=False),
    Benchmark("signing", "rendering, signing (PAdES) and validating a result", quick=("--quick",)),
    Benchmark("calendar", "working time between two instants and a deadline, cold and warm",
              quick=("--repeat", "200")),
)


def present(benchmark: Benchmark) -> bool:
    return importlib.util.find_spec(f"bench.{benchmark.name}") is not None


def accepts(benchmark: Benchmark, option: str) -> bool:
    """Whether the benchmark's --help lists ``option`` (for the benchmarks of other parts)."""
    result = subprocess.run([sys.executable, "-m", f"bench.{benchmark.name}", "--help"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120, check=False)
    return option in result.stdout


def command(benchmark: Benchmark, quick: bool) -> list[str]:
    args = [sys.executable, "-m", f"bench.{benchmark.name}", "--json"]
    if quick:
        if benchmark.owned:
            args += benchmark.quick
        elif accepts(benchmark, "--quick"):
            args.append("--quick")
    return args


def run_one(benchmark: Benchmark, args: list[str]) -> tuple[dict[str, Any] | None, str | None, float]:
    """The benchmark's JSON report, or the end of its stderr when it failed; and its seconds."""
    began = time.perf_counter()
    print(f"=== bench.{benchmark.name}: {' '.join(args[1:])}", file=sys.stderr, flush=True)
    process = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    tail: list[str] = []
    assert process.stderr is not None and process.stdout is not None
    for line in process.stderr:  # progress passes through as it comes
        sys.stderr.write(line)
        tail = [*tail[-19:], line]
    stdout = process.stdout.read()
    code = process.wait()
    seconds = time.perf_counter() - began
    if code != 0:
        return None, f"exit {code}: {''.join(tail).strip()[-2000:]}", seconds
    try:
        return json.loads(stdout.strip().splitlines()[-1]), None, seconds
    except (json.JSONDecodeError, IndexError) as error:
        return None, f"no JSON report on stdout ({error})", seconds


def selected(only: str | None, skip: str | None, sqlite_only: bool) -> list[Benchmark]:
    names = {b.name for b in BENCHMARKS}
    wanted = [n.strip() for n in (only or "").split(",") if n.strip()]
    skipped = {n.strip() for n in (skip or "").split(",") if n.strip()}
    unknown = (set(wanted) | skipped) - names
    if unknown:
        raise SystemExit(f"unknown benchmark(s): {', '.join(sorted(unknown))}; known: {', '.join(sorted(names))}")
    chosen = [b for b in BENCHMARKS if (not wanted or b.name in wanted) and b.name not in skipped]
    if wanted:
        chosen.sort(key=lambda b: wanted.index(b.name))
    if sqlite_only:
        chosen = [b for b in chosen if not b.needs_postgresql]
    return chosen


def combine(reports: dict[str, dict[str, Any]], failed: dict[str, str], seconds: dict[str, float],
            quick: bool) -> dict[str, Any]:
    engine = reports.get("engine_step", {})
    http = reports.get("http", {})
    return {
        "raw_step_ms": engine.get("raw_step_ms", http.get("raw_step_ms")),
        "database_floor_ms": {r["database"]: r["database_floor_ms"] for r in engine.get("results", [])
                              if r.get("executed_user_tasks") == 4},
        "engine": engine.get("results", []),
        "http": http.get("http", []),
        "throughput": reports.get("throughput", {}).get("throughput", []),
        "benchmarks": reports,
        "failed": failed,
        "seconds": {name: round(s, 1) for name, s in seconds.items()},
        "quick": quick,
        "environment": {"python": platform.python_version(), "machine": platform.machine(),
                        "cpus": cpu_count(), "command": " ".join(["python -m bench", *sys.argv[1:]])},
    }


def print_table(combined: dict[str, Any]) -> None:
    known = {b.name: b for b in BENCHMARKS}
    print(f"Motcua benchmarks ({'quick' if combined['quick'] else 'full'} run), {combined['environment']['cpus']} "
          f"CPUs; every figure of a benchmark comes from one run of it (see bench/README.md)")
    rows: list[list[str]] = []
    for name, report in combined["benchmarks"].items():
        benchmark = known[name]
        body = benchmark.summary(report) if benchmark.summary else generic_rows(report)
        rows.append([f"[{name}] {benchmark.what} ({combined['seconds'].get(name, 0):.0f} s)", "", ""])
        rows += [["  " + r[0], r[1], r[2]] for r in body]
    for name, error in combined["failed"].items():
        rows.append([f"[{name}] FAILED", "", error.splitlines()[-1] if error else ""])
    figures = [r for r in rows if r[1] or r[2]]  # the others head a benchmark's rows
    width = min(80, max((len(r[0]) for r in figures), default=10))
    kind_width = min(40, max((len(r[1]) for r in figures), default=5))
    for r in rows:
        print(f"{r[0][:width]:{width}s}  {r[1][:kind_width]:{kind_width}s}  {r[2]}" if r in figures else r[0])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout instead of the table")
    parser.add_argument("--quick", action="store_true", help="every benchmark at its quick size")
    parser.add_argument("--only", help="comma-separated benchmarks to run, in this order: "
                        + ", ".join(b.name for b in BENCHMARKS))
    parser.add_argument("--skip", help="comma-separated benchmarks to leave out")
    parser.add_argument("--sqlite-only", action="store_true", help="leave PostgreSQL out where a benchmark can")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and whether this build has them")
    args = parser.parse_args(argv)
    if args.list:
        for b in BENCHMARKS:
            print(f"{b.name:12s} {'present' if present(b) else 'absent':8s} {b.what}")
        return 0
    reports: dict[str, dict[str, Any]] = {}
    failed: dict[str, str] = {}
    seconds: dict[str, float] = {}
    for benchmark in selected(args.only, args.skip, args.sqlite_only):
        if not present(benchmark):
            print(f"=== bench.{benchmark.name}: not in this build, skipped", file=sys.stderr, flush=True)
            continue
        cmd = command(benchmark, args.quick)
        if args.sqlite_only:
            cmd += benchmark.sqlite_only
        report, error, seconds[benchmark.name] = run_one(benchmark, cmd)
        if report is not None:
            reports[benchmark.name] = report
        else:
            failed[benchmark.name] = error or "failed"
    combined = combine(reports, failed, seconds, args.quick)
    if args.json:
        print(json.dumps(combined, ensure_ascii=False, default=str))
    else:
        print_table(combined)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
