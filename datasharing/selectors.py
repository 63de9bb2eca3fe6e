"""Reads of data returns for pages: each return's state, the region's tracker."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch

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


def tracker(period: ReturnPeriod, *, today: datetime.date) -> list[TrackerRow]:
    """Each LA of the period's region with its return's state: three queries whatever the
    region's size."""
    returns = {
        coverage.local_authority_id: coverage.data_return
        for coverage in ReturnCoverage.objects.filter(period=period).select_related("data_return")
    }
    revisions: dict[int, list[Revision]] = {}
    for each in Revision.objects.filter(data_return__period=period).only(
        "pk", "data_return_id", "number", "state", "submitted_late"
    ):
        revisions.setdefault(each.data_return_id, []).append(each)
    rows = []
    for la in period.region.local_authorities.order_by("name"):
        data_return = returns.get(la.pk)
        revision = latest(revisions.get(data_return.pk, [])) if data_return else None
        rows.append(
            TrackerRow(la, data_return, state_of(revision), is_late(period, revision, today))
        )
    return rows


def with_revisions(queryset):
    return queryset.prefetch_related(
        Prefetch("revisions", queryset=Revision.objects.order_by("number"))
    )
