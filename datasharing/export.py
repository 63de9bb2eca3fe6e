"""The export of a region's authorised returns for a period (CSV or XLSX), in one documented
layout: a row per return and core job type, from each return's counted revision. The columns
are declared here once, with what each holds, so the file, the data dictionary page and
docs/data-dictionary.md say the same."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from datasharing.models import (
    LINE_FIELDS,
    LINE_LABELS,
    DataReturn,
    RateLine,
    ReturnCoverage,
    ReturnPeriod,
    Revision,
    WorkforceLine,
)
from datasharing.rates import RATES, as_percentage, rates_of
from datasharing.selectors import counted_revisions
from datasharing.template_file import RATE_COLUMNS
from kernel.exports import Cell
from mou.models import EngagementType, JobType

ENGAGEMENT_LABELS = dict(EngagementType.choices)
PART_LABELS = {"rate_min": "Lowest", "rate_median": "Median", "rate_max": "Highest"}


@dataclass
class ExportRow:
    """One return's figures for one job type, with what the columns read."""

    period: ReturnPeriod
    data_return: DataReturn
    revision: Revision
    las: list = field(default_factory=list)
    line: WorkforceLine | None = None
    rates: dict[tuple[str, str], RateLine] = field(default_factory=dict)

    def values(self) -> dict[str, Decimal | None]:
        return {
            name: None if getattr(self.line, name) is None else Decimal(getattr(self.line, name))
            for name in LINE_FIELDS
        }


@dataclass(frozen=True)
class Column:
    name: str
    description: str
    read: Callable[[ExportRow], Cell]


def _rate(engagement: str, part: str) -> Callable[[ExportRow], Cell]:
    def read(row: ExportRow) -> Cell:
        if row.line is None:
            return None
        found = row.rates.get((row.line.job_type, engagement))
        return getattr(found, part) if found else None

    return read


def _derived(slug: str) -> Callable[[ExportRow], Cell]:
    return lambda row: as_percentage(rates_of(row.values())[slug])


def _line(name: str) -> Callable[[ExportRow], Cell]:
    return lambda row: getattr(row.line, name)


COLUMNS: tuple[Column, ...] = (
    Column("region", "The region's code", lambda r: r.period.region.code),
    Column("period", "The quarter, as 2026-Q3", lambda r: r.period.code),
    Column("reference", "The return's reference", lambda r: r.data_return.reference),
    Column(
        "revision", "The counted (latest authorised) revision's number", lambda r: r.revision.number
    ),
    Column(
        "authorised_on",
        "The day that revision was authorised",
        lambda r: r.revision.authorised_at.date() if r.revision.authorised_at else None,
    ),
    Column(
        "submitted_late",
        "Whether it was submitted after the due date (yes or no)",
        lambda r: "yes" if r.revision.submitted_late else "no",
    ),
    Column(
        "la_codes",
        "The DfE codes of the LAs the return covers, separated by ';' (two or more: a joint return)",
        lambda r: ";".join(la.la_code for la in r.las),
    ),
    Column(
        "la_names", "Their names, separated by ';'", lambda r: ";".join(la.name for la in r.las)
    ),
    Column(
        "job_type", "The core job type (DfE's five)", lambda r: r.line.job_type if r.line else None
    ),
    *(Column(name, LINE_LABELS[name], _line(name)) for name in LINE_FIELDS),
    *(
        Column(
            column,
            f"{PART_LABELS[part]} hourly rate paid, {ENGAGEMENT_LABELS[engagement].lower()} (£)",
            _rate(engagement, part),
        )
        for column, engagement, part in RATE_COLUMNS
    ),
    *(
        Column(rate.slug, f"{rate.label} (%): {rate.formula}, DfE's formula", _derived(rate.slug))
        for rate in RATES
    ),
    Column(
        "total_monthly_agency_cost",
        "Total agency cost in the quarter's last month (£), for the whole return: the same on "
        "each of its rows",
        lambda r: r.revision.total_monthly_agency_cost,
    ),
)
HEADER = [c.name for c in COLUMNS]


def export_rows(period: ReturnPeriod) -> list[list[Cell]]:
    """Every authorised return of the period, a row per job type: four queries whatever the
    number of returns."""
    revisions = list(
        counted_revisions()
        .filter(data_return__period=period)
        .select_related("data_return")
        .order_by("data_return__reference")
    )
    lines: dict[int, list[WorkforceLine]] = {}
    order = {job_type: n for n, job_type in enumerate(JobType.values)}
    for line in sorted(
        WorkforceLine.objects.filter(revision__in=revisions), key=lambda w: order[w.job_type]
    ):
        lines.setdefault(line.revision_id, []).append(line)
    rates: dict[int, dict[tuple[str, str], RateLine]] = {}
    for rate in RateLine.objects.filter(revision__in=revisions):
        rates.setdefault(rate.revision_id, {})[(rate.job_type, rate.engagement_type)] = rate
    las: dict[int, list] = {}
    for coverage in (
        ReturnCoverage.objects.filter(period=period)
        .select_related("local_authority")
        .order_by("local_authority__name")
    ):
        las.setdefault(coverage.data_return_id, []).append(coverage.local_authority)
    rows = []
    for revision in revisions:
        for line in lines.get(revision.pk, []):
            row = ExportRow(
                period,
                revision.data_return,
                revision,
                las.get(revision.data_return_id, []),
                line,
                rates.get(revision.pk, {}),
            )
            rows.append([column.read(row) for column in COLUMNS])
    return rows
