"""Dashboard figures as tables. The dashboards app owns no data: it reads the other apps' models
through aggregate queries (one or two each, whatever the amount of data).

Every figure passes through `present()` before it is shown or exported, the one place where a
suppression step for figures about numbers of workers will be applied (breach and exception
counts are about organisations and are shown as they are).

Breach counts follow when a breach was logged (`reported_at`); times to resolution, outcomes and
upheld breaches follow when it was resolved (`resolved_at`); escalations follow when they
happened. Quarters are calendar quarters in Europe/London.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, TypedDict, cast

from django.db.models import Count, DateField, Exists, F, Min, OuterRef, Q, QuerySet, Window
from django.db.models.functions import RowNumber, TruncQuarter

from breaches.models import (
    OPEN_STATES,
    Breach,
    BreachEvent,
    BreachParty,
    BreachState,
    BreachType,
    EventKind,
    Outcome,
    due_between_q,
    overdue_q,
)
from cap_exceptions.models import CapException
from dashboards.periods import Period, local_midnight, previous_quarter, quarter_label
from mou.models import LocalAuthority, Region, Signatory, SignatoryStatus, VersionStatus
from msp.models import ReviewAction

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class _Signed(TypedDict):
    signed: bool  # the LA has signed the region's active version


@dataclass
class Figure:
    slug: str
    title: str
    columns: list[str]
    rows: list[list]
    highlight: str | None = None  # the row label to highlight (the DCS's own LA)
    outstanding: list[str] = field(default_factory=list)  # coverage: who has not signed
    chart: bool = False  # drawn as a bar chart over its rows, the table beside it
    note: str = ""  # a sentence under the caption: what is counted
    keys: list[str] = field(default_factory=list)  # a key per row (region code) for links
    links: list[str] = field(default_factory=list)  # set by a view: a URL per row, or none

    @property
    def table_rows(self) -> list[tuple[str, str | None, list[tuple[object, bool]]]]:
        """(label, link, [(value, is a number)]) for each row, as the template shows them."""
        links: list[str | None] = [*self.links] or [None] * len(self.rows)
        return [
            (row[0], link, [(v, _is_number(v)) for v in row[1:]])
            for row, link in zip(self.rows, links, strict=True)
        ]

    @property
    def headers(self) -> list[tuple[str, bool]]:
        """(column, holds numbers) for each column: numbers are right-aligned."""
        return [(self.columns[0], False)] + [
            (name, all(_is_number(row[i]) or row[i] is None for row in self.rows))
            for i, name in enumerate(self.columns[1:], start=1)
        ]


def _is_number(value) -> bool:
    return isinstance(value, int | Decimal) and not isinstance(value, bool)


def present(figure: Figure) -> Figure:
    """The single step every figure passes through before display or export."""
    return figure


def region_authorities(region: Region) -> list[WithAnnotations[LocalAuthority, _Signed]]:
    """The region's LAs by name, each marked `signed` when it has signed the active MOU version:
    one query serving the coverage figure, the per-LA table and the LA filter."""
    signed = Signatory.objects.filter(
        local_authority=OuterRef("pk"),
        version__status=VersionStatus.ACTIVE,
        status=SignatoryStatus.SIGNED,
    )
    authorities = (
        LocalAuthority.objects.filter(region=region)
        .annotate(signed=Exists(signed))
        .order_by("name")
    )
    # The stubs drop the annotation when a custom queryset is iterated.
    return cast("list[WithAnnotations[LocalAuthority, _Signed]]", list(authorities))


@dataclass(frozen=True)
class Selection:
    """What a region dashboard shows: a region, optionally one LA, over a period. Figures that
    share a query read it from here, so the page runs it once."""

    region: Region
    period: Period
    today: datetime.date
    authorities: list[WithAnnotations[LocalAuthority, _Signed]]
    local_authority: LocalAuthority | None = None

    def breaches(self) -> QuerySet[Breach]:
        breaches = Breach.objects.filter(region=self.region)
        if self.local_authority is not None:
            concerning = BreachParty.objects.filter(local_authority=self.local_authority)
            breaches = breaches.filter(pk__in=concerning.values("breach_id"))
        return breaches

    @property
    def this_quarter(self) -> datetime.date:
        """The last quarter of the period, compared with the one before it."""
        return self.period.last

    @cached_property
    def open_breaches(self) -> list[dict]:
        """Open breaches counted by state and level, with how many are overdue or due by Friday
        (one query for three figures)."""
        today = self.today
        week_end = today + datetime.timedelta(days=(4 - today.weekday()) % 7)
        return list(
            self.breaches()
            .filter(state__in=OPEN_STATES)
            .values("state", "level__order", "level__name")
            .annotate(
                n=Count("pk"),
                overdue=Count("pk", filter=overdue_q(today)),
                due=Count("pk", filter=due_between_q(today, week_end)),
            )
            .order_by()
        )

    @cached_property
    def logged(self) -> dict[tuple[datetime.date, str], int]:
        """Breaches logged per (quarter, type) over the period and the quarter before it (one
        query for the per-type table and the logged trend)."""
        start = min(self.period.first, previous_quarter(self.this_quarter))
        return {
            (_as_date(quarter), breach_type): n
            for quarter, breach_type, n in self.breaches()
            .filter(_between("reported_at", start, self.period.end))
            .annotate(quarter=TruncQuarter("reported_at", output_field=DateField()))
            .values_list("quarter", "breach_type")
            .annotate(n=Count("pk"))
            .order_by()
        }


def _between(field_name: str, start: datetime.date, end: datetime.date) -> Q:
    return Q(
        **{f"{field_name}__gte": local_midnight(start), f"{field_name}__lt": local_midnight(end)}
    )


def _quarter_rows(period: Period, values: dict) -> list[list]:
    return [[quarter_label(q), values.get(q, 0)] for q in period.quarters]


def _as_date(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


# --- Region figures ------------------------------------------------------------------------------


def coverage(authorities: list[WithAnnotations[LocalAuthority, _Signed]]) -> Figure:
    """Signatory coverage of the region's active MOU version."""
    outstanding = [la.name for la in authorities if not la.signed]
    rows = [
        ["Signed", len(authorities) - len(outstanding)],
        ["Outstanding", len(outstanding)],
        ["Local authorities", len(authorities)],
    ]
    figure = Figure(
        "coverage", "Signatory coverage of the active MOU version", ["", "Local authorities"], rows
    )
    figure.outstanding = outstanding
    return present(figure)


def open_by_state(selection: Selection) -> Figure:
    counts: dict[str, int] = defaultdict(int)
    for row in selection.open_breaches:
        counts[row["state"]] += row["n"]
    rows = [[BreachState(s).label, counts[s]] for s in OPEN_STATES]
    return present(Figure("open-by-state", "Open breaches by state", ["State", "Breaches"], rows))


def open_by_level(selection: Selection) -> Figure:
    counts: dict[tuple, int] = defaultdict(int)
    for row in selection.open_breaches:
        counts[(row["level__order"] or 0, row["level__name"] or "")] += row["n"]
    rows = [
        [f"{order}. {name}" if order else "Not yet triaged", n]
        for (order, name), n in sorted(counts.items())
    ]
    return present(
        Figure("open-by-level", "Open breaches by escalation level", ["Level", "Breaches"], rows)
    )


def deadlines(selection: Selection) -> Figure:
    rows = [
        ["Overdue", sum(row["overdue"] for row in selection.open_breaches)],
        ["Due this week", sum(row["due"] for row in selection.open_breaches)],
    ]
    return present(
        Figure(
            "deadlines",
            "Deadlines",
            ["", "Breaches"],
            rows,
            note="Open breaches past their deadline today, and those due by Friday.",
        )
    )


def per_local_authority(selection: Selection, *, highlight: str | None = None) -> Figure:
    """Breaches concerning each LA of the region logged in the period's last quarter and the
    quarter before (counts only: one query)."""
    this_q = selection.this_quarter
    last_q = previous_quarter(this_q)
    in_this = _between("breach__reported_at", this_q, selection.period.end)
    in_last = _between("breach__reported_at", last_q, this_q)
    counts = {
        row["local_authority_id"]: row
        for row in BreachParty.objects.filter(
            _between("breach__reported_at", last_q, selection.period.end),
            breach__region=selection.region,
            local_authority__isnull=False,
        )
        .values("local_authority_id")
        .annotate(
            this_q=Count("breach", filter=in_this, distinct=True),
            last_q=Count("breach", filter=in_last, distinct=True),
        )
        .order_by()
    }
    rows = [
        [la.name, counts.get(la.pk, {}).get("this_q", 0), counts.get(la.pk, {}).get("last_q", 0)]
        for la in selection.authorities
    ]
    return present(
        Figure(
            "per-la",
            "Breaches concerning each local authority",
            ["Local authority", quarter_label(this_q), quarter_label(last_q)],
            rows,
            highlight,
            note="Breaches logged in each quarter that name the local authority as a party.",
        )
    )


def per_type(selection: Selection) -> Figure:
    this_q = selection.this_quarter
    last_q = previous_quarter(this_q)
    logged = selection.logged
    rows = [
        [label, logged.get((this_q, value), 0), logged.get((last_q, value), 0)]
        for value, label in BreachType.choices
    ]
    return present(
        Figure(
            "per-type",
            "Breaches by type",
            ["Type of breach", quarter_label(this_q), quarter_label(last_q)],
            rows,
            note="Breaches logged in each quarter.",
        )
    )


def logged_by_quarter(selection: Selection) -> Figure:
    counts: dict[datetime.date, int] = defaultdict(int)
    for (quarter, _type), n in selection.logged.items():
        counts[quarter] += n
    return present(
        Figure(
            "logged",
            "Breaches logged by quarter",
            ["Quarter", "Breaches logged"],
            _quarter_rows(selection.period, counts),
            chart=True,
        )
    )


def median_of_pairs(rows) -> dict:
    """Medians from the one or two middle values per group that `_middle_values` returns."""
    middles: dict = defaultdict(list)
    for group, value in rows:
        middles[group].append(value)
    return {
        group: Decimal(sum(values)) / len(values) if len(values) > 1 else values[0]
        for group, values in middles.items()
    }


def _middle_values(breaches: QuerySet[Breach], group: F | TruncQuarter, *groups) -> QuerySet:
    """The middle one (odd count) or two (even count) `working_days_taken` of each group, ranked
    in the database so only those rows are read, whatever the number of resolved breaches."""
    partition = [group, *groups]
    return (
        breaches.filter(working_days_taken__isnull=False)
        .annotate(
            position=Window(RowNumber(), partition_by=partition, order_by="working_days_taken"),
            size=Window(Count("pk"), partition_by=partition),
        )
        .filter(position__gte=(F("size") + 1) / 2, position__lte=(F("size") + 2) / 2)
    )


def median_days_by_quarter(selection: Selection) -> Figure:
    resolved = selection.breaches().filter(
        _between("resolved_at", selection.period.first, selection.period.end)
    )
    quarter = TruncQuarter("resolved_at", output_field=DateField())
    middles = _middle_values(resolved.annotate(quarter=quarter), quarter).values_list(
        "quarter", "working_days_taken"
    )
    medians = median_of_pairs((_as_date(q), days) for q, days in middles)
    rows = [
        [quarter_label(q), _number(medians[q]) if q in medians else None]
        for q in selection.period.quarters
    ]
    return present(
        Figure(
            "median-days",
            "Median working days from logging to resolution",
            ["Quarter resolved", "Median working days"],
            rows,
            chart=True,
            note="Working days exclude weekends, bank holidays and time waiting for a reply. "
            "Blank: nothing was resolved that quarter.",
        )
    )


def escalations_by_quarter(selection: Selection) -> Figure:
    counts = (
        BreachEvent.objects.filter(
            _between("created_at", selection.period.first, selection.period.end),
            kind=EventKind.ESCALATED,
            breach__in=selection.breaches(),
        )
        .annotate(quarter=TruncQuarter("created_at", output_field=DateField()))
        .values_list("quarter", "to_level")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_quarter: dict = defaultdict(dict)
    levels: set[int] = set()
    for quarter, level, n in counts:
        by_quarter[_as_date(quarter)][level] = n
        levels.add(level)
    levels_shown = sorted(levels) or [2]
    rows = [
        [quarter_label(q), *(by_quarter[q].get(level, 0) for level in levels_shown)]
        for q in selection.period.quarters
    ]
    return present(
        Figure(
            "escalations",
            "Escalations to each level by quarter",
            ["Quarter", *(f"To level {level}" for level in levels_shown)],
            rows,
            chart=True,
            note="By hand or automatically when a deadline passed.",
        )
    )


def agencies_most_upheld(selection: Selection, *, limit: int = 10) -> Figure:
    upheld = selection.breaches().filter(
        _between("resolved_at", selection.period.first, selection.period.end),
        outcome=Outcome.UPHELD,
    )
    rows = [
        [name, n]
        for name, n in BreachParty.objects.filter(agency__isnull=False, breach__in=upheld)
        .values_list("agency__name")
        .annotate(n=Count("breach", distinct=True))
        .order_by("-n", "agency__name")[:limit]
    ]
    return present(
        Figure(
            "agencies-upheld",
            "Agencies with the most upheld breaches",
            ["Agency", "Upheld breaches"],
            rows,
            note=f"Breaches resolved as upheld in the period; the top {limit}.",
        )
    )


def reviews_with_overdue_actions(selection: Selection) -> Figure:
    reviews = (
        ReviewAction.objects.filter(
            review__region=selection.region, done_on__isnull=True, due_on__lt=selection.today
        )
        .values(
            "review_id",
            "review__held_on",
            "review__msp__name",
            "review__agency__name",
            "review__local_authority__name",
        )
        .annotate(n=Count("pk"), oldest=Min("due_on"))
        .order_by("oldest", "review_id")
    )
    rows = [
        [
            r["review__msp__name"] or r["review__agency__name"],
            r["review__local_authority__name"] or "Whole region",
            r["review__held_on"],
            r["n"],
            r["oldest"],
        ]
        for r in reviews
    ]
    return present(
        Figure(
            "reviews-overdue",
            "MSP and agency reviews with overdue actions",
            ["Supplier", "For", "Review held", "Overdue actions", "Oldest due"],
            rows,
        )
    )


def _number(value) -> int | Decimal:
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else value.quantize(Decimal("0.1"))


RegionFigure = Callable[[Selection], Figure]

# The region dashboard's figures in page order, by slug (the CSV export computes only one).
REGION_FIGURES: dict[str, RegionFigure] = {
    "coverage": lambda s: coverage(s.authorities),
    "deadlines": deadlines,
    "open-by-state": open_by_state,
    "open-by-level": open_by_level,
    "per-la": per_local_authority,
    "per-type": per_type,
    "logged": logged_by_quarter,
    "median-days": median_days_by_quarter,
    "escalations": escalations_by_quarter,
    "agencies-upheld": agencies_most_upheld,
    "reviews-overdue": reviews_with_overdue_actions,
}


def region_figure(slug: str, selection: Selection, *, highlight: str | None = None) -> Figure:
    if slug == "per-la":
        return per_local_authority(selection, highlight=highlight)
    return REGION_FIGURES[slug](selection)


# --- National figures ----------------------------------------------------------------------------

NATIONAL_COLUMNS = [
    "Region",
    "Signed",
    "Local authorities",
    "Open breaches",
    "Overdue",
    "Upheld in the period",
    "Median working days to resolution",
    "Cap exceptions in force",
]


def regions_side_by_side(regions: QuerySet[Region], period: Period, today: datetime.date) -> Figure:
    """One row per region (a fixed number of queries: one per measure)."""
    counted = list(regions.annotate(las=Count("local_authorities")).order_by("name"))
    ids = [r.pk for r in counted]
    signed = dict(
        Signatory.objects.filter(
            version__mou__region_id__in=ids,
            version__status=VersionStatus.ACTIVE,
            status=SignatoryStatus.SIGNED,
        )
        .values_list("version__mou__region_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    in_period = _between("resolved_at", period.first, period.end)
    breaches = {
        row["region_id"]: row
        for row in Breach.objects.filter(region_id__in=ids)
        .filter(Q(state__in=OPEN_STATES) | Q(in_period, outcome=Outcome.UPHELD))
        .values("region_id")
        .annotate(
            open=Count("pk", filter=Q(state__in=OPEN_STATES)),
            overdue=Count("pk", filter=overdue_q(today)),
            upheld=Count("pk", filter=Q(in_period, outcome=Outcome.UPHELD)),
        )
        .order_by()
    }
    middles = _middle_values(
        Breach.objects.filter(in_period, region_id__in=ids), F("region_id")
    ).values_list("region_id", "working_days_taken")
    medians = median_of_pairs(middles)
    exceptions = dict(
        CapException.objects.in_force(on=today)
        .filter(local_authority__region_id__in=ids)
        .values_list("local_authority__region_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows = []
    for r in counted:
        counts = breaches.get(r.pk, {})
        rows.append(
            [
                r.name,
                signed.get(r.pk, 0),
                r.las,
                counts.get("open", 0),
                counts.get("overdue", 0),
                counts.get("upheld", 0),
                _number(medians[r.pk]) if r.pk in medians else None,
                exceptions.get(r.pk, 0),
            ]
        )
    return present(
        Figure(
            "regions",
            "Regions side by side",
            NATIONAL_COLUMNS,
            rows,
            note="Open and overdue breaches and cap exceptions in force today; upheld breaches "
            "and the median time to resolution for breaches resolved in the period.",
            keys=[r.code for r in counted],
        )
    )


def national_logged_by_quarter(regions: QuerySet[Region], period: Period) -> Figure:
    counts = {
        _as_date(q): n
        for q, n in Breach.objects.filter(
            _between("reported_at", period.first, period.end), region__in=regions
        )
        .annotate(quarter=TruncQuarter("reported_at", output_field=DateField()))
        .values_list("quarter")
        .annotate(n=Count("pk"))
        .order_by()
    }
    return present(
        Figure(
            "logged",
            "Breaches logged by quarter, all regions",
            ["Quarter", "Breaches logged"],
            _quarter_rows(period, counts),
            chart=True,
        )
    )


NATIONAL_FIGURES = {
    "regions": lambda regions, period, today: regions_side_by_side(regions, period, today),
    "logged": lambda regions, period, today: national_logged_by_quarter(regions, period),
}


def headline(regions: QuerySet[Region], today: datetime.date) -> dict[str, int]:
    """The home page's lead figures for the regions a person's dashboard covers (one query)."""
    week_end = today + datetime.timedelta(days=(4 - today.weekday()) % 7)
    # Every count is of open breaches: reading only those lets the (region, state) index serve.
    return Breach.objects.filter(region__in=regions, state__in=OPEN_STATES).aggregate(
        open=Count("pk"),
        overdue=Count("pk", filter=overdue_q(today)),
        due=Count("pk", filter=due_between_q(today, week_end)),
    )
