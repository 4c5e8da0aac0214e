"""The sandbox in which analysts' scripts and conditions run.

SpiffWorkflow's default environment is plain ``eval``/``exec`` with full builtins, and swapping
``__builtins__`` alone is escapable (brief §4). Scripts are therefore compiled with
RestrictedPython's ``compile_restricted`` and run with its guards; gateway conditions and timer
expressions go through simpleeval, which has no attribute walks into dunders at all.
"""

from __future__ import annotations

import ast
import contextvars
import functools
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from RestrictedPython import compile_restricted, limited_builtins, safe_builtins
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr,
)
from simpleeval import EvalWithCompoundTypes, InvalidExpression
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment

# The instant of the command being run: scripts see this through now(), so replay is repeatable.
command_instant: contextvars.ContextVar[datetime | None] = contextvars.ContextVar("command_instant", default=None)


def _now() -> datetime:
    return command_instant.get() or datetime.now(UTC)


def _today() -> date:
    return _now().date()


SAFE_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "now": _now,
    "today": _today,
    "len": len,
    "min": min,
    "max": max,
    "sum": sum,
    "abs": abs,
    "round": round,
    "int": int,
    "float": float,
    "str": str,
    "bool": bool,
    "any": any,
    "all": all,
    "sorted": sorted,
    "timedelta": timedelta,
}


class ScriptRejectedError(Exception):
    """A script or expression uses something the sandbox does not allow."""


# Names a script may never mention. RestrictedPython would fail most of them at run time; naming
# them here turns that into a deploy-time error with the line, which is what analysts need.
FORBIDDEN_NAMES = frozenset(
    {
        "open", "eval", "exec", "compile", "globals", "locals", "vars", "getattr", "setattr",
        "delattr", "input", "breakpoint", "help", "memoryview", "type", "object", "super",
        "__import__", "__builtins__", "exit", "quit",
    }
)


@functools.lru_cache(maxsize=2048)
def compile_script(script: str) -> Any:
    """Compile an analyst's script under RestrictedPython; raises ScriptRejectedError."""
    try:
        tree = ast.parse(script, filename="<script>", mode="exec")
    except SyntaxError as exc:
        raise ScriptRejectedError(f"Line {exc.lineno}: cú pháp không hợp lệ: {exc.msg}") from exc
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            raise ScriptRejectedError(f"Line {node.lineno}: không được import mô-đun trong kịch bản")
        if isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
            raise ScriptRejectedError(f"Line {node.lineno}: không được dùng '{node.id}' trong kịch bản")
    try:
        return compile_restricted(script, filename="<script>", mode="exec")
    except SyntaxError as exc:
        raise ScriptRejectedError("; ".join(map(str, exc.args[0])) if exc.args else str(exc)) from exc


_ALLOWED_EXPRESSION_NODES = (
    ast.Expression, ast.BoolOp, ast.BinOp, ast.UnaryOp, ast.Compare, ast.IfExp, ast.Call,
    ast.Constant, ast.Name, ast.Load, ast.Attribute, ast.Subscript, ast.Slice, ast.List,
    ast.Tuple, ast.Dict, ast.Set, ast.And, ast.Or, ast.Not, ast.USub, ast.UAdd, ast.Add,
    ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow, ast.Eq, ast.NotEq, ast.Lt,
    ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn, ast.Is, ast.IsNot, ast.keyword,
)


@functools.lru_cache(maxsize=4096)
def check_expression(expression: str) -> ast.Expression:
    """Parse a condition or timer expression and refuse anything beyond plain expressions."""
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as exc:
        raise ScriptRejectedError(f"cú pháp không hợp lệ: {exc.msg}") from exc
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED_EXPRESSION_NODES):
            raise ScriptRejectedError(f"không được dùng {type(node).__name__} trong biểu thức")
        if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            raise ScriptRejectedError(f"không được truy cập thuộc tính '{node.attr}'")
        if isinstance(node, ast.Name) and node.id.startswith("_"):
            raise ScriptRejectedError(f"không được dùng tên '{node.id}'")
    return tree


class SandboxedEnvironment(TaskDataEnvironment):
    """TaskDataEnvironment whose scripts are RestrictedPython and whose expressions are simpleeval."""

    def __init__(self, helpers: dict[str, Callable[..., Any]] | None = None) -> None:
        self.helpers = {**SAFE_FUNCTIONS, **(helpers or {})}
        builtins = dict(safe_builtins)
        builtins.update(limited_builtins)
        super().__init__(
            {
                "__builtins__": builtins,
                "_getattr_": safer_getattr,
                "_getitem_": default_guarded_getitem,
                "_getiter_": default_guarded_getiter,
                "_write_": full_write_guard,
                "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
                "_unpack_sequence_": guarded_unpack_sequence,
                "_inplacevar_": _inplacevar,
                **self.helpers,
            }
        )

    def evaluate(self, expression: str, context: dict[str, Any], external_context: Any = None) -> Any:
        check_expression(expression)
        names = {**(external_context or {}), **context}
        evaluator = EvalWithCompoundTypes(names=names, functions=self.helpers)
        try:
            return evaluator.eval(expression.strip())
        except InvalidExpression as exc:
            raise NameError(str(exc)) from exc

    def execute(self, script: str, context: dict[str, Any], external_context: Any = None) -> bool:
        code = compile_script(script)
        result: bool = super().execute(code, context, external_context)
        return result


def _inplacevar(op: str, x: Any, y: Any) -> Any:
    # RestrictedPython rewrites `a += b` into a call to this guard.
    operations: dict[str, Callable[[Any, Any], Any]] = {
        "+=": lambda a, b: a + b,
        "-=": lambda a, b: a - b,
        "*=": lambda a, b: a * b,
        "/=": lambda a, b: a / b,
        "//=": lambda a, b: a // b,
        "%=": lambda a, b: a % b,
    }
    if op not in operations:
        raise ScriptRejectedError(f"phép gán {op} không được phép")
    return operations[op](x, y)


def make_script_engine(helpers: dict[str, Callable[..., Any]] | None = None) -> PythonScriptEngine:
    return PythonScriptEngine(environment=SandboxedEnvironment(helpers))
