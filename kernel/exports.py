"""The one way the portal writes CSV and XLSX files (signatories, agencies, breaches, dashboards).

Every cell that a spreadsheet would run as a formula (starting with =, +, -, @, a tab or a
carriage return) is written as text, with a leading apostrophe, so an export can never carry an
attack into the reader's spreadsheet. Numbers stay numbers.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.http import HttpResponse
from openpyxl import Workbook

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
Cell = str | int | float | Decimal | datetime.date | None


def escape_cell(value: Cell) -> Cell:
    """A cell value that a spreadsheet will show, never evaluate."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float | Decimal | datetime.date):
        return value
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def _rows(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> Iterable[list[Cell]]:
    yield [escape_cell(h) for h in header]
    for row in rows:
        yield [escape_cell(v) for v in row]


def _filename(name: str, extension: str) -> str:
    stem = "".join(c if c.isalnum() or c in "-_" else "-" for c in name).strip("-") or "export"
    return f"{stem}.{extension}"


def csv_response(name: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> HttpResponse:
    """A CSV download (UTF-8 with a byte-order mark so Excel reads it correctly)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in _rows(header, rows):
        writer.writerow("" if v is None else v for v in row)
    response = HttpResponse(
        ("\ufeff" + buffer.getvalue()).encode(), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(name, "csv")}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def xlsx_response(name: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=name[:31] or "Export")
    for row in _rows(header, rows):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(name, "xlsx")}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
