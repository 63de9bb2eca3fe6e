"""Reads for the home page: what needs each person's attention."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone

from accounts.roles import Role
from accounts.scope import access_for
from breaches.models import Breach, BreachState
from mou.models import Responsible

LIMIT = 10


def home_queues(user) -> list[tuple[str, list[Breach]]]:
    """Named lists of breaches for the home page (at most 10 each, a fixed number of queries)."""
    memberships = access_for(user).memberships
    today = timezone.localdate()
    week_end = today + datetime.timedelta(days=(4 - today.weekday()) % 7)
    visible = Breach.objects.visible_to(user).select_related(
        "level", "awaiting_party__local_authority"
    )
    queues: list[tuple[str, list[Breach]]] = []
    lead_regions = [
        m.region_id
        for m in memberships
        if m.role in (Role.REGIONAL_LEAD, Role.ADMIN) and m.region_id
    ]
    if lead_regions:
        mine = visible.filter(region_id__in=lead_regions)
        queues += [
            (
                "New reports to triage",
                list(mine.filter(state=BreachState.REPORTED).order_by("due_on")[:LIMIT]),
            ),
            (
                "Overdue",
                list(
                    mine.filter(state=BreachState.UNDER_REVIEW, due_on__lt=today).order_by(
                        "due_on"
                    )[:LIMIT]
                ),
            ),
            (
                "Due this week",
                list(
                    mine.filter(
                        state=BreachState.UNDER_REVIEW, due_on__gte=today, due_on__lte=week_end
                    ).order_by("due_on")[:LIMIT]
                ),
            ),
            (
                "Awaiting a reply",
                list(
                    mine.filter(state=BreachState.AWAITING_RESPONSE).order_by("reply_due_on")[
                        :LIMIT
                    ]
                ),
            ),
        ]
    la_ids = [
        m.local_authority_id for m in memberships if m.role in (Role.DCS, Role.LA_WORKFORCE_LEAD)
    ]
    if la_ids:
        needs_reply = visible.filter(
            state=BreachState.AWAITING_RESPONSE, awaiting_party__local_authority_id__in=la_ids
        )
        queues.append(
            (
                "Your local authority is asked to reply",
                list(needs_reply.order_by("reply_due_on")[:LIMIT]),
            )
        )
        dcs_las = [m.local_authority for m in memberships if m.role == Role.DCS]
        if dcs_las:
            at_dcs = Q(
                level__responsible=Responsible.LA_DCS,
                parties__local_authority_id__in=[la.pk for la in dcs_las],
            ) | Q(
                level__responsible=Responsible.REGION_DCS_BOARD,
                region_id__in=[la.region_id for la in dcs_las],
            )
            waiting = (
                visible.filter(at_dcs, state=BreachState.UNDER_REVIEW).distinct().order_by("due_on")
            )
            queues.append(("Escalated to you as DCS", list(waiting[:LIMIT])))
    return queues
