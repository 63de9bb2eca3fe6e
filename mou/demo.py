"""Demo MOUs for `seed_demo`: one per region, with a version in force, illustrative caps (clearly
labelled "illustrative, not official figures") and a mix of signatory states."""

import datetime
from decimal import Decimal

from django.utils import timezone

from mou import services
from mou.models import (
    MOU,
    EngagementType,
    JobType,
    MOURule,
    MOUVersion,
    PriceCap,
    Region,
    RuleKind,
    RuleSource,
    Signatory,
    SignatoryStatus,
)

# Illustrative only: London's 2016 memorandum rates, scaled per region. Not official figures.
BASE_RATES = {
    JobType.SOCIAL_WORKER: Decimal("28.00"),
    JobType.SENIOR_SOCIAL_WORKER: Decimal("35.00"),
    JobType.ADVANCED_PRACTITIONER: Decimal("35.00"),
    JobType.TEAM_MANAGER: Decimal("42.00"),
    JobType.IRO_CP_CHAIR: Decimal("38.00"),
}
REGION_FACTOR = {"LDN": Decimal("1.15"), "SE": Decimal("1.08"), "EE": Decimal("1.05")}
# Regional non-engagement periods stricter than the national 3 months (demo data).
NON_ENGAGEMENT = {"LDN": 6, "WM": 12}


def seed(*, stdout) -> None:
    for region in Region.objects.all():
        mou, _ = MOU.objects.get_or_create(
            region=region, defaults={"title": f"{region.name} agency social work MOU"}
        )
        if mou.versions.exists():
            continue
        if region.code == "LDN":
            _version(mou, "2024.1", datetime.date(2024, 11, 1), months=None)
        _version(mou, "2025.1", datetime.date(2025, 10, 1), months=NON_ENGAGEMENT.get(region.code))
    stdout.write("Demo MOUs: one per region, illustrative caps, mixed signatory states")


def _version(mou: MOU, label: str, start: datetime.date, *, months: int | None) -> MOUVersion:
    version = services.mou_version_create_draft(
        mou=mou,
        label=label,
        effective_from=start,
        review_due=start.replace(year=start.year + 1),
        summary_of_changes="Aligned with the national agency rules."
        if label == "2024.1"
        else "Regional price caps in force; regional non-engagement period where agreed.",
        actor=None,
    )
    if months:
        rule = version.rules.get(kind=RuleKind.NON_ENGAGEMENT_MONTHS)
        rule.value, rule.source = months, RuleSource.REGIONAL
        rule.save()
    if mou.region.code == "YH":
        MOURule.objects.create(
            version=version,
            kind=RuleKind.REGIONAL,
            source=RuleSource.REGIONAL,
            order=99,
            wording="Agency workers spend an agreed amount of time on site each week.",
        )
    factor = REGION_FACTOR.get(mou.region.code, Decimal("1.00"))
    if label != "2024.1":
        for job_type, rate in BASE_RATES.items():
            for engagement, adjust in (
                (EngagementType.LIMITED_COMPANY_UMBRELLA, 1),
                (EngagementType.PAYE, Decimal("0.88")),
            ):
                PriceCap.objects.create(
                    version=version,
                    job_type=job_type,
                    engagement_type=engagement,
                    max_hourly_rate=(rate * factor * adjust).quantize(Decimal("0.01")),
                    includes_holiday_pay=engagement == EngagementType.LIMITED_COMPANY_UMBRELLA,
                    includes_employer_ni=engagement == EngagementType.LIMITED_COMPANY_UMBRELLA,
                    illustrative=True,
                )
    services.mou_version_publish(version=version, actor=None)
    # Published a week before it took effect, as a region would, not at the seed's time.
    published_at = timezone.make_aware(
        datetime.datetime.combine(start - datetime.timedelta(days=7), datetime.time(10))
    )
    MOUVersion.objects.filter(pk=version.pk).update(published_at=published_at)
    for n, la in enumerate(mou.region.local_authorities.all()):
        status = SignatoryStatus.SIGNED
        if n % 7 == 3:
            status = SignatoryStatus.INVITED
        elif n % 11 == 5:
            status = SignatoryStatus.DECLINED
        Signatory.objects.create(
            version=version,
            local_authority=la,
            status=status,
            signed_on=start - datetime.timedelta(days=14)
            if status == SignatoryStatus.SIGNED
            else None,
            signed_by_name="Director of children's services"
            if status == SignatoryStatus.SIGNED
            else "",
            signed_by_role="DCS" if status == SignatoryStatus.SIGNED else "",
        )
    return version
