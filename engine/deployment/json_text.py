"""JSON files of a procedure as analysts read them: lines of values and problems in plain words.

jsonschema reports where (a path) and what (an English sentence); an analyst needs the line in the
file and a sentence in one language, Vietnamese or English.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from json_source_map import calculate
from jsonschema.exceptions import SchemaError, ValidationError


def pointer(path: Iterable[Any]) -> str:
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def line_of(text: str, path: Iterable[Any]) -> int | None:
    """1-based line of the value at ``path`` (or of its nearest parent present in the text)."""
    try:
        positions = calculate(text)
    except Exception:  # noqa: BLE001 - an unparsable text has no lines to give; the parse error says why
        return None
    parts = list(path)
    while True:
        entry = positions.get(pointer(parts))
        if entry is not None:
            start = entry.key_start or entry.value_start
            return int(start.line) + 1
        if not parts:
            return None
        parts.pop()


def decode_error(exc: json.JSONDecodeError | UnicodeDecodeError) -> tuple[str, str, int | None]:
    """A JSON syntax error in words of each language, with its line."""
    if isinstance(exc, UnicodeDecodeError):
        return ("tệp không phải văn bản UTF-8", "the file is not UTF-8 text", None)
    return (f"lỗi cú pháp JSON ở dòng {exc.lineno}, cột {exc.colno}",
            f"JSON syntax error at line {exc.lineno}, column {exc.colno} ({exc.msg})", exc.lineno)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def explain(error: ValidationError | SchemaError) -> list[tuple[list[Any], str, str]]:
    """Each thing wrong in ``error`` with the path it is at: an undeclared field is at its own key."""
    path = list(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set((error.schema.get("properties") or {}).keys()) if isinstance(error.schema, dict) else set()
        return [(path + [key], f"trường '{key}' không được khai báo", f"field '{key}' is not declared")
                for key in error.instance if key not in allowed]
    vi, en = describe(error)
    return [(path, vi, en)]


def describe(error: ValidationError | SchemaError) -> tuple[str, str]:
    """What a jsonschema error means, in Vietnamese and in English, without the library's wording."""
    kind, expected, value = error.validator, error.validator_value, error.instance
    if kind == "required":
        missing = next((name for name in expected if isinstance(value, dict) and name not in value), "?")
        return f"thiếu trường bắt buộc '{missing}'", f"required field '{missing}' is missing"
    if kind == "enum":
        options = ", ".join(_json(v) for v in expected)
        return (f"giá trị {_json(value)} không thuộc các giá trị cho phép: {options}",
                f"value {_json(value)} is not one of the allowed values: {options}")
    if kind == "type":
        types = expected if isinstance(expected, list) else [expected]
        return (f"giá trị {_json(value)} phải có kiểu {' hoặc '.join(types)}",
                f"value {_json(value)} must be of type {' or '.join(types)}")
    if kind == "pattern":
        return (f"giá trị {_json(value)} không đúng mẫu {expected}",
                f"value {_json(value)} does not match the pattern {expected}")
    if kind in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        words = {"minimum": ("không được nhỏ hơn", "must be at least"),
                 "exclusiveMinimum": ("phải lớn hơn", "must be greater than"),
                 "maximum": ("không được lớn hơn", "must be at most"),
                 "exclusiveMaximum": ("phải nhỏ hơn", "must be less than")}[kind]
        return f"giá trị {_json(value)} {words[0]} {expected}", f"value {_json(value)} {words[1]} {expected}"
    if kind in ("minLength", "minItems", "maxItems", "maxLength"):
        words = {"minLength": ("cần ít nhất {} ký tự", "needs at least {} characters"),
                 "maxLength": ("được tối đa {} ký tự", "allows at most {} characters"),
                 "minItems": ("cần ít nhất {} phần tử", "needs at least {} items"),
                 "maxItems": ("được tối đa {} phần tử", "allows at most {} items")}[kind]
        return (f"giá trị {_json(value)} {words[0].format(expected)}",
                f"value {_json(value)} {words[1].format(expected)}")
    return (f"giá trị {_json(value)} không thỏa quy tắc '{kind}' của lược đồ",
            f"value {_json(value)} breaks the schema rule '{kind}'")
