"""``python -m bench.signing``: the figures it prints come from results that really validate."""

from __future__ import annotations

from bench.signing import run


def test_every_measured_result_validates_and_each_step_has_figures() -> None:
    report = run(2)
    assert report["results"] == 2 and report["invalid"] == 0
    for step in ("render", "sign", "validate"):
        figures = report[step]
        assert 0 < figures["median_ms"] <= figures["p95_ms"]  # type: ignore[index]
