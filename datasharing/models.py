"""Quarterly agency workforce returns from each LA: a period per region and quarter, a return per
LA (or one for LAs that report jointly), revisions, and the figures of each revision. See
docs/adr/0018-data-returns.md.

The latest authorised revision of a return is the one every figure reads, until a newer one is
authorised; earlier revisions stay readable.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from kernel.uploads import private_storage, upload_path
from mou.models import (
    EngagementType,
    JobType,
    LocalAuthority,
    VersionState,
    VersionStatus,
    in_force_q,
    state_on,
)

if TYPE_CHECKING:
    from accounts.models import User

QUARTER_MONTHS = {1: (1, 3), 2: (4, 6), 3: (7, 9), 4: (10, 12)}


def quarter_dates(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    """The first and last day of a calendar quarter."""
    first, last = QUARTER_MONTHS[quarter]
    end = (
        datetime.date(year + 1, 1, 1) if last == 12 else datetime.date(year, last + 1, 1)
    ) - datetime.timedelta(days=1)
    return datetime.date(year, first, 1), end


class ReturnPeriodQuerySet(models.QuerySet["ReturnPeriod"]):
    def visible_to(self, user: User) -> ReturnPeriodQuerySet:
        """Periods of the regions the person may see (their dates are no secret there)."""
        from mou.models import Region

        return self.filter(region__in=Region.objects.visible_to(user))


class ReturnPeriod(models.Model):
    """A region's quarter: when returns open, are due and close."""

    region = models.ForeignKey("mou.Region", models.PROTECT, related_name="return_periods")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    opens_on = models.DateField()
    due_on = models.DateField()
    closes_on = models.DateField()

    objects = ReturnPeriodQuerySet.as_manager()

    class Meta:
        ordering = ["region", "-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year", "quarter"], name="return_period_once_per_quarter"
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="return_period_quarter_valid"
            ),
            models.CheckConstraint(
                condition=Q(opens_on__lte=F("due_on"), due_on__lte=F("closes_on")),
                name="return_period_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region.name}, {self.label}"

    @property
    def starts_on(self) -> datetime.date:
        return quarter_dates(self.year, self.quarter)[0]

    @property
    def ends_on(self) -> datetime.date:
        return quarter_dates(self.year, self.quarter)[1]

    @property
    def label(self) -> str:
        """'July to September 2026'."""
        return f"{self.starts_on:%B} to {self.ends_on:%B %Y}"

    @property
    def code(self) -> str:
        """'2026-Q3', as in addresses and files."""
        return f"{self.year}-Q{self.quarter}"

    def is_open_on(self, day: datetime.date) -> bool:
        return self.opens_on <= day <= self.closes_on


class RevisionState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    AUTHORISED = "authorised", "Authorised"  # stays so when reopened: it counts until replaced
    SENT_BACK = "sent_back", "Sent back"  # reopened before it was authorised: it never counted


class ReturnState(models.TextChoices):
    """A return's state in the region's tracker: its latest revision's, "reopened" while a
    later revision is drafted after one was reopened."""

    NOT_STARTED = "not_started", "Not started"
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    AUTHORISED = "authorised", "Authorised"
    REOPENED = "reopened", "Reopened"


class DataReturnQuerySet(models.QuerySet["DataReturn"]):
    def visible_to(self, user: User) -> DataReturnQuerySet:
        """An LA's own people see its returns; the region's leads the region's; national admins
        all; an MSP contact the returns of LAs its MSP serves today (to prepare drafts).
        Observers see none (they read the shared figures)."""
        from accounts.roles import Capability
        from accounts.scope import access_for
        from msp.models import MSPContract

        access = access_for(user)
        if access.everywhere(Capability.LEAD_REGION):
            return self.all()
        q = access.filter(Capability.LEAD_REGION, region="period__region_id") | access.filter(
            Capability.ACT_FOR_LA, local_authority="coverage__local_authority_id"
        )
        msp_ids = sorted(access.msp_ids(Capability.ACT_FOR_MSP))
        if msp_ids:
            served = MSPContract.objects.current(on=timezone.localdate()).filter(msp_id__in=msp_ids)
            q |= Q(coverage__local_authority_id__in=served.values("local_authority_id"))
        return self.filter(pk__in=self.filter(q).values("pk"))


class DataReturn(models.Model):
    """One return for a period: of one LA, or of LAs that report jointly (each LA is in one
    return a period, ReturnCoverage)."""

    period = models.ForeignKey(ReturnPeriod, models.PROTECT, related_name="returns")
    reference = models.CharField(max_length=30, unique=True)  # "LDN-2026-Q3-202"
    created_at = models.DateTimeField(default=timezone.now)
    # None: made by the portal (demo and benchmark data, returns brought in from elsewhere)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = DataReturnQuerySet.as_manager()

    class Meta:
        ordering = ["period", "reference"]

    def __str__(self) -> str:
        return self.reference

    @cached_property
    def local_authorities(self) -> list[LocalAuthority]:
        """The LAs the return covers, by name (read once per instance: coverage is fixed when
        the return starts)."""
        return [
            c.local_authority
            for c in self.coverage.select_related("local_authority__region").order_by(
                "local_authority__name"
            )
        ]


class ReturnCoverage(models.Model):
    """Which LAs a return covers: one return per LA per period."""

    data_return = models.ForeignKey(DataReturn, models.CASCADE, related_name="coverage")
    period = models.ForeignKey(ReturnPeriod, models.PROTECT, related_name="+")
    local_authority = models.ForeignKey(
        "mou.LocalAuthority", models.PROTECT, related_name="return_coverage"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["period", "local_authority"], name="one_return_per_la_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.data_return} covers {self.local_authority}"


class Revision(models.Model):
    """One version of a return's figures. Reopening an authorised or submitted revision marks it
    reopened and starts the next, a draft copied from it."""

    data_return = models.ForeignKey(DataReturn, models.CASCADE, related_name="revisions")
    number = models.PositiveSmallIntegerField()
    state = models.CharField(max_length=12, choices=RevisionState, default=RevisionState.DRAFT)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    authorised_at = models.DateTimeField(null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopen_reason = models.TextField(blank=True)
    replaced_by = models.OneToOneField(
        "self", models.PROTECT, null=True, blank=True, related_name="replaces"
    )
    # Submitted after the period's due date (kept: the tracker and the region's figures say so).
    submitted_late = models.BooleanField(default=False)
    total_monthly_agency_cost = models.DecimalField(
        "Total agency cost in the quarter's last month (£)",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
    )
    # The national return's statement (datasharing/national_return.py): the layout its
    # compliance answers follow, the agencies the LA adds to those named in breaches, and the
    # LA's confirmation of what the portal holds for the quarter (cap exceptions, breaches).
    statement_layout = models.CharField(max_length=20, blank=True)
    other_agencies = models.TextField(
        "Other agencies whose behaviour affected compliance", blank=True
    )
    holdings_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    holdings_confirmed_at = models.DateTimeField(null=True, blank=True)
    holdings_correction = models.TextField("What is missing or wrong", blank=True)

    class Meta:
        ordering = ["data_return", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["data_return", "number"], name="revision_number_once_per_return"
            ),
            models.UniqueConstraint(
                fields=["data_return"],
                condition=Q(state__in=["draft", "submitted"]),
                name="one_open_revision_per_return",
            ),
            models.CheckConstraint(
                condition=Q(state__in=RevisionState.values), name="revision_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.data_return} revision {self.number}"


# The figures of a line, in DfE's column names where DfE publishes one (csww indicators).
HEADCOUNT_FIELDS = (
    "agency_headcount",
    "inpost_headcount",
    "starters_headcount",
    "leavers_headcount",
    "project_team_workers",
    "above_cap_workers",
    "above_cap_under_exception",
)
FTE_FIELDS = (
    "agency_fte",
    "inpost_fte",
    "vacancy_fte",
    "agency_cover_fte",
    "starters_fte",
    "leavers_fte",
)
LINE_FIELDS = (
    "agency_headcount",
    "agency_fte",
    "inpost_headcount",
    "inpost_fte",
    "vacancy_fte",
    "agency_cover_fte",
    "starters_headcount",
    "starters_fte",
    "leavers_headcount",
    "leavers_fte",
    "project_team_workers",
    "above_cap_workers",
    "above_cap_under_exception",
)
LINE_LABELS = {
    "agency_headcount": "Agency workers (headcount)",
    "agency_fte": "Agency workers (FTE)",
    "inpost_headcount": "Employed in post (headcount)",
    "inpost_fte": "Employed in post (FTE)",
    "vacancy_fte": "Vacancies (FTE)",
    "agency_cover_fte": "Agency workers covering vacancies (FTE)",
    "starters_headcount": "Starters in the quarter (headcount)",
    "starters_fte": "Starters in the quarter (FTE)",
    "leavers_headcount": "Leavers in the quarter (headcount)",
    "leavers_fte": "Leavers in the quarter (FTE)",
    "project_team_workers": "Workers engaged through project teams",
    "above_cap_workers": "Agency workers paid above the cap",
    "above_cap_under_exception": "Of those, under an approved cap exception",
}


def _count(label: str) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(LINE_LABELS[label], null=True, blank=True)


def _fte(label: str) -> models.DecimalField:
    return models.DecimalField(
        LINE_LABELS[label],
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )


class WorkforceLine(models.Model):
    """A revision's figures for one core job type, as at the quarter's last day (starters and
    leavers: during the quarter). Empty is "not given", which the checks treat as missing."""

    revision = models.ForeignKey(Revision, models.CASCADE, related_name="lines")
    job_type = models.CharField(max_length=32, choices=JobType)
    agency_headcount = _count("agency_headcount")
    agency_fte = _fte("agency_fte")
    inpost_headcount = _count("inpost_headcount")
    inpost_fte = _fte("inpost_fte")
    vacancy_fte = _fte("vacancy_fte")
    agency_cover_fte = _fte("agency_cover_fte")
    starters_headcount = _count("starters_headcount")
    starters_fte = _fte("starters_fte")
    leavers_headcount = _count("leavers_headcount")
    leavers_fte = _fte("leavers_fte")
    project_team_workers = _count("project_team_workers")
    above_cap_workers = _count("above_cap_workers")
    above_cap_under_exception = _count("above_cap_under_exception")

    class Meta:
        ordering = ["revision", "job_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "job_type"], name="workforce_line_once_per_job_type"
            )
        ]

    def __str__(self) -> str:
        return f"{self.revision}: {self.get_job_type_display()}"


class RateLine(models.Model):
    """Hourly rates paid to agency workers in the quarter, per job and engagement type."""

    revision = models.ForeignKey(Revision, models.CASCADE, related_name="rates")
    job_type = models.CharField(max_length=32, choices=JobType)
    engagement_type = models.CharField(max_length=32, choices=EngagementType)
    rate_min = models.DecimalField("Lowest hourly rate (£)", max_digits=6, decimal_places=2)
    rate_median = models.DecimalField("Median hourly rate (£)", max_digits=6, decimal_places=2)
    rate_max = models.DecimalField("Highest hourly rate (£)", max_digits=6, decimal_places=2)

    class Meta:
        ordering = ["revision", "job_type", "engagement_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "job_type", "engagement_type"],
                name="rate_line_once_per_type",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.revision}: {self.get_job_type_display()}, {self.get_engagement_type_display()}"
        )


class Explanation(models.Model):
    """Why a query raised on a revision is right: kept with the revision."""

    revision = models.ForeignKey(Revision, models.CASCADE, related_name="explanations")
    key = models.CharField(
        max_length=80
    )  # the finding's key: check code and where (datasharing.checks)
    text = models.TextField()
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["revision", "key"], name="one_explanation_per_query")
        ]

    def __str__(self) -> str:
        return f"{self.revision}: {self.key}"


class Compliance(models.TextChoices):
    COMPLIED = "complied", "Yes, in every engagement"
    NOT_COMPLIED = "not_complied", "No, not in every engagement"
    NOT_APPLICABLE = "not_applicable", "Does not apply this quarter"


class ComplianceAnswer(models.Model):
    """The LA's answer to one compliance question of the national return's statement, with
    what happened where it did not comply. `question` is the layout's key
    (datasharing/national_return.py)."""

    revision = models.ForeignKey(Revision, models.CASCADE, related_name="compliance_answers")
    question = models.CharField(max_length=40)
    answer = models.CharField(max_length=16, choices=Compliance)
    explanation = models.TextField(blank=True)

    class Meta:
        ordering = ["revision", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "question"], name="one_compliance_answer_per_question"
            ),
            models.CheckConstraint(
                condition=Q(answer__in=Compliance.values), name="compliance_answer_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.revision}: {self.question} {self.answer}"


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", "Due in 5 working days"
    DUE_TODAY = "due_today", "Due today"
    LATE = "late", "Late"


class ReturnReminder(models.Model):
    """A reminder sent, once per period, LA and kind; with no LA, the region's summary. The row
    is the claim: a second run (or two at once) finds it and sends nothing."""

    period = models.ForeignKey(ReturnPeriod, models.CASCADE, related_name="reminders")
    local_authority = models.ForeignKey(
        "mou.LocalAuthority", models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=ReminderKind)
    sent_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["period", "local_authority", "kind"],
                condition=Q(local_authority__isnull=False),
                name="one_reminder_per_la_and_kind",
            ),
            models.UniqueConstraint(
                fields=["period", "kind"],
                condition=Q(local_authority__isnull=True),
                name="one_summary_per_period_and_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period}: {self.get_kind_display()}"


class AuthorisationDeputy(models.Model):
    """A person the LA's DCS names to authorise its data returns in their place: someone with a
    role at that LA. Removing the row takes the authority back."""

    local_authority = models.ForeignKey(
        "mou.LocalAuthority", models.CASCADE, related_name="return_deputies"
    )
    person = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    named_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    named_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["local_authority", "person"], name="one_deputy_row_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} for {self.local_authority}"


# The region's data sharing agreement -----------------------------------------------------------


class AgreementQuerySet(models.QuerySet["SharingAgreement"]):
    def visible_to(self, user: User) -> AgreementQuerySet:
        """Published agreements of the regions this person sees; drafts only for those who
        manage the region's data sharing (and national admins)."""
        from accounts.roles import Capability
        from accounts.scope import access_for

        access = access_for(user)
        scope = access.scope
        managing = access.capability_scope(Capability.MANAGE_DATA_SHARING)
        agreements = self if scope.national else self.filter(region_id__in=scope.region_ids)
        if managing.national:
            return agreements
        return agreements.filter(
            Q(status=VersionStatus.PUBLISHED) | Q(region_id__in=managing.region_ids)
        )

    def in_force(self, *, on: datetime.date) -> AgreementQuerySet:
        """Published agreements whose dates cover `on` (the MOU versions' rule)."""
        return self.filter(in_force_q(on))


class SharingAgreement(models.Model):
    """A version of a region's agreement controlling how returns' figures are shared between
    its partners. Stored draft or published; scheduled, in force and ended follow from the
    dates, as for MOU versions. Published versions of a region never overlap."""

    region = models.ForeignKey("mou.Region", models.PROTECT, related_name="sharing_agreements")
    label = models.CharField("Version", max_length=40, help_text="For example 2026.1")
    status = models.CharField(max_length=16, choices=VersionStatus, default=VersionStatus.DRAFT)
    purpose = models.TextField(help_text="Why partners share the data and what it is used for")
    lawful_basis = models.TextField("Lawful basis")
    data_categories = models.TextField(
        "Categories of data", help_text="For example the quarterly workforce and pay-rate returns"
    )
    retention = models.CharField(
        "Retention period", max_length=100, help_text="For example 6 years after the quarter"
    )
    effective_from = models.DateField("Takes effect on")
    effective_to = models.DateField(
        "Ends on", null=True, blank=True, help_text="Set when a later version is published"
    )
    review_due = models.DateField("Review due")
    document = models.FileField(
        storage=private_storage,
        upload_to=upload_path("sharing-agreements"),
        blank=True,
        max_length=200,
    )
    document_name = models.CharField(max_length=200, blank=True)
    document_kind = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_from", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=VersionStatus.values), name="agreement_status_valid"
            ),
            models.UniqueConstraint(
                fields=["region"],
                condition=Q(status="published", effective_to__isnull=True),
                name="agreement_one_open_ended_per_region",
            ),
            models.UniqueConstraint(
                fields=["region", "label"], name="agreement_label_once_per_region"
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gt=F("effective_from")),
                name="agreement_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region.name} data sharing agreement {self.label}"

    def get_absolute_url(self) -> str:
        return reverse("datasharing:agreement", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT

    def state_on(self, day: datetime.date) -> VersionState:
        return state_on(self.status, self.effective_from, self.effective_to, day)

    @property
    def state(self) -> VersionState:
        return self.state_on(timezone.localdate())


class AgreementParty(models.Model):
    """An LA (or, optionally, an MSP) that joined an agreement: signed on a date, with
    evidence; it may leave (a date and a reason). It is a party from the day it signed until
    the day it left."""

    agreement = models.ForeignKey(SharingAgreement, models.CASCADE, related_name="parties")
    local_authority = models.ForeignKey(
        "mou.LocalAuthority", models.PROTECT, null=True, blank=True, related_name="+"
    )
    msp = models.ForeignKey("msp.MSP", models.PROTECT, null=True, blank=True, related_name="+")
    signed_on = models.DateField("Signed on")
    signed_by_name = models.CharField("Signed by", max_length=120)
    evidence = models.FileField(
        storage=private_storage,
        upload_to=upload_path("sharing-agreement-evidence"),
        blank=True,
        max_length=200,
    )
    evidence_name = models.CharField(max_length=200, blank=True)
    evidence_kind = models.CharField(max_length=10, blank=True)
    left_on = models.DateField("Left on", null=True, blank=True)
    leaving_reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["agreement", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(local_authority__isnull=False, msp__isnull=True)
                | Q(local_authority__isnull=True, msp__isnull=False),
                name="agreement_party_is_an_la_or_an_msp",
            ),
            models.UniqueConstraint(
                fields=["agreement", "local_authority"],
                condition=Q(local_authority__isnull=False),
                name="agreement_la_party_once",
            ),
            models.UniqueConstraint(
                fields=["agreement", "msp"],
                condition=Q(msp__isnull=False),
                name="agreement_msp_party_once",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("signed_on")),
                name="agreement_party_leaves_after_signing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.local_authority or self.msp} in {self.agreement}"

    @property
    def name(self) -> str:
        return str(self.local_authority or self.msp)

    def is_party_on(self, day: datetime.date) -> bool:
        return self.signed_on <= day and (self.left_on is None or day < self.left_on)


# Candidate breaches proposed from returns ----------------------------------------------------


class CandidateKind(models.TextChoices):
    RATE_ABOVE_CAP = "rate_above_cap", "A rate above the cap"
    UNCOVERED_ABOVE_CAP = (
        "uncovered_above_cap",
        "Workers above the cap not covered by an approved exception",
    )
    RETURN_LATE = "return_late", "Data return late or missing"


class CandidateState(models.TextChoices):
    OPEN = "open", "To decide"
    CONFIRMED = "confirmed", "Confirmed as a breach"
    DISMISSED = "dismissed", "Dismissed"


class CandidateBreach(models.Model):
    """A breach a return suggests, for the region's leads to confirm (logging the breach, linked
    back here) or dismiss with a reason. Made once per period, LA, kind and place: authorising
    a return again, or the daily command running twice, proposes nothing new."""

    period = models.ForeignKey(ReturnPeriod, models.PROTECT, related_name="candidates")
    local_authority = models.ForeignKey("mou.LocalAuthority", models.PROTECT, related_name="+")
    data_return = models.ForeignKey(
        DataReturn, models.PROTECT, null=True, blank=True, related_name="candidates"
    )
    kind = models.CharField(max_length=24, choices=CandidateKind)
    job_type = models.CharField(max_length=32, choices=JobType, blank=True)
    engagement_type = models.CharField(max_length=32, choices=EngagementType, blank=True)
    rate = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    cap = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    workers = models.PositiveIntegerField(null=True, blank=True)  # uncovered above the cap
    occurred_on = models.DateField()
    state = models.CharField(max_length=12, choices=CandidateState, default=CandidateState.OPEN)
    reason = models.TextField(blank=True)  # why it was dismissed
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    breach = models.OneToOneField(
        "breaches.Breach", models.PROTECT, null=True, blank=True, related_name="candidate"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["period", "local_authority__name", "kind", "job_type", "engagement_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "local_authority", "kind", "job_type", "engagement_type"],
                name="candidate_breach_once",
            ),
            models.CheckConstraint(
                condition=Q(state__in=CandidateState.values), name="candidate_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.local_authority}, {self.period.label}"

    @property
    def summary(self) -> str:
        where = ", ".join(
            part
            for part in (self.get_job_type_display(), self.get_engagement_type_display())
            if part
        )
        if self.kind == CandidateKind.RATE_ABOVE_CAP:
            return f"{where}: highest rate £{self.rate} an hour, above the cap of £{self.cap}"
        if self.kind == CandidateKind.UNCOVERED_ABOVE_CAP:
            return (
                f"{where}: {self.workers} worker{'s' if self.workers != 1 else ''} above the cap "
                "not covered by an approved cap exception"
            )
        return f"Not authorised by the period's close, {self.occurred_on:%-d %B %Y}"
