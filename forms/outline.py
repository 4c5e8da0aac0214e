"""A form's fields as a citizen reads them before coming: the titles a JSON Schema gives its fields,
whether each is required, its help text and its choices, nested objects and lists included.

The public catalogue shows this for a procedure's start form, so the citizen knows what they will
be asked for at the counter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

MAX_DEPTH = 6  # no schema of the library nests further; deeper parts are left out of the outline


@dataclass(frozen=True)
class FieldOutline:
    name: str
    title: str
    description: str
    required: bool
    repeated: bool  # a list: the citizen may give several
    choices: tuple[str, ...] = ()
    children: tuple[FieldOutline, ...] = field(default_factory=tuple)


def outline(schema: Mapping[str, Any] | None) -> list[FieldOutline]:
    """The fields of an object schema in its order."""
    if not isinstance(schema, Mapping):
        return []
    return _fields(schema, 0)


def _fields(schema: Mapping[str, Any], depth: int) -> list[FieldOutline]:
    properties = schema.get("properties")
    if not isinstance(properties, Mapping) or depth > MAX_DEPTH:
        return []
    required = set(schema.get("required") or ())
    return [_field(name, sub, name in required, depth) for name, sub in properties.items() if isinstance(sub, Mapping)]


def _field(name: str, schema: Mapping[str, Any], required: bool, depth: int) -> FieldOutline:
    repeated = schema.get("type") == "array"
    items = schema.get("items")
    body: Mapping[str, Any] = items if repeated and isinstance(items, Mapping) else schema
    return FieldOutline(
        name=name,
        title=str(schema.get("title") or body.get("title") or name),
        description=str(schema.get("description") or ""),
        required=required,
        repeated=repeated,
        choices=_choices(body),
        children=tuple(_fields(body, depth + 1)),
    )


def _choices(schema: Mapping[str, Any]) -> tuple[str, ...]:
    options = schema.get("oneOf") or schema.get("anyOf")
    if isinstance(options, list):
        return tuple(str(o.get("title") or o.get("const")) for o in options
                     if isinstance(o, Mapping) and "const" in o)
    if isinstance(schema.get("enum"), list):
        return tuple(str(value) for value in schema["enum"])
    return ()
