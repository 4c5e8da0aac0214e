"""Wall-time and memory limits on every script and expression a diagram runs.

The production server is gunicorn with threads, so the usual tools do not apply: ``signal.alarm``
only interrupts the main thread, and ``resource.setrlimit`` or ``tracemalloc`` measure the whole
process, where other requests allocate at the same time. Running each evaluation in a child
process would isolate it fully but costs a round trip and a copy of the task data per gateway
condition, on a path that must stay well under a millisecond. The limits are therefore held inside
the evaluating thread, in three layers:

1. **Time.** ``sys.settrace`` is per thread: while a script runs, a trace function checks a
   monotonic deadline on every line of the script and on every Python call it makes, and raises
   ``LimitExceeded`` where the script stands, so the failure names the line. The trace function
   is removed (and any previous one, e.g. coverage, restored) as soon as the script ends, so the
   rest of the request runs at full speed. Expressions (gateway conditions, timer expressions)
   are not traced, which would double their cost: they have no loops, the evaluator checks the
   deadline at every node, and the calendar helpers they may call refuse spans they would walk
   for long (``diagram_helpers``).
2. **Single operations.** Work done inside one C call never reaches the trace function:
   ``'a' * 10**9``, ``9 ** 4000000``, ``s.replace('', s)``. The sandbox routes ``+ * ** << %``,
   ``pow``, ``sum``, ``str``/``repr``, f-string values and the string and list methods that grow
   their result through guards that compute the size of the result *before* building it and
   refuse anything over the memory limit (or, for integers, over ``MAX_INT_BITS``, whose
   arithmetic would also run for seconds without a line event).
3. **What a script holds.** Every ``MEMORY_CHECK_INTERVAL`` seconds of running, and once when it
   returns, the data the script can reach (its task data and the locals of its functions) is
   measured as it would be serialised, shared references counted each time they are reached, so
   ``c = [[[0] * 1000] * 1000] * 1000`` is three billion items, not three thousand. The walk
   stops as soon as it passes the limit, so it never costs more than the limit itself.

Limits of this design (documented, not hidden): memory is estimated, not measured, so the real
peak can exceed the limit by what one guarded operation builds plus what the script allocates in
one check interval; a list being built by a comprehension is invisible to the walk until it is
bound to a name (time still bounds it); one C call on data within the limit (comparing two large
lists) runs to its end past the deadline. Python disables a trace function that raises, so
nothing may run after the limit's exception: scripts may catch only named ordinary errors (not
``BaseException``, which the limit's exception is), never rebind those names, and have no
``finally`` or ``with``; class definitions are refused too (a subclass of ``list`` would hide
its items from the walk). script_env checks all of this at deploy time, and the exception derives from ``BaseException``
so library code that catches ``Exception`` never swallows it.
"""

from __future__ import annotations

import contextvars
import math
import re
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import compress
from types import FrameType
from typing import Any

SCRIPT_FILENAME = "<script>"
MEMORY_CHECK_INTERVAL = 0.01
# Integers beyond this many bits (about 300,000 digits) have no place in an administrative
# procedure, and multiplying or raising them runs for seconds inside one C call.
MAX_INT_BITS = 1 << 20
_POINTER = 8
_OBJECT = 32
_CONTAINER = 64


@dataclass(frozen=True)
class ScriptLimits:
    """How long one evaluation may run, and how much data it may build."""

    seconds: float = 2.0
    memory_bytes: int = 32 * 1024 * 1024


class LimitExceeded(BaseException):  # noqa: N818 - internal signal, turned into ScriptLimitReached
    """Raised inside the running script; BaseException so no ``except Exception`` swallows it."""

    def __init__(self, kind: str, line: int | None) -> None:
        super().__init__(kind, line)
        self.kind = kind
        self.line = line


class ScriptLimitReached(Exception):  # noqa: N818 - SpiffWorkflow wraps it as the task's failure
    """What leaves the sandbox when an evaluation ran too long or built too much."""

    def __init__(self, kind: str, line: int | None, limits: ScriptLimits) -> None:
        self.kind = kind
        self.line = line
        self.limit = f"{limits.seconds:g} s" if kind == "time" else f"{limits.memory_bytes // (1024 * 1024)} MiB"
        super().__init__(f"{kind} limit of {self.limit} exceeded" + (f" at line {line}" if line else ""))


def limit_reached_in(error: BaseException) -> ScriptLimitReached | None:
    """The limit behind ``error``: SpiffWorkflow raises its own exception while handling ours."""
    seen: BaseException | None = error
    for _ in range(16):  # exception chains can loop; a script failure is never this deep
        if seen is None or isinstance(seen, ScriptLimitReached):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


_current: contextvars.ContextVar[Budget | None] = contextvars.ContextVar("script_budget", default=None)


class Budget:
    """The running evaluation's deadline and memory allowance, checked from the trace function."""

    def __init__(self, limits: ScriptLimits, namespace: dict[str, Any] | None) -> None:
        self.limits = limits
        self.namespace = namespace
        start = time.monotonic()
        self.deadline = start + limits.seconds
        self.next_memory_check = start + MEMORY_CHECK_INTERVAL

    def trace_call(self, frame: FrameType, event: str, arg: Any) -> Any:
        self.tick(frame)
        # Only the analyst's code is traced line by line; calls into helpers are checked on entry.
        return self.trace_line if frame.f_code.co_filename == SCRIPT_FILENAME else None

    def trace_line(self, frame: FrameType, event: str, arg: Any) -> Any:
        if event == "line":
            self.tick(frame)
        return self.trace_line

    def tick(self, frame: FrameType) -> None:
        now = time.monotonic()
        if now > self.deadline:
            raise LimitExceeded("time", script_line(frame))
        if now >= self.next_memory_check:
            self.check_memory(frame)
            self.next_memory_check = time.monotonic() + MEMORY_CHECK_INTERVAL

    def check_memory(self, frame: FrameType | None) -> None:
        reachable: list[Any] = [] if self.namespace is None else [_data_values(self.namespace)]
        caller = frame
        while caller is not None:
            if caller.f_code.co_filename == SCRIPT_FILENAME and caller.f_locals is not self.namespace:
                reachable.append(_data_values(caller.f_locals))
            caller = caller.f_back
        if reachable and serialised_size(reachable, self.limits.memory_bytes) > self.limits.memory_bytes:
            raise LimitExceeded("memory", script_line(frame))


def run_limited(limits: ScriptLimits, namespace: dict[str, Any] | None, run: Callable[[], Any], *,
                trace: bool = True) -> Any:
    """Run ``run()`` under the limits in this thread; ``namespace`` is the data a script builds.

    ``trace=False`` is for code that checks the deadline itself (``check_deadline``) and has no
    loops of its own: the trace function slows every Python frame while it is set.
    """
    budget = Budget(limits, namespace)
    token = _current.set(budget)
    previous = sys.gettrace()
    if trace:
        sys.settrace(budget.trace_call)
    try:
        return run()
    except LimitExceeded as exc:
        raise ScriptLimitReached(exc.kind, exc.line, limits) from None
    finally:
        if trace:
            sys.settrace(previous)
        _current.reset(token)


def check_deadline() -> None:
    budget = _current.get()
    if budget is not None and time.monotonic() > budget.deadline:
        raise LimitExceeded("time", None)


def check_data_size(limits: ScriptLimits, data: dict[str, Any]) -> None:
    """What a script leaves in its task data is serialised with the dossier: it must fit too."""
    if serialised_size(_data_values(data), limits.memory_bytes) > limits.memory_bytes:
        raise ScriptLimitReached("memory", None, limits)


def script_line(frame: FrameType | None) -> int | None:
    """The line of the analyst's code nearest to ``frame`` on the stack."""
    while frame is not None:
        if frame.f_code.co_filename == SCRIPT_FILENAME:
            return frame.f_lineno
        frame = frame.f_back
    return None


def _limit() -> int:
    budget = _current.get()
    return budget.limits.memory_bytes if budget is not None else ScriptLimits.memory_bytes


def _allow(size: int) -> None:
    if size > _limit():
        raise LimitExceeded("memory", script_line(sys._getframe(1)))


def _size(value: Any) -> int:
    kind = type(value)
    if kind is str or kind is bytes:
        return _OBJECT + len(value)
    return serialised_size(value, _limit())


def _data_values(namespace: dict[str, Any]) -> list[Any]:
    # Helpers and builtins injected beside the data are not the script's to pay for.
    return [value for key, value in namespace.items() if key != "__builtins__" and not callable(value)]


def serialised_size(value: Any, limit: int) -> int:
    """Estimated size of ``value`` once expanded (shared references counted each time), stopping
    as soon as it passes ``limit``.

    The items of each container are sorted by type with C-level ``map``/``compress`` passes: a
    Python loop per item costs several times more while the trace function is set.
    """
    total, stack = 0, [value]
    while stack and total <= limit:
        item = stack.pop()
        kind = type(item)
        if kind in _TEXT_TYPES:
            total += _OBJECT + len(item)
            continue
        if kind is dict:
            items: Any = [*item.keys(), *item.values()]
        elif kind in _CONTAINER_TYPES:
            items = item
        else:
            total += _OBJECT + (item.bit_length() // 8 if kind is int else 0)
            continue
        total += _CONTAINER + (_POINTER + _OBJECT) * len(items)
        if total > limit:
            break
        types = list(map(type, items))
        total += sum(map(len, compress(items, map(_TEXT_TYPES.__contains__, types))))
        total += sum(map(int.bit_length, compress(items, map(_INT_TYPES.__contains__, types)))) // 8
        stack.extend(compress(items, map(_CONTAINER_TYPES.__contains__, types)))
    return total


_TEXT_TYPES = frozenset({str, bytes, bytearray})
_INT_TYPES = frozenset({int, bool})
# Exact types: scripts cannot define classes, and task data is plain JSON-like values.
_CONTAINER_TYPES = frozenset({dict, list, tuple, set, frozenset})


def _check_int_bits(bits: float) -> None:
    if bits > MAX_INT_BITS:
        raise LimitExceeded("memory", script_line(sys._getframe(1)))


_SEQUENCES = (str, bytes, bytearray, list, tuple)
_SCALARS = frozenset({int, float, bool, str, type(None)})
_TEXTS = (str, bytes, bytearray)


def check_add(a: Any, b: Any) -> None:
    if isinstance(a, _SEQUENCES) and isinstance(b, _SEQUENCES):
        _allow(_size(a) + _size(b))


def check_mul(a: Any, b: Any) -> None:
    # A repeated list holds its items once, but is serialised (and compared) once per repetition.
    for sequence, count in ((a, b), (b, a)):
        if isinstance(sequence, _SEQUENCES) and isinstance(count, int) and count > 0:
            _allow(_size(sequence) * count)
    if isinstance(a, int) and isinstance(b, int):
        _check_int_bits(a.bit_length() + b.bit_length())


def guarded_add(a: Any, b: Any) -> Any:
    check_add(a, b)
    return a + b


def guarded_mul(a: Any, b: Any) -> Any:
    check_mul(a, b)
    return a * b


def guarded_pow(base: Any, exponent: Any, modulo: Any = None) -> Any:
    if isinstance(base, int) and isinstance(exponent, int) and exponent > 0:
        if modulo is not None:
            _check_int_bits(max(base.bit_length(), modulo.bit_length() if isinstance(modulo, int) else 0))
        elif abs(base) > 1:
            _check_int_bits(math.log2(abs(base)) * exponent)
    return pow(base, exponent) if modulo is None else pow(base, exponent, modulo)


def guarded_lshift(a: Any, b: Any) -> Any:
    if isinstance(a, int) and isinstance(b, int):
        _check_int_bits(a.bit_length() + b)
    return a << b


# %-format directives: the width and precision fields are what can make a short format huge.
_PERCENT_FIELD = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?[a-zA-Z%]")


def guarded_mod(a: Any, b: Any) -> Any:
    if isinstance(a, (str, bytes)):
        fmt = a.decode("latin-1") if isinstance(a, bytes) else a
        size = _size(a) + _size(b)
        for width, precision in _PERCENT_FIELD.findall(fmt):
            if "*" in (width, precision):
                raise LimitExceeded("memory", script_line(sys._getframe(1)))
            size += int(width or 0) + int(precision or 0)
        _allow(size)
    elif isinstance(a, int) and isinstance(b, int):
        _check_int_bits(max(a.bit_length(), b.bit_length()))
    return a % b


def _check_text_of(value: Any) -> None:
    # Scalars print short (integers are capped by sys.int_max_str_digits); containers are walked.
    if type(value) not in _SCALARS:
        _allow(_size(value))


def guarded_str(value: Any = "", *args: Any) -> str:
    if not args:
        _check_text_of(value)
    return str(value, *args)


def guarded_repr(value: Any) -> str:
    _check_text_of(value)
    return repr(value)


def formatted_value(value: Any) -> Any:
    """Put around every f-string value: its text must fit before it is built."""
    _check_text_of(value)
    return value


def guarded_sum(values: Iterable[Any], start: Any = 0) -> Any:
    # sum() of lists or tuples concatenates in quadratic time inside one C call.
    if not isinstance(start, (int, float)):
        raise TypeError("sum() chỉ cộng các số / sum() adds numbers only")
    return sum(values, start)


def _padding(name: str) -> Callable[[Any], Callable[..., Any]]:
    def bind(text: Any) -> Callable[..., Any]:
        def call(width: int, *args: Any) -> Any:
            _allow(_OBJECT + max(width, len(text)))
            return getattr(text, name)(width, *args)
        return call
    return bind


def _replace(text: Any) -> Callable[..., Any]:
    def call(old: Any, new: Any, count: int = -1) -> Any:
        found = text.count(old) if old else len(text) + 1
        if count >= 0:
            found = min(found, count)
        _allow(_OBJECT + len(text) + found * max(len(new) - len(old), 0))
        return text.replace(old, new, count)
    return call


def _join(separator: Any) -> Callable[..., Any]:
    def call(items: Iterable[Any]) -> Any:
        parts = list(items)
        _allow(_size(parts) + len(separator) * len(parts))
        return separator.join(parts)
    return call


def _expandtabs(text: Any) -> Callable[..., Any]:
    def call(tabsize: int = 8) -> Any:
        tabs = text.count("\t" if isinstance(text, str) else b"\t")
        _allow(_OBJECT + len(text) + tabs * max(tabsize, 0))
        return text.expandtabs(tabsize)
    return call


def _split(name: str) -> Callable[[Any], Callable[..., Any]]:
    def bind(text: Any) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            # Each piece is a new object: a string of spaces splits into one object per character.
            _allow(len(text) * (_POINTER + _OBJECT) // 2)
            return getattr(text, name)(*args, **kwargs)
        return call
    return bind


def _extend(target: list[Any]) -> Callable[..., None]:
    def call(items: Iterable[Any]) -> None:
        items = items if isinstance(items, (list, tuple)) else list(items)
        _allow(_size(target) + _size(items))
        target.extend(items)
    return call


_TEXT_METHODS: dict[str, Callable[[Any], Callable[..., Any]]] = {
    **{name: _padding(name) for name in ("ljust", "rjust", "center", "zfill")},
    **{name: _split(name) for name in ("split", "rsplit", "splitlines")},
    "replace": _replace,
    "join": _join,
    "expandtabs": _expandtabs,
}
# A translation table can turn each character into a long string; scripts have no use for it.
_REFUSED_TEXT_METHODS = frozenset({"translate", "maketrans"})


def guard_attribute(obj: Any, name: str, value: Any) -> Any:
    """The attribute a script reads, with a size check put in front of methods that grow."""
    if isinstance(obj, _TEXTS):
        if name in _REFUSED_TEXT_METHODS:
            raise AttributeError(f"'{name}' is not available in scripts")
        wrap = _TEXT_METHODS.get(name)
        return wrap(obj) if wrap is not None else value
    if isinstance(obj, list) and name == "extend":
        return _extend(obj)
    return value
