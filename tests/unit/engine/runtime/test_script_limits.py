"""Wall-time and memory limits on analysts' scripts and conditions, in any thread."""

from __future__ import annotations

import sys
import threading
import time

import pytest

from engine.runtime.context import build_context
from engine.runtime.script_env import SandboxedEnvironment, ScriptRejectedError
from engine.runtime.script_limits import ScriptLimitReached, ScriptLimits, serialised_size
from engine.settings import EngineSettings

LIMITS = ScriptLimits(seconds=0.3, memory_bytes=4 * 1024 * 1024)
# Memory checks must be what stops a bomb, however slow a loaded machine makes the lines before it.
MEMORY_ONLY = ScriptLimits(seconds=60, memory_bytes=LIMITS.memory_bytes)


@pytest.fixture
def env() -> SandboxedEnvironment:
    return SandboxedEnvironment(limits=LIMITS)


@pytest.fixture
def memory_env() -> SandboxedEnvironment:
    return SandboxedEnvironment(limits=MEMORY_ONLY)


def _run(env: SandboxedEnvironment, script: str) -> ScriptLimitReached:
    with pytest.raises(ScriptLimitReached) as caught:
        env.execute(script, {})
    return caught.value


@pytest.mark.parametrize(("script", "lines"), [
    ("n = 0\nwhile True:\n    n += 1", {2, 3}),
    ("def spin():\n    while True:\n        pass\nspin()", {2, 3}),
    ("total = sum([i for a in range(999) for b in range(999) for i in range(999)])", {1}),
])
def test_an_endless_script_stops_at_the_time_limit_on_its_line(env, script, lines):
    started = time.monotonic()
    reached = _run(env, script)
    elapsed = time.monotonic() - started
    assert reached.kind == "time" and reached.line in lines and reached.limit == "0.3 s"
    assert LIMITS.seconds <= elapsed < LIMITS.seconds + 1.0


@pytest.mark.parametrize("script", [
    "x = 'a' * 10**9",
    "x = [0] * 10**9",
    "x = 9 ** 4000000",
    "x = pow(7, 10**8)",
    "x = 1 << 10**9",
    "x = 'a'.ljust(10**9)",
    "s = 'ab' * 2000\nx = s.replace('', s)",
    "x = '%1000000000d' % 1",
    "s = 'ab'\nwhile True:\n    s = s + s",
    "l = [1]\nwhile True:\n    l.extend(l)",
    "l = 'x'\nwhile True:\n    l *= 2",
    "a = [0] * 1000\nb = [a] * 1000\nc = [b] * 1000",
    "a = [0] * 1000\nb = [a for i in range(999)]\nc = [b for i in range(999)]",
    "a = [0] * 1000\nb = [a for i in range(999)]\nt = str(b)",
    "a = [0] * 1000\nb = [a for i in range(999)]\nt = f'{b}'",
    "parts = ['y' * 1000 for i in range(999)]\nx = '-'.join(parts * 10)",
])
def test_a_memory_bomb_is_refused_before_it_allocates(memory_env, script):
    reached = _run(memory_env, script)
    assert reached.kind == "memory"


def test_the_memory_failure_names_the_line(memory_env):
    reached = _run(memory_env, "fee = 1\nlabel = 'a' * 10**9")
    assert (reached.kind, reached.line, reached.limit) == ("memory", 2, "4 MiB")


@pytest.mark.parametrize("script", [
    "try:\n    x = 1\nexcept:\n    pass",
    "try:\n    x = 1\nexcept BaseException:\n    pass",
    "try:\n    x = 1\nexcept (KeyError, BaseException):\n    pass",
    "NameError = BaseException",
    "def f(KeyError):\n    pass",
    "try:\n    x = 1\nexcept KeyError as ValueError:\n    pass",
    "try:\n    x = 1\nfinally:\n    y = 2",
    "with x:\n    pass",
    "class L(list):\n    pass",
    "x = f'{1:>{10**9}}'",
    "x = f'{1:>1000000000}'",
])
def test_statements_that_would_escape_the_limits_are_refused_before_running(env, script):
    with pytest.raises(ScriptRejectedError):
        env.execute(script, {})


def test_named_ordinary_errors_may_be_caught_but_not_the_limit(env):
    data: dict = {}
    env.execute("try:\n    del missing\nexcept NameError:\n    gone = True", data)
    assert data["gone"] is True
    reached = _run(env, "while True:\n    try:\n        while True:\n            pass\n"
                        "    except Exception:\n        pass")
    assert reached.kind == "time"


def test_ordinary_scripts_are_unaffected(env):
    data = {"fee": 50_000, "name": "Nguyễn Văn A", "items": ["a", "b"]}
    env.execute("total = fee * 2 + 10 ** 3\nlabel = name + ' - ' + str(total)\nparts = ' x '.join(items)\n"
                "padded = str(7).zfill(4)\nmsg = f'{total:,}'\nshare = '%d%%' % 5\nitems.extend(['c'])\n"
                "code = 'HS-' + str(1 << 4)\nacc = []\nfor i in range(100):\n    acc += [i * i]\n", data)
    assert data["total"] == 101_000 and data["label"] == "Nguyễn Văn A - 101000" and data["parts"] == "a x b"
    assert data["padded"] == "0007" and data["msg"] == "101,000" and data["share"] == "5%"
    assert data["items"] == ["a", "b", "c"] and data["code"] == "HS-16" and len(data["acc"]) == 100


def test_expressions_have_the_same_limits(env):
    with pytest.raises(ScriptLimitReached) as caught:
        env.evaluate("9 ** 4000000 > 1", {})
    assert caught.value.kind == "memory"
    with pytest.raises(ScriptLimitReached):
        env.evaluate("len([[1] * 99999] * 99999) > 0", {})
    assert env.evaluate("amount * 2 > 10 and name + '!' == 'a!'", {"amount": 6, "name": "a"}) is True


def test_limits_hold_in_a_thread_that_is_not_the_main_one(env):
    outcome: list[object] = []

    def worker() -> None:
        started = time.monotonic()
        try:
            env.execute("while True:\n    pass", {})
        except ScriptLimitReached as reached:
            outcome.append((reached.kind, time.monotonic() - started))
        try:
            env.execute("x = 'a' * 10**9", {})
        except ScriptLimitReached as reached:
            outcome.append(reached.kind)

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join(timeout=10)
    assert not thread.is_alive()
    (kind, elapsed), memory = outcome
    assert kind == "time" and elapsed < LIMITS.seconds + 1.0 and memory == "memory"


def test_the_previous_trace_function_is_put_back(env):
    def tracer(frame, event, arg):
        return None

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        env.execute("x = 1", {})
        with pytest.raises(ScriptLimitReached):
            env.execute("while True:\n    pass", {})
        assert sys.gettrace() is tracer
    finally:
        sys.settrace(previous)


def test_shared_references_count_each_time_they_are_reached():
    row = [0] * 100
    assert serialised_size([row] * 100, 10**9) > 100 * serialised_size(row, 10**9)
    assert serialised_size([row] * 10**6, 1000) <= 1000 + 64 + 40 * 10**6  # stops early


def test_an_expression_past_its_deadline_stops_at_the_next_node():
    expired = SandboxedEnvironment(limits=ScriptLimits(seconds=0.0))
    with pytest.raises(ScriptLimitReached) as caught:
        expired.evaluate("a + 1 > 2", {"a": 5})
    assert caught.value.kind == "time" and caught.value.line is None


@pytest.mark.parametrize("expression", ["add_working_days(received_at, 10**9)",
                                        "add_working_hours(received_at, 10**12)"])
def test_calendar_helpers_refuse_spans_they_would_walk_for_minutes(expression):
    environment = build_context(EngineSettings()).script_engine.environment
    started = time.monotonic()
    with pytest.raises(ValueError, match="beyond"):
        environment.evaluate(expression, {"received_at": "2026-11-27T02:00:00+00:00"})
    assert time.monotonic() - started < 1.0
    assert environment.evaluate("add_working_days(received_at, 2)", {"received_at": "2026-11-27T02:00:00+00:00"})


def test_data_left_by_a_script_must_fit_the_limit(memory_env):
    with pytest.raises(ScriptLimitReached) as caught:
        memory_env.execute("a = [0] * 1000\nrows = []\nfor i in range(999):\n    rows.append(a)", {})
    assert caught.value.kind == "memory"
