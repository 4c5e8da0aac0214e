"""Cursor pages: a list continues after the sort key of its last row, so a page never skips or
repeats a row when rows are added meanwhile (an offset would). The cursor is opaque to clients."""

from __future__ import annotations

import base64
import json

from engine.errors import FieldProblem, FormInvalidError


def encode_cursor(*key: str) -> str:
    raw = json.dumps(list(key))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, size: int = 2) -> list[str]:
    """The ``size`` parts of a cursor that ``encode_cursor`` made; FormInvalidError naming ``cursor``
    for anything else (the parts are checked again by whoever parses them, under the same error)."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except ValueError as exc:
        raise invalid_cursor() from exc
    if not isinstance(key, list) or len(key) != size or not all(isinstance(part, str) for part in key):
        raise invalid_cursor()
    return key


def invalid_cursor() -> FormInvalidError:
    return FormInvalidError([FieldProblem("cursor", "Con trỏ phân trang không hợp lệ", "The page cursor is invalid")])
