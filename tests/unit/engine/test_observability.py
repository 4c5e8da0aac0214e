"""Commands are counted and timed by kind and outcome; the running command names its dossier."""

from __future__ import annotations

import logging

import pytest
from prometheus_client import REGISTRY

from engine.errors import ConflictError
from engine.observability import command, current_command, note_dossier


def count(kind: str, outcome: str) -> float:
    return REGISTRY.get_sample_value("motcua_commands_total", {"kind": kind, "outcome": outcome}) or 0.0


def timed(kind: str) -> float:
    return REGISTRY.get_sample_value("motcua_command_duration_seconds_count", {"kind": kind}) or 0.0


@command("unit_ok")
def succeeds(code: str) -> str:
    note_dossier(code)
    scope = current_command()
    assert scope is not None
    return f"{scope.kind}:{scope.dossier}"


@command("unit_conflict")
def conflicts() -> None:
    raise ConflictError("Xung đột", message_en="Conflict")


@command("unit_outer")
def outer() -> str:
    return succeeds("H99-1")


def test_a_command_is_counted_timed_and_names_its_dossier_while_it_runs(caplog):
    before, before_timed = count("unit_ok", "ok"), timed("unit_ok")
    with caplog.at_level(logging.INFO, logger="engine.observability"):
        assert succeeds("H99-261127-0001") == "unit_ok:H99-261127-0001"
    assert count("unit_ok", "ok") == before + 1 and timed("unit_ok") == before_timed + 1
    assert current_command() is None  # the scope ends with the command
    (line,) = [r for r in caplog.records if r.getMessage() == "command"]
    assert line.outcome == "ok" and line.duration_ms >= 0  # type: ignore[attr-defined]


def test_a_refused_command_is_counted_under_the_engine_error_code():
    before = count("unit_conflict", "conflict")
    with pytest.raises(ConflictError):
        conflicts()
    assert count("unit_conflict", "conflict") == before + 1
    assert current_command() is None


def test_a_command_called_inside_another_is_part_of_it():
    outer_before, inner_before = count("unit_outer", "ok"), count("unit_ok", "ok")
    assert outer() == "unit_outer:H99-1"
    assert count("unit_outer", "ok") == outer_before + 1
    assert count("unit_ok", "ok") == inner_before
