"""Reads for the home page: what needs each person's attention."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import urlencode

from django.db.models import (
    Case,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Capability
from accounts.scope import access_for
from breaches.models import OPEN_STATES, Breach, BreachParty, BreachState, party_reached_by_msp
from mou.models import Responsible

if TYPE_CHECKING:
    from accounts.models import User

LIMIT = 10


class Queue(NamedTuple):
    """A list on a person's home page: what waits on them, and the breach list it is the top of
    (empty: no filter gives the same list)."""

    title: str
    breaches: list[Breach]
    see_all: str = ""


def _list_link(**query: str) -> str:
    return f"{reverse('breaches:list')}?{urlencode(query)}"


def awaiting_reply_from(user: User) -> Q:
    """Breaches waiting for a reply from a party this person answers for: their LA, or a party
    their MSP answers for (party_reached_by_msp). The home page's reply queues and the list's
    `awaiting=you` filter both ask this."""
    access = access_for(user)
    q = Q(pk__in=[])
    la_ids = access.local_authority_ids(Capability.ACT_FOR_LA)
    if la_ids:
        q |= Q(awaiting_party__local_authority_id__in=sorted(la_ids))
    for msp_id in sorted(access.msp_ids(Capability.ACT_FOR_MSP)):
        reached = BreachParty.objects.filter(pk=OuterRef("awaiting_party_id")).filter(
            party_reached_by_msp(msp_id)
        )
        q |= Q(Exists(reached))
    return Q(state=BreachState.AWAITING_RESPONSE) & q


def home_queues(user: User) -> list[Queue]:
    """Named lists of breaches for the home page (at most 10 each, a fixed number of queries)."""
    access = access_for(user)
    today = timezone.localdate()
    week_end = today + datetime.timedelta(days=(4 - today.weekday()) % 7)
    visible = Breach.objects.visible_to(user).select_related(
        "level", "awaiting_party__local_authority"
    )
    queues: list[Queue] = []
    # A lead's queues are for their regions; a national admin has the national views instead.
    leads = access.capability_scope(Capability.LEAD_REGION)
    if leads.region_ids and not leads.national:
        queues += _lead_queues(
            visible.filter(region_id__in=sorted(leads.region_ids)), today, week_end
        )
    la_ids = access.local_authority_ids(Capability.ACT_FOR_LA)
    msp_ids = access.msp_ids(Capability.ACT_FOR_MSP)
    if la_ids or msp_ids:
        needs_reply = visible.filter(awaiting_reply_from(user)).order_by("reply_due_on", "pk")
        queues.append(
            Queue(
                "Your local authority is asked to reply"
                if la_ids
                else "Your MSP is asked to reply",
                list(needs_reply[:LIMIT]),
                _list_link(awaiting="you"),
            )
        )
        dcs_la_ids = access.local_authority_ids(Capability.RESPOND_AT_LA_DCS_LEVEL)
        board = access.capability_scope(Capability.RESPOND_AT_DCS_BOARD_LEVEL)
        if dcs_la_ids or board.region_ids:
            at_dcs = Q(
                level__responsible=Responsible.LA_DCS,
                parties__local_authority_id__in=sorted(dcs_la_ids),
            ) | Q(
                level__responsible=Responsible.REGION_DCS_BOARD,
                region_id__in=sorted(board.region_ids),
            )
            waiting = (
                visible.filter(at_dcs, state=BreachState.UNDER_REVIEW).distinct().order_by("due_on")
            )
            queues.append(Queue("Escalated to you as DCS", list(waiting[:LIMIT])))
    for queue in queues:
        for breach in queue.breaches:
            breach.overdue = breach.is_overdue(on=today)  # type: ignore[attr-defined]
    return queues


def _lead_queues(
    breaches: QuerySet[Breach], today: datetime.date, week_end: datetime.date
) -> list[Queue]:
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
    # Each queue's "see all": the list filtered to exactly the same breaches, where a filter
    # does that ("Overdue" here is the reviews past their stage's date; the list's overdue
    # filter counts late triage and late replies too, so it gets no link).
    titles = [
        ("New reports to triage", _list_link(state=BreachState.REPORTED)),
        ("Overdue", ""),
        ("Due this week", ""),
        ("Awaiting a reply", _list_link(state=BreachState.AWAITING_RESPONSE)),
    ]
    return [Queue(title, found[n], link) for n, (title, link) in enumerate(titles)]
