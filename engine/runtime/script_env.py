"""The sandbox in which analysts' scripts and conditions run.

SpiffWorkflow's default environment is plain ``eval``/``exec`` with full builtins, and swapping
``__builtins__`` alone is escapable (brief §4). Scripts are therefore compiled with
RestrictedPython's ``compile_restricted`` and run with its guards; gateway conditions and timer
expressions go through simpleeval, which has no attribute walks into dunders at all. Every
evaluation runs under the wall-time and memory limits of ``script_limits`` (see there why they are
held in the evaluating thread and what they do not catch).
"""

from __future__ import annotations

import ast
import contextvars
import copy
import functools
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from RestrictedPython import RestrictingNodeTransformer, compile_restricted, limited_builtins, safe_builtins
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr,
)
from simpleeval import DEFAULT_OPERATORS, EvalWithCompoundTypes, InvalidExpression, safe_add, safe_mult
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment

from engine.runtime import script_limits
from engine.runtime.script_limits import SCRIPT_FILENAME, ScriptLimits, check_data_size, run_limited

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
    "sum": script_limits.guarded_sum,
    "abs": abs,
    "round": round,
    "int": int,
    "float": float,
    "str": script_limits.guarded_str,
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
# The limits stop a script with an exception that is not an Exception; once raised, nothing is
# traced any more. So a script may catch only these ordinary errors, by name, may not rebind the
# names, and may have no code that runs on the way out (finally, with). Classes are refused too:
# the memory estimate cannot see into instances of a script's own subclass of list or dict.
CATCHABLE_ERRORS = frozenset({
    "Exception", "ArithmeticError", "AttributeError", "IndexError", "KeyError", "LookupError",
    "NameError", "TypeError", "ValueError", "ZeroDivisionError",
})
_REFUSED_STATEMENTS = (ast.TryStar, ast.With, ast.ClassDef)


def _limits_problem(node: ast.AST) -> str | None:
    """Why ``node`` would let a script slip out of its limits, or None."""
    if isinstance(node, _REFUSED_STATEMENTS):
        return "không được dùng with/class/except* trong kịch bản"
    if isinstance(node, ast.Try) and node.finalbody:
        return "không được dùng finally trong kịch bản"
    if isinstance(node, ast.ExceptHandler):
        caught = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type]
        if not all(isinstance(c, ast.Name) and c.id in CATCHABLE_ERRORS for c in caught):
            return f"except chỉ được bắt các lỗi: {', '.join(sorted(CATCHABLE_ERRORS))}"
        if node.name in CATCHABLE_ERRORS:
            return f"không được đặt lại tên '{node.name}'"
    bound = _bound_name(node)
    if bound in CATCHABLE_ERRORS:
        return f"không được đặt lại tên '{bound}'"
    return None


def _bound_name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
        return node.id
    if isinstance(node, ast.arg):
        return node.arg
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return node.name
    if isinstance(node, ast.MatchAs | ast.MatchStar):
        return node.name
    if isinstance(node, ast.MatchMapping):
        return node.rest
    if isinstance(node, ast.Global | ast.Nonlocal):
        return next((name for name in node.names if name in CATCHABLE_ERRORS), None)
    return None


# Widths and precisions in f-string format specs build the text inside one C call.
MAX_FORMAT_WIDTH = 10_000
_BINOP_GUARDS = {ast.Add: "_add_", ast.Mult: "_mul_", ast.Pow: "_pow_", ast.LShift: "_lshift_", ast.Mod: "_mod_"}


class _LimitedTransformer(RestrictingNodeTransformer):
    """RestrictedPython's policy, with the operators that can build huge values made guard calls."""

    def visit_BinOp(self, node: ast.BinOp) -> Any:
        node = self.node_contents_visit(node)
        guard = _BINOP_GUARDS.get(type(node.op))
        if guard is None:
            return node
        return _call(guard, [node.left, node.right], node)

    def visit_FormattedValue(self, node: ast.FormattedValue) -> Any:
        node = self.node_contents_visit(node)
        node.value = _call("_formatted_", [node.value], node.value)
        return node


def _call(name: str, args: list[ast.expr], at: ast.AST) -> ast.Call:
    function = ast.copy_location(ast.Name(id=name, ctx=ast.Load()), at)
    return ast.copy_location(ast.Call(func=function, args=args, keywords=[]), at)


def _format_spec_problem(node: ast.FormattedValue) -> str | None:
    spec = node.format_spec
    if spec is None:
        return None
    if not all(isinstance(part, ast.Constant) for part in getattr(spec, "values", [])):
        return "định dạng trong f-string phải là hằng số"
    text = "".join(str(part.value) for part in getattr(spec, "values", []) if isinstance(part, ast.Constant))
    if any(int(number) > MAX_FORMAT_WIDTH for number in re.findall(r"\d+", text)):
        return f"độ rộng định dạng vượt quá {MAX_FORMAT_WIDTH}"
    return None


@functools.lru_cache(maxsize=2048)
def compile_script(script: str) -> Any:
    """Compile an analyst's script under RestrictedPython; raises ScriptRejectedError."""
    try:
        tree = ast.parse(script, filename=SCRIPT_FILENAME, mode="exec")
    except SyntaxError as exc:
        raise ScriptRejectedError(f"Line {exc.lineno}: cú pháp không hợp lệ: {exc.msg}") from exc
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            raise ScriptRejectedError(f"Line {node.lineno}: không được import mô-đun trong kịch bản")
        if isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
            raise ScriptRejectedError(f"Line {node.lineno}: không được dùng '{node.id}' trong kịch bản")
        if problem := _limits_problem(node):
            raise ScriptRejectedError(f"Line {getattr(node, 'lineno', '?')}: {problem}")
        if isinstance(node, ast.FormattedValue) and (problem := _format_spec_problem(node)):
            raise ScriptRejectedError(f"Line {node.lineno}: {problem}")
    try:
        return compile_restricted(script, filename=SCRIPT_FILENAME, mode="exec", policy=_LimitedTransformer)
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

    def __init__(self, helpers: dict[str, Callable[..., Any]] | None = None,
                 limits: ScriptLimits | None = None) -> None:
        self.helpers = {**SAFE_FUNCTIONS, **(helpers or {})}
        self.limits = limits or ScriptLimits()
        builtins = dict(safe_builtins)
        builtins.update(limited_builtins)
        builtins.update(pow=script_limits.guarded_pow, repr=script_limits.guarded_repr)
        super().__init__(
            {
                "__builtins__": builtins,
                "_getattr_": _guarded_getattr,
                "_getitem_": default_guarded_getitem,
                "_getiter_": default_guarded_getiter,
                "_write_": full_write_guard,
                "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
                "_unpack_sequence_": guarded_unpack_sequence,
                "_inplacevar_": _inplacevar,
                "_add_": script_limits.guarded_add,
                "_mul_": script_limits.guarded_mul,
                "_pow_": script_limits.guarded_pow,
                "_lshift_": script_limits.guarded_lshift,
                "_mod_": script_limits.guarded_mod,
                "_formatted_": script_limits.formatted_value,
                **self.helpers,
            }
        )

    def evaluate(self, expression: str, context: dict[str, Any], external_context: Any = None) -> Any:
        check_expression(expression)
        names = {**(external_context or {}), **context}
        evaluator = _LimitedEvaluator(names=names, functions=self.helpers, operators=_EXPRESSION_OPERATORS)
        try:
            # Not traced: an expression has no loops, every node checks the deadline, and the
            # helpers it may call are bounded (diagram_helpers).
            return run_limited(self.limits, None, lambda: evaluator.eval(expression.strip()), trace=False)
        except InvalidExpression as exc:
            raise NameError(str(exc)) from exc

    def execute(self, script: str, context: dict[str, Any], external_context: Any = None) -> bool:
        """TaskDataEnvironment.execute, with only the analyst's code itself run under the tracer."""
        code = compile_script(script)
        self.check_for_overwrite(context, external_context or {})
        names = copy.copy(self.globals)
        self._prepare_context(context)
        names.update(external_context or {})
        context.update(names)
        try:
            run_limited(self.limits, context, lambda: exec(code, context))  # noqa: S102 - RestrictedPython code
        finally:
            self._remove_globals_and_functions_from_context(context, external_context)
        check_data_size(self.limits, context)
        return True


class _LimitedEvaluator(EvalWithCompoundTypes):  # type: ignore[misc]
    def _eval(self, node: ast.AST) -> Any:
        script_limits.check_deadline()
        return super()._eval(node)


def _guarded_getattr(obj: Any, name: str, default: Any = None) -> Any:
    return script_limits.guard_attribute(obj, name, safer_getattr(obj, name, default))


# simpleeval's own operators keep their length limits; ours add the size of what is repeated
# (shared references included) and refuse huge integers, whose arithmetic runs for seconds.
def _expression_add(a: Any, b: Any) -> Any:
    script_limits.check_add(a, b)
    return safe_add(a, b)


def _expression_mul(a: Any, b: Any) -> Any:
    script_limits.check_mul(a, b)
    return safe_mult(a, b)


_EXPRESSION_OPERATORS = {
    **DEFAULT_OPERATORS,
    ast.Add: _expression_add,
    ast.Mult: _expression_mul,
    ast.Pow: script_limits.guarded_pow,
    ast.LShift: script_limits.guarded_lshift,
    ast.Mod: script_limits.guarded_mod,
}


def _inplacevar(op: str, x: Any, y: Any) -> Any:
    # RestrictedPython rewrites `a += b` into a call to this guard.
    operations: dict[str, Callable[[Any, Any], Any]] = {
        "+=": script_limits.guarded_add,
        "-=": lambda a, b: a - b,
        "*=": script_limits.guarded_mul,
        "/=": lambda a, b: a / b,
        "//=": lambda a, b: a // b,
        "%=": script_limits.guarded_mod,
    }
    if op not in operations:
        raise ScriptRejectedError(f"phép gán {op} không được phép")
    return operations[op](x, y)


def make_script_engine(helpers: dict[str, Callable[..., Any]] | None = None,
                       limits: ScriptLimits | None = None) -> PythonScriptEngine:
    return PythonScriptEngine(environment=SandboxedEnvironment(helpers, limits))
