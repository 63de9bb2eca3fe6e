"""Reads of data returns for pages: each return's state, the region's tracker."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from breaches.models import Breach, BreachParty
from cap_exceptions.models import APPROVED_STATES, CapException
from datasharing.models import (
    LINE_FIELDS,
    DataReturn,
    RateLine,
    ReturnCoverage,
    ReturnPeriod,
    ReturnState,
    Revision,
    RevisionState,
    WorkforceLine,
    quarter_dates,
)
from mou.models import LocalAuthority


def latest(revisions: list[Revision]) -> Revision | None:
    return max(revisions, key=lambda r: r.number) if revisions else None


def state_of(revision: Revision | None) -> ReturnState:
    """A return's state from its latest revision."""
    if revision is None:
        return ReturnState.NOT_STARTED
    if revision.state == RevisionState.DRAFT:
        return ReturnState.REOPENED if revision.number > 1 else ReturnState.DRAFT
    if revision.state == RevisionState.SUBMITTED:
        return ReturnState.SUBMITTED
    return ReturnState.AUTHORISED


def is_late(period: ReturnPeriod, revision: Revision | None, today: datetime.date) -> bool:
    """Late: not authorised by the due date (an authorised one submitted late stays late)."""
    if revision is not None and revision.state == RevisionState.AUTHORISED:
        return revision.submitted_late
    return today > period.due_on


@dataclass
class TrackerRow:
    local_authority: LocalAuthority
    data_return: DataReturn | None
    state: ReturnState
    late: bool


def returns_with_latest(
    coverage: QuerySet[ReturnCoverage],
) -> dict[tuple[int, int], tuple[DataReturn, Revision | None]]:
    """For each (period, LA) the coverage rows hold: its return and that return's latest
    revision. Two queries, whatever the number of returns."""
    found = {
        (c.period_id, c.local_authority_id): c.data_return
        for c in coverage.select_related("data_return")
    }
    revisions: dict[int, list[Revision]] = {}
    for each in Revision.objects.filter(
        data_return__in=sorted({r.pk for r in found.values()})
    ).only("pk", "data_return_id", "number", "state", "submitted_late"):
        revisions.setdefault(each.data_return_id, []).append(each)
    return {key: (r, latest(revisions.get(r.pk, []))) for key, r in found.items()}


def tracker(
    period: ReturnPeriod,
    *,
    today: datetime.date,
    authorities: Sequence[LocalAuthority] | None = None,
) -> list[TrackerRow]:
    """Each LA of the period's region (`authorities` when the caller has read them) with its
    return's state: three queries whatever the region's size (two given the LAs)."""
    returns = returns_with_latest(ReturnCoverage.objects.filter(period=period))
    rows = []
    las = (
        authorities if authorities is not None else period.region.local_authorities.order_by("name")
    )
    for la in las:
        data_return, revision = returns.get((period.pk, la.pk), (None, None))
        rows.append(
            TrackerRow(la, data_return, state_of(revision), is_late(period, revision, today))
        )
    return rows


@dataclass
class Prefill:
    """What the portal already holds for a return's LAs and quarter, for the LA to confirm
    rather than retype: cap exceptions approved in the quarter (and who approved them), and
    breaches concerning the LAs that happened in it (and the agencies named in them). Each read
    through the person's own visibility: someone who cannot open those records sees none."""

    exceptions: list = field(default_factory=list)
    breaches: list = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)


def prefill(user, data_return: DataReturn, las: list[LocalAuthority]) -> Prefill:
    period = data_return.period
    start, end = period.starts_on, period.ends_on
    exceptions = list(
        CapException.objects.visible_to(user)
        .filter(
            local_authority__in=las,
            status__in=APPROVED_STATES,
            reported_to_region_at__date__gte=start,
            reported_to_region_at__date__lte=end,
        )
        .select_related("agency", "dcs_approved_by", "second_approved_by", "local_authority")
        .order_by("reported_to_region_at")[:50]
    )
    concerning = BreachParty.objects.filter(local_authority__in=las).values("breach_id")
    breaches = list(
        Breach.objects.visible_to(user)
        .filter(pk__in=concerning, occurred_on__gte=start, occurred_on__lte=end)
        .order_by("occurred_on", "pk")[:50]
    )
    agencies = sorted(
        set(
            BreachParty.objects.filter(breach__in=breaches, agency__isnull=False).values_list(
                "agency__name", flat=True
            )
        )
    )
    return Prefill(exceptions, breaches, agencies)


def counted_revisions() -> QuerySet[Revision]:
    """Every return's counted revision: its latest authorised one (an authorised revision
    reopened counts until a newer one is authorised)."""
    newer = Revision.objects.filter(
        data_return=OuterRef("data_return"),
        state=RevisionState.AUTHORISED,
        number__gt=OuterRef("number"),
    )
    return Revision.objects.filter(state=RevisionState.AUTHORISED).exclude(Exists(newer))


@dataclass
class CountedReturn:
    """An authorised return's figures summed over its job types, for the region's tables."""

    data_return_id: int
    region_id: int
    year: int
    quarter: int
    local_authorities: list[LocalAuthority] = field(default_factory=list)
    totals: dict[str, Decimal] = field(default_factory=dict)  # over its job types
    by_job_type: dict[str, dict[str, Decimal]] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return " and ".join(la.name for la in self.local_authorities)

    @property
    def quarter_end(self) -> datetime.date:
        return quarter_dates(self.year, self.quarter)[1]


def counted_returns(region_ids: list[int], quarters: list[tuple[int, int]]) -> list[CountedReturn]:
    """The counted figures of the regions' returns for those quarters, by job type and summed
    over them: two queries whatever the number of returns."""
    if not region_ids or not quarters:
        return []
    in_quarters = Q()
    for year, quarter in quarters:
        in_quarters |= Q(revision__data_return__period__year=year) & Q(
            revision__data_return__period__quarter=quarter
        )
    rows = (
        WorkforceLine.objects.filter(
            in_quarters,
            revision__in=counted_revisions(),
            revision__data_return__period__region_id__in=region_ids,
        )
        .values(
            "revision__data_return_id",
            "revision__data_return__period__region_id",
            "revision__data_return__period__year",
            "revision__data_return__period__quarter",
            "job_type",
            *LINE_FIELDS,
        )
        .order_by()
    )
    found: dict[int, CountedReturn] = {}
    for row in rows:
        key = row["revision__data_return_id"]
        counted = found.get(key)
        if counted is None:
            counted = found[key] = CountedReturn(
                key,
                row["revision__data_return__period__region_id"],
                row["revision__data_return__period__year"],
                row["revision__data_return__period__quarter"],
                totals=dict.fromkeys(LINE_FIELDS, Decimal(0)),
            )
        values = {name: Decimal(row[name] or 0) for name in LINE_FIELDS}
        counted.by_job_type[row["job_type"]] = values
        for name, value in values.items():
            counted.totals[name] += value
    for coverage in (
        ReturnCoverage.objects.filter(data_return_id__in=sorted(found))
        .select_related("local_authority")
        .order_by("local_authority__name")
    ):
        found[coverage.data_return_id].local_authorities.append(coverage.local_authority)
    return sorted(found.values(), key=lambda r: (r.label, r.year, r.quarter))


@dataclass(frozen=True)
class CountedRate:
    data_return_id: int
    job_type: str
    engagement_type: str
    rate_min: Decimal
    rate_median: Decimal
    rate_max: Decimal
    agency_headcount: int  # the return's agency workers of that job type: what the rate rests on


def counted_rates(region_id: int, year: int, quarter: int) -> list[CountedRate]:
    """The rates paid in the region's counted returns for a quarter, each with the agency
    headcount of its job type: one query."""
    counted = counted_revisions().filter(
        data_return__period__region_id=region_id,
        data_return__period__year=year,
        data_return__period__quarter=quarter,
    )
    headcount = WorkforceLine.objects.filter(
        revision=OuterRef("revision"), job_type=OuterRef("job_type")
    ).values("agency_headcount")[:1]
    return [
        CountedRate(
            row["revision__data_return_id"],
            row["job_type"],
            row["engagement_type"],
            row["rate_min"],
            row["rate_median"],
            row["rate_max"],
            row["workers"] or 0,
        )
        for row in RateLine.objects.filter(revision__in=counted)
        .annotate(workers=Subquery(headcount))
        .values(
            "revision__data_return_id",
            "job_type",
            "engagement_type",
            "rate_min",
            "rate_median",
            "rate_max",
            "workers",
        )
    ]
