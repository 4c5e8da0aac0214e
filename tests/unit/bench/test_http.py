"""bench.http's bookkeeping: who does each step, the interleaving, the rows and the targets they decide."""

from __future__ import annotations

from bench.http import RECEPTION, SPECIALIST, Samples, actor_of_step, rows, run_jobs, targets


def test_the_specialist_appraises_and_reception_takes_the_supplement() -> None:
    assert [actor_of_step(n) for n in (1, 2, 3, 4)] == [SPECIALIST, RECEPTION, SPECIALIST, RECEPTION]


def test_jobs_advance_round_robin_until_each_is_done() -> None:
    order: list[str] = []

    def job(name: str, steps: int):  # type: ignore[no-untyped-def]
        for i in range(steps):
            order.append(f"{name}{i}")
            yield

    run_jobs([job("a", 3), job("b", 1), job("c", 2)])
    assert order == ["a0", "b0", "c0", "a1", "c1", "a2"]


def _samples(values: dict[tuple[str, int | None, str], list[float]], ids: bool = False) -> Samples:
    samples = Samples()
    for key, seconds in values.items():
        for index, value in enumerate(seconds):
            samples.add(key, value, f"{key[0]}-{key[2]}-{index}" if ids else None)
    return samples


def test_each_row_puts_the_engine_figure_of_the_same_operation_beside_the_http_one() -> None:
    http = _samples({("complete", 4, "warm"): [0.010, 0.012, 0.011], ("inbox", None, "warm"): [0.004]}, ids=True)
    engine = _samples({("complete", 4, "warm"): [0.004, 0.005, 0.006]})
    server = {"complete-warm-0": 9.0, "complete-warm-1": 10.0, "complete-warm-2": 11.0}
    complete, inbox = rows("sqlite", http, engine, server)
    assert complete["operation"] == "complete" and complete["executed_user_tasks"] == 4
    assert complete["median_ms"] == 11.0 and complete["engine_median_ms"] == 5.0
    assert complete["ratio_to_engine"] == 2.2 and complete["server_median_ms"] == 10.0
    assert inbox["engine_median_ms"] is None and inbox["server_median_ms"] is None


def _row(operation: str, tasks: int | None, cache: str, median: float, engine: float | None = None) -> dict:  # type: ignore[type-arg]
    return {"database": "sqlite", "operation": operation, "executed_user_tasks": tasks, "cache": cache,
            "median_ms": median, "engine_median_ms": engine}


def test_targets_compare_the_rows_the_issue_names() -> None:
    checks = {c["target"]: c for c in targets([
        _row("complete", 4, "warm", 8.0, engine=5.0), _row("complete", 100, "warm", 9.0),
        _row("complete", 100, "cold", 30.0), _row("complete", 4, "cold", 20.0),
        _row("inbox", None, "warm", 2.5), _row("claim", 4, "warm", 3.5), _row("dossier_page", 4, "warm", 6.0)])}
    assert checks["sqlite: HTTP complete (4 tasks, warm) / engine complete <= 2"] == \
        {"target": "sqlite: HTTP complete (4 tasks, warm) / engine complete <= 2", "value": 1.6, "limit": 2.0,
         "met": True}
    assert checks["sqlite: complete at 100 tasks, cold / warm <= 3"]["met"] is False  # 3.33
    assert checks["sqlite: complete warm, 100 tasks / 4 tasks <= 1.2"]["value"] == 1.12
    assert checks["sqlite: complete cold, 100 tasks / 4 tasks <= 1.2"]["met"] is False
    assert checks["sqlite: inbox median <= 3 ms"]["met"] is True
    assert checks["sqlite: claim median <= 3 ms"]["met"] is False
    assert checks["sqlite: dossier_page median <= 10 ms"]["met"] is True
