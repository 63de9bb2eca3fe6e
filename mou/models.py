from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from kernel.history import HistoryStamps
from kernel.uploads import private_storage, upload_path

if TYPE_CHECKING:
    from accounts.models import User

la_code_validator = RegexValidator(r"^\d{3}$", "Enter the DfE local authority code as 3 digits")
ons_code_validator = RegexValidator(r"^E\d{8}$", "Enter an ONS code like E09000007")


class RegionQuerySet(models.QuerySet["Region"]):
    def visible_to(self, user: User) -> RegionQuerySet:
        """The regions whose records this person may see (accounts.scope decides)."""
        from accounts.scope import access_for

        scope = access_for(user).scope
        if scope.national:
            return self.all()
        return self.filter(pk__in=scope.region_ids)


class Region(HistoryStamps, models.Model):
    """One of the 9 English regions, with its regional improvement and innovation alliance."""

    code = models.CharField(
        max_length=3,
        unique=True,
        help_text="Short code used in references, for example LDN for London",
    )
    name = models.CharField(max_length=60, unique=True)
    riia_name = models.CharField("Regional alliance (RIIA)", max_length=150)

    objects = RegionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("mou:region_detail", kwargs={"code": self.code})


class LocalAuthorityQuerySet(models.QuerySet["LocalAuthority"]):
    def visible_to(self, user: User) -> LocalAuthorityQuerySet:
        """Local authorities in the regions this person may see.

        Reference data only: narrower rules for an LA's own records (breaches, data returns) live
        with those records.
        """
        from accounts.scope import access_for

        scope = access_for(user).scope
        if scope.national:
            return self.all()
        return self.filter(region_id__in=scope.region_ids)


class LocalAuthority(HistoryStamps, models.Model):
    """An English local authority with children's services responsibility (DfE reference data)."""

    la_code = models.CharField(
        "DfE LA code", max_length=3, unique=True, validators=[la_code_validator]
    )
    ons_code = models.CharField(
        "ONS code", max_length=9, unique=True, validators=[ons_code_validator]
    )
    name = models.CharField(max_length=100)
    region = models.ForeignKey(Region, models.PROTECT, related_name="local_authorities")

    objects = LocalAuthorityQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "local authorities"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("mou:local_authority_detail", kwargs={"la_code": self.la_code})


# The MOU registry: each region's memorandum, its versions, and what each version says.


class MOUQuerySet(models.QuerySet["MOU"]):
    def visible_to(self, user: User) -> MOUQuerySet:
        """MOUs of the regions this person may see."""
        return self.filter(region__in=Region.objects.visible_to(user))


class MOU(HistoryStamps, models.Model):
    """A region's agency social work memorandum of understanding (one per region)."""

    region = models.OneToOneField(Region, models.PROTECT, related_name="mou")
    title = models.CharField(max_length=200)

    objects = MOUQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["region__name"]
        verbose_name = "MOU"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("mou:mou_detail", kwargs={"code": self.region.code})


class VersionStatus(models.TextChoices):
    """What is stored: a version is a draft or published. Whether a published version is
    scheduled, in force or ended is worked out from its dates (VersionState), never stored."""

    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class VersionState(models.TextChoices):
    """What a version is on a given day, from its status and dates (docs/adr/0006)."""

    DRAFT = "draft", "Draft"
    SCHEDULED = "scheduled", "Scheduled"
    IN_FORCE = "in_force", "In force"
    ENDED = "ended", "Ended"


def state_on(
    status: str,
    effective_from: datetime.date,
    effective_to: datetime.date | None,
    day: datetime.date,
) -> VersionState:
    """What a dated, versioned document (an MOU version, a data sharing agreement) is on
    `day`: a draft until published; then scheduled, in force or ended by its dates."""
    if status != VersionStatus.PUBLISHED:
        return VersionState.DRAFT
    if day < effective_from:
        return VersionState.SCHEDULED
    if effective_to is not None and effective_to <= day:
        return VersionState.ENDED
    return VersionState.IN_FORCE


def in_force_q(on: datetime.date) -> Q:
    """The rows of such documents in force on `on`, as `state_on` says, for a query."""
    return Q(
        Q(effective_to__isnull=True) | Q(effective_to__gt=on),
        status=VersionStatus.PUBLISHED,
        effective_from__lte=on,
    )


# How long before an annual review date the MOU page and home flag it as due.
REVIEW_DUE_WITHIN = datetime.timedelta(days=30)


class MOUVersionQuerySet(models.QuerySet["MOUVersion"]):
    def visible_to(self, user: User) -> MOUVersionQuerySet:
        """Published versions of the regions this person sees; drafts only for the region's
        admins, regional leads and DCSs (and national admins)."""
        from accounts.roles import Capability
        from accounts.scope import access_for

        access = access_for(user)
        scope, drafts = access.scope, access.capability_scope(Capability.READ_DRAFT_MOUS)
        versions = self if scope.national else self.filter(mou__region_id__in=scope.region_ids)
        if drafts.national:
            return versions
        return versions.filter(
            Q(status=VersionStatus.PUBLISHED) | Q(mou__region_id__in=drafts.region_ids)
        )

    def published(self) -> MOUVersionQuerySet:
        return self.filter(status=VersionStatus.PUBLISHED)

    def in_force(self, *, on: datetime.date) -> MOUVersionQuerySet:
        """Published versions whose dates cover `on`: an ended version stays in force for the
        dates it covered, so last year's breach finds last year's rules, and a scheduled one is
        not in force before it starts."""
        return self.filter(in_force_q(on))

    def in_force_in_region(self, region: Region, *, on: datetime.date) -> MOUVersion | None:
        """Which version was in force in `region` on `on`: one query."""
        return self.in_force(on=on).filter(mou__region=region).select_related("mou").first()


class SecondApprover(models.TextChoices):
    """Who approves an over-cap exception after the LA's DCS, where the region wants two. The
    final guidance's sign-off roles are unconfirmed (DOMAIN.md 5a), so this is per version."""

    NONE = "none", "No one: the DCS's approval is enough"
    REGIONAL_LEAD = "regional_lead", "A regional lead of the region"


class MOUVersion(HistoryStamps, models.Model):
    mou = models.ForeignKey(MOU, models.PROTECT, related_name="versions")
    label = models.CharField("Version", max_length=40, help_text="For example 2025.1 or Version 3")
    status = models.CharField(max_length=16, choices=VersionStatus, default=VersionStatus.DRAFT)
    effective_from = models.DateField("Takes effect on")
    effective_to = models.DateField(
        "Ends on", null=True, blank=True, help_text="Set when a later version is published"
    )
    review_due = models.DateField("Annual review due")
    summary_of_changes = models.TextField(blank=True)
    exception_max_months = models.PositiveSmallIntegerField(
        "Longest a cap exception may run, in months",
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
    )
    exception_second_approver = models.CharField(
        "Second approver of cap exceptions",
        max_length=20,
        choices=SecondApprover,
        default=SecondApprover.NONE,
    )
    document = models.FileField(
        storage=private_storage, upload_to=upload_path("mou-documents"), blank=True, max_length=200
    )
    document_name = models.CharField(max_length=200, blank=True)
    document_kind = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = MOUVersionQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["document"])

    class Meta:
        ordering = ["-effective_from", "-pk"]
        verbose_name = "MOU version"
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=VersionStatus.values), name="mou_version_status_valid"
            ),
            # At most one open-ended published version per MOU. That published versions never
            # overlap at all is kept by the database too, below what Django models: an exclusion
            # constraint on PostgreSQL, triggers on SQLite (migration 0005).
            models.UniqueConstraint(
                fields=["mou"],
                condition=Q(status="published", effective_to__isnull=True),
                name="mou_one_open_ended_version",
            ),
            models.UniqueConstraint(fields=["mou", "label"], name="mou_version_label_unique"),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gt=F("effective_from")),
                name="mou_version_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mou.region.name} MOU {self.label}"

    def get_absolute_url(self) -> str:
        return reverse("mou:version_detail", kwargs={"code": self.mou.region.code, "pk": self.pk})

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT

    @property
    def is_published(self) -> bool:
        return self.status == VersionStatus.PUBLISHED

    def state_on(self, day: datetime.date) -> VersionState:
        return state_on(self.status, self.effective_from, self.effective_to, day)

    def review_state(self, day: datetime.date | None = None) -> str:
        """'overdue' once the annual review date has passed, 'due' within REVIEW_DUE_WITHIN of
        it, else ''. Only for the version in force or scheduled: an ended one is not reviewed."""
        day = day or timezone.localdate()
        if self.state_on(day) not in (VersionState.IN_FORCE, VersionState.SCHEDULED):
            return ""
        if self.review_due < day:
            return "overdue"
        if self.review_due <= day + REVIEW_DUE_WITHIN:
            return "due"
        return ""

    @property
    def state(self) -> VersionState:
        """What the version is today."""
        return self.state_on(timezone.localdate())

    def is_in_force_on(self, day: datetime.date) -> bool:
        return self.state_on(day) == VersionState.IN_FORCE


class RuleKind(models.TextChoices):
    MIN_PQE_YEARS = "min_pqe_years", "Minimum post-qualification experience"
    NON_ENGAGEMENT_MONTHS = (
        "non_engagement_months",
        "Non-engagement period after leaving a permanent role in the region",
    )
    NOTICE_WEEKS = "notice_weeks", "Notice period"
    REFERENCES_REQUIRED = "references_required", "References required"
    PROJECT_TEAM_CONTROLS = "project_team_controls", "Project-team controls"
    NO_HEADHUNTING = "no_headhunting", "No headhunting between signatories"
    PRICE_CAPS = "price_caps", "Price caps"
    DATA_RETURNS = "data_returns", "Data returns"
    REGIONAL = "regional", "Regional rule"


class RuleSource(models.TextChoices):
    STATUTORY = "statutory", "Statutory"
    REGIONAL = "regional", "Regional addition"


@dataclass(frozen=True)
class RuleDefault:
    """The national agency rules (statutory guidance, 31 October 2024) as defaults and floors."""

    value: int | None
    unit: str
    wording: str


RULE_DEFAULTS: dict[str, RuleDefault] = {
    RuleKind.MIN_PQE_YEARS: RuleDefault(
        3,
        "years",
        "Agency child and family social workers have at least this many years' post-qualification "
        "experience in direct employment with a local authority, practising in a child and family "
        "context while registered with a UK regulator.",
    ),
    RuleKind.NON_ENGAGEMENT_MONTHS: RuleDefault(
        3,
        "months",
        "A worker who left a permanent role in a local authority of the region is not engaged as "
        "agency by a local authority of the region for at least this many months.",
    ),
    RuleKind.NOTICE_WEEKS: RuleDefault(
        4,
        "weeks",
        "Agency assignments have this notice period, or the local authority's notice period for "
        "substantive staff in an equivalent role where that is shorter.",
    ),
    RuleKind.REFERENCES_REQUIRED: RuleDefault(
        2,
        "references",
        "At least this many detailed, practice-based references, on the national template.",
    ),
    RuleKind.PROJECT_TEAM_CONTROLS: RuleDefault(
        None,
        "",
        "In project teams and packaged services every worker is named and approved by the local "
        "authority in advance, costs are set out for each worker, and the local authority keeps "
        "full control of practice.",
    ),
    RuleKind.NO_HEADHUNTING: RuleDefault(
        None,
        "",
        "Signatories do not headhunt or solicit each other's social workers.",
    ),
    RuleKind.PRICE_CAPS: RuleDefault(
        None,
        "",
        "Agency workers are engaged and advertised at no more than the hourly rate cap of this "
        "version for their job type and engagement type.",
    ),
    RuleKind.DATA_RETURNS: RuleDefault(
        None,
        "",
        "Each local authority sends the region its agency workforce data return by the date "
        "the region sets.",
    ),
}
NUMERIC_RULES = frozenset(k for k, d in RULE_DEFAULTS.items() if d.value is not None)


class MOURule(HistoryStamps, models.Model):
    """One rule of a version. Breaches point at these rows."""

    version = models.ForeignKey(MOUVersion, models.CASCADE, related_name="rules")
    kind = models.CharField(max_length=32, choices=RuleKind)
    source = models.CharField(max_length=16, choices=RuleSource)
    value = models.PositiveSmallIntegerField(null=True, blank=True)
    wording = models.TextField()
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "MOU rule"
        constraints = [
            models.UniqueConstraint(
                fields=["version", "kind"], condition=~Q(kind="regional"), name="mou_rule_kind_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}{f': {self.value_display}' if self.value is not None else ''}"

    @property
    def unit(self) -> str:
        default = RULE_DEFAULTS.get(self.kind)
        return default.unit if default else ""

    @property
    def value_display(self) -> str:
        if self.value is None:
            return ""
        unit = self.unit[:-1] if self.value == 1 and self.unit.endswith("s") else self.unit
        return f"{self.value} {unit}".strip()

    def clean(self) -> None:
        """A region may go further than the national rules, never less far."""
        super().clean()
        default = RULE_DEFAULTS.get(self.kind)
        if default is None or default.value is None:
            if self.kind == RuleKind.REGIONAL:
                self.source = RuleSource.REGIONAL
            return
        if self.value is None:
            raise ValidationError({"value": f"Enter the number of {default.unit}"})
        if self.value < default.value:
            raise ValidationError(
                {
                    "value": f"{self.get_kind_display()} cannot be less than the statutory "
                    f"minimum of {default.value} {default.unit}"
                }
            )


class Responsible(models.TextChoices):
    REGIONAL_LEADS = "regional_leads", "The region's regional leads"
    LA_DCS = "la_dcs", "The DCS of each local authority that is a party"
    REGION_DCS_BOARD = "region_dcs_board", "All DCSs of the region, as the regional board"
    NATIONAL_TEAM = "national_team", "The national team (national admins)"


class EscalationLevel(HistoryStamps, models.Model):
    """A rung of the version's escalation ladder (regional practice, not national law)."""

    version = models.ForeignKey(MOUVersion, models.CASCADE, related_name="escalation_levels")
    order = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=120)
    responsible = models.CharField(max_length=32, choices=Responsible)
    deadline_working_days = models.PositiveSmallIntegerField(
        "Deadline in working days", validators=[MinValueValidator(1), MaxValueValidator(120)]
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "order"], name="escalation_level_order_unique"
            ),
            models.CheckConstraint(
                condition=Q(deadline_working_days__gte=1), name="escalation_deadline_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class JobType(models.TextChoices):
    """The DfE core job types that price caps are set against."""

    SOCIAL_WORKER = "social_worker", "Social worker"
    SENIOR_SOCIAL_WORKER = "senior_social_worker", "Senior social worker"
    ADVANCED_PRACTITIONER = "advanced_practitioner", "Advanced practitioner"
    TEAM_MANAGER = "team_manager", "Team manager"
    IRO_CP_CHAIR = "iro_cp_chair", "Independent reviewing officer or child protection chair"


class EngagementType(models.TextChoices):
    LIMITED_COMPANY_UMBRELLA = "limited_company_umbrella", "Limited company or umbrella"
    PAYE = "paye", "PAYE"


class PriceCapQuerySet(models.QuerySet["PriceCap"]):
    def in_force(
        self, *, region: Region, job_type: str, engagement_type: str, on: datetime.date
    ) -> PriceCap | None:
        """What was the cap for this job type in this region on this date? One query."""
        return (
            self.filter(
                Q(version__effective_to__isnull=True) | Q(version__effective_to__gt=on),
                version__mou__region=region,
                version__status=VersionStatus.PUBLISHED,
                version__effective_from__lte=on,
                job_type=job_type,
                engagement_type=engagement_type,
            )
            .select_related("version")
            .first()
        )


class PriceCap(HistoryStamps, models.Model):
    version = models.ForeignKey(MOUVersion, models.CASCADE, related_name="price_caps")
    job_type = models.CharField(max_length=32, choices=JobType)
    engagement_type = models.CharField(max_length=32, choices=EngagementType)
    max_hourly_rate = models.DecimalField(
        "Maximum hourly rate (£)",
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"), "The cap must be more than £0")],
    )
    includes_hourly_pay = models.BooleanField("Hourly pay", default=True)
    includes_employer_ni = models.BooleanField("Employer National Insurance", default=True)
    includes_apprenticeship_levy = models.BooleanField("Apprenticeship levy", default=True)
    includes_holiday_pay = models.BooleanField("Holiday pay", default=True)
    illustrative = models.BooleanField(
        default=False, help_text="Demo figures: illustrative, not official"
    )

    objects = PriceCapQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["job_type", "engagement_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "job_type", "engagement_type"], name="price_cap_once_per_type"
            ),
            models.CheckConstraint(condition=Q(max_hourly_rate__gt=0), name="price_cap_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_job_type_display()} ({self.get_engagement_type_display()}): £{self.max_hourly_rate}"

    @property
    def components(self) -> list[str]:
        return [
            label
            for field, label in (
                ("includes_hourly_pay", "hourly pay"),
                ("includes_employer_ni", "employer NI"),
                ("includes_apprenticeship_levy", "apprenticeship levy"),
                ("includes_holiday_pay", "holiday pay"),
            )
            if getattr(self, field)
        ]


class SignatoryStatus(models.TextChoices):
    INVITED = "invited", "Invited"
    SIGNED = "signed", "Signed"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Signatory(HistoryStamps, models.Model):
    """One local authority's position on one version of its region's MOU."""

    version = models.ForeignKey(MOUVersion, models.PROTECT, related_name="signatories")
    local_authority = models.ForeignKey(LocalAuthority, models.PROTECT, related_name="signatures")
    status = models.CharField(
        max_length=16, choices=SignatoryStatus, default=SignatoryStatus.INVITED
    )
    signed_on = models.DateField(null=True, blank=True)
    signed_by_name = models.CharField("Signed by", max_length=150, blank=True)
    signed_by_role = models.CharField(
        "Their role",
        max_length=150,
        blank=True,
        help_text="For example Director of children's services",
    )
    evidence = models.FileField(
        storage=private_storage,
        upload_to=upload_path("signatory-evidence"),
        blank=True,
        max_length=200,
    )
    evidence_name = models.CharField(max_length=200, blank=True)
    evidence_kind = models.CharField(max_length=10, blank=True)
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawal_reason = models.TextField(blank=True)
    mou_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Owner of the MOU in the local authority",
        help_text="A DCS or workforce lead of the local authority with a portal account: "
        "invitations to sign are emailed to them",
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["evidence"])

    class Meta:
        ordering = ["local_authority__name"]
        verbose_name_plural = "signatories"
        constraints = [
            models.UniqueConstraint(
                fields=["version", "local_authority"], name="signatory_once_per_version"
            ),
            models.CheckConstraint(
                condition=Q(status__in=SignatoryStatus.values), name="signatory_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="signed") | Q(signed_on__isnull=False),
                name="signatory_signed_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | Q(withdrawn_on__isnull=False),
                name="signatory_withdrawn_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.local_authority}: {self.get_status_display()}"
