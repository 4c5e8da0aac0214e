"""The phase split of bench.engine_step: every wrapped function exists, and the lines add up."""

from __future__ import annotations

import pytest

from bench.phases import PHASES, PhaseSample, _resolve, breakdown, phase_timers, summarise


def test_every_phase_names_a_function_of_the_engine() -> None:
    for phase in PHASES:
        owner, name = _resolve(phase.target)
        assert callable(owner.__dict__[name]), phase.target


def _current() -> dict[str, object]:
    functions = {}
    for phase in PHASES:
        owner, name = _resolve(phase.target)
        functions[phase.key] = owner.__dict__[name]
    return functions


def test_the_wrapping_is_undone_afterwards() -> None:
    originals = _current()
    with phase_timers():
        wrapped = _current()
    after = _current()
    assert after == originals
    assert all(wrapped[key] is not originals[key] for key in originals)


def test_lines_add_up_to_the_whole_completion() -> None:
    spent = {phase.key: 0.0 for phase in PHASES}
    spent.update(complete_task=0.008, lock=0.002, form=0.001, engine_run=0.002, finish=0.002,
                 serialize=0.0005, history_insert=0.0005)
    rows = breakdown(spent, command_seconds=0.010, completions=2)
    total, *lines = rows
    assert total["ms"] == pytest.approx(5.0)
    assert sum(line["ms"] for line in lines) == pytest.approx(total["ms"])
    by_phase = {line["phase"]: line["ms"] for line in lines}
    assert by_phase["command_other"] == pytest.approx(1.0)  # commit: 10 ms - 8 ms, over 2 completions
    assert by_phase["finish_other"] == pytest.approx(0.5)
    assert by_phase["complete_task_other"] == pytest.approx(0.5)


def test_the_slowest_tenth_is_left_out() -> None:
    typical = [PhaseSample(0.002, {"complete_task": 0.0015, "lock": 0.0005}) for _ in range(9)]
    stalled = PhaseSample(0.050, {"complete_task": 0.0015, "lock": 0.0005})
    rows = summarise([*typical, stalled])
    assert rows[0]["ms"] == pytest.approx(2.0)
    assert {row["phase"]: row["ms"] for row in rows}["command_other"] == pytest.approx(0.5)
