"""The sandbox: what analysts' scripts and conditions may and may not do."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine.runtime.script_env import SandboxedEnvironment, ScriptRejectedError, command_instant


@pytest.fixture
def env() -> SandboxedEnvironment:
    return SandboxedEnvironment()


def test_ordinary_scripts_run_and_leave_only_data(env):
    data = {"fee": 50_000, "items": ["a", "b"]}
    env.execute("total = fee * len(items)\nlabels = [x.upper() for x in items]\ncount = 0\ncount += 2", data)
    assert data == {"fee": 50_000, "items": ["a", "b"], "total": 100_000, "labels": ["A", "B"], "count": 2}


def test_now_is_the_command_instant(env):
    instant = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
    token = command_instant.set(instant)
    try:
        data: dict = {}
        env.execute("stamp = now()", data)
        assert data["stamp"] == instant
        assert env.evaluate("now() == stamp", data) is True
    finally:
        command_instant.reset(token)


@pytest.mark.parametrize("script", [
    "import os",
    "from os import path",
    "m = __import__('os')",
    "f = open('/etc/passwd')",
    "exec('x = 1')",
    "x = eval('1')",
    "k = ().__class__.__base__.__subclasses__()",
    "g = getattr(1, '__class__')",
    "b = __builtins__",
])
def test_escapes_are_refused_before_running(env, script):
    with pytest.raises(ScriptRejectedError):
        env.execute(script, {})


def test_conditions_evaluate_plain_expressions(env):
    data = {"decision": "approve", "amount": 3}
    assert env.evaluate('decision == "approve" and amount in [1, 2, 3]', data) is True
    assert env.evaluate('"PT1S"', data) == "PT1S"


@pytest.mark.parametrize("expression", ["decision.__class__", "__import__('os')", "[c for c in 'ab']",
                                         "lambda: 1", "open('x')"])
def test_unsafe_conditions_fail(env, expression):
    with pytest.raises((ScriptRejectedError, NameError)):
        env.evaluate(expression, {"decision": "x"})


def test_undefined_names_raise_name_error_like_python(env):
    with pytest.raises(NameError):
        env.evaluate("missing == 1", {})
