"""Import and export of the organisation: centers, units, officials, leave periods and deputies.

One document, two encodings; ``export → import`` round-trips in either.

JSON::

    {"format": "motcua-org", "version": 1,
     "centers":   [{"code", "name", "kind", "parent", "agency_identifier", "locality"}],
     "units":     [{"code", "name", "kind", "parent", "center"}],
     "officials": [{"username", "full_name", "unit", "center", "roles": ["specialist", ...], "active",
                    "email", "password"}],
     "leave":     [{"username", "starts_on", "ends_on", "reason"}],
     "deputies":  [{"username", "deputy", "valid_from", "valid_to"}]}

CSV: one file, one record per row, with a header row. The ``record`` column says what the row is
(``center | unit | official | leave | deputy``); every other column is named like the JSON key it
carries, so a row is one JSON record flattened. A row fills only its own kind's columns (a value in
another kind's column is an error, it is almost always a shifted cell)::

    record   | columns it fills
    ---------+----------------------------------------------------------------------------------
    center   | code, name, kind (provincial|local), parent (center code), agency_identifier,
             | locality (code of the commune unit whose one-stop desk the center is)
    unit     | code, name, kind (department|division|commune|agency|desk), parent (unit code),
             | center (center code)
    official | username, full_name, unit (unit code), center (center code),
             | roles (separated by ';', e.g. "specialist;unit_leader"), active (true|false),
             | email, password
    leave    | username, starts_on, ends_on, reason
    deputy   | username (who is away), deputy (username of who acts), valid_from, valid_to

Export writes the columns in the order of ``CSV_COLUMNS``; import accepts them in any order, with
``,`` or ``;`` as separator (detected from the header: Vietnamese Excel writes ``;``), UTF-8 with or
without a BOM. Dates are ``YYYY-MM-DD`` (``DD/MM/YYYY`` is accepted too, as spreadsheets rewrite
them); ``active`` accepts true/false, 1/0, yes/no, có/không and defaults to true. Problems name the
row as a spreadsheet shows it (the header is row 1): ``row 7: roles``; in JSON they are JSON
pointers: ``/officials/3/roles``.

Rules of an import:

* All or nothing. Every record is checked first (values, then references against the document and
  the database together); if anything is wrong, ``OrgImportError`` (a ``FormInvalidError``) lists
  every problem and nothing is written.
* Upsert, never duplicate: centers and units are matched by ``code``, officials by ``username``,
  leave by (username, starts_on), deputies by (username, deputy, valid_from). A record states the
  whole row: an empty optional value clears it (e.g. no ``parent``). Nothing absent from the
  document is deleted; to retire an official, import them with ``active`` false.
* References may point to records anywhere in the same document or already in the database.
* ``password`` is used only when an official is created; without one a random password is
  generated and returned in ``ImportResult.initial_passwords`` for the administrator to hand over.
  An import never changes an existing official's password. Export never writes passwords or hashes.
* ``email`` is checked; it is stored (and exported) once the ``official`` table has an ``email``
  column.
* An import may not leave the system without an active administrator when it had one.
"""

from __future__ import annotations

import csv
import io
import json
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from engine.calendar.clock import Clock
from engine.errors import FieldProblem, FormInvalidError
from engine.identity.officials import hash_password
from engine.persistence.models import Center, Deputy, LeavePeriod, Official, Role, Unit

FORMAT_NAME = "motcua-org"
FORMAT_VERSION = 1
FORMATS = ("csv", "json")
CENTER_KINDS = ("provincial", "local")
UNIT_KINDS = ("department", "division", "commune", "agency", "desk")
ROLES = tuple(role.value for role in Role)
MIN_PASSWORD_LENGTH = 8

# record kind -> JSON section, and the keys (CSV columns) each kind carries, in export order.
SECTIONS = {"center": "centers", "unit": "units", "official": "officials", "leave": "leave", "deputy": "deputies"}
FIELDS: dict[str, tuple[str, ...]] = {
    "center": ("code", "name", "kind", "parent", "agency_identifier", "locality"),
    "unit": ("code", "name", "kind", "parent", "center"),
    "official": ("username", "full_name", "unit", "center", "roles", "active", "email", "password"),
    "leave": ("username", "starts_on", "ends_on", "reason"),
    "deputy": ("username", "deputy", "valid_from", "valid_to"),
}
CSV_COLUMNS = ("record", "code", "name", "kind", "parent", "center", "agency_identifier", "locality", "username",
               "full_name", "unit", "roles", "active", "email", "password", "deputy", "starts_on", "ends_on", "reason",
               "valid_from", "valid_to")

_PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/l/I


# --- values ---------------------------------------------------------------------------------------


class ValueProblem(Exception):
    """One value is wrong; the caller knows which field it belongs to."""

    def __init__(self, message: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message = message
        self.message_en = message_en


def parse_text(value: Any, max_length: int = 255, *, code: bool = False) -> str | None:
    """A trimmed string, None when empty; a ``code`` (or username) has no spaces and no ';'."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueProblem("Phải là chuỗi ký tự", "Must be text")
    value = value.strip()
    if not value:
        return None
    if len(value) > max_length:
        raise ValueProblem(f"Dài quá {max_length} ký tự", f"Longer than {max_length} characters")
    if code and re.search(r"[\s;]", value):
        raise ValueProblem(f"Mã '{value}' không được chứa khoảng trắng hay dấu ';'",
                           f"The code '{value}' may not contain spaces or ';'")
    return value


def parse_code(value: Any, max_length: int = 64) -> str | None:
    return parse_text(value, max_length, code=True)


def parse_choice(value: Any, options: tuple[str, ...]) -> str | None:
    text = parse_text(value, 64)
    if text is not None and text not in options:
        raise ValueProblem(f"'{text}' không hợp lệ; phải là một trong: {', '.join(options)}",
                           f"'{text}' is not valid; must be one of: {', '.join(options)}")
    return text


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}$")
_VN_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_date(value: Any) -> date | None:
    """A date from ``YYYY-MM-DD`` or ``DD/MM/YYYY`` (or a date already)."""
    if isinstance(value, datetime):
        raise ValueProblem("Phải là ngày, không kèm giờ", "Must be a date without a time")
    if isinstance(value, date):
        return value
    text = parse_text(value, 32)
    if text is None:
        return None
    try:
        if _ISO_DATE.match(text):
            return date.fromisoformat(text)
        vietnamese = _VN_DATE.match(text)
        if vietnamese:
            day, month, year = (int(part) for part in vietnamese.groups())
            return date(year, month, day)
    except ValueError:
        pass
    raise ValueProblem(f"Ngày không hợp lệ '{text}' (dùng YYYY-MM-DD)", f"Bad date '{text}' (use YYYY-MM-DD)")


_TRUE = {"true", "1", "yes", "y", "có", "co", "x"}
_FALSE = {"false", "0", "no", "n", "không", "khong"}


def parse_bool(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    text = parse_text(value, 16)
    if text is None:
        return None
    if text.lower() in _TRUE:
        return True
    if text.lower() in _FALSE:
        return False
    raise ValueProblem(f"'{text}' không phải đúng/sai (true/false)", f"'{text}' is not true/false")


def parse_roles(value: Any) -> tuple[str, ...]:
    """Roles from a list or a ';'-separated string, each known, in the order of ``Role``."""
    if value is None:
        return ()
    if isinstance(value, str):
        items = [part.strip() for part in value.split(";")]
    elif isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
        items = [item.strip() for item in value]
    else:
        raise ValueProblem("Phải là danh sách vai trò", "Must be a list of roles")
    items = [item for item in items if item]
    unknown = [item for item in items if item not in ROLES]
    if unknown:
        names = ", ".join(f"'{item}'" for item in unknown)
        raise ValueProblem(f"Vai trò không tồn tại: {names} (có: {', '.join(ROLES)})",
                           f"Unknown role: {names} (known: {', '.join(ROLES)})")
    return tuple(role for role in ROLES if role in items)


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+$")


def parse_email(value: Any) -> str | None:
    text = parse_text(value, 255)
    if text is not None and not _EMAIL.match(text):
        raise ValueProblem(f"Email không hợp lệ '{text}'", f"Bad email address '{text}'")
    return text


def parse_password(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueProblem("Phải là chuỗi ký tự", "Must be text")
    if len(value) < MIN_PASSWORD_LENGTH:
        raise ValueProblem(f"Mật khẩu phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự",
                           f"The password needs at least {MIN_PASSWORD_LENGTH} characters")
    if len(value) > 256:
        raise ValueProblem("Mật khẩu dài quá 256 ký tự", "The password is longer than 256 characters")
    return value


def take(problems: list[FieldProblem], where: str, parse: Callable[[Any], Any], value: Any,
         *, required: bool = False) -> Any:
    """``parse(value)``, or None with a problem recorded under ``where``."""
    try:
        result = parse(value)
    except ValueProblem as bad:
        problems.append(FieldProblem(where, bad.message, bad.message_en))
        return None
    if required and result is None:
        problems.append(FieldProblem(where, "Thiếu giá trị bắt buộc", "A required value is missing"))
    return result


def generate_password() -> str:
    """An initial password to hand over: 12 characters without look-alikes (0/O, 1/l/I)."""
    return "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(12))


def has_email_column() -> bool:
    return hasattr(Official, "email")


# --- the document ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Locator:
    """Where a record sits: a CSV row number (header = row 1) or a JSON pointer."""

    row: int | None = None
    pointer: str = ""

    def at(self, name: str | None = None) -> str:
        if self.row is not None:
            return f"row {self.row}: {name}" if name else f"row {self.row}"
        if name:
            return f"{self.pointer}/{name}"
        return self.pointer or "/"

    def vi(self) -> str:
        return f"dòng {self.row}" if self.row is not None else self.pointer

    def en(self) -> str:
        return f"row {self.row}" if self.row is not None else self.pointer


_NOWHERE = Locator()


@dataclass
class CenterRecord:
    code: str
    name: str
    kind: str
    agency_identifier: str
    parent: str | None = None
    locality: str | None = None
    at: Locator = field(default=_NOWHERE, compare=False, repr=False)


@dataclass
class UnitRecord:
    code: str
    name: str
    kind: str
    parent: str | None = None
    center: str | None = None
    at: Locator = field(default=_NOWHERE, compare=False, repr=False)


@dataclass
class OfficialRecord:
    username: str
    full_name: str
    unit: str | None = None
    center: str | None = None
    roles: tuple[str, ...] = ()
    active: bool = True
    email: str | None = None
    password: str | None = field(default=None, repr=False)
    at: Locator = field(default=_NOWHERE, compare=False, repr=False)


@dataclass
class LeaveRecord:
    username: str
    starts_on: date
    ends_on: date
    reason: str | None = None
    at: Locator = field(default=_NOWHERE, compare=False, repr=False)


@dataclass
class DeputyRecord:
    username: str
    deputy: str
    valid_from: date
    valid_to: date
    at: Locator = field(default=_NOWHERE, compare=False, repr=False)


@dataclass
class OrgDocument:
    centers: list[CenterRecord] = field(default_factory=list)
    units: list[UnitRecord] = field(default_factory=list)
    officials: list[OfficialRecord] = field(default_factory=list)
    leave: list[LeaveRecord] = field(default_factory=list)
    deputies: list[DeputyRecord] = field(default_factory=list)


class OrgImportError(FormInvalidError):
    """The organisation document has problems; nothing was written."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        super().__init__(problems, form="org")
        self.message = f"Tệp tổ chức có {len(problems)} lỗi; chưa ghi dữ liệu nào"
        self.message_en = f"The organisation file has {len(problems)} problems; nothing was written"
        self.args = (self.message,)


def detect_format(filename: str | None) -> str:
    """``csv`` or ``json`` from a file name's extension."""
    name = filename or ""
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in FORMATS:
        raise OrgImportError([FieldProblem(
            "file", f"Không nhận ra định dạng của tệp '{filename}': cần đuôi .csv hoặc .json",
            f"Cannot tell the format of '{filename}': use a .csv or .json file")])
    return suffix


# --- reading --------------------------------------------------------------------------------------

_RawRecord = tuple[str, Locator, dict[str, Any]]


def _pointer_key(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _read_json(text: str, problems: list[FieldProblem]) -> list[_RawRecord]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        problems.append(FieldProblem("/", f"JSON không hợp lệ (dòng {error.lineno}, cột {error.colno}): {error.msg}",
                                     f"Invalid JSON (line {error.lineno}, column {error.colno}): {error.msg}"))
        return []
    except RecursionError:
        problems.append(FieldProblem("/", "JSON lồng nhau quá sâu", "The JSON is nested too deeply"))
        return []
    if not isinstance(data, dict):
        problems.append(FieldProblem("/", "Tài liệu phải là một đối tượng JSON", "The document must be a JSON object"))
        return []
    kinds = {section: kind for kind, section in SECTIONS.items()}
    records: list[_RawRecord] = []
    for key, value in data.items():
        pointer = f"/{_pointer_key(key)}"
        if key == "format":
            if value != FORMAT_NAME:
                problems.append(FieldProblem(pointer, f"Phải là '{FORMAT_NAME}'", f"Must be '{FORMAT_NAME}'"))
        elif key == "version":
            if value != FORMAT_VERSION:
                problems.append(FieldProblem(pointer, f"Phiên bản định dạng không hỗ trợ: {value!r}",
                                             f"Unsupported format version: {value!r}"))
        elif key in kinds:
            if not isinstance(value, list):
                problems.append(FieldProblem(pointer, "Phải là một danh sách", "Must be a list"))
                continue
            for index, item in enumerate(value):
                locator = Locator(pointer=f"{pointer}/{index}")
                if isinstance(item, dict):
                    records.append((kinds[key], locator, item))
                else:
                    problems.append(FieldProblem(locator.at(), "Phải là một đối tượng JSON", "Must be a JSON object"))
        else:
            problems.append(FieldProblem(pointer, f"Phần '{key}' không tồn tại (có: {', '.join(kinds)})",
                                         f"Unknown section '{key}' (known: {', '.join(kinds)})"))
    return records


def _read_csv(text: str, problems: list[FieldProblem]) -> list[_RawRecord]:
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
        if header is None:
            problems.append(FieldProblem("row 1", "Tệp rỗng: cần dòng tiêu đề",
                                         "The file is empty: a header is needed"))
            return []
        header = [name.strip().lower() for name in header]
        for position, name in enumerate(header):
            if name not in CSV_COLUMNS:
                problems.append(FieldProblem(f"row 1: {name or f'column {position + 1}'}",
                                             f"Cột không tồn tại '{name}'", f"Unknown column '{name}'"))
            elif header.index(name) != position:
                problems.append(FieldProblem(f"row 1: {name}", f"Cột '{name}' bị lặp", f"Column '{name}' repeats"))
        if "record" not in header:
            problems.append(FieldProblem("row 1: record", "Thiếu cột 'record' (loại bản ghi)",
                                         "The 'record' column (what each row is) is missing"))
        if problems:
            return []
        records: list[_RawRecord] = []
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            locator = Locator(row=number)
            if len(cells) > len(header) and any(cell.strip() for cell in cells[len(header):]):
                problems.append(FieldProblem(locator.at(), f"Có {len(cells)} ô, nhiều hơn {len(header)} cột tiêu đề",
                                             f"{len(cells)} cells, more than the {len(header)} header columns"))
                continue
            values = dict(zip(header, cells, strict=False))
            kind = values.pop("record", "").strip().lower()
            if kind not in FIELDS:
                problems.append(FieldProblem(locator.at("record"),
                                             f"Loại bản ghi không hợp lệ '{kind}' (có: {', '.join(FIELDS)})",
                                             f"Unknown record type '{kind}' (known: {', '.join(FIELDS)})"))
                continue
            for name, value in values.items():
                if name not in FIELDS[kind] and value.strip():
                    problems.append(FieldProblem(locator.at(name), f"Cột '{name}' không dùng cho bản ghi '{kind}'",
                                                 f"The column '{name}' does not apply to '{kind}' records"))
            records.append((kind, locator, {k: v for k, v in values.items() if k in FIELDS[kind]}))
        return records
    except csv.Error as error:
        problems.append(FieldProblem(f"row {reader.line_num}", f"CSV không hợp lệ: {error}", f"Invalid CSV: {error}"))
        return []


def _build(kind: str, at: Locator, values: dict[str, Any], problems: list[FieldProblem]) -> tuple[Any, bool]:
    """One typed record from its raw values (a wrong value left None, with a problem), and whether it is valid."""
    before = len(problems)
    for key in values:
        if key not in FIELDS[kind]:
            problems.append(FieldProblem(at.at(_pointer_key(key)), f"Trường không tồn tại '{key}'",
                                         f"Unknown field '{key}'"))

    def get(name: str, parse: Callable[[Any], Any], required: bool = False) -> Any:
        return take(problems, at.at(name), parse, values.get(name), required=required)

    record: Any
    if kind == "center":
        record = CenterRecord(code=get("code", parse_code, True), name=get("name", parse_text, True),
                              kind=get("kind", lambda v: parse_choice(v, CENTER_KINDS), True),
                              agency_identifier=get("agency_identifier", parse_code, True),
                              parent=get("parent", parse_code),
                              locality=get("locality", lambda v: parse_code(v, 128)), at=at)
    elif kind == "unit":
        record = UnitRecord(code=get("code", lambda v: parse_code(v, 128), True), name=get("name", parse_text, True),
                            kind=get("kind", lambda v: parse_choice(v, UNIT_KINDS), True),
                            parent=get("parent", lambda v: parse_code(v, 128)), center=get("center", parse_code), at=at)
    elif kind == "official":
        active = get("active", parse_bool)
        record = OfficialRecord(username=get("username", parse_code, True),
                                full_name=get("full_name", parse_text, True),
                                unit=get("unit", lambda v: parse_code(v, 128)), center=get("center", parse_code),
                                roles=get("roles", parse_roles) or (), active=True if active is None else active,
                                email=get("email", parse_email), password=get("password", parse_password), at=at)
    elif kind == "leave":
        record = LeaveRecord(username=get("username", parse_code, True), starts_on=get("starts_on", parse_date, True),
                             ends_on=get("ends_on", parse_date, True), reason=get("reason", parse_text), at=at)
        if record.starts_on and record.ends_on and record.ends_on < record.starts_on:
            problems.append(FieldProblem(
                at.at("ends_on"), f"Ngày kết thúc {record.ends_on} trước ngày bắt đầu {record.starts_on}",
                f"The leave ends ({record.ends_on}) before it starts ({record.starts_on})"))
    else:
        record = DeputyRecord(username=get("username", parse_code, True), deputy=get("deputy", parse_code, True),
                              valid_from=get("valid_from", parse_date, True),
                              valid_to=get("valid_to", parse_date, True), at=at)
        if record.username and record.username == record.deputy:
            problems.append(FieldProblem(at.at("deputy"), "Cán bộ không thể là người thay thế của chính mình",
                                         "An official cannot be their own deputy"))
        if record.valid_from and record.valid_to and record.valid_to < record.valid_from:
            problems.append(FieldProblem(
                at.at("valid_to"), f"Ngày hết hiệu lực {record.valid_to} trước ngày bắt đầu {record.valid_from}",
                f"The deputy period ends ({record.valid_to}) before it starts ({record.valid_from})"))
    return record, len(problems) == before


def _decode(content: bytes | str, problems: list[FieldProblem]) -> str | None:
    if isinstance(content, str):
        return content.removeprefix("\ufeff")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.append(FieldProblem("file", "Tệp không phải UTF-8 (hãy lưu CSV dạng 'CSV UTF-8')",
                                     "The file is not UTF-8 (save the CSV as 'CSV UTF-8')"))
        return None


def _parse(content: bytes | str, fmt: str) -> tuple[OrgDocument, list[FieldProblem], set[int]]:
    """Every record (wrong values left None), the problems, and the ids of the records with problems."""
    if fmt not in FORMATS:
        raise OrgImportError([FieldProblem("format", f"Định dạng không hỗ trợ '{fmt}' (csv, json)",
                                           f"Unsupported format '{fmt}' (csv, json)")])
    problems: list[FieldProblem] = []
    text = _decode(content, problems)
    raw = [] if text is None else (_read_json if fmt == "json" else _read_csv)(text, problems)
    document, invalid = OrgDocument(), set()
    for kind, at, values in raw:
        record, valid = _build(kind, at, values, problems)
        getattr(document, SECTIONS[kind]).append(record)
        if not valid:
            invalid.add(id(record))
    return document, problems, invalid


def read_document(content: bytes | str, fmt: str) -> OrgDocument:
    """Parse and check every record's values; raises OrgImportError listing all problems."""
    document, problems, _ = _parse(content, fmt)
    if problems:
        raise OrgImportError(problems)
    return document


_SECTION_ORDER = {section: position for position, section in enumerate(SECTIONS.values())}


def _position(problem: FieldProblem) -> tuple[int, int]:
    """Sort key: file-level problems first, then by CSV row or by JSON section and index."""
    row = re.match(r"row (\d+)", problem.field)
    if row:
        return 0, int(row.group(1))
    pointer = re.match(r"/(\w+)/(\d+)", problem.field)
    if pointer and pointer.group(1) in _SECTION_ORDER:
        return 1 + _SECTION_ORDER[pointer.group(1)], int(pointer.group(2))
    return -1, 0


# --- checking references --------------------------------------------------------------------------


@dataclass
class _Existing:
    """What the database holds already, by code / username."""

    centers: dict[str, Center]
    units: dict[str, Unit]
    officials: dict[str, Official]

    @classmethod
    def load(cls, session: Session) -> _Existing:
        return cls({c.code: c for c in session.scalars(select(Center))},
                   {u.code: u for u in session.scalars(select(Unit))},
                   {o.username: o for o in session.scalars(select(Official))})

    def parents(self, rows: Iterable[Center | Unit]) -> dict[str, str | None]:
        rows = list(rows)
        code_of = {row.id: row.code for row in rows}
        return {row.code: code_of.get(row.parent_id) if row.parent_id else None for row in rows}


def _duplicates(records: list[Any], key: Callable[[Any], Any], name: str, what_vi: str, what_en: str,
                problems: list[FieldProblem]) -> None:
    first: dict[Any, Any] = {}
    for record in records:
        value = key(record)
        if value is None or (isinstance(value, tuple) and None in value):
            continue  # a wrong key value is reported already
        if value in first:
            other = first[value].at
            shown = " / ".join(str(part) for part in value) if isinstance(value, tuple) else value
            problems.append(FieldProblem(record.at.at(name), f"Trùng {what_vi} '{shown}' với {other.vi()}",
                                         f"Duplicate {what_en} '{shown}' (also at {other.en()})"))
        else:
            first[value] = record


def _unknown(record: Any, name: str, value: str | None, known: Iterable[str] | set[str], what_vi: str, what_en: str,
             problems: list[FieldProblem]) -> None:
    if value is not None and value not in known:
        problems.append(FieldProblem(record.at.at(name), f"Không có {what_vi} '{value}'",
                                     f"Unknown {what_en} '{value}'"))


def _cycles(records: list[Any], existing: dict[str, str | None], what_vi: str, what_en: str,
            problems: list[FieldProblem]) -> None:
    records = [record for record in records if record.code is not None]
    parent_of = {**existing, **{record.code: record.parent for record in records}}
    for record in records:
        path, node = [record.code], record.parent
        while node is not None and node in parent_of:
            if node == record.code:
                chain = " → ".join([*path, node])
                problems.append(FieldProblem(record.at.at("parent"), f"Vòng lặp trong cây {what_vi}: {chain}",
                                             f"Cycle in the {what_en} tree: {chain}"))
                break
            if node in path:
                break  # a cycle above this record, reported on its own members
            path.append(node)
            node = parent_of[node]


def check_references(session: Session, document: OrgDocument, *, invalid: set[int] | None = None
                     ) -> list[FieldProblem]:
    """Problems of the document against itself and the database: duplicates, unknown codes, cycles.

    ``invalid`` holds the ids of records whose own values are wrong: they still make their codes
    known (no cascade of "unknown" problems) but do not count for the administrator rule.
    """
    existing = _Existing.load(session)
    problems: list[FieldProblem] = []
    _duplicates(document.centers, lambda r: r.code, "code", "mã trung tâm", "center code", problems)
    _duplicates(document.units, lambda r: r.code, "code", "mã đơn vị", "unit code", problems)
    _duplicates(document.officials, lambda r: r.username, "username", "tên đăng nhập", "username", problems)
    _duplicates(document.leave, lambda r: (r.username, r.starts_on and r.starts_on.isoformat()), "starts_on",
                "kỳ nghỉ (cán bộ / ngày bắt đầu)", "leave (username / start)", problems)
    _duplicates(document.deputies, lambda r: (r.username, r.deputy, r.valid_from and r.valid_from.isoformat()),
                "valid_from",
                "người thay thế (cán bộ / người thay / từ ngày)", "deputy (username / deputy / from)", problems)

    centers = set(existing.centers) | {r.code for r in document.centers}
    units = set(existing.units) | {r.code for r in document.units}
    officials = set(existing.officials) | {r.username for r in document.officials}
    for center in document.centers:
        _unknown(center, "parent", center.parent, centers, "trung tâm cấp trên", "parent center", problems)
        _unknown(center, "locality", center.locality, units, "xã, phường", "locality", problems)
    for unit in document.units:
        _unknown(unit, "parent", unit.parent, units, "đơn vị cấp trên", "parent unit", problems)
        _unknown(unit, "center", unit.center, centers, "trung tâm", "center", problems)
    for official in document.officials:
        _unknown(official, "unit", official.unit, units, "đơn vị", "unit", problems)
        _unknown(official, "center", official.center, centers, "trung tâm", "center", problems)
    for leave in document.leave:
        _unknown(leave, "username", leave.username, officials, "cán bộ", "official", problems)
    for deputy in document.deputies:
        _unknown(deputy, "username", deputy.username, officials, "cán bộ", "official", problems)
        _unknown(deputy, "deputy", deputy.deputy, officials, "cán bộ", "official", problems)

    _cycles(document.centers, existing.parents(existing.centers.values()), "trung tâm", "center", problems)
    _cycles(document.units, existing.parents(existing.units.values()), "đơn vị", "unit", problems)
    problems.extend(_admin_problems(existing, document, invalid or set()))
    return problems


def _admin_problems(existing: _Existing, document: OrgDocument, invalid: set[int]) -> list[FieldProblem]:
    def is_admin(active: bool, roles: Iterable[str]) -> bool:
        return active and Role.ADMIN.value in roles

    if not any(is_admin(o.active, o.roles) for o in existing.officials.values()):
        return []
    records = {r.username: r for r in document.officials if id(r) not in invalid}
    after = [is_admin(r.active, r.roles) for r in records.values()]
    after += [is_admin(o.active, o.roles) for name, o in existing.officials.items() if name not in records]
    if any(after):
        return []
    return [FieldProblem(r.at.at("active" if not r.active else "roles"),
                         "Sau khi nhập sẽ không còn quản trị viên (admin) nào đang hoạt động",
                         "After this import no active administrator (admin) would remain")
            for r in records.values()
            if r.username in existing.officials and is_admin(existing.officials[r.username].active,
                                                             existing.officials[r.username].roles)]


# --- writing --------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    """What an import did, per section; and the passwords generated for new officials."""

    counts: dict[str, dict[str, int]] = field(
        default_factory=lambda: {section: {"created": 0, "updated": 0, "unchanged": 0}
                                 for section in SECTIONS.values()})
    initial_passwords: dict[str, str] = field(default_factory=dict)

    def count(self, section: str, created: bool, changed: bool) -> None:
        self.counts[section]["created" if created else "updated" if changed else "unchanged"] += 1

    def as_dict(self) -> dict[str, Any]:
        return {"counts": self.counts,
                "initial_passwords": [{"username": u, "password": p} for u, p in self.initial_passwords.items()]}


def _state(row: Any, names: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(frozenset(getattr(row, n)) if n == "roles" else getattr(row, n) for n in names)


def _write_tree(session: Session, model: type[Center] | type[Unit], records: list[Any], rows: dict[str, Any],
                names: tuple[str, ...], values: Callable[[Any], dict[str, Any]], section: str,
                result: ImportResult) -> None:
    """Upsert centers or units in two passes: rows first, then parents (the document's order is free)."""
    before = {r.code: _state(rows[r.code], names) for r in records if r.code in rows}
    for record in records:
        row = rows.get(record.code)
        if row is None:
            row = rows[record.code] = model(code=record.code)
            session.add(row)
        for name, value in values(record).items():
            setattr(row, name, value)
    session.flush()
    for record in records:
        rows[record.code].parent_id = rows[record.parent].id if record.parent else None
    for record in records:
        created = record.code not in before
        result.count(section, created, not created and before[record.code] != _state(rows[record.code], names))


def _apply(session: Session, document: OrgDocument, clock: Clock, result: ImportResult) -> None:
    existing = _Existing.load(session)
    centers, units, officials = dict(existing.centers), dict(existing.units), dict(existing.officials)

    _write_tree(session, Center, document.centers, centers,
                ("name", "kind", "agency_identifier", "locality", "parent_id"),
                lambda r: {"name": r.name, "kind": r.kind, "agency_identifier": r.agency_identifier,
                           "locality": r.locality}, "centers", result)
    _write_tree(session, Unit, document.units, units, ("name", "kind", "center_id", "parent_id"),
                lambda r: {"name": r.name, "kind": r.kind, "center_id": centers[r.center].id if r.center else None},
                "units", result)

    with_email = has_email_column()
    names = ("full_name", "unit_id", "center_id", "active", "roles") + (("email",) if with_email else ())
    now = clock.now().astimezone(UTC)
    for record in document.officials:
        official = officials.get(record.username)
        created = official is None
        if official is None:
            password = record.password
            if password is None:
                password = result.initial_passwords[record.username] = generate_password()
            official = officials[record.username] = Official(
                username=record.username, password_hash=hash_password(password), created_at=now)
            session.add(official)
        before = None if created else _state(official, names)
        official.full_name = record.full_name
        official.unit_id = units[record.unit].id if record.unit else None
        official.center_id = centers[record.center].id if record.center else None
        official.active = record.active
        if with_email:
            official.email = record.email  # type: ignore[attr-defined]
        set_roles(official, record.roles)
        result.count("officials", created, not created and before != _state(official, names))
    session.flush()

    ids = {username: official.id for username, official in officials.items()}
    _write_leave(session, document.leave, ids, result)
    _write_deputies(session, document.deputies, ids, result)
    session.flush()


def set_roles(official: Official, roles: Iterable[str]) -> None:
    """Make the official's roles exactly ``roles``, touching only the rows that change."""
    wanted = set(roles)
    if set(official.roles) == wanted:
        return
    official.role_rows[:] = [row for row in official.role_rows if row.role in wanted]
    held = set(official.roles)
    for role in ROLES:
        if role in wanted and role not in held:
            official.roles.append(role)


def _write_leave(session: Session, records: list[LeaveRecord], ids: dict[str, int], result: ImportResult) -> None:
    stored: dict[tuple[int, date], LeavePeriod] = {}
    if records:
        for period in session.scalars(select(LeavePeriod).where(
                LeavePeriod.official_id.in_({ids[r.username] for r in records})).order_by(LeavePeriod.id.desc())):
            stored[(period.official_id, period.starts_on)] = period  # the oldest wins when rows share a start
    for record in records:
        row = stored.get((ids[record.username], record.starts_on))
        if row is None:
            session.add(LeavePeriod(official_id=ids[record.username], starts_on=record.starts_on,
                                    ends_on=record.ends_on, reason=record.reason))
            result.count("leave", True, True)
            continue
        changed = (row.ends_on, row.reason) != (record.ends_on, record.reason)
        row.ends_on, row.reason = record.ends_on, record.reason
        result.count("leave", False, changed)


def _write_deputies(session: Session, records: list[DeputyRecord], ids: dict[str, int],
                    result: ImportResult) -> None:
    stored: dict[tuple[int, int, date], Deputy] = {}
    if records:
        for deputy in session.scalars(select(Deputy).where(
                Deputy.official_id.in_({ids[r.username] for r in records})).order_by(Deputy.id.desc())):
            stored[(deputy.official_id, deputy.deputy_id, deputy.valid_from)] = deputy
    for record in records:
        key = (ids[record.username], ids[record.deputy], record.valid_from)
        row = stored.get(key)
        if row is None:
            session.add(Deputy(official_id=key[0], deputy_id=key[1], valid_from=record.valid_from,
                               valid_to=record.valid_to))
            result.count("deputies", True, True)
            continue
        changed = row.valid_to != record.valid_to
        row.valid_to = record.valid_to
        result.count("deputies", False, changed)


def import_org(session: Session, content: bytes | str, fmt: str, *, clock: Clock) -> ImportResult:
    """Import a CSV or JSON organisation file (see the module docstring). Flushes; never commits.

    Every record is checked before anything is written, and every problem is reported, in file order.
    """
    document, problems, invalid = _parse(content, fmt)
    problems += check_references(session, document, invalid=invalid)
    if problems:
        raise OrgImportError(sorted(problems, key=_position))
    result = ImportResult()
    _apply(session, document, clock, result)
    return result


# --- export ---------------------------------------------------------------------------------------


def _tree_order(records: list[Any]) -> list[Any]:
    """Parents before their children, siblings by code (so a reader sees the tree)."""
    children: dict[str | None, list[Any]] = {}
    codes = {r.code for r in records}
    for record in sorted(records, key=lambda r: r.code):
        children.setdefault(record.parent if record.parent in codes else None, []).append(record)
    ordered: list[Any] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        record = stack.pop()
        ordered.append(record)
        stack.extend(reversed(children.get(record.code, [])))
    seen = {id(r) for r in ordered}
    return ordered + [r for r in sorted(records, key=lambda r: r.code) if id(r) not in seen]  # cycles, if any


def export_document(session: Session) -> OrgDocument:
    """The whole organisation as a document (no passwords, no hashes)."""
    centers = list(session.scalars(select(Center)))
    units = list(session.scalars(select(Unit)))
    center_code = {c.id: c.code for c in centers}
    unit_code = {u.id: u.code for u in units}
    with_email = has_email_column()
    document = OrgDocument(
        centers=_tree_order([CenterRecord(code=c.code, name=c.name, kind=c.kind or "local",
                                          agency_identifier=c.agency_identifier,
                                          parent=center_code.get(c.parent_id) if c.parent_id else None,
                                          locality=c.locality)
                             for c in centers]),
        units=_tree_order([UnitRecord(code=u.code, name=u.name, kind=u.kind,
                                      parent=unit_code.get(u.parent_id) if u.parent_id else None,
                                      center=center_code.get(u.center_id) if u.center_id else None)
                           for u in units]),
        officials=[OfficialRecord(username=o.username, full_name=o.full_name,
                                  unit=unit_code.get(o.unit_id) if o.unit_id else None,
                                  center=center_code.get(o.center_id) if o.center_id else None,
                                  roles=tuple(r for r in ROLES if r in set(o.roles)), active=bool(o.active),
                                  email=getattr(o, "email", None) if with_email else None)
                   for o in session.scalars(select(Official).order_by(Official.username))],
    )
    person = aliased(Official)
    stand_in = aliased(Official)
    document.leave = [
        LeaveRecord(username=username, starts_on=row.starts_on, ends_on=row.ends_on, reason=row.reason)
        for row, username in session.execute(
            select(LeavePeriod, person.username).join(person, person.id == LeavePeriod.official_id)
            .order_by(person.username, LeavePeriod.starts_on, LeavePeriod.id))
    ]
    document.deputies = [
        DeputyRecord(username=username, deputy=deputy, valid_from=row.valid_from, valid_to=row.valid_to)
        for row, username, deputy in session.execute(
            select(Deputy, person.username, stand_in.username)
            .join(person, person.id == Deputy.official_id).join(stand_in, stand_in.id == Deputy.deputy_id)
            .order_by(person.username, Deputy.valid_from, stand_in.username, Deputy.id))
    ]
    return document


def _plain(record: Any, kind: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in FIELDS[kind]:
        if name == "password":
            continue  # never exported
        value = getattr(record, name)
        values[name] = list(value) if isinstance(value, tuple) else value.isoformat() if isinstance(value, date) \
            else value
    return values


def to_json_data(document: OrgDocument) -> dict[str, Any]:
    data: dict[str, Any] = {"format": FORMAT_NAME, "version": FORMAT_VERSION}
    for kind, section in SECTIONS.items():
        data[section] = [_plain(record, kind) for record in getattr(document, section)]
    return data


def render(document: OrgDocument, fmt: str) -> str:
    """The document as JSON or CSV text."""
    if fmt == "json":
        return json.dumps(to_json_data(document), ensure_ascii=False, indent=2) + "\n"
    if fmt != "csv":
        raise ValueError(f"unknown format {fmt!r}")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for kind, section in SECTIONS.items():
        for record in getattr(document, section):
            row: dict[str, Any] = {"record": kind}
            for name, value in _plain(record, kind).items():
                if isinstance(value, list):
                    value = ";".join(value)
                elif isinstance(value, bool):
                    value = "true" if value else "false"
                row[name] = "" if value is None else value
            writer.writerow(row)
    return out.getvalue()


def export_org(session: Session, fmt: str) -> str:
    return render(export_document(session), fmt)


def export_file(session: Session, fmt: str) -> bytes:
    """Bytes to save or download; CSV starts with a BOM so Excel shows Vietnamese correctly."""
    text = export_org(session, fmt)
    return text.encode("utf-8-sig" if fmt == "csv" else "utf-8")
