"""Sample data that a form accepts, for the sandbox's test dossier.

The test dossier walks a draft with no official typing: each step needs data its form accepts.
The value of a field is, in order: what the analyst chose for it, the schema's ``const``,
``default`` or first of ``examples``, the first of its choices (``enum`` or ``oneOf`` constants), or
a value built from its type and limits. Strings with a ``pattern`` come from rstr (a regular
expression's inverse: written by hand it would be a regex engine of its own), seeded so that the
same draft gives the same dossier. Conditional requirements (``if``/``then``, ``dependentRequired``)
and a list's ``contains`` of a constant are met by filling what the validator still reports missing,
a few rounds at most.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

import rstr
from jsonschema import Draft202012Validator, FormatChecker

SEED = 2026
ROUNDS = 5
SAMPLE_TEXT = "Dữ liệu thử"
FORMATS = {"date": "2026-12-01", "date-time": "2026-12-01T09:00:00+07:00", "email": "thu@example.vn",
           "time": "09:00:00", "uri": "https://example.vn", "uuid": "00000000-0000-4000-8000-000000000000"}


def choices(schema: Any) -> list[Any]:
    """The closed list of values a field offers (``enum``, or the ``const`` of each ``oneOf`` / ``anyOf``)."""
    if not isinstance(schema, Mapping):
        return []
    if isinstance(schema.get("enum"), list):
        return list(schema["enum"])
    for key in ("oneOf", "anyOf"):
        options = schema.get(key)
        if isinstance(options, list) and options and all(isinstance(o, Mapping) and "const" in o for o in options):
            return [o["const"] for o in options]
    return []


def sample(schema: Mapping[str, Any], chosen: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Data ``schema`` (a form) accepts, with ``chosen`` top-level values kept as given."""
    maker = _Maker(schema)
    data = maker.value(schema, "")
    data = dict(data) if isinstance(data, dict) else {}
    data.update(chosen or {})
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    for _ in range(ROUNDS):
        errors = list(validator.iter_errors(data))
        missing = [(list(error.absolute_path), name) for error in errors
                   if error.validator in ("required", "dependentRequired") for name in _missing_names(error)]
        # A list that must contain a given value (a document checklist's conditional item).
        wanted = [(list(error.absolute_path), error.validator_value["const"]) for error in errors
                  if error.validator == "contains" and isinstance(error.validator_value, Mapping)
                  and "const" in error.validator_value]
        if not missing and not wanted:
            break
        for path, name in missing:
            holder = _at(data, path)
            if isinstance(holder, dict) and name not in holder:
                holder[name] = maker.value(_property_schema(schema, [*path, name]), name)
        for path, value in wanted:
            holder = _at(data, path)
            if isinstance(holder, list) and value not in holder:
                holder.append(value)
    return data


class _Maker:
    def __init__(self, root: Mapping[str, Any]) -> None:
        self.root = root
        self.strings = rstr.Rstr(random.Random(SEED))

    def value(self, schema: Any, name: str, depth: int = 0) -> Any:
        schema = self.resolve(schema)
        if not isinstance(schema, Mapping) or depth > 8:
            return SAMPLE_TEXT
        for key in ("const", "default"):
            if key in schema:
                return schema[key]
        if isinstance(schema.get("examples"), list) and schema["examples"]:
            return schema["examples"][0]
        options = choices(schema)
        if options:
            return options[0]
        for key in ("oneOf", "anyOf", "allOf"):
            if isinstance(schema.get(key), list) and schema[key]:
                return self.value({**{k: v for k, v in schema.items() if k != key}, **schema[key][0]}, name, depth + 1)
        kind = schema.get("type")
        kind = next((k for k in kind if k != "null"), "null") if isinstance(kind, list) else kind
        if kind == "object" or (kind is None and "properties" in schema):
            properties = schema.get("properties") or {}
            return {key: self.value(properties.get(key, {}), key, depth + 1) for key in schema.get("required", [])
                    if isinstance(key, str)}
        if kind == "array":
            items = schema.get("items", {})
            count = max(1, int(schema.get("minItems", 1)))
            values = [self.value(items, name, depth + 1) for _ in range(count)]
            if schema.get("uniqueItems") and len(choices(self.resolve(items))) >= count:
                values = choices(self.resolve(items))[:count]
            return values
        if kind in ("integer", "number"):
            low = schema.get("minimum", schema.get("exclusiveMinimum", 0) + (1 if "exclusiveMinimum" in schema else 0))
            return int(low) if kind == "integer" else float(low)
        if kind == "boolean":
            return True
        if kind == "null":
            return None
        return self.text(schema, name)

    def text(self, schema: Mapping[str, Any], name: str) -> str:
        if isinstance(schema.get("pattern"), str):
            return str(self.strings.xeger(schema["pattern"]))
        if schema.get("format") in FORMATS:
            return FORMATS[schema["format"]]
        text = f"{SAMPLE_TEXT} ({name})" if name else SAMPLE_TEXT
        longest = schema.get("maxLength")
        text = text[: int(longest)] if isinstance(longest, int) else text
        shortest = int(schema.get("minLength", 0) or 0)
        return text + "x" * max(0, shortest - len(text))

    def resolve(self, schema: Any) -> Any:
        """Follow a local ``$ref`` (``#/$defs/...``) within the form."""
        seen = 0
        while isinstance(schema, Mapping) and isinstance(schema.get("$ref"), str) and seen < 10:
            node: Any = self.root
            for part in schema["$ref"].lstrip("#").strip("/").split("/"):
                node = node.get(part) if isinstance(node, Mapping) and part else node
            schema = {**{k: v for k, v in schema.items() if k != "$ref"}, **(node if isinstance(node, Mapping) else {})}
            seen += 1
        return schema


def _missing_names(error: Any) -> list[str]:
    if error.validator == "required":
        instance = error.instance if isinstance(error.instance, Mapping) else {}
        return [name for name in error.validator_value if name not in instance]
    return [name for names in (error.validator_value or {}).values() for name in names
            if isinstance(error.instance, Mapping) and name not in error.instance]


def _at(data: Any, path: list[Any]) -> Any:
    for part in path:
        data = data[part] if isinstance(data, (dict, list)) else None
    return data


def _property_schema(schema: Mapping[str, Any], path: list[Any]) -> Any:
    """The declared schema of the field at ``path`` (array indexes step into ``items``)."""
    node: Any = schema
    for part in path:
        if not isinstance(node, Mapping):
            return {}
        node = node.get("items", {}) if isinstance(part, int) else (node.get("properties") or {}).get(part, {})
    return node
