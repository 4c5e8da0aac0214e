"""Forms drawn on the server from a step's JSON Schema, and their posted fields read back into data.

Why server-side rather than a JSON-Schema form library in the browser: the engine already validates
every submission against the same schema (forms.validate) and words each problem per field in
Vietnamese and English, so rendering here keeps that validation single-sourced — the page shows
exactly the engine's verdict at the field, with no second validator in JavaScript that could
disagree with it. The pages stay script-free (the counter's tablets and a strict CSP), and the
libraries that render JSON Schema in the browser (react-jsonschema-form, JSON Forms) would bring a
framework of several hundred kilobytes for the few types our forms use: strings, enums, numbers,
booleans, dates, e-mails, lists of text or of choices, lists of small records, and sections.

A field's name is its path in the data, parts joined by "/" ("applicant/phone",
"convictions/0/offence"), which is also how the engine names an invalid field (FieldProblem.field).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from werkzeug.datastructures import MultiDict

from engine.reads.task_forms import choices

Values = dict[str, Any]  # field name -> the text typed (str) or the boxes ticked (list[str])

LONG_TEXT = 300  # a string allowed to be longer than this gets a text area


@dataclass(frozen=True)
class Option:
    value: str  # as posted
    title: str
    raw: Any  # as the schema has it (a const may be a number)


@dataclass(frozen=True)
class Field:
    name: str
    title: str
    description: str | None
    widget: str  # text, textarea, email, date, number, integer, select, checkbox, checkboxes, lines, section, rows
    required: bool
    options: tuple[Option, ...] = ()
    children: tuple[Field, ...] = ()  # a section's fields; for rows, the fields of one row (names relative)
    role: str | None = None  # x-motcua-role (forms.roles)

    @property
    def html_id(self) -> str:
        return anchor(self.name)

    @property
    def leaf(self) -> str:
        return self.name.rsplit("/", 1)[-1]


def _options(schema: Mapping[str, Any]) -> tuple[Option, ...]:
    raw_by_text = {str(option["const"]): option["const"] for option in schema.get("oneOf") or ()
                   if isinstance(option, dict) and "const" in option}
    raw_by_text.update({str(v): v for v in schema.get("enum") or ()})
    return tuple(Option(c.value, c.title, raw_by_text.get(c.value, c.value)) for c in choices(schema))


def _widget(schema: Mapping[str, Any]) -> str:
    kind = schema.get("type")
    if kind == "object":
        return "section"
    if kind == "array":
        items = schema.get("items") or {}
        if items.get("type") == "object":
            return "rows"
        return "checkboxes" if _options(items) else "lines"
    if _options(schema):
        return "select"
    if kind in ("integer", "number"):
        return str(kind)
    if kind == "boolean":
        return "checkbox"
    if schema.get("format") in ("date", "email"):
        return str(schema["format"])
    max_length = schema.get("maxLength")
    return "textarea" if isinstance(max_length, int) and max_length > LONG_TEXT else "text"


def fields_of(schema: Mapping[str, Any] | None, prefix: str = "",
              skip: frozenset[str] = frozenset()) -> tuple[Field, ...]:
    """The fields of an object schema, in its order; ``skip``: top-level names drawn elsewhere
    (the decision field, drawn as buttons)."""
    if not schema:
        return ()
    required = set(schema.get("required") or ())
    result = []
    for name, sub in (schema.get("properties") or {}).items():
        if not isinstance(sub, dict) or (not prefix and name in skip):
            continue
        result.append(_field(f"{prefix}{name}", name, sub, name in required))
    return tuple(result)


def _field(path: str, name: str, schema: Mapping[str, Any], required: bool) -> Field:
    widget = _widget(schema)
    items = schema.get("items") or {}
    children: tuple[Field, ...] = ()
    if widget == "section":
        children = fields_of(schema, prefix=f"{path}/")
    elif widget == "rows":
        children = fields_of(items)
    return Field(name=path, title=str(schema.get("title") or name), description=schema.get("description"),
                 widget=widget, required=required,
                 options=_options(items if widget == "checkboxes" else schema), children=children,
                 role=schema.get("x-motcua-role"))


# ------------------------------------------------------------------ posted fields -> data


def posted_values(fields: tuple[Field, ...], form: MultiDict[str, str]) -> Values:
    """What the official typed, field by field, to draw the form again exactly as it was sent."""
    values: Values = {}
    for item in fields:
        if item.widget == "section":
            values.update(posted_values(item.children, form))
        elif item.widget == "checkboxes":
            values[item.name] = form.getlist(item.name)
        elif item.widget == "rows":
            for index in range(_row_count(item, form)):
                row = tuple(_row_field(item, index, child) for child in item.children)
                values.update(posted_values(row, form))
        elif item.name in form:
            values[item.name] = form.get(item.name, "")
    return values


def _row_field(rows: Field, index: int, child: Field) -> Field:
    """A field of one record of a list, named by its place ("convictions/0/offence"). Records hold
    plain fields: the library's forms nest no section or list inside a record."""
    return Field(name=f"{rows.name}/{index}/{child.name}", title=child.title, description=child.description,
                 widget=child.widget, required=child.required, options=child.options, role=child.role)


def row_fields(rows: Field, values: Values, extra: int = 0) -> list[tuple[Field, ...]]:
    """The rows of a list of records to draw: those with values, at least one, plus ``extra`` empty."""
    count = max(_row_count(rows, values), 1) + extra
    return [tuple(_row_field(rows, index, child) for child in rows.children) for index in range(count)]


def _row_count(rows: Field, source: Mapping[str, Any]) -> int:
    pattern = re.compile(re.escape(rows.name) + r"/(\d+)/")
    indexes = [int(m.group(1)) for key in source.keys() if (m := pattern.match(key))]
    return min(max(indexes) + 1, 100) if indexes else 0


def data_from(fields: tuple[Field, ...], values: Values) -> dict[str, Any]:
    """The data the engine validates, from what was typed. Empty fields are left out, so a required
    one is reported as missing; text that is not a number is kept as text, so the engine reports
    the type at its field."""
    data: dict[str, Any] = {}
    for item in fields:
        value = _datum(item, values)
        if value is not None:
            data[item.leaf] = value
    return data


def _datum(item: Field, values: Values) -> Any:
    if item.widget == "section":
        inner = data_from(item.children, values)
        return inner if inner or item.required else None
    if item.widget == "rows":
        records = [data_from(row, values) for row in row_fields(item, values)]
        records = [record for record in records if record]
        return records or None
    if item.widget == "checkboxes":
        ticked = set(values.get(item.name) or ())
        chosen = [option.raw for option in item.options if option.value in ticked]
        return chosen or None
    if item.widget == "checkbox":
        return values.get(item.name) == "true"
    text = str(values.get(item.name) or "").strip()
    if not text:
        return None
    if item.widget == "lines":
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        return lines or None
    if item.widget == "select":
        return next((option.raw for option in item.options if option.value == text), text)
    if item.widget in ("integer", "number"):
        return _number(text, integer=item.widget == "integer")
    return text


def _number(text: str, *, integer: bool) -> Any:
    # Officials write 2.000.000 or 2 000 000 for two million, and 1,5 for one and a half.
    compact = text.replace(" ", "").replace("\u00a0", "")
    try:
        if integer:
            return int(compact.replace(".", "")) if re.fullmatch(r"-?\d{1,3}(\.\d{3})+|-?\d+", compact) else text
        return float(compact.replace(".", "").replace(",", ".")) if "," in compact else float(compact)
    except ValueError:
        return text


def values_from(fields: tuple[Field, ...], data: Mapping[str, Any] | None) -> Values:
    """What to show in each field for data already kept (a draft, a completed step's submission)."""
    values: Values = {}
    data = data or {}
    for item in fields:
        if item.leaf not in data:
            continue
        value = data[item.leaf]
        if item.widget == "section" and isinstance(value, Mapping):
            values.update(values_from(item.children, value))
        elif item.widget == "rows" and isinstance(value, list):
            for index, record in enumerate(value):
                inner = values_from(item.children, record if isinstance(record, Mapping) else {})
                values.update({f"{item.name}/{index}/{name}": text for name, text in inner.items()})
        elif item.widget == "checkboxes" and isinstance(value, list):
            values[item.name] = [str(v) for v in value]
        elif item.widget == "lines" and isinstance(value, list):
            values[item.name] = "\n".join(str(v) for v in value)
        elif item.widget == "checkbox":
            values[item.name] = "true" if value is True else ""
        else:
            values[item.name] = "" if value is None else str(value)
    return values


# ------------------------------------------------------------------ the engine's errors -> fields


def anchor(name: str) -> str:
    """The id of a field's element on the page (an input, or the group of a list or section)."""
    return "f-" + re.sub(r"[^A-Za-z0-9_-]", "-", name)


def drawn_names(fields: tuple[Field, ...], values: Values) -> set[str]:
    names: set[str] = set()
    for item in fields:
        names.add(item.name)
        if item.widget == "section":
            names |= drawn_names(item.children, values)
        elif item.widget == "rows":
            for row in row_fields(item, values):
                names |= {child.name for child in row}
    return names


@dataclass
class PlacedErrors:
    at_field: dict[str, list[str]] = field(default_factory=dict)  # field name -> messages
    elsewhere: list[str] = field(default_factory=list)  # about the whole form


def place_errors(problems: list[tuple[str, str]], known: set[str]) -> PlacedErrors:
    """Each (field path, message) at the nearest drawn field: a list item's problem goes to its list
    ("business_lines/2" → "business_lines"); one about the whole form goes to the summary."""
    placed = PlacedErrors()
    for path, message in problems:
        name = path
        while name and name not in known:
            name = name.rsplit("/", 1)[0] if "/" in name else ""
        if name:
            placed.at_field.setdefault(name, []).append(message)
        else:
            placed.elsewhere.append(message)
    return placed
