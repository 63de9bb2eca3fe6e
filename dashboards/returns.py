"""Dashboard figures from data returns: the returns' state this period, the agency rate by LA
over quarters, the rates paid against the caps, and regions side by side. Each reads the
counted (latest authorised) revisions; beyond those who run the collection, a return's figures
appear only for quarters at whose last day its LAs were party to the region's data sharing
agreement in force ("not shared" otherwise), and every table passes the disclosure step in
`present()`."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from functools import cached_property
from statistics import median

from django.db.models import Count, Q, QuerySet

from dashboards.disclosure import Cell, Kind, row_and_column_sums
from dashboards.figures import Figure, Selection, present
from dashboards.periods import quarter_label
from datasharing.agreements import sharing_las
from datasharing.models import ReturnPeriod, quarter_dates
from datasharing.rates import rates_of
from datasharing.selectors import CountedReturn, counted_rates, counted_returns, tracker
from mou.models import EngagementType, JobType, PriceCap, Region, VersionStatus

NOT_SHARED = "not shared"
JOB_LABELS = dict(JobType.choices)
ENGAGEMENT_LABELS = dict(EngagementType.choices)
RATE_QUARTERS = 4  # the agency rate table shows the last quarters of the period chosen
SHARING_NOTE = (
    "From authorised returns. A local authority's figures are shown only for quarters at whose "
    "last day it was a party to the region's data sharing agreement; 1 to 5 workers, and what is "
    "worked out from them, are shown as c."
)
FULL_NOTE = "From authorised returns, in full: you run the region's collection."


def _quarters(selection: Selection, count: int) -> list[tuple[int, int]]:
    starts = selection.period.quarters[-count:]
    return [(q.year, (q.month - 1) // 3 + 1) for q in starts]


def _shared(returns: list[CountedReturn]) -> set[int]:
    """The returns whose every LA was party to the agreement on the quarter's last day."""
    gate = sharing_las(
        [la.pk for r in returns for la in r.local_authorities], [r.quarter_end for r in returns]
    )
    return {
        r.data_return_id
        for r in returns
        if r.local_authorities and all((la.pk, r.quarter_end) in gate for la in r.local_authorities)
    }


def latest_period(region: Region, today: datetime.date) -> ReturnPeriod | None:
    return (
        ReturnPeriod.objects.filter(region=region, opens_on__lte=today)
        .order_by("-year", "-quarter")
        .first()
    )


class ReturnsData:
    """What the region's return figures read, each once per page: the counted returns of the
    period's last quarters and which of them are shared with this viewer."""

    def __init__(self, selection: Selection) -> None:
        self.selection = selection
        self.full = selection.full_returns

    @cached_property
    def quarters(self) -> list[tuple[int, int]]:
        return _quarters(self.selection, RATE_QUARTERS)

    @cached_property
    def counted(self) -> list[CountedReturn]:
        return counted_returns([self.selection.region.pk], self.quarters)

    @cached_property
    def shared(self) -> set[int]:
        """Return ids whose figures this viewer sees (all of them, in full)."""
        if self.full:
            return {r.data_return_id for r in self.counted}
        return _shared(self.counted)


def returns_status(data: ReturnsData) -> Figure:
    """Each LA's return this period (the latest open): about organisations, never suppressed."""
    selection = data.selection
    period = latest_period(selection.region, selection.today)
    if period is None:
        return present(
            Figure("returns-status", "Data returns this period", ["State", "Local authorities"], [])
        )
    rows = tracker(period, today=selection.today, authorities=selection.authorities)
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[row.state] += 1
    late = sum(r.late for r in rows)
    return present(
        Figure(
            "returns-status",
            f"Data returns for {period.label}",
            ["State", "Local authorities"],
            [
                ["Not started", counts["not_started"]],
                ["In draft", counts["draft"] + counts["reopened"]],
                ["Submitted, awaiting authorisation", counts["submitted"]],
                ["Authorised", counts["authorised"]],
                ["Late", late],
            ],
            note=f"Due {period.due_on:%-d %B %Y}. Today's state, whatever the period chosen.",
        )
    )


def agency_rate_by_la(data: ReturnsData) -> Figure:
    """Agency workers' share of the FTE (DfE's agency rate) for each LA, by quarter."""
    selection = data.selection
    quarters, returns, shared = data.quarters, data.counted, data.shared
    by_label: dict[str, dict[tuple[int, int], CountedReturn]] = defaultdict(dict)
    for r in returns:
        by_label[r.label][(r.year, r.quarter)] = r
    covered = {la.pk for r in returns for la in r.local_authorities}
    for la in selection.authorities:
        if la.pk not in covered:
            by_label[la.name] = {}
    cells: list[list[object]] = []
    for label in sorted(by_label):
        row: list[object] = [label]
        for q in quarters:
            found = by_label[label].get(q)
            if found is None:
                row.append(None)
            elif found.data_return_id not in shared:
                row.append(NOT_SHARED)
            else:
                rate = rates_of(found.totals)["agency_rate_fte"]
                row.append(
                    Cell(
                        None if rate is None else rate * 100,
                        basis=int(found.totals["agency_headcount"]),
                        kind=Kind.RATE,
                    )
                )
        cells.append(row)
    return present(
        Figure(
            "agency-rate",
            "Agency rate by local authority (% of FTE)",
            ["Local authority"]
            + [quarter_label(datetime.date(y, 3 * q - 2, 1)) for y, q in quarters],
            [],
            note=FULL_NOTE if selection.full_returns else SHARING_NOTE,
            cells=cells,
            full=selection.full_returns,
        )
    )


def agency_headcount(data: ReturnsData) -> Figure:
    """Agency workers (headcount) by LA and job type in the period's last quarter, with totals:
    small numbers as c, and more hidden wherever the totals would give them away."""
    quarter = data.quarters[-1]
    shown = [
        r
        for r in data.counted
        if (r.year, r.quarter) == quarter and r.data_return_id in data.shared
    ]
    jobs = list(JOB_LABELS)
    counts = [
        [int(r.by_job_type.get(job, {}).get("agency_headcount", 0)) for job in jobs] for r in shown
    ]
    counts = [[*row, sum(row)] for row in counts]
    if counts:
        counts.append([sum(column) for column in zip(*counts, strict=True)])
    labels = [r.label for r in shown] + (["All shown"] if counts else [])
    cells: list[list[object]] = [
        [label, *(Cell(n, basis=n) for n in row)] for label, row in zip(labels, counts, strict=True)
    ]
    label = quarter_label(datetime.date(quarter[0], 3 * quarter[1] - 2, 1))
    return present(
        Figure(
            "agency-headcount",
            f"Agency workers by local authority and job type, {label}",
            ["Local authority", *JOB_LABELS.values(), "All job types"],
            [],
            note=(FULL_NOTE if data.full else SHARING_NOTE + " Only shared returns are listed.")
            + " Headcounts.",
            cells=cells,
            sums=row_and_column_sums(
                len(cells), len(jobs) + 2, total_row=True, total_column=True, first_column=1
            )
            if cells
            else [],
            full=data.full,
        )
    )


def rates_against_caps(data: ReturnsData) -> Figure:
    """The hourly rates paid in the period's last quarter against the cap in force on its last
    day, by job and engagement type: the lowest, the median of the LAs' medians and the
    highest, and how many LAs paid above the cap."""
    selection = data.selection
    year, quarter = data.quarters[-1]
    quarter_end = quarter_dates(year, quarter)[1]
    rates = [
        r
        for r in counted_rates(selection.region.pk, year, quarter)
        if r.data_return_id in data.shared
    ]
    caps = {
        (cap.job_type, cap.engagement_type): cap.max_hourly_rate
        for cap in PriceCap.objects.filter(
            Q(version__effective_to__isnull=True) | Q(version__effective_to__gt=quarter_end),
            version__mou__region=selection.region,
            version__status=VersionStatus.PUBLISHED,
            version__effective_from__lte=quarter_end,
        )
    }
    grouped: dict[tuple[str, str], list] = defaultdict(list)
    for r in rates:
        grouped[(r.job_type, r.engagement_type)].append(r)
    cells: list[list[object]] = []
    for job_type, job_label in JOB_LABELS.items():
        for engagement, engagement_label in ENGAGEMENT_LABELS.items():
            found = grouped.get((job_type, engagement), [])
            cap = caps.get((job_type, engagement))
            if not found and cap is None:
                continue
            workers = sum(r.agency_headcount for r in found)

            def rate(value: Decimal | None, basis: int = workers) -> Cell:
                return Cell(value, basis=basis, kind=Kind.MONEY)

            above = sum(1 for r in found if cap is not None and r.rate_max > cap)
            cells.append(
                [
                    f"{job_label}, {engagement_label}",
                    Cell(cap, kind=Kind.MONEY) if cap is not None else None,
                    rate(min(r.rate_min for r in found)) if found else None,
                    rate(Decimal(median(r.rate_median for r in found))) if found else None,
                    rate(max(r.rate_max for r in found)) if found else None,
                    Cell(above),  # local authorities: never suppressed
                ]
            )
    return present(
        Figure(
            "rates-against-caps",
            f"Hourly rates paid against the caps, {quarter_label(datetime.date(year, 3 * quarter - 2, 1))}",
            [
                "Job and engagement type",
                "Cap (£)",
                "Lowest (£)",
                "Median (£)",
                "Highest (£)",
                "Local authorities above the cap",
            ],
            [],
            note=(FULL_NOTE if selection.full_returns else SHARING_NOTE)
            + " The cap is the one in force on the quarter's last day.",
            cells=cells,
            full=selection.full_returns,
        )
    )


def regions_returns(regions: QuerySet[Region], today: datetime.date, *, full: bool) -> Figure:
    """Each region's returns for its latest open period, and the agency rate across the
    returns shared (all of them, for national admins)."""
    counted = list(regions.annotate(las=Count("local_authorities")).order_by("name"))
    latest: dict[int, ReturnPeriod] = {}
    for p in ReturnPeriod.objects.filter(region__in=counted, opens_on__lte=today).order_by(
        "-year", "-quarter"
    ):
        latest.setdefault(p.region_id, p)
    quarters = sorted({(p.year, p.quarter) for p in latest.values()})
    returns = [
        r
        for r in counted_returns([r.pk for r in counted], quarters)
        if (r.year, r.quarter) == (latest[r.region_id].year, latest[r.region_id].quarter)
    ]
    shared = {r.data_return_id for r in returns} if full else _shared(returns)
    cells: list[list[object]] = []
    for region in counted:
        mine = [r for r in returns if r.region_id == region.pk]
        authorised = sum(len(r.local_authorities) for r in mine)
        open_to_me = [r for r in mine if r.data_return_id in shared]
        totals: dict[str, Decimal] = defaultdict(Decimal)
        for r in open_to_me:
            for name, value in r.totals.items():
                totals[name] += value
        rate = rates_of(totals)["agency_rate_fte"] if open_to_me else None
        period = latest.get(region.pk)
        cells.append(
            [
                region.name,
                period.label if period else "No period yet",
                Cell(authorised),
                Cell(region.las),
                Cell(
                    None if rate is None else rate * 100,
                    basis=int(totals["agency_headcount"]),
                    kind=Kind.RATE,
                )
                if open_to_me
                else (NOT_SHARED if mine else None),
            ]
        )
    return present(
        Figure(
            "regions-returns",
            "Data returns by region, latest period",
            [
                "Region",
                "Period",
                "Local authorities with an authorised return",
                "Local authorities",
                "Agency rate (%)",
            ],
            [],
            note=FULL_NOTE if full else SHARING_NOTE,
            keys=[r.code for r in counted],
            cells=cells,
            full=full,
        )
    )


# The region dashboard's figures from data returns, by slug (beside figures.REGION_FIGURES).
RETURN_FIGURES = {
    "returns-status": returns_status,
    "agency-rate": agency_rate_by_la,
    "agency-headcount": agency_headcount,
    "rates-against-caps": rates_against_caps,
}
