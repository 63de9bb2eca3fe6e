"""Breaches of an MOU: cases raised against local authorities, agencies or MSPs, seen through to
an outcome. The workflow (states, levels, deadlines) is described in docs/adr/0009-breaches.md."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.urls import reverse
from django.utils import timezone

from kernel.uploads import private_storage, upload_path
from mou.models import EngagementType, JobType, RuleKind

if TYPE_CHECKING:
    from accounts.models import User


class BreachType(models.TextChoices):
    RATE_ABOVE_CAP = "rate_above_cap", "Rate above the cap"
    PROJECT_TEAM = "project_team", "Individuals repackaged as a project team"
    NON_ENGAGEMENT = "non_engagement", "Engaged inside the non-engagement period"
    PQE = "pqe", "Post-qualification experience below the minimum"
    REFERENCES = "references", "References missing or not on the template"
    NOTICE = "notice", "Notice period not kept"
    HEADHUNTING = "headhunting", "Headhunting or soliciting"
    ADVERTISING = "advertising", "Advertising roles at wrong rates"
    DATA_RETURN = "data_return", "Data return late or missing"
    OTHER = "other", "Other"


# The rule of the MOU version each type of breach breaches; `other` has none: the person chooses
# one (regional rules included). A project team with a rate given is a rate breach.
RULE_FOR_TYPE: dict[str, str | None] = {
    BreachType.RATE_ABOVE_CAP: RuleKind.PRICE_CAPS,
    BreachType.ADVERTISING: RuleKind.PRICE_CAPS,
    BreachType.PROJECT_TEAM: RuleKind.PROJECT_TEAM_CONTROLS,
    BreachType.NON_ENGAGEMENT: RuleKind.NON_ENGAGEMENT_MONTHS,
    BreachType.PQE: RuleKind.MIN_PQE_YEARS,
    BreachType.REFERENCES: RuleKind.REFERENCES_REQUIRED,
    BreachType.NOTICE: RuleKind.NOTICE_WEEKS,
    BreachType.HEADHUNTING: RuleKind.NO_HEADHUNTING,
    BreachType.DATA_RETURN: RuleKind.DATA_RETURNS,
    BreachType.OTHER: None,
}
# Types that may carry a rate paid, checked against the cap in force; the first requires one.
RATE_TYPES = frozenset({BreachType.RATE_ABOVE_CAP, BreachType.ADVERTISING, BreachType.PROJECT_TEAM})


def rule_kind_for(breach_type: str, *, rate_given: bool) -> str | None:
    """The kind of rule a breach of this type breaches, or None when the person chooses it."""
    if breach_type == BreachType.PROJECT_TEAM and rate_given:
        return RuleKind.PRICE_CAPS
    return RULE_FOR_TYPE[breach_type]


class BreachState(models.TextChoices):
    REPORTED = "reported", "Reported"
    AWAITING_RESPONSE = "awaiting_response", "Awaiting response"
    UNDER_REVIEW = "under_review", "Under review"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"
    WITHDRAWN = "withdrawn", "Withdrawn"


OPEN_STATES = (BreachState.REPORTED, BreachState.AWAITING_RESPONSE, BreachState.UNDER_REVIEW)


class Outcome(models.TextChoices):
    UPHELD = "upheld", "Upheld"
    NOT_UPHELD = "not_upheld", "Not upheld"
    NO_FURTHER_ACTION = "no_further_action", "No further action"


class OutcomeAction(models.TextChoices):
    ADVICE = "advice", "Advice given"
    FORMAL_WARNING = "formal_warning", "Formal warning"
    STANDING_CHANGED = "standing_changed", "Agency standing changed in the region"
    NOT_RE_PLACED = "not_re_placed", "Worker not to be re-placed"
    COSTS_RECOVERED = "costs_recovered", "Costs recovered"
    OTHER = "other", "Other"


class ReferenceCounter(models.Model):
    """The last number given to a region's breaches in a year; locked while a number is taken, so
    two people logging at once never get the same reference, and numbers are never reused."""

    region = models.ForeignKey("mou.Region", models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="reference_counter_once")
        ]

    def __str__(self) -> str:
        return f"{self.region_id}/{self.year}: {self.last}"


class BreachQuerySet(models.QuerySet["Breach"]):
    def visible_to(self, user: User) -> BreachQuerySet:
        """Leads of a region (regional leads, admins): its breaches. An LA's people: breaches
        where the LA is a party, and those they reported; DCSs also those at the level where
        the region's DCS board is responsible. MSP contacts: breaches their MSP answers for
        (`party_reached_by_msp`) and those they reported. Observers: none."""
        from accounts.roles import Capability
        from accounts.scope import access_for
        from mou.models import Responsible

        access = access_for(user)
        if access.everywhere(Capability.LEAD_REGION):
            return self.all()
        q = access.filter(Capability.LEAD_REGION, region="region_id")
        if access.can(Capability.RESPOND_AT_DCS_BOARD_LEVEL):
            # Only then: the condition joins the level, which would slow every lead's list.
            q |= access.filter(Capability.RESPOND_AT_DCS_BOARD_LEVEL, region="region_id") & Q(
                level__responsible=Responsible.REGION_DCS_BOARD
            )
        la_ids = access.local_authority_ids(Capability.ACT_FOR_LA)
        msp_ids = access.msp_ids(Capability.ACT_FOR_MSP)
        if la_ids:
            q |= Q(parties__local_authority_id__in=sorted(la_ids))
        for msp_id in sorted(msp_ids):
            reached = BreachParty.objects.filter(breach_id=OuterRef("pk"))
            q |= Q(Exists(reached.filter(party_reached_by_msp(msp_id))))
        if la_ids or msp_ids:
            q |= Q(reported_by=user)
        if not la_ids:
            # No join: a plain filter lets the region indexes order and count the list.
            return self.filter(q)
        # A breach with two matching parties would come back twice through the join.
        return self.filter(pk__in=Breach.objects.filter(q).values("pk"))

    def open(self) -> BreachQuerySet:
        return self.filter(state__in=OPEN_STATES)

    def with_deadline(self, *, on: datetime.date) -> BreachQuerySet:
        """Each breach with `deadline` (`Breach.next_deadline` in SQL) and `late` (1 when
        overdue on `on`, as `overdue_q` says), for lists that put the most urgent first."""
        return self.annotate(
            deadline=next_deadline_expression(),
            late=Case(When(overdue_q(on), then=Value(1)), default=Value(0)),
        )

    def most_urgent_first(self, *, on: datetime.date) -> BreachQuerySet:
        """Overdue first, then by next deadline (none last), then the newest."""
        return self.with_deadline(on=on).order_by(
            F("late").desc(), F("deadline").asc(nulls_last=True), "-reported_at", "-pk"
        )

    def overdue(self, *, on: datetime.date) -> BreachQuerySet:
        """Open breaches past their deadline on `on`: the stage's, or the reply's while a party
        has been asked to reply (the stage's clock is stopped then)."""
        return self.filter(overdue_q(on))


def next_deadline_expression() -> Case:
    """`Breach.next_deadline` as SQL: the reply's date while a party is asked to reply, the
    stage's while reported or under review, none once resolved."""
    return Case(
        When(state=BreachState.AWAITING_RESPONSE, then=F("reply_due_on")),
        When(state__in=[BreachState.REPORTED, BreachState.UNDER_REVIEW], then=F("due_on")),
        default=None,
        output_field=models.DateField(),
    )


def overdue_q(on: datetime.date, prefix: str = "") -> Q:
    """The condition for an overdue breach, usable through a relation (`prefix="breach__"`)."""
    late_stage = Q(
        **{
            f"{prefix}state__in": [BreachState.REPORTED, BreachState.UNDER_REVIEW],
            f"{prefix}due_on__lt": on,
        }
    )
    late_reply = Q(
        **{f"{prefix}state": BreachState.AWAITING_RESPONSE, f"{prefix}reply_due_on__lt": on}
    )
    return late_stage | late_reply


def party_reached_by_msp(msp_id: int) -> Q:
    """The breach parties an MSP answers for, as a condition on `BreachParty`: on the day the
    breach happened the MSP held a contract with an LA of the breach's region, and the party is
    the MSP itself or an agency that was in its chain that day.

    The one rule for an MSP's contacts: which breaches they see (with their evidence, comments and
    exports), who of them is emailed about a breach, and for which party they may reply. Region,
    MOU and standing pages keep to contracts in force today (accounts.scope). docs/adr/0012.
    """
    from msp.models import ChainMembership, MSPContract

    day = OuterRef("breach__occurred_on")
    contracted = MSPContract.objects.current(on=day).filter(
        msp_id=msp_id, local_authority__region_id=OuterRef("breach__region_id")
    )
    in_chain = ChainMembership.objects.current(on=day).filter(
        msp_id=msp_id, agency_id=OuterRef("agency_id")
    )
    return Q(Exists(contracted)) & (Q(msp_id=msp_id) | Q(Exists(in_chain)))


def due_between_q(start: datetime.date, end: datetime.date) -> Q:
    """Open breaches whose next deadline (`Breach.next_deadline`) falls from `start` to `end`:
    the stage's, or the reply's while a party is asked to reply."""
    stage = Q(
        state__in=[BreachState.REPORTED, BreachState.UNDER_REVIEW],
        due_on__gte=start,
        due_on__lte=end,
    )
    reply = Q(state=BreachState.AWAITING_RESPONSE, reply_due_on__gte=start, reply_due_on__lte=end)
    return stage | reply


class Breach(models.Model):
    reference = models.CharField(max_length=20, unique=True)
    region = models.ForeignKey("mou.Region", models.PROTECT, related_name="breaches")
    mou_version = models.ForeignKey("mou.MOUVersion", models.PROTECT, related_name="breaches")
    rule = models.ForeignKey("mou.MOURule", models.PROTECT, related_name="breaches")
    breach_type = models.CharField("Type of breach", max_length=24, choices=BreachType)
    occurred_on = models.DateField("Date it happened")
    description = models.TextField()
    worker_reference = models.CharField(
        "Worker reference (optional)",
        max_length=40,
        blank=True,
        help_text="A pseudonymous reference at most, like an assignment number. Never a name.",
    )
    # For a rate breach: what was paid, and the cap in force on the day (copied, so history holds).
    rate_paid = models.DecimalField(
        "Hourly rate paid (£)", max_digits=6, decimal_places=2, null=True, blank=True
    )
    job_type = models.CharField(max_length=32, choices=JobType, blank=True)
    engagement_type = models.CharField(max_length=32, choices=EngagementType, blank=True)
    cap_rate = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    price_cap = models.ForeignKey(
        "mou.PriceCap",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The cap row in force on the day, for a breach with a rate",
    )
    # Logged although this approved cap exception matched it: the person logging said it does
    # not cover the breach (cap_exceptions.models.CapExceptionQuerySet.covering).
    overridden_exception = models.ForeignKey(
        "cap_exceptions.CapException",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="breaches_logged_anyway",
    )

    state = models.CharField(max_length=20, choices=BreachState, default=BreachState.REPORTED)
    level = models.ForeignKey(
        "mou.EscalationLevel",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="breaches",
        help_text="The rung of the ladder the breach is on (none until it is accepted for review)",
    )
    due_on = models.DateField(null=True, blank=True, help_text="When the current stage is due")
    stage_started_on = models.DateField(null=True, blank=True)
    # Right to reply: while a party is asked to reply, the level's clock stops and keeps its days.
    awaiting_party = models.ForeignKey(
        "BreachParty", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reply_due_on = models.DateField(null=True, blank=True)
    clock_stopped_on = models.DateField(null=True, blank=True)
    days_left_when_stopped = models.PositiveSmallIntegerField(null=True, blank=True)
    paused_working_days = models.PositiveIntegerField(default=0)
    # Reminders and the top-level flag are sent once per stage (the key names the stage).
    reminded_for = models.CharField(max_length=40, blank=True)
    overdue_at_top = models.BooleanField(default=False)
    outcome = models.CharField(max_length=20, choices=Outcome, blank=True)
    outcome_actions = models.CharField(
        max_length=200, blank=True, help_text="Comma-separated OutcomeAction values"
    )
    outcome_notes = models.TextField(blank=True)
    working_days_taken = models.PositiveIntegerField(null=True, blank=True)

    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    # Bumped on every change: a form posted against an older version is refused as stale.
    version = models.PositiveIntegerField(default=1)

    objects = BreachQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=BreachState.values), name="breach_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(breach_type__in=BreachType.values), name="breach_type_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["state", "due_on"]),
            models.Index(fields=["region", "state"]),
            # Dashboards: breaches logged and resolved in a period, per region.
            models.Index(fields=["region", "reported_at"]),
            models.Index(fields=["region", "resolved_at"]),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("breaches:detail", kwargs={"reference": self.reference})

    @property
    def outcome_action_labels(self) -> list[str]:
        return [OutcomeAction(a).label for a in self.outcome_actions.split(",") if a]

    @property
    def next_deadline(self) -> datetime.date | None:
        """The one "next deadline" every page, email and export shows: the reply's while a
        party is asked to reply (the stage's clock is stopped then), the stage's while the breach
        is reported or under review, none once it is resolved. `overdue_q` is its query form."""
        if self.state == BreachState.AWAITING_RESPONSE:
            return self.reply_due_on
        if self.state in (BreachState.REPORTED, BreachState.UNDER_REVIEW):
            return self.due_on
        return None

    def is_overdue(self, *, on: datetime.date) -> bool:
        deadline = self.next_deadline
        return deadline is not None and deadline < on

    @property
    def excess(self) -> Decimal | None:
        if self.rate_paid is None or self.cap_rate is None:
            return None
        return self.rate_paid - self.cap_rate


class BreachParty(models.Model):
    """A party the breach is raised against: exactly one of an LA, an agency or an MSP."""

    breach = models.ForeignKey(Breach, models.CASCADE, related_name="parties")
    local_authority = models.ForeignKey(
        "mou.LocalAuthority", models.PROTECT, null=True, blank=True, related_name="+"
    )
    agency = models.ForeignKey(
        "msp.Agency", models.PROTECT, null=True, blank=True, related_name="+"
    )
    msp = models.ForeignKey("msp.MSP", models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(local_authority__isnull=False, agency__isnull=True, msp__isnull=True)
                    | Q(local_authority__isnull=True, agency__isnull=False, msp__isnull=True)
                    | Q(local_authority__isnull=True, agency__isnull=True, msp__isnull=False)
                ),
                name="breach_party_exactly_one",
            ),
        ]

    def __str__(self) -> str:
        return str(self.local_authority or self.agency or self.msp)

    @property
    def kind(self) -> str:
        return (
            "Local authority" if self.local_authority_id else "Agency" if self.agency_id else "MSP"
        )

    @property
    def kind_in_sentence(self) -> str:
        """The kind mid-sentence: "local authority", "agency", "MSP" (never "msp")."""
        return self.kind if self.msp_id else self.kind.lower()


class BreachEvidence(models.Model):
    breach = models.ForeignKey(Breach, models.CASCADE, related_name="evidence")
    file = models.FileField(
        storage=private_storage, upload_to=upload_path("breach-evidence"), max_length=200
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


class EventKind(models.TextChoices):
    LOGGED = "logged", "Logged"
    COMMENT = "comment", "Comment"
    EVIDENCE = "evidence", "Evidence added"
    ACCEPTED = "accepted", "Accepted for review"
    CLOSED_NOT_BREACH = "closed_not_breach", "Closed as not a breach"
    WITHDRAWN = "withdrawn", "Withdrawn by the reporter"
    REPLY_REQUESTED = "reply_requested", "Reply requested"
    REPLIED = "replied", "Reply received"
    REPLY_MISSED = "reply_missed", "Reply deadline missed"
    ESCALATED = "escalated", "Escalated"
    LEVEL_SKIPPED = "level_skipped", "Level passed over"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"
    REOPENED = "reopened", "Reopened"
    REMINDER = "reminder", "Reminder sent"
    OVERDUE_AT_TOP = "overdue_at_top", "Overdue at the top level"


class BreachEvent(models.Model):
    """Append-only timeline: every change to a breach, who made it and when."""

    breach = models.ForeignKey(Breach, models.CASCADE, related_name="events")
    kind = models.CharField(max_length=24, choices=EventKind)
    from_state = models.CharField(max_length=20, choices=BreachState, blank=True)
    to_state = models.CharField(max_length=20, choices=BreachState, blank=True)
    to_level = models.PositiveSmallIntegerField(null=True, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        # Dashboards: escalations in a period.
        indexes = [models.Index(fields=["kind", "created_at"])]

    def __str__(self) -> str:
        return f"{self.breach}: {self.get_kind_display()}"
