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
    REPORTED_RECENTLY_DAYS,
    CapException,
    ExceptionStatus,
    expiring_soon,
    reported_recently,
)
from cap_exceptions.permissions import awaiting_decision_by

LIMIT = 10  # rows a home list shows; its "see all" link opens the register for the rest


@dataclass
class ExceptionList:
    """One list on the home page: a title (its heading), up to LIMIT exceptions, the date each
    row shows and the register filtered to what the list is part of."""

    key: str  # "decisions", "reported" or "expiring": the section's ids
    title: str
    exceptions: list[CapException]
    date_label: str  # the date each row shows: "Requested", "Reported", "Expires"
    date_field: str
    see_all: str  # the register, filtered to what the list is a part of
    see_all_label: str
    rows: list[tuple[CapException, datetime.date]] = field(init=False, default_factory=list)

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
            key="decisions",
            title="Waiting for your decision",
            exceptions=list(
                visible.filter(awaiting_decision_by(user)).order_by("requested_at", "pk")[:LIMIT]
            ),
            date_label="Requested",
            date_field="requested_at",
            see_all=_register(status=ExceptionStatus.REQUESTED),
            see_all_label="All requests waiting for a decision",
        )
    ]
    leads = access.capability_scope(Capability.LEAD_REGION)
    lead_regions = sorted(leads.region_ids) if not leads.national else []
    if lead_regions:
        lists.append(
            ExceptionList(
                key="reported",
                title=f"Reported to the region in the last {REPORTED_RECENTLY_DAYS} days",
                exceptions=list(
                    visible.filter(
                        reported_recently(today), local_authority__region_id__in=lead_regions
                    ).order_by("-reported_to_region_at", "-pk")[:LIMIT]
                ),
                date_label="Reported",
                date_field="reported_to_region_at",
                see_all=_register(reported="recent"),
                see_all_label=f"All exceptions reported in the last {REPORTED_RECENTLY_DAYS} days",
            )
        )
    la_ids = sorted(access.local_authority_ids(Capability.ACT_FOR_LA))
    if lead_regions or la_ids:
        mine = Q(local_authority__region_id__in=lead_regions) | Q(local_authority_id__in=la_ids)
        lists.append(
            ExceptionList(
                key="expiring",
                title=f"Expiring within {EXPIRY_NOTICE_WORKING_DAYS} working days",
                exceptions=list(
                    visible.filter(mine, expiring_soon(today)).order_by("expires_on", "pk")[:LIMIT]
                ),
                date_label="Expires",
                date_field="expires_on",
                see_all=_register(expiring="soon"),
                see_all_label=f"All exceptions expiring within {EXPIRY_NOTICE_WORKING_DAYS} working days",
            )
        )
    return [item for item in lists if item.exceptions]
