import datetime

import factory

from accounts.models import Membership, User
from accounts.roles import Role
from mou.models import LocalAuthority, Region
from msp.models import MSP, Agency, MSPContract

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
