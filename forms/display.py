"""Submitted form data for reading: each value under the title its JSON Schema gives it.

A dossier page shows what the applicant submitted; the field names (``owner_type``) mean nothing
to an official, the schema's titles ("Chủ sở hữu công ty") and its choices' titles ("Cá nhân") do.
Fields the schema does not describe keep their name, so nothing submitted is hidden.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

MAX_DEPTH = 8  # deeper data is shown as text: no schema here nests further


@dataclass(frozen=True)
class Entry:
    """One field: its label and either a text value or the entries of a nested object or list."""

    name: str
    label: str
    text: str | None = None
    children: list[Entry] = field(default_factory=list)


def describe(schema: Mapping[str, Any] | None, data: Any) -> list[Entry]:
    """The entries of an object ``data`` in the schema's order, then any fields it does not name."""
    if not isinstance(data, Mapping):
        return []
    return _object_entries(schema if isinstance(schema, Mapping) else {}, data, 0)


def _object_entries(schema: Mapping[str, Any], data: Mapping[str, Any], depth: int) -> list[Entry]:
    properties = schema.get("properties")
    properties = properties if isinstance(properties, Mapping) else {}
    ordered = [name for name in properties if name in data] + [name for name in data if name not in properties]
    return [_entry(name, _sub(properties.get(name)), data[name], depth) for name in ordered
            if data[name] not in (None, "", [], {})]


def _sub(schema: Any) -> Mapping[str, Any]:
    return schema if isinstance(schema, Mapping) else {}


def _entry(name: str, schema: Mapping[str, Any], value: Any, depth: int) -> Entry:
    label = str(schema.get("title") or name)
    if depth < MAX_DEPTH and isinstance(value, Mapping):
        return Entry(name, label, children=_object_entries(schema, value, depth + 1))
    if depth < MAX_DEPTH and isinstance(value, list):
        items = _sub(schema.get("items"))
        if any(isinstance(item, Mapping) for item in value):
            return Entry(name, label, children=[_item(items, label, number, item, depth + 1)
                                                for number, item in enumerate(value, start=1)])
        return Entry(name, label, "; ".join(value_text(items, item) for item in value))
    return Entry(name, label, value_text(schema, value))


def _item(schema: Mapping[str, Any], label: str, number: int, item: Any, depth: int) -> Entry:
    title = f"{schema.get('title') or label} {number}"
    if isinstance(item, Mapping):
        return Entry(str(number), title, children=_object_entries(schema, item, depth))
    return Entry(str(number), title, value_text(schema, item))


def value_text(schema: Mapping[str, Any], value: Any) -> str:
    """A value as text: a choice by its title, a yes/no in words, a number with thousands dots."""
    for choice in schema.get("oneOf") or schema.get("anyOf") or ():
        if isinstance(choice, Mapping) and choice.get("const") == value and choice.get("title"):
            return str(choice["title"])
    if isinstance(value, bool):  # in the forms' own language, as their titles are
        return "Có" if value else "Không"
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")  # Vietnamese groups thousands with dots
    return str(value)
