"""The yearly governance review: the governance resource's questions, each under one of its
four principles (accountability, transparency, commitment, relationships), and beside each the
evidence the portal holds (`evidence`). Answers are rated; one rated below "in place" needs an
action with an owner (the same `Action` as meetings')."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from statistics import median

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from accounts.roles import Capability
from accounts.scope import access_for
from breaches.models import Breach, BreachState
from governance.models import (
    RATING_NEEDING_ACTION,
    Action,
    ActionState,
    GovernanceReview,
    GroupKind,
    NoticeRecipient,
    Principle,
    RaisedIssue,
    ReviewAnswer,
)
from governance.permissions import can_run, require
from governance.selectors import mou_owners, region_groups, representation
from kernel.working_days import working_days_between
from mou.models import Region
from msp.models import RelationshipReview


@dataclass(frozen=True)
class Question:
    key: str
    principle: Principle
    text: str


# The resource's questions, as the review's template.
QUESTIONS = (
    Question("mou_owner", Principle.ACCOUNTABILITY, "Who owns the MOU in each local authority?"),
    Question(
        "representation",
        Principle.ACCOUNTABILITY,
        "Who represents each local authority in governance meetings?",
    ),
    Question(
        "decision_makers",
        Principle.COMMITMENT,
        "Are others who can make decisions invited (the DCS, or someone with delegated authority)?",
    ),
    Question(
        "working_groups",
        Principle.TRANSPARENCY,
        "Which working groups (workforce leads, HR, recruitment, principal social workers) link "
        "into the regional improvement and innovation alliance?",
    ),
    Question(
        "supplier_relationships",
        Principle.RELATIONSHIPS,
        "How effective are the MSP and agency relationships, and how is that measured?",
    ),
    Question(
        "deliverables",
        Principle.RELATIONSHIPS,
        "Do deliverables measure the relationship as well as performance?",
    ),
    Question(
        "raising_issues",
        Principle.TRANSPARENCY,
        "Are there ways to raise issues between meetings, and are they answered?",
    ),
    Question("escalation", Principle.ACCOUNTABILITY, "How well is escalation working?"),
)
QUESTION_KEYS = frozenset(q.key for q in QUESTIONS)
EVIDENCE_DAYS = 365


def _per_region(queryset: QuerySet, value) -> Subquery:
    """One figure of the rows of `queryset` for the outer region (a subquery)."""
    return Subquery(queryset.values("group_key").annotate(value=value).values("value")[:1])


def _figures(region: Region, since: datetime.date) -> dict:
    """The supplier reviews' count, mean rating and how many recorded deliverables, and the
    market notices' receipts and acknowledgements, over the period: one query."""
    reviews = RelationshipReview.objects.filter(region=OuterRef("pk"), held_on__gte=since).annotate(
        group_key=F("region_id")
    )
    receipts = NoticeRecipient.objects.filter(
        notice__region=OuterRef("pk"), notice__sent_at__date__gte=since
    ).annotate(group_key=F("notice__region_id"))
    row = (
        Region.objects.filter(pk=region.pk)
        .annotate(
            n=Coalesce(_per_region(reviews, Count("pk")), 0),
            mean=_per_region(reviews, Avg("effectiveness")),
            measured=Coalesce(
                _per_region(reviews.exclude(deliverables_reviewed=""), Count("pk")), 0
            ),
            sent=Coalesce(_per_region(receipts, Count("pk")), 0),
            acknowledged=Coalesce(
                _per_region(receipts.filter(acknowledged_at__isnull=False), Count("pk")), 0
            ),
        )
        .values("n", "mean", "measured", "sent", "acknowledged")
        .get()
    )
    return row


def evidence(region: Region, today: datetime.date) -> dict[str, list[str]]:
    """What the portal holds about each question, over the last year, as short sentences."""
    since = today - datetime.timedelta(days=EVIDENCE_DAYS)
    owners = mou_owners(region)
    groups = region_groups(region, today)
    rows = representation(region, on=today, mou_owners=owners, groups=groups)
    las = len(rows)
    gaps = sum(seat.gap for row in rows for seat in row.seats)
    without = sum(len(seat.without_authority) for row in rows for seat in row.seats)
    working = sorted(g.name for g in groups if g.kind == GroupKind.WORKING)
    rated = _figures(region, since)
    issues = list(
        RaisedIssue.objects.filter(region=region, raised_at__date__gte=since).values_list(
            "raised_at", "first_response_at"
        )
    )
    answered = [
        working_days_between(timezone.localtime(raised).date(), timezone.localtime(first).date())
        for raised, first in issues
        if first is not None
    ]
    by_level: dict[str, list[int]] = defaultdict(list)
    for name, days in Breach.objects.filter(
        region=region,
        state__in=[BreachState.RESOLVED, BreachState.CLOSED],
        resolved_at__date__gte=since,
        working_days_taken__isnull=False,
    ).values_list("level__name", "working_days_taken"):
        if days is not None:
            by_level[name or "No level"].append(days)
    return {
        "mou_owner": [f"{len(owners)} of {las} local authorities have an MOU owner in the portal"],
        "representation": [
            f"{gaps} seat{'s' if gaps != 1 else ''} with no representative on the groups "
            f"covering the region's {las} local authorities"
        ],
        "decision_makers": [
            f"{without} representative{'s' if without != 1 else ''} neither the DCS nor named "
            "as having delegated authority"
        ],
        "working_groups": [
            f"{len(working)} working group{'s' if len(working) != 1 else ''}"
            + (f": {', '.join(working)}" if working else "")
        ],
        "supplier_relationships": [
            f"{rated['n']} supplier review{'s' if rated['n'] != 1 else ''} in the last year"
            + (f", rated {rated['mean']:.1f} of 5 on average" if rated["n"] else "")
        ],
        "deliverables": [
            f"{rated['measured']} of {rated['n']} reviews recorded the deliverables reviewed"
        ],
        "raising_issues": [
            f"{len(issues)} issue{'s' if len(issues) != 1 else ''} raised in the last year, "
            f"{len(answered)} responded to"
            + (
                f" (median {median(answered):g} working days to a first response)"
                if answered
                else ""
            ),
            f"{rated['acknowledged']} of {rated['sent']} market notice receipts acknowledged",
        ],
        "escalation": [
            f"{name}: {len(days)} resolved, median {median(days):g} working days"
            for name, days in sorted(by_level.items())
        ]
        or ["No breach resolved in the last year"],
    }


def review_start(*, region: Region, year: int, actor: User) -> GovernanceReview:
    require(can_run(actor, region))
    taken = ValidationError({"year": f"{region.name} already has a review for {year}"})
    if GovernanceReview.objects.filter(region=region, year=year).exists():
        raise taken
    try:
        with transaction.atomic():
            return GovernanceReview.objects.create(region=region, year=year, started_by=actor)
    except IntegrityError as error:  # started by someone else at the same moment
        raise taken from error


def answer_people(review: GovernanceReview) -> list[User]:
    """Who may own an action a review calls for: those with a role in the region or its LAs."""
    return list(
        User.objects.filter(
            Q(memberships__region=review.region)
            | Q(memberships__local_authority__region=review.region),
            is_active=True,
        )
        .distinct()
        .order_by("name")
    )


@transaction.atomic
def answer_save(
    *,
    review: GovernanceReview,
    question: str,
    rating: int,
    evidence_text: str,
    action_text: str = "",
    owner: User | None = None,
    due_on: datetime.date | None = None,
    actor: User,
) -> ReviewAnswer:
    """An answer (replacing an earlier one). Rated below "in place", it needs an action with an
    owner and a due date, unless the answer already has an open one."""
    review = GovernanceReview.objects.select_for_update().select_related("region").get(pk=review.pk)
    require(can_run(actor, review.region))
    if review.completed_on is not None:
        raise ValidationError("This review is complete: it no longer changes")
    if question not in QUESTION_KEYS:
        raise ValidationError("Unknown question")
    answer, _ = ReviewAnswer.objects.update_or_create(
        review=review,
        question=question,
        defaults={"rating": rating, "evidence": evidence_text.strip(), "answered_by": actor},
    )
    short = rating < RATING_NEEDING_ACTION
    has_open = answer.actions.filter(state=ActionState.OPEN).exists()
    if action_text.strip() or (short and not has_open):
        errors = {}
        if not action_text.strip():
            errors["action_text"] = "It falls short: enter the action that will fix it"
        if owner is None or owner not in answer_people(review):
            errors["owner"] = "Choose who owns the action"
        if due_on is None or due_on < timezone.localdate():
            errors["due_on"] = "Enter a due date from today"
        if errors or owner is None or due_on is None:
            raise ValidationError(errors)
        Action.objects.create(
            answer=answer,
            text=action_text.strip(),
            owner=owner,
            due_on=due_on,
            recorded_by=actor,
        )
    return answer


@transaction.atomic
def review_complete(*, review: GovernanceReview, actor: User) -> GovernanceReview:
    review = GovernanceReview.objects.select_for_update().select_related("region").get(pk=review.pk)
    require(can_run(actor, review.region))
    if review.completed_on is not None:
        raise ValidationError("This review is already complete")
    answered = set(review.answers.values_list("question", flat=True))
    missing = [q.text for q in QUESTIONS if q.key not in answered]
    if missing:
        raise ValidationError(f"Answer every question first: {len(missing)} left")
    review.completed_on, review.completed_by = timezone.localdate(), actor
    review.save(update_fields=["completed_on", "completed_by"])
    return review


def reviews_due(user: User, *, today: datetime.date) -> list[Region]:
    """The regions a person runs governance for whose last completed review is more than a
    year old (or that have none): for their home page."""
    running = access_for(user).capability_scope(Capability.RUN_GOVERNANCE)
    if running.national or not running.region_ids:
        return []  # national admins are not asked for every region's review
    recent = GovernanceReview.objects.filter(
        completed_on__gt=today - datetime.timedelta(days=EVIDENCE_DAYS)
    ).values("region_id")
    return list(
        Region.objects.filter(pk__in=sorted(running.region_ids))
        .exclude(pk__in=recent)
        .order_by("name")
    )
