"""The figures as a file: CSV (UTF-8 with BOM, so spreadsheet programs read the accents) or XLSX.

openpyxl writes the XLSX: the format is a zip of XML parts, which is not worth writing by hand.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

Table = tuple[str, Sequence[str], Sequence[Sequence[Any]]]  # sheet title, header, rows


def to_csv(tables: Sequence[Table]) -> bytes:
    """One CSV file: each table after a line with its title, tables separated by a blank line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for index, (title, header, rows) in enumerate(tables):
        if index:
            writer.writerow([])
        writer.writerow([title])
        writer.writerow(header)
        writer.writerows([[_cell(value) for value in row] for row in rows])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(tables: Sequence[Table]) -> bytes:
    """One workbook, a sheet per table, the header in bold."""
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for title, header, rows in tables:
        sheet = book.create_sheet(_sheet_title(title))
        sheet.append(list(header))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([_cell(value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(value: Any) -> Any:
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        return value.isoformat()  # spreadsheets hold no timezone: write the instant as text
    return value


def _sheet_title(title: str) -> str:
    # Excel limits sheet names to 31 characters and forbids a few.
    cleaned = "".join("-" if ch in "[]:*?/\\" else ch for ch in title)
    return cleaned[:31] or "Sheet"
