"""Reads for the home page: what needs each person's attention."""

from __future__ import annotations

import datetime

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from accounts.roles import Role
from accounts.scope import access_for
from breaches.models import OPEN_STATES, Breach, BreachState
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
        queues += _lead_queues(visible.filter(region_id__in=lead_regions), today, week_end)
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


def _lead_queues(
    breaches: QuerySet[Breach], today: datetime.date, week_end: datetime.date
) -> list[tuple[str, list[Breach]]]:
    """The regional lead's four queues in one query: each open breach is put in its queue, ranked
    within it by deadline, and only the first LIMIT of each queue are read."""
    queue = Case(
        When(state=BreachState.REPORTED, then=Value(0)),
        When(state=BreachState.UNDER_REVIEW, due_on__lt=today, then=Value(1)),
        When(
            state=BreachState.UNDER_REVIEW, due_on__gte=today, due_on__lte=week_end, then=Value(2)
        ),
        When(state=BreachState.AWAITING_RESPONSE, then=Value(3)),
        default=None,
        output_field=IntegerField(),
    )
    deadline = Case(
        When(state=BreachState.AWAITING_RESPONSE, then=F("reply_due_on")),
        default=F("due_on"),
    )
    ranked = (
        # Open states first: the (region, state) index finds them; the queue's CASE cannot.
        breaches.filter(state__in=OPEN_STATES)
        .annotate(queue=queue, deadline=deadline)
        .filter(queue__isnull=False)
        .annotate(
            position=Window(
                RowNumber(),
                partition_by=[F("queue")],
                order_by=[F("deadline").asc(nulls_last=True), F("pk").asc()],
            )
        )
        .filter(position__lte=LIMIT)
        .order_by("queue", "position")
    )
    found: dict[int, list[Breach]] = {n: [] for n in range(4)}
    for breach in ranked:
        found[breach.queue].append(breach)
    titles = ["New reports to triage", "Overdue", "Due this week", "Awaiting a reply"]
    return [(title, found[n]) for n, title in enumerate(titles)]
