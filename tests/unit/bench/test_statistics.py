"""``bench.statistics``: how the upkeep's figures are worked out from the timed completions."""

from __future__ import annotations

import types

import pytest

from bench.statistics import PARTS, Parts, median_difference_interval, upkeep_report

STEPS = ("appraise_dossier", "approve_dossier", "return_result")


def _parts(added_ms: dict[str, float]) -> Parts:
    """Parts whose every part takes 1 ms without the figures and 1 ms + ``added_ms[part]`` with them."""
    parts = Parts(types.SimpleNamespace(record_command=None, write_dossier=None))
    for step in STEPS:
        for part in PARTS:
            parts.times[("without", step, part)] = [0.001, 0.001, 0.001]
            parts.times[("with", step, part)] = [0.001 + added_ms[part] / 1000] * 3
    return parts


def _samples(with_ms: float, without_ms: float) -> dict[str, dict[str, list[float]]]:
    return {"with": {step: [with_ms / 1000] * 5 for step in STEPS},
            "without": {step: [without_ms / 1000] * 5 for step in STEPS}}


def test_the_upkeep_is_the_sum_of_what_each_part_adds_averaged_over_the_steps() -> None:
    parts = _parts({"record_command": 0.2, "write_dossier": 0.15, "commit": 0.05})
    report = upkeep_report(_samples(20.6, 20.0), parts, {"with": 29, "without": 29}, {"p50": 0.1}, [])
    assert report["upkeep_mean_ms"] == pytest.approx(0.4, abs=1e-6)
    assert report["upkeep_by_step_ms"]["approve_dossier"] == pytest.approx(
        {"record_command": 0.2, "write_dossier": 0.15, "commit": 0.05}, abs=1e-6)
    assert report["meets_target"] is True
    assert report["whole_completion"]["mean_ms"] == pytest.approx(0.6, abs=1e-6)
    assert report["computing_mean_ms"] == pytest.approx(1.2, abs=1e-6)
    assert report["statements_per_completion"] == {"with": 1.93, "without": 1.93}


def test_a_cost_above_half_a_millisecond_misses_the_target() -> None:
    parts = _parts({"record_command": 0.3, "write_dossier": 0.2, "commit": 0.1})
    assert upkeep_report(_samples(20.6, 20.0), parts, {"with": 1, "without": 1}, {}, [])["meets_target"] is False


def test_the_interval_narrows_to_the_difference_when_completions_do_not_vary() -> None:
    assert median_difference_interval(_samples(21.0, 20.0), list(STEPS), rounds=50) == (1.0, 1.0)


def test_the_interval_of_noisy_completions_holds_their_difference() -> None:
    noisy = {mode: {step: [(base + spread) / 1000 for spread in (-3, -1, 0, 1, 3) * 20] for step in STEPS}
             for mode, base in (("with", 20.5), ("without", 20.0))}
    low, high = median_difference_interval(noisy, list(STEPS), rounds=200)
    assert low <= 0.5 <= high
    assert low < high


def test_a_part_timed_only_with_the_figures_is_not_a_number_rather_than_a_guess() -> None:
    parts = _parts({"record_command": 0.2, "write_dossier": 0.1, "commit": 0.0})
    del parts.times[("without", "return_result", "commit")]
    assert parts.added_ms("return_result")["commit"] != parts.added_ms("return_result")["commit"]  # NaN


def test_times_are_kept_only_while_a_completion_is_timed() -> None:
    parts = Parts(types.SimpleNamespace(record_command=None, write_dossier=None))
    parts.add("commit", 0.002)
    assert parts.times == {}
    parts.current = ("with", "approve_dossier")
    parts.add("commit", 0.002)
    assert parts.times == {("with", "approve_dossier", "commit"): [0.002]}
