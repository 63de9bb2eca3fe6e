"""Reads of data returns for pages: each return's state, the region's tracker."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import QuerySet

from breaches.models import Breach, BreachParty
from cap_exceptions.models import APPROVED_STATES, CapException
from datasharing.models import (
    DataReturn,
    ReturnCoverage,
    ReturnPeriod,
    ReturnState,
    Revision,
    RevisionState,
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


def tracker(period: ReturnPeriod, *, today: datetime.date) -> list[TrackerRow]:
    """Each LA of the period's region with its return's state: three queries whatever the
    region's size."""
    returns = returns_with_latest(ReturnCoverage.objects.filter(period=period))
    rows = []
    for la in period.region.local_authorities.order_by("name"):
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
    breaches = list(
        Breach.objects.visible_to(user)
        .filter(parties__local_authority__in=las, occurred_on__gte=start, occurred_on__lte=end)
        .distinct()
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
