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

from kernel.working_days import add_working_days
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
    WITHDRAWN = "withdrawn", "Withdrawn"


# How far ahead an expiry is "soon": the LA's reminder, the home page's list and the register's
# filter all ask this.
EXPIRY_NOTICE_WORKING_DAYS = 20
# How far back a report to the region is "recent".
REPORTED_RECENTLY_DAYS = 30

# States that were approved: the approved period still tells whether a breach on a date was
# covered, whatever the exception's state today.
APPROVED_STATES = (ExceptionStatus.APPROVED, ExceptionStatus.EXPIRED, ExceptionStatus.ENDED_EARLY)
# A renewal in one of these is live: there is at most one per exception (a refused or withdrawn
# renewal leaves room for another).
LIVE_RENEWAL_STATES = (ExceptionStatus.REQUESTED, *APPROVED_STATES)


def covers_day(on: datetime.date) -> Q:
    """The approved period includes the day: from the start to the early end, or the expiry."""
    return Q(starts_on__lte=on) & (
        Q(ended_on__isnull=True, expires_on__gte=on) | Q(ended_on__gte=on)
    )


def expiring_soon(today: datetime.date) -> Q:
    """Approved, not ending early, and expiring within EXPIRY_NOTICE_WORKING_DAYS of `today`."""
    return Q(
        status=ExceptionStatus.APPROVED,
        ended_on__isnull=True,
        expires_on__gte=today,
        expires_on__lte=add_working_days(today, EXPIRY_NOTICE_WORKING_DAYS),
    )


def reported_recently(today: datetime.date) -> Q:
    """Reported to the region in the last REPORTED_RECENTLY_DAYS days: from the start of that
    day in London (a regional lead's home and the register's filter ask this)."""
    since = today - datetime.timedelta(days=REPORTED_RECENTLY_DAYS)
    return Q(
        reported_to_region_at__gte=timezone.make_aware(
            datetime.datetime.combine(since, datetime.time.min)
        )
    )


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
        """Approved and running on the day: started, not past its expiry or early end."""
        return self.filter(covers_day(on), status=ExceptionStatus.APPROVED)

    def covering(
        self,
        *,
        local_authority: LocalAuthority,
        agency: Agency,
        job_type: str,
        engagement_type: str,
        rate: Decimal,
        on: datetime.date,
    ) -> CapExceptionQuerySet:
        """Exceptions that cover an engagement paid `rate` on a day: the same LA, agency, job and
        engagement type, the rate at or below the approved rate, the day inside the approved
        period, whatever the exception's state today. The one statement of cover (the breach
        form asks it)."""
        return self.filter(
            covers_day(on),
            status__in=APPROVED_STATES,
            local_authority=local_authority,
            agency=agency,
            job_type=job_type,
            engagement_type=engagement_type,
            rate__gte=rate,
        ).order_by("-starts_on", "-pk")


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
    # A request whose whole period has already ended is accepted only with this, shown on it.
    recorded_late_reason = models.TextField("Why it is recorded after the fact", blank=True)
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
    # The last day an exception ended early covers; while it is still ahead the exception stays
    # approved, and the expiry command marks it ended early the day after.
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
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(ended_on__gte=F("starts_on"), ended_on__lte=F("expires_on")),
                name="cap_exception_ends_early_inside_its_period",
            ),
            models.UniqueConstraint(
                fields=["renewal_of"],
                condition=Q(status__in=LIVE_RENEWAL_STATES),
                name="cap_exception_one_live_renewal",
                violation_error_message="This exception already has a renewal",
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
    def last_day(self) -> datetime.date:
        """The last day the approved period covers: the early end, or the expiry."""
        return self.ended_on or self.expires_on

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
    WITHDRAWN = "withdrawn", "Withdrawn"


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
