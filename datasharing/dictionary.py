"""The data dictionary of data returns, generated from where each thing is declared: the
figures (models.LINE_FIELDS), the rates paid, DfE's derived rates (rates.RATES), the checks
(checks.CHECKS), the national statement's questions (national_return) and the export's columns
(export.COLUMNS). The portal's page and docs/data-dictionary.md are both made from it
(`manage.py data_dictionary --write`), and a test keeps the file equal to it."""

from __future__ import annotations

from dataclasses import dataclass

from datasharing.checks import CHECKS, RATE_LABELS
from datasharing.export import COLUMNS
from datasharing.models import FTE_FIELDS, LINE_FIELDS, LINE_LABELS
from datasharing.national_return import current_layout
from datasharing.rates import RATES


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    intro: str
    columns: tuple[str, str, str]
    rows: list[tuple[str, str, str]]


def sections() -> list[Section]:
    layout = current_layout()
    return [
        Section(
            "figures",
            "Figures per core job type",
            "Given for each of DfE's five core job types, as at the quarter's last day (starters "
            "and leavers: during the quarter). Names are DfE's published workforce columns "
            "where DfE has one.",
            ("Field", "Kind", "What it holds"),
            [
                (
                    name,
                    "FTE, 2 decimal places" if name in FTE_FIELDS else "Headcount, whole",
                    LINE_LABELS[name],
                )
                for name in LINE_FIELDS
            ],
        ),
        Section(
            "rates-paid",
            "Hourly rates paid",
            "Per job type and engagement type (limited company or umbrella; PAYE): all three "
            "or none.",
            ("Field", "Kind", "What it holds"),
            [(name, "£ an hour", label) for name, label in RATE_LABELS.items()],
        ),
        Section(
            "derived-rates",
            "Derived rates",
            "Worked out by the portal with DfE's formulas; shown as percentages to one decimal "
            "place.",
            ("Rate", "Formula", "What it is"),
            [(rate.slug, rate.formula, rate.label) for rate in RATES],
        ),
        Section(
            "checks",
            "Checks",
            "Errors block submission; queries need an explanation before submission.",
            ("Code", "Type", "What it checks"),
            [
                (check.code, check.severity.value, check.title)
                for check in sorted(CHECKS.values(), key=lambda c: c.code)
            ],
        ),
        Section(
            "statement",
            f"National statement (layout {layout.version})",
            f"{layout.title}. {layout.source}.",
            ("Key", "Label", "Question"),
            [(q.key, q.label, q.text) for q in layout.questions],
        ),
        Section(
            "export",
            "Export of a period's authorised returns",
            "CSV or XLSX, a row per return and core job type, from each return's counted "
            "(latest authorised) revision, in this column order.",
            ("Column", "", "What it holds"),
            [(column.name, "", column.description) for column in COLUMNS],
        ),
    ]


def as_markdown() -> str:
    lines = [
        "# Data returns: data dictionary",
        "",
        "Generated from the portal's declarations (`python manage.py data_dictionary --write`);",
        "the portal shows the same at /returns/data-dictionary/. Do not edit by hand.",
    ]
    for section in sections():
        lines += ["", f"## {section.title}", "", section.intro, ""]
        header = [c or "Kind" for c in section.columns]
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|" + "---|" * len(header))
        for row in section.rows:
            lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
    return "\n".join(lines) + "\n"
