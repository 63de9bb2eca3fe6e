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

from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    Expression,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
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
from dashboards.disclosure import SUPPRESSED, Sum, in_full, suppress
from dashboards.periods import Period, local_midnight, quarter_label
from mou.models import LocalAuthority, MOUVersion, Region, Signatory, SignatoryStatus
from msp.models import ReviewAction

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class _Signed(TypedDict):
    signed: bool  # the LA has signed the region's version in force today


@dataclass
class Figure:
    slug: str
    title: str
    columns: list[str]
    rows: list[list]
    highlight: str | None = None  # the row label to highlight (the DCS's own LA)
    outstanding: list[str] = field(default_factory=list)  # coverage: who has not signed
    chart: bool = False  # drawn as a bar chart over its rows, the table beside it
    value_axis: str = ""  # the chart's value axis title when it has several series
    note: str = ""  # under the heading: what is counted, and when the filters do not apply
    keys: list[str] = field(default_factory=list)  # a key per row (region code) for links
    links: list[str] = field(default_factory=list)  # set by a view: a URL per row, or none
    # Figures from data returns: the rows as disclosure cells (dashboards/disclosure.py) and
    # the sums that hold in them; `present()` turns them into `rows`. `full`: for those who
    # run the collection, unsuppressed.
    cells: list[list[object]] | None = None
    sums: list[Sum] = field(default_factory=list)
    full: bool = False

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


# What a numeric cell of a returns table may read instead of a number: aligned like numbers.
NUMERIC_SYMBOLS = frozenset({SUPPRESSED, "not shared"})


def _is_number(value) -> bool:
    if isinstance(value, str):
        return value in NUMERIC_SYMBOLS
    return isinstance(value, int | Decimal) and not isinstance(value, bool)


def present(figure: Figure) -> Figure:
    """The single step every figure passes through before display or export: a figure from
    data returns is suppressed here (disclosure control) unless it is for those who run the
    collection, and rounded either way. Counts of breaches, exceptions and signatories are
    shown as they are."""
    if figure.cells is not None:
        figure.rows = in_full(figure.cells) if figure.full else suppress(figure.cells, figure.sums)
        figure.cells = None
    return figure


def region_authorities(
    region: Region, *, on: datetime.date
) -> list[WithAnnotations[LocalAuthority, _Signed]]:
    """The region's LAs by name, each marked `signed` when it has signed the MOU version in force
    on `on` (today: a scheduled version counts from its start): one query serving the coverage
    figure, the per-LA table and the LA filter."""
    signed = Signatory.objects.filter(
        local_authority=OuterRef("pk"),
        version__in=MOUVersion.objects.in_force(on=on),
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
    # Figures from data returns in full (those who run the collection), else shared and
    # suppressed.
    full_returns: bool = False

    def breaches(self) -> QuerySet[Breach]:
        breaches = Breach.objects.filter(region=self.region)
        if self.local_authority is not None:
            concerning = BreachParty.objects.filter(local_authority=self.local_authority)
            breaches = breaches.filter(pk__in=concerning.values("breach_id"))
        return breaches

    @cached_property
    def _by_state(self) -> list[dict]:
        """Breaches open today or resolved as upheld in the period or the one before, counted
        by state and level: how many are open, overdue, due by Friday and upheld in each period
        (one query for three figures and three headline figures)."""
        today = self.today
        week_end = today + datetime.timedelta(days=(4 - today.weekday()) % 7)
        now, before = self.period, self.period.previous
        is_open = Q(state__in=OPEN_STATES)
        return list(
            self.breaches()
            .filter(is_open | _upheld_between(before.first, now.end))
            .values("state", "level__order", "level__name")
            .annotate(
                n=Count("pk", filter=is_open),
                overdue=Count("pk", filter=overdue_q(today)),
                due=Count("pk", filter=due_between_q(today, week_end)),
                upheld=Count("pk", filter=_upheld_between(now.first, now.end)),
                upheld_before=Count("pk", filter=_upheld_between(before.first, before.end)),
            )
            .order_by()
        )

    @property
    def open_breaches(self) -> list[dict]:
        """Open breaches counted by state and level, with how many are overdue or due by Friday."""
        return [row for row in self._by_state if row["state"] in OPEN_STATES]

    @property
    def upheld(self) -> tuple[int, int]:
        """Breaches resolved as upheld in the period and in the one before."""
        rows = self._by_state
        return sum(row["upheld"] for row in rows), sum(row["upheld_before"] for row in rows)

    @cached_property
    def logged(self) -> dict[tuple[datetime.date, str], int]:
        """Breaches logged per (quarter, type) over the period and the one before it (one query
        for the per-type table, the logged trend and a headline figure)."""
        return {
            (_as_date(quarter), breach_type): n
            for quarter, breach_type, n in self.breaches()
            .filter(_between("reported_at", self.period.previous.first, self.period.end))
            .annotate(quarter=TruncQuarter("reported_at", output_field=DateField()))
            .values_list("quarter", "breach_type")
            .annotate(n=Count("pk"))
            .order_by()
        }

    def logged_in(self, period: Period) -> dict[str, int]:
        """Breaches logged in `period` (this one or the one before) by type."""
        counts: dict[str, int] = defaultdict(int)
        for (quarter, breach_type), n in self.logged.items():
            if period.first <= quarter <= period.last:
                counts[breach_type] += n
        return counts

    @cached_property
    def medians(self) -> dict[str, dict]:
        """Median working days to resolution by quarter resolved (`per_quarter`) and for the
        period and the one before (`per_period`: NOW and BEFORE), in one query for the trend and
        a headline figure."""
        now, before = self.period, self.period.previous
        resolved = self.breaches().filter(_between("resolved_at", before.first, now.end))
        medians = _medians(
            resolved,
            per_quarter=TruncQuarter("resolved_at", output_field=DateField()),
            per_period=Case(
                When(_between("resolved_at", now.first, now.end), then=Value(NOW)),
                default=Value(BEFORE),
            ),
        )
        medians["per_quarter"] = {_as_date(q): m for q, m in medians["per_quarter"].items()}
        return medians


NOW, BEFORE = "now", "before"  # the period, and as many quarters before it


def _between(field_name: str, start: datetime.date, end: datetime.date) -> Q:
    return Q(
        **{f"{field_name}__gte": local_midnight(start), f"{field_name}__lt": local_midnight(end)}
    )


def _upheld_between(start: datetime.date, end: datetime.date) -> Q:
    return Q(_between("resolved_at", start, end), outcome=Outcome.UPHELD)


def _quarter_rows(period: Period, values: dict) -> list[list]:
    return [[quarter_label(q), values.get(q, 0)] for q in period.quarters]


def _as_date(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


# --- Region figures ------------------------------------------------------------------------------

TODAY = "Today's count, whatever the period chosen."


def _region_wide(local_authority: LocalAuthority | None, why: str) -> str:
    """What a figure the LA filter cannot apply to says first in its note when an LA is chosen."""
    if local_authority is None:
        return ""
    return f"All local authorities in the region: {why}. "


def coverage(
    authorities: list[WithAnnotations[LocalAuthority, _Signed]],
    local_authority: LocalAuthority | None = None,
) -> Figure:
    """Signatory coverage of the region's active MOU version."""
    outstanding = [la.name for la in authorities if not la.signed]
    rows = [
        ["Signed", len(authorities) - len(outstanding)],
        ["Outstanding", len(outstanding)],
        ["Local authorities", len(authorities)],
    ]
    note = "Signatures today, whatever the period chosen."
    if local_authority is not None:
        signed = "has not signed" if local_authority.name in outstanding else "has signed"
        note = (
            _region_wide(local_authority, "this figure is not broken down by local authority")
            + f"{local_authority.name} {signed}. {note}"
        )
    figure = Figure(
        "coverage",
        "Signatory coverage of the active MOU version",
        ["", "Local authorities"],
        rows,
        note=note,
    )
    figure.outstanding = outstanding
    return present(figure)


def open_by_state(selection: Selection) -> Figure:
    counts: dict[str, int] = defaultdict(int)
    for row in selection.open_breaches:
        counts[row["state"]] += row["n"]
    rows = [[BreachState(s).label, counts[s]] for s in OPEN_STATES]
    return present(
        Figure(
            "open-by-state",
            "Open breaches by state",
            ["State", "Breaches"],
            rows,
            note=f"Breaches open today. {TODAY}",
        )
    )


def open_by_level(selection: Selection) -> Figure:
    counts: dict[tuple, int] = defaultdict(int)
    for row in selection.open_breaches:
        counts[(row["level__order"] or 0, row["level__name"] or "")] += row["n"]
    rows = [
        [f"{order}. {name}" if order else "Not yet triaged", n]
        for (order, name), n in sorted(counts.items())
    ]
    return present(
        Figure(
            "open-by-level",
            "Open breaches by escalation level",
            ["Level", "Breaches"],
            rows,
            note=f"Breaches open today, by the level they are at. {TODAY}",
        )
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
            note=f"Open breaches past their deadline today, and those due by Friday. {TODAY}",
        )
    )


def _period_columns(selection: Selection, first: str) -> list[str]:
    return [first, selection.period.label, selection.period.previous.label]


def _compared(selection: Selection) -> str:
    period = selection.period
    return f"in the period ({period.label}) and in the previous {period.length} ({period.previous.label})"


def per_local_authority(selection: Selection, *, highlight: str | None = None) -> Figure:
    """Breaches concerning each LA of the region logged in the period and in as many quarters
    before it (counts only: one query). It compares LAs, so the LA filter only marks one."""
    now, before = selection.period, selection.period.previous
    counts = {
        row["local_authority_id"]: row
        for row in BreachParty.objects.filter(
            _between("breach__reported_at", before.first, now.end),
            breach__region=selection.region,
            local_authority__isnull=False,
        )
        .values("local_authority_id")
        .annotate(
            now=Count(
                "breach",
                filter=_between("breach__reported_at", now.first, now.end),
                distinct=True,
            ),
            before=Count(
                "breach",
                filter=_between("breach__reported_at", before.first, before.end),
                distinct=True,
            ),
        )
        .order_by()
    }
    rows = [
        [la.name, counts.get(la.pk, {}).get("now", 0), counts.get(la.pk, {}).get("before", 0)]
        for la in selection.authorities
    ]
    la = selection.local_authority
    region_wide = _region_wide(la, f"the table compares them, with {la.name} marked" if la else "")
    return present(
        Figure(
            "per-la",
            "Breaches concerning each local authority",
            _period_columns(selection, "Local authority"),
            rows,
            highlight,
            note=f"{region_wide}Breaches logged {_compared(selection)} that name the local "
            "authority as a party.",
        )
    )


def per_type(selection: Selection) -> Figure:
    now = selection.logged_in(selection.period)
    before = selection.logged_in(selection.period.previous)
    rows = [[label, now[value], before[value]] for value, label in BreachType.choices]
    return present(
        Figure(
            "per-type",
            "Breaches by type",
            _period_columns(selection, "Type of breach"),
            rows,
            note=f"Breaches logged {_compared(selection)}.",
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
    """Medians from the one or two middle values per group that `_medians` reads."""
    middles: dict = defaultdict(list)
    for group, value in rows:
        middles[group].append(value)
    return {
        group: Decimal(sum(values)) / len(values) if len(values) > 1 else values[0]
        for group, values in middles.items()
    }


def _medians(breaches: QuerySet[Breach], **groupings: Expression | F) -> dict[str, dict]:
    """{grouping: {group: median working_days_taken}} for each grouping of `breaches` (by
    quarter, by period, by region), in one query: the rows are ranked within each group in the
    database and only the middle one (odd count) or two (even count) of a group are read,
    whatever the number of resolved breaches."""
    ranked = breaches.filter(working_days_taken__isnull=False)
    middle = Q()
    for name, group in groupings.items():
        position, size = f"{name}_position", f"{name}_size"
        ranked = ranked.annotate(
            **{
                name: group,
                position: Window(RowNumber(), partition_by=[group], order_by="working_days_taken"),
                size: Window(Count("pk"), partition_by=[group]),
            }
        )
        middle |= Q(
            **{f"{position}__gte": (F(size) + 1) / 2, f"{position}__lte": (F(size) + 2) / 2}
        )
    rows = list(
        ranked.filter(middle).values(
            "working_days_taken",
            *(f"{name}{part}" for name in groupings for part in ("", "_position", "_size")),
        )
    )
    return {
        name: median_of_pairs(
            (row[name], row["working_days_taken"])
            for row in rows
            if (row[f"{name}_size"] + 1) // 2
            <= row[f"{name}_position"]
            <= (row[f"{name}_size"] + 2) // 2
        )
        for name in groupings
    }


def median_days_by_quarter(selection: Selection) -> Figure:
    medians = selection.medians["per_quarter"]
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
            value_axis="Escalations",
            note="By hand or automatically when a deadline passed.",
        )
    )


def agencies_most_upheld(selection: Selection, *, limit: int = 10) -> Figure:
    upheld = selection.breaches().filter(
        _upheld_between(selection.period.first, selection.period.end)
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
    actions = ReviewAction.objects.filter(
        review__region=selection.region, done_on__isnull=True, due_on__lt=selection.today
    )
    la = selection.local_authority
    if la is not None:
        actions = actions.filter(
            Q(review__local_authority=la) | Q(review__local_authority__isnull=True)
        )
    reviews = (
        actions.values(
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
    which = f"Reviews for {la.name} and for the whole region" if la else "Reviews"
    return present(
        Figure(
            "reviews-overdue",
            "MSP and agency reviews with overdue actions",
            ["Supplier", "For", "Review held", "Overdue actions", "Oldest due"],
            rows,
            note=f"{which} with actions not done by their due date. {TODAY}",
        )
    )


def _number(value) -> int | Decimal:
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else value.quantize(Decimal("0.1"))


RegionFigure = Callable[[Selection], Figure]

# The region dashboard's figures, by slug (the CSV export computes only one).
REGION_FIGURES: dict[str, RegionFigure] = {
    "coverage": lambda s: coverage(s.authorities, s.local_authority),
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


# --- Region headline figures ---------------------------------------------------------------------


@dataclass(frozen=True)
class Headline:
    """A number at the top of a region dashboard, with its change on the previous period in
    words (never colour alone), or what it shows when it cannot follow the period."""

    slug: str
    label: str
    value: int | Decimal | None
    change: str
    today: bool = False  # counted today: it cannot follow the period


def _change(now: int | Decimal | None, before: int | Decimal | None, *, previous: str) -> str:
    if now is None:
        return "No figure for the period, so no comparison"
    if before is None:
        return f"No figure for the {previous} to compare with"
    difference = _number(Decimal(now) - Decimal(before))
    if not difference:
        return f"No change from {_number(before)} in the {previous}"
    direction = "Up" if difference > 0 else "Down"
    return f"{direction} {abs(difference)} from {_number(before)} in the {previous}"


SNAPSHOT = "Today's count, whatever the period chosen: not compared with an earlier period"


def region_headlines(selection: Selection) -> list[Headline]:
    """The region dashboard's opening figures: three for the period, each compared with as many
    quarters just before it, and two counted today. They read the queries the figures share
    (`Selection`), so they add none to the page."""
    previous = f"previous {selection.period.length}"
    logged = sum(selection.logged_in(selection.period).values())
    logged_before = sum(selection.logged_in(selection.period.previous).values())
    upheld, upheld_before = selection.upheld
    medians = selection.medians["per_period"]
    median = _number(medians[NOW]) if NOW in medians else None
    median_before = _number(medians[BEFORE]) if BEFORE in medians else None
    open_rows = selection.open_breaches
    return [
        Headline(
            "logged",
            "Breaches logged",
            logged,
            _change(logged, logged_before, previous=previous),
        ),
        Headline(
            "upheld",
            "Breaches upheld",
            upheld,
            _change(upheld, upheld_before, previous=previous),
        ),
        Headline(
            "median-days",
            "Median working days to resolution",
            median,
            _change(median, median_before, previous=previous),
        ),
        Headline("open", "Open today", sum(row["n"] for row in open_rows), SNAPSHOT, today=True),
        Headline(
            "overdue",
            "Overdue today",
            sum(row["overdue"] for row in open_rows),
            SNAPSHOT,
            today=True,
        ),
    ]


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
            version__in=MOUVersion.objects.in_force(on=today),
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
    medians = _medians(
        Breach.objects.filter(in_period, region_id__in=ids), per_region=F("region_id")
    )["per_region"]
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
