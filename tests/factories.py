import datetime

import factory

from accounts.models import Membership, User
from accounts.roles import Role
from mou.models import LocalAuthority, Region
from msp.models import MSP, Agency, ChainMembership, MSPContract

TEST_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.django.Password(TEST_PASSWORD)


class MSPFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MSP

    name = factory.Sequence(lambda n: f"Managed Service {n}")
    company_number = factory.Sequence(lambda n: f"6{n:07d}")


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Agency {n} Ltd")
    company_number = factory.Sequence(lambda n: f"7{n:07d}")


class ChainMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChainMembership

    msp = factory.SubFactory(MSPFactory)
    agency = factory.SubFactory(AgencyFactory)
    tier = 1
    from_date = datetime.date(2025, 1, 1)


class MSPContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MSPContract

    msp = factory.SubFactory(MSPFactory)
    local_authority = factory.LazyFunction(lambda: LocalAuthority.objects.get(la_code="202"))
    starts_on = datetime.date(2025, 4, 1)
    ends_on = None


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.OBSERVER


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def local_authority(la_code: str) -> LocalAuthority:
    return LocalAuthority.objects.get(la_code=la_code)


def person_with_role(role: str, **scope) -> User:
    """A person holding one role in `scope` (region=, local_authority= or msp=)."""
    return MembershipFactory(role=role, **scope).user


def mou_version(
    region_code: str = "LDN",
    *,
    label: str = "2025.1",
    start=datetime.date(2025, 10, 1),
    publish: bool = True,
):
    """A region's MOU with one version (national rules, default ladder), published unless asked."""
    from mou import services
    from mou.models import MOU

    mou, _ = MOU.objects.get_or_create(
        region=region(region_code), defaults={"title": f"{region_code} agency social work MOU"}
    )
    version = services.mou_version_create_draft(
        mou=mou,
        label=label,
        effective_from=start,
        review_due=start.replace(year=start.year + 1),
        actor=None,
    )
    if publish:
        services.mou_version_publish(version=version, actor=None)
        version.refresh_from_db()
    return version


def cap_exception(
    la,
    *,
    requested_by,
    over="5.00",
    job_type="social_worker",
    starts=None,
    expires=None,
    agency=None,
):
    """A requested cap exception for `la`, with an MOU and cap in force for its region."""
    from decimal import Decimal

    from cap_exceptions.models import CapException
    from mou import services
    from mou.models import MOUVersion, PriceCap

    starts = starts or datetime.date(2026, 1, 5)
    version = MOUVersion.objects.in_force_in_region(la.region, on=starts)
    if version is None:
        version = mou_version(la.region.code, publish=False)
        services.price_cap_save(
            version=version,
            cap=PriceCap(
                job_type=job_type,
                engagement_type="limited_company_umbrella",
                max_hourly_rate=Decimal("40.00"),
            ),
            actor=None,
        )
        services.mou_version_publish(version=version, actor=None)
    cap = PriceCap.objects.in_force(
        region=la.region, job_type=job_type, engagement_type="limited_company_umbrella", on=starts
    )
    exception = CapException.objects.create(
        reference=f"T-{CapException.objects.count() + 1}",
        local_authority=la,
        mou_version=version,
        job_type=job_type,
        engagement_type="limited_company_umbrella",
        agency=agency or AgencyFactory(),
        engagement_reference="BK-1",
        rate=cap.max_hourly_rate + Decimal(over),
        cap_rate=cap.max_hourly_rate,
        reason="r",
        starts_on=starts,
        expires_on=expires or starts + datetime.timedelta(days=90),
        exit_plan="p",
        requested_by=requested_by,
    )
    return exception


def logged_breach(la, *, reporter, occurred_on=None, **extra):
    """A breach logged through the service against `la`, under the version in force (made when
    the region has none); its type decides the rule."""
    from breaches import services
    from mou.models import MOUVersion

    occurred_on = occurred_on or datetime.date(2026, 3, 2)
    if MOUVersion.objects.in_force_in_region(la.region, on=occurred_on) is None:
        mou_version(la.region.code)
    new = services.NewBreach(
        region=la.region,
        breach_type=extra.pop("breach_type", "notice"),
        occurred_on=occurred_on,
        description="Notice period of one week given",
        local_authorities=[la],
        **extra,
    )
    return services.breach_log(new=new, actor=reporter)


def statement_made(revision, actor, **answers):
    """A data return draft's national statement made: every rule complied with (or as given,
    key=(answer, explanation)) and the portal's holdings confirmed."""
    from datasharing import services
    from datasharing.national_return import current_layout

    given = {q.key: ("complied", "") for q in current_layout().questions} | answers
    return services.statement_save(
        revision=revision, answers=given, holdings_confirmed=True, actor=actor
    )


def _return_lines(agency: int, inpost: int) -> dict:
    from decimal import Decimal

    from datasharing.models import LINE_FIELDS
    from mou.models import JobType

    lines = {job: dict.fromkeys(LINE_FIELDS, Decimal(0)) for job in JobType.values}
    social_workers = lines[JobType.SOCIAL_WORKER]
    social_workers.update(
        agency_headcount=Decimal(agency),
        agency_fte=Decimal(agency),
        inpost_headcount=Decimal(inpost),
        inpost_fte=Decimal(inpost),
    )
    return lines


def authorised_return(period, la_code, agency, inpost, rate_max="44.00"):
    """An LA's authorised return for `period`: `agency` and `inpost` social workers (1 FTE
    each), none in the other job types, and one rate line (queries explained)."""
    from decimal import Decimal

    from datasharing import services
    from mou.models import EngagementType, JobType

    ltd = EngagementType.LIMITED_COMPANY_UMBRELLA
    la = local_authority(la_code)
    lead = person_with_role(Role.LA_WORKFORCE_LEAD, local_authority=la)
    dcs = person_with_role(Role.DCS, local_authority=la)
    revision = services.return_start(
        period=period, local_authorities=[la], actor=lead
    ).revisions.get()
    services.revision_save(
        revision=revision,
        lines=_return_lines(agency, inpost),
        rates=[
            services.RateFigures(
                JobType.SOCIAL_WORKER, ltd, Decimal("40"), Decimal("42"), Decimal(rate_max)
            )
        ],
        actor=lead,
    )
    statement_made(revision, lead)
    for query in services.revision_check(revision).unexplained:
        services.explanation_save(revision=revision, key=query.key, text="ok", actor=lead)
    services.return_submit(revision=revision, actor=lead)
    services.return_authorise(revision=revision, actor=dcs)
