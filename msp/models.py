"""The supply chain: managed service providers (MSPs), their contracts with local authorities, the
agencies in their chains, each agency's standing in each region, and the region's reviews of
these relationships.

MSP and agency records are national (one per company); standings and reviews belong to a region.
An MSP contact's scope is the regions where their MSP holds a current contract with an LA.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Self, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from kernel.history import HistoryStamps

if TYPE_CHECKING:
    from accounts.models import User
    from mou.models import LocalAuthority

_Supplier = TypeVar("_Supplier", bound=models.Model)  # an MSP or an agency

COMPANY_NUMBER = re.compile(r"^(\d{8}|[A-Z]{2}\d{6})$")


def normalise_company_number(value: str) -> str:
    """Companies House numbers are 8 characters: 8 digits, or 2 letters and 6 digits (SC123456).
    Leading zeros people leave off are put back."""
    value = re.sub(r"\s+", "", value or "").upper()
    if value.isdigit() and len(value) < 8:
        value = value.zfill(8)
    return value


def validate_company_number(value: str) -> None:
    if not COMPANY_NUMBER.match(value or ""):
        raise ValidationError(
            "Enter a Companies House number of 8 characters, like 01234567 or SC123456",
            code="company_number",
        )


# "Name (01234567)", as supplier_label writes a supplier in a chooser.
LABELLED_NUMBER = re.compile(r"^.*\((?P<number>[A-Za-z0-9 ]{1,10})\)$")


def supplier_label(supplier: MSP | Agency) -> str:
    """An MSP or agency as a chooser shows it: the name, and the number that tells namesakes
    apart."""
    if supplier.company_number:
        return f"{supplier.name} ({supplier.company_number})"
    return supplier.name


class SupplierQuerySet(models.QuerySet[_Supplier]):
    """What the MSP and agency choosers ask (kernel.forms.ChooserField and the JSON
    endpoints in msp.views): records by whole name or Companies House number, or by part of the
    name."""

    def named_exactly(self, text: str) -> Self:
        """The whole name, the number (leading zeros optional), or both as supplier_label writes
        them."""
        labelled = LABELLED_NUMBER.match(text)
        if labelled:
            return self.filter(company_number=normalise_company_number(labelled["number"]))
        return self.filter(
            Q(name__iexact=text.strip()) | Q(company_number=normalise_company_number(text))
        ).order_by("name")

    def named_partly(self, text: str) -> Self:
        return self.filter(name__icontains=text.strip()).order_by("name")

    def search(self, text: str) -> Self:
        """Suggestions as someone types: part of the name or the start of the number, names that
        start with the text first."""
        text = text.strip()
        number = re.sub(r"\s+", "", text).upper()
        matches = Q(name__icontains=text) | Q(company_number=normalise_company_number(text))
        if number:
            matches |= Q(company_number__startswith=number)
        return (
            self.filter(matches)
            .alias(starts=models.Case(models.When(name__istartswith=text, then=0), default=1))
            .order_by("starts", "name")
        )


class MSPQuerySet(SupplierQuerySet["MSP"]):
    def visible_to(self, user: User) -> MSPQuerySet:
        """MSP records are national: everyone sees them except MSP contacts, who see their own."""
        from msp.permissions import supplier_scope

        scope = supplier_scope(user)
        return self.all() if scope.all_suppliers else self.filter(pk__in=scope.msp_ids)

    def operating_in(
        self, region_ids: Iterable[int], *, on: datetime.date | None = None
    ) -> MSPQuerySet:
        """MSPs with a contract in force on `on` (today by default) with an LA in these regions."""
        contracts = MSPContract.objects.current(on=on).filter(
            local_authority__region_id__in=list(region_ids)
        )
        return self.filter(pk__in=contracts.values("msp_id"))


class MSPKind(models.TextChoices):
    NEUTRAL_VENDOR = "neutral_vendor", "Neutral vendor"
    MASTER_VENDOR = "master_vendor", "Master vendor"


class MSP(HistoryStamps, models.Model):
    name = models.CharField("Name", max_length=150, unique=True)
    company_number = models.CharField(
        "Companies House number",
        max_length=8,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_company_number],
    )
    kind = models.CharField("Type", max_length=20, choices=MSPKind, default=MSPKind.NEUTRAL_VENDOR)
    framework = models.CharField(
        max_length=200, blank=True, help_text="The framework it is bought through, if any"
    )
    contacts = models.TextField(
        blank=True, help_text="Names, roles, email addresses and phone numbers"
    )

    objects = MSPQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = "managed service provider"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("msp:msp_detail", kwargs={"pk": self.pk})

    @property
    def chooser_label(self) -> str:
        return supplier_label(self)


class ValueBand(models.TextChoices):
    UNDER_1M = "under_1m", "Under £1 million a year"
    FROM_1M_TO_5M = "1m_5m", "£1 million to £5 million a year"
    FROM_5M_TO_10M = "5m_10m", "£5 million to £10 million a year"
    OVER_10M = "over_10m", "Over £10 million a year"


class MSPContractQuerySet(models.QuerySet["MSPContract"]):
    def current(self, *, on: datetime.date | F | None = None) -> MSPContractQuerySet:
        day = on or timezone.localdate()
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day), starts_on__lte=day)

    def serving(
        self, local_authority: LocalAuthority, *, on: datetime.date | None = None
    ) -> MSPContractQuerySet:
        """Which MSP serves this LA today (or on `on`): one query with the MSP joined."""
        return self.current(on=on).filter(local_authority=local_authority).select_related("msp")


class MSPContract(HistoryStamps, models.Model):
    """A contract between an MSP and a local authority for agency social workers."""

    msp = models.ForeignKey(MSP, models.PROTECT, related_name="contracts")
    local_authority = models.ForeignKey(
        "mou.LocalAuthority", models.PROTECT, related_name="msp_contracts"
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True, help_text="Leave empty while open-ended")
    value_band = models.CharField(max_length=20, choices=ValueBand, blank=True)

    objects = MSPContractQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["msp__name", "local_authority__name", "-starts_on"]
        verbose_name = "MSP contract"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="msp_contract_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.msp} with {self.local_authority}"


class AgencyQuerySet(SupplierQuerySet["Agency"]):
    def visible_to(self, user: User) -> AgencyQuerySet:
        """Agencies are national records; an MSP contact sees only the agencies in their MSPs'
        chains today (a breach against an agency follows the chain on its own date instead)."""
        from msp.permissions import supplier_scope

        scope = supplier_scope(user)
        if scope.all_suppliers:
            return self.all()
        chains = ChainMembership.objects.current().filter(msp_id__in=scope.msp_ids)
        return self.filter(pk__in=chains.values("agency_id"))

    def with_standing(self, region_id: int) -> AgencyQuerySet:
        """Annotate the agency's current standing in a region (active when never set)."""
        latest = AgencyStanding.objects.filter(agency=OuterRef("pk"), region_id=region_id).order_by(
            "-decided_on", "-pk"
        )
        return self.annotate(standing=Subquery(latest.values("status")[:1]))


class Agency(HistoryStamps, models.Model):
    name = models.CharField(max_length=150)
    company_number = models.CharField(
        "Companies House number", max_length=8, unique=True, validators=[validate_company_number]
    )
    contacts = models.TextField(
        blank=True, help_text="Names, roles, email addresses and phone numbers"
    )

    objects = AgencyQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("msp:agency_detail", kwargs={"pk": self.pk})

    @property
    def chooser_label(self) -> str:
        return supplier_label(self)


class Tier(models.IntegerChoices):
    FIRST = 1, "Tier 1"
    SECOND = 2, "Tier 2"


class ChainMembershipQuerySet(models.QuerySet["ChainMembership"]):
    def current(self, *, on: datetime.date | F | None = None) -> ChainMembershipQuerySet:
        day = on or timezone.localdate()
        return self.filter(Q(to_date__isnull=True) | Q(to_date__gte=day), from_date__lte=day)


class ChainMembership(HistoryStamps, models.Model):
    """An agency in an MSP's supply chain, at tier 1 or 2, for a period."""

    msp = models.ForeignKey(MSP, models.PROTECT, related_name="chain_memberships")
    agency = models.ForeignKey(Agency, models.PROTECT, related_name="chain_memberships")
    tier = models.PositiveSmallIntegerField(choices=Tier)
    from_date = models.DateField("From")
    to_date = models.DateField("Until", null=True, blank=True)

    objects = ChainMembershipQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["msp__name", "agency__name", "-from_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(to_date__isnull=True) | Q(to_date__gte=F("from_date")),
                name="chain_membership_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(tier__in=[1, 2]), name="chain_membership_tier_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} in {self.msp}'s chain ({self.get_tier_display()})"


class StandingStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    WARNED = "warned", "Warned"
    SUSPENDED = "suspended", "Suspended"
    REMOVED = "removed", "Removed"


class AgencyStanding(HistoryStamps, models.Model):
    """An agency's standing in a region, as decided on a date. The latest counts; history stays."""

    agency = models.ForeignKey(Agency, models.PROTECT, related_name="standings")
    region = models.ForeignKey("mou.Region", models.PROTECT, related_name="agency_standings")
    status = models.CharField(max_length=16, choices=StandingStatus)
    reason = models.TextField()
    decided_on = models.DateField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+"
    )
    breach = models.ForeignKey(
        "breaches.Breach",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="agency_standings",
        help_text="The breach that led to the decision, where there is one",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-decided_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=StandingStatus.values), name="agency_standing_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} in {self.region}: {self.get_status_display()}"


class Effectiveness(models.IntegerChoices):
    VERY_POOR = 1, "Very poor"
    POOR = 2, "Poor"
    ADEQUATE = 3, "Adequate"
    GOOD = 4, "Good"
    VERY_GOOD = 5, "Very good"


class RelationshipReviewQuerySet(models.QuerySet["RelationshipReview"]):
    def visible_to(self, user: User) -> RelationshipReviewQuerySet:
        """Reviews of the regions the person sees, about suppliers the person sees. Observers see
        none: they read aggregates only."""
        from accounts.roles import Capability
        from accounts.scope import access_for
        from msp.permissions import supplier_scope

        access = access_for(user)
        if not access.can(Capability.READ_CASE_RECORDS):
            return self.none()
        reviews = self.all()
        if not access.scope.national:
            reviews = reviews.filter(region_id__in=access.scope.region_ids)
        suppliers = supplier_scope(user)
        if not suppliers.all_suppliers:
            agencies = Agency.objects.visible_to(user).values("pk")
            reviews = reviews.filter(Q(msp_id__in=suppliers.msp_ids) | Q(agency__in=agencies))
        return reviews


class RelationshipReview(HistoryStamps, models.Model):
    """A meeting or review of the region's (or an LA's) relationship with an MSP or agency."""

    region = models.ForeignKey("mou.Region", models.PROTECT, related_name="supplier_reviews")
    local_authority = models.ForeignKey(
        "mou.LocalAuthority",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="supplier_reviews",
        help_text="Leave empty for a review for the whole region",
    )
    msp = models.ForeignKey(MSP, models.PROTECT, null=True, blank=True, related_name="reviews")
    agency = models.ForeignKey(
        Agency, models.PROTECT, null=True, blank=True, related_name="reviews"
    )
    held_on = models.DateField("Date of the meeting or review")
    attendees = models.TextField()
    effectiveness = models.PositiveSmallIntegerField(
        "How effective is the relationship?",
        choices=Effectiveness,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    effectiveness_note = models.TextField("Why", blank=True)
    deliverables_reviewed = models.TextField(blank=True)
    feedback = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RelationshipReviewQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(msp__isnull=False) | Q(agency__isnull=False),
                name="review_has_a_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"Review of {self.msp or self.agency} on {self.held_on:%-d %b %Y}"

    def get_absolute_url(self) -> str:
        return reverse("msp:review_detail", kwargs={"pk": self.pk})

    @property
    def subject(self) -> MSP | Agency | None:
        return self.msp or self.agency


class ReviewAction(HistoryStamps, models.Model):
    review = models.ForeignKey(RelationshipReview, models.CASCADE, related_name="actions")
    description = models.TextField("Action")
    # Who will do it: a person in the portal (their home page lists it); actions recorded
    # before owners were people keep the name given then
    owner_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Owner",
    )
    owner = models.CharField(max_length=150, blank=True, help_text="Who will do it (as typed)")
    due_on = models.DateField("Due")
    done_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["done_on", "due_on", "pk"]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def owner_label(self) -> str:
        return str(self.owner_person) if self.owner_person_id else self.owner

    @property
    def is_open(self) -> bool:
        return self.done_on is None

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_on < timezone.localdate()


class EscalationContact(HistoryStamps, models.Model):
    """The region's single point of contact for MSP and agency escalations."""

    region = models.OneToOneField("mou.Region", models.PROTECT, related_name="escalation_contact")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.person} for {self.region}"
