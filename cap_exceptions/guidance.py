"""What the request and renewal forms tell people before they ask: the caps in force and the
latest expiry the MOU version allows."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from cap_exceptions.models import CapException
from cap_exceptions.services import cap_in_force, latest_expiry, renewal_start
from mou.models import LocalAuthorityQuerySet, MOUVersion, PriceCap


@dataclass
class RegionCaps:
    """One region's caps in force on a day, and how long an exception starting then may run."""

    region: str
    on: datetime.date
    max_months: int
    latest_expiry: datetime.date
    caps: list[PriceCap] = field(default_factory=list)


def for_request(
    local_authorities: LocalAuthorityQuerySet, *, on: datetime.date
) -> list[RegionCaps]:
    """For each region of the LAs the person may ask for: its caps in force on `on` and the
    latest expiry for an exception starting that day (a region with no MOU in force is left
    out: the form says so when a date is given)."""
    regions = {la.region_id: la.region for la in local_authorities}
    guidance = []
    for region in sorted(regions.values(), key=lambda r: r.name):
        version = MOUVersion.objects.in_force_in_region(region, on=on)
        if version is None:
            continue
        guidance.append(
            RegionCaps(
                region=region.name,
                on=on,
                max_months=version.exception_max_months,
                latest_expiry=latest_expiry(version, on),
                caps=list(version.price_caps.order_by("job_type", "engagement_type")),
            )
        )
    return guidance


@dataclass
class RenewalTerms:
    """What a renewal of `current` runs under: from the day after it expires, at the cap in force
    then (None when the MOU then sets none), until the latest expiry allowed."""

    current: CapException
    starts_on: datetime.date
    cap: PriceCap | None
    latest_expiry: datetime.date | None
    problem: str = ""


def for_renewal(current: CapException) -> RenewalTerms:
    start = renewal_start(current)
    try:
        version, cap = cap_in_force(
            current.local_authority, current.job_type, current.engagement_type, start
        )
    except ValidationError as error:
        return RenewalTerms(current, start, None, None, problem=" ".join(error.messages))
    return RenewalTerms(current, start, cap, latest_expiry(version, start))
