"""``python -m bench``: which benchmarks a run selects, how it calls them, and the combined report."""

from __future__ import annotations

import sys

import pytest

from bench.__main__ import BENCHMARKS, combine, command, generic_rows, selected


def _names(benchmarks: list) -> list[str]:  # type: ignore[type-arg]
    return [b.name for b in benchmarks]


def test_everything_by_default_in_the_documented_order() -> None:
    assert _names(selected(None, None, sqlite_only=False)) == [b.name for b in BENCHMARKS]


def test_only_keeps_the_given_order_and_skip_leaves_out() -> None:
    assert _names(selected("http,engine_step", None, sqlite_only=False)) == ["http", "engine_step"]
    assert "inbox" not in _names(selected(None, "inbox,pages", sqlite_only=False))
    assert "pages" not in _names(selected(None, "inbox,pages", sqlite_only=False))


def test_sqlite_only_leaves_out_what_needs_postgresql() -> None:
    names = _names(selected(None, None, sqlite_only=True))
    assert "throughput" not in names and "inbox" not in names
    assert "engine_step" in names and "http" in names


def test_an_unknown_name_is_refused_naming_the_known_ones() -> None:
    with pytest.raises(SystemExit, match="unknown benchmark.*httpx.*known: .*engine_step"):
        selected("httpx", None, sqlite_only=False)


def test_quick_passes_each_owned_benchmarks_own_quick_size() -> None:
    by_name = {b.name: b for b in BENCHMARKS}
    assert command(by_name["http"], quick=True) == [sys.executable, "-m", "bench.http", "--json", "--quick"]
    assert command(by_name["inbox"], quick=True)[4:] == ["--dossiers", "20000", "--open-tasks", "5000",
                                                         "--repeat", "60"]
    assert command(by_name["engine_step"], quick=False) == [sys.executable, "-m", "bench.engine_step", "--json"]


def test_the_combined_report_carries_the_shape_machines_read() -> None:
    engine = {"raw_step_ms": 0.2, "results": [
        {"database": "sqlite", "executed_user_tasks": 4, "database_floor_ms": 0.5, "median_ms": 2.0},
        {"database": "sqlite", "executed_user_tasks": 100, "database_floor_ms": 0.5, "median_ms": 2.1}]}
    http = {"http": [{"database": "sqlite", "operation": "complete", "executed_user_tasks": 4, "cache": "warm",
                      "median_ms": 9.0, "p90_ms": 11.0, "engine_median_ms": 4.0}]}
    throughput = {"throughput": [{"database": "postgresql", "workers": 2, "clients": 8, "completions_per_s": 50.0,
                                  "requests_per_s": 200.0, "p95_ms": 90.0, "errors": 0}]}
    combined = combine({"engine_step": engine, "http": http, "throughput": throughput}, {"pages": "exit 1"},
                       {"http": 12.0}, quick=True)
    assert combined["raw_step_ms"] == 0.2
    assert combined["database_floor_ms"] == {"sqlite": 0.5}
    assert combined["http"] == http["http"]
    assert combined["throughput"] == throughput["throughput"]
    assert combined["failed"] == {"pages": "exit 1"}


def test_a_report_this_table_does_not_know_gives_a_row_per_timed_object() -> None:
    report = {"total_s": 3.5, "cases": [{"name": "replay", "median_ms": 4.25, "p95_ms": 6.0, "count": 3},
                                        {"name": "verify", "median_ms": 1.5}], "note": "x"}
    rows = generic_rows(report)
    assert rows[0] == ["x", "total_s", "3.5"]  # an object's short strings name its row
    assert rows[1] == ["cases replay", "median_ms, p95_ms", "4.25, 6"]
    assert rows[2] == ["cases verify", "median_ms", "1.5"]
