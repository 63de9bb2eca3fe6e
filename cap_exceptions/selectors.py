"""Reads of cap exceptions for pages outside the register: the home page's lists."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import Capability
from accounts.scope import access_for
from cap_exceptions.models import (
    EXPIRY_NOTICE_WORKING_DAYS,
    CapException,
    ExceptionStatus,
    expiring_soon,
)
from cap_exceptions.permissions import awaiting_decision_by

LIMIT = 10
RECENT_DAYS = 30  # "reported recently" on a regional lead's home


@dataclass
class ExceptionList:
    title: str
    exceptions: list[CapException]
    date_label: str  # the date each row shows: "Requested", "Reported", "Expires"
    date_field: str
    see_all: str = ""  # the register, filtered to what the list is a part of
    see_all_label: str = ""
    rows: list[tuple[CapException, datetime.date]] = field(default_factory=list)

    def __post_init__(self) -> None:
        for exception in self.exceptions:
            value = getattr(exception, self.date_field)
            if isinstance(value, datetime.datetime):
                value = timezone.localtime(value).date()
            self.rows.append((exception, value))


def _register(**query: str) -> str:
    return f"{reverse('cap_exceptions:register')}?{urlencode(query)}"


def home_lists(user: User, *, today: datetime.date) -> list[ExceptionList]:
    """The cap exceptions that need this person, for their home: decisions waiting for them;
    for a regional lead, the region's exceptions reported recently; for leads and the LA's
    people, those expiring within 20 working days. At most one query a list; empty lists are
    left out. A national admin has the national register instead."""
    access = access_for(user)
    visible = CapException.objects.visible_to(user).select_related("local_authority", "agency")
    lists = [
        ExceptionList(
            "Waiting for your decision",
            list(visible.filter(awaiting_decision_by(user)).order_by("requested_at", "pk")[:LIMIT]),
            "Requested",
            "requested_at",
            _register(status=ExceptionStatus.REQUESTED),
            "All requests waiting for a decision",
        )
    ]
    leads = access.capability_scope(Capability.LEAD_REGION)
    lead_regions = sorted(leads.region_ids) if not leads.national else []
    if lead_regions:
        since = timezone.now() - datetime.timedelta(days=RECENT_DAYS)
        lists.append(
            ExceptionList(
                f"Reported to the region in the last {RECENT_DAYS} days",
                list(
                    visible.filter(
                        local_authority__region_id__in=lead_regions,
                        reported_to_region_at__gte=since,
                    ).order_by("-reported_to_region_at", "-pk")[:LIMIT]
                ),
                "Reported",
                "reported_to_region_at",
            )
        )
    la_ids = sorted(access.local_authority_ids(Capability.ACT_FOR_LA))
    if lead_regions or la_ids:
        mine = Q(local_authority__region_id__in=lead_regions) | Q(local_authority_id__in=la_ids)
        lists.append(
            ExceptionList(
                f"Expiring within {EXPIRY_NOTICE_WORKING_DAYS} working days",
                list(
                    visible.filter(mine, expiring_soon(today)).order_by("expires_on", "pk")[:LIMIT]
                ),
                "Expires",
                "expires_on",
                _register(expiring="soon"),
                f"All exceptions expiring within {EXPIRY_NOTICE_WORKING_DAYS} working days",
            )
        )
    return [item for item in lists if item.exceptions]
