"""Approved engagements above the regional price cap: time-limited, with an exit plan.

Without this register an approved exception would look like a breach. See
docs/adr/0008-cap-exceptions.md.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from mou.models import EngagementType, JobType

if TYPE_CHECKING:
    from accounts.models import User
    from mou.models import LocalAuthority
    from msp.models import Agency


class ExceptionStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    APPROVED = "approved", "Approved"
    REFUSED = "refused", "Refused"
    EXPIRED = "expired", "Expired"
    ENDED_EARLY = "ended_early", "Ended early"


class CapExceptionQuerySet(models.QuerySet["CapException"]):
    def visible_to(self, user: User) -> CapExceptionQuerySet:
        """The LA's own people see its exceptions; the region's leads (regional leads and
        admins) the region's; national admins all. Observers and MSP contacts see none."""
        from accounts.roles import Capability
        from accounts.scope import access_for

        access = access_for(user)
        if access.everywhere(Capability.LEAD_REGION):
            return self.all()
        return self.filter(
            access.filter(Capability.LEAD_REGION, region="local_authority__region_id")
            | access.filter(Capability.ACT_FOR_LA, local_authority="local_authority_id")
        )

    def in_force(self, *, on: datetime.date) -> CapExceptionQuerySet:
        return self.filter(status=ExceptionStatus.APPROVED, starts_on__lte=on, expires_on__gte=on)

    def covering(
        self, *, local_authority: LocalAuthority, job_type: str, agency: Agency, on: datetime.date
    ) -> CapExceptionQuerySet:
        """Approved, unexpired exceptions that cover an engagement (used by the breach form)."""
        return self.in_force(on=on).filter(
            local_authority=local_authority, job_type=job_type, agency=agency
        )


class CapException(models.Model):
    reference = models.CharField(max_length=20, unique=True)
    local_authority = models.ForeignKey(
        "mou.LocalAuthority", models.PROTECT, related_name="cap_exceptions"
    )
    mou_version = models.ForeignKey("mou.MOUVersion", models.PROTECT, related_name="cap_exceptions")
    job_type = models.CharField(max_length=32, choices=JobType)
    engagement_type = models.CharField(max_length=32, choices=EngagementType)
    agency = models.ForeignKey("msp.Agency", models.PROTECT, related_name="cap_exceptions")
    msp = models.ForeignKey(
        "msp.MSP", models.PROTECT, null=True, blank=True, related_name="cap_exceptions"
    )
    engagement_reference = models.CharField(
        "Engagement reference",
        max_length=40,
        help_text="Your own reference for the engagement, like a booking number. Never a worker's name.",
    )
    rate = models.DecimalField(
        "Hourly rate agreed (£)",
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    cap_rate = models.DecimalField(
        "Cap in force on the start date (£)", max_digits=6, decimal_places=2
    )
    reason = models.TextField("Why the rate is needed")
    starts_on = models.DateField()
    expires_on = models.DateField()
    exit_plan = models.TextField(help_text="How the engagement will come back within the cap")
    status = models.CharField(
        max_length=16, choices=ExceptionStatus, default=ExceptionStatus.REQUESTED
    )
    renewal_of = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="renewals"
    )
    # 0 for a first request, 1 for its first renewal, and so on: a long run is visible at once.
    renewal_number = models.PositiveSmallIntegerField(default=0)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    dcs_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    dcs_approved_at = models.DateTimeField(null=True, blank=True)
    second_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    second_approved_at = models.DateTimeField(null=True, blank=True)
    refused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    refused_at = models.DateTimeField(null=True, blank=True)
    refusal_reason = models.TextField(blank=True)
    reported_to_region_at = models.DateTimeField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.TextField(blank=True)
    expiry_reminder_sent_on = models.DateField(null=True, blank=True)

    objects = CapExceptionQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ExceptionStatus.values), name="cap_exception_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(expires_on__gt=F("starts_on")), name="cap_exception_expires_after_start"
            ),
            models.CheckConstraint(
                condition=Q(rate__gt=F("cap_rate")), name="cap_exception_rate_above_cap"
            ),
        ]
        indexes = [models.Index(fields=["status", "expires_on"])]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("cap_exceptions:detail", kwargs={"pk": self.pk})

    @property
    def excess(self) -> Decimal:
        return self.rate - self.cap_rate

    @property
    def awaiting_second_approval(self) -> bool:
        return self.status == ExceptionStatus.REQUESTED and self.dcs_approved_at is not None


class EventKind(models.TextChoices):
    REQUESTED = "requested", "Requested"
    DCS_APPROVED = "dcs_approved", "Approved by the DCS"
    APPROVED = "approved", "Approved and reported to the region"
    REFUSED = "refused", "Refused"
    ENDED_EARLY = "ended_early", "Ended early"
    EXPIRED = "expired", "Expired"
    REMINDED = "reminded", "Expiry reminder sent"
    RENEWAL_REQUESTED = "renewal_requested", "Renewal requested"


class CapExceptionEvent(models.Model):
    """Append-only history of an exception: who did what, when."""

    exception = models.ForeignKey(CapException, models.CASCADE, related_name="events")
    kind = models.CharField(max_length=24, choices=EventKind)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.exception}: {self.get_kind_display()}"
