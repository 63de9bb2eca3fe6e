"""The return's template file (CSV or XLSX) and reading it back. A row per core job type: the
LA's code, the period, the job type, the figures in DfE's column names and the rates per
engagement type. Reading never raises on what a file holds: every problem is a message, and
the figures go through the same checks as the form (datasharing.checks)."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field

from openpyxl import load_workbook

from datasharing.checks import Invalid, Value, parse_value
from datasharing.forms import RATE_PARTS, line_name, rate_name
from datasharing.models import LINE_FIELDS, ReturnPeriod
from mou.models import EngagementType, JobType, LocalAuthority

ENGAGEMENT_PREFIX: dict[str, str] = {
    EngagementType.LIMITED_COMPANY_UMBRELLA: "ltd",
    EngagementType.PAYE: "paye",
}
RATE_COLUMNS = [
    (f"{ENGAGEMENT_PREFIX[engagement]}_{part}", engagement, part)
    for engagement in EngagementType.values
    for part, _ in RATE_PARTS
]
HEADER = ["la_code", "period", "job_type", *LINE_FIELDS, *(c for c, _, _ in RATE_COLUMNS)]
MAX_ROWS = 50


def template_rows(local_authority: LocalAuthority, period: ReturnPeriod) -> list[list[str]]:
    """The template's rows, pre-filled with the LA's code, the period and each job type."""
    return [
        [local_authority.la_code, period.code, job_type, *([""] * (len(HEADER) - 3))]
        for job_type in JobType.values
    ]


@dataclass
class ReadFile:
    """What a file held: the form's values by field name (for saving through the form), and
    the problems that stop it being read at all, or a row's."""

    values: dict[str, Value] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def _rows_from_csv(data: bytes) -> list[list[object]]:
    text = data.decode("utf-8-sig")
    return [list(row) for row in csv.reader(io.StringIO(text))]


def _rows_from_xlsx(data: bytes) -> list[list[object]]:
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        sheet = workbook.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 1)]
    finally:
        workbook.close()


def read_return_file(
    data: bytes, kind: str, *, las: Sequence[LocalAuthority], period: ReturnPeriod
) -> ReadFile:
    """Read a template file filled in. A damaged or wrongly laid-out file is one problem; each
    row's problems say the row. Formulas are refused (a cell is its value, not a sum)."""
    result = ReadFile()
    try:
        rows = _rows_from_xlsx(data) if kind == "xlsx" else _rows_from_csv(data)
    except (UnicodeDecodeError, csv.Error):
        result.problems.append("The file could not be read as text: save it as CSV (UTF-8)")
        return result
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, TypeError, IndexError):
        result.problems.append("The spreadsheet could not be read: it may be damaged")
        return result
    rows = [list(row) for row in rows if any(cell not in (None, "") for cell in row)]
    if not rows:
        result.problems.append("The file is empty: fill in the template")
        return result
    header = [str(cell or "").strip().lower() for cell in rows[0]]
    while header and header[-1] == "":
        header.pop()
    if header != HEADER:
        missing = [c for c in HEADER if c not in header]
        extra = [c for c in header if c not in HEADER]
        detail = (
            (
                f"missing {', '.join(missing[:5])}"
                if missing
                else f"unexpected {', '.join(extra[:5])}"
            )
            if missing or extra
            else "the columns are in another order"
        )
        result.problems.append(
            f"The first row must be the template's column names ({detail}). Download the "
            "template and fill it in"
        )
        return result
    if len(rows) - 1 > MAX_ROWS:
        result.problems.append(
            f"The file has more than {MAX_ROWS} rows: a return has one per job type"
        )
        return result
    codes = {la.la_code for la in las}
    seen: set[str] = set()
    for number, row in enumerate(rows[1:], start=2):
        padded: list[object] = [*row, *([None] * len(HEADER))]
        cells = dict(zip(HEADER, padded, strict=False))
        la_code, period_code, job_type = (str(cells[c] or "").strip() for c in HEADER[:3])
        if la_code not in codes:
            result.problems.append(
                f"Row {number}: la_code “{la_code[:10]}” is not this return's local authority "
                f"({', '.join(sorted(codes))})"
            )
            continue
        if period_code != period.code:
            result.problems.append(
                f"Row {number}: period “{period_code[:10]}” is not this return's ({period.code})"
            )
            continue
        if job_type not in JobType.values:
            result.problems.append(
                f"Row {number}: job_type “{job_type[:30]}” is not one of "
                f"{', '.join(JobType.values)}"
            )
            continue
        if job_type in seen:
            result.problems.append(f"Row {number}: {job_type} is given twice")
            continue
        seen.add(job_type)
        for name in LINE_FIELDS:
            result.values[line_name(job_type, name)] = _cell(cells[name])
        for column, engagement, part in RATE_COLUMNS:
            result.values[rate_name(job_type, engagement, part)] = _cell(cells[column])
    return result


def _cell(raw: object) -> Value:
    if isinstance(raw, str) and raw.strip().startswith(("=", "@")):
        return Invalid(raw)  # a formula: the value is wanted, not a calculation
    return parse_value(raw)


def lines_and_rates(
    values: dict[str, Value],
) -> tuple[dict[str, dict[str, Value]], dict[tuple[str, str], dict[str, Value]]]:
    """A file's values as the checks read them: a line per job type given, a rate line per job
    and engagement type with any rate given."""
    lines = {}
    rates = {}
    for job_type in JobType.values:
        if line_name(job_type, LINE_FIELDS[0]) not in values:
            continue
        lines[job_type] = {name: values[line_name(job_type, name)] for name in LINE_FIELDS}
        for engagement in EngagementType.values:
            parts = {part: values[rate_name(job_type, engagement, part)] for part, _ in RATE_PARTS}
            if any(v is not None for v in parts.values()):
                rates[(job_type, engagement)] = parts
    return lines, rates
