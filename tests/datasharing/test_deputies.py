"""A DCS names deputies, people with a role at the LA, to authorise its data returns."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.roles import Role
from datasharing import services
from datasharing.models import LINE_FIELDS, AuthorisationDeputy, RevisionState
from mou.models import JobType
from tests.factories import local_authority, person_with_role, statement_made

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(
        datetime.datetime(2026, 10, 10, 10, tzinfo=ZoneInfo("Europe/London")), tick=False
    )


@pytest.fixture
def submitted(london, la_workforce_lead):
    period = services.period_create(region=london, year=2026, quarter=3, actor=None)
    revision = services.return_start(
        period=period, local_authorities=[local_authority("202")], actor=la_workforce_lead
    ).revisions.get()
    services.revision_save(
        revision=revision,
        lines={job: dict.fromkeys(LINE_FIELDS, Decimal(0)) for job in JobType.values},
        actor=la_workforce_lead,
    )
    statement_made(revision, la_workforce_lead)
    return services.return_submit(revision=revision, actor=la_workforce_lead)


@pytest.fixture
def deputy(camden):
    return person_with_role(Role.LA_WORKFORCE_LEAD, local_authority=camden)


def test_a_named_deputy_authorises_and_loses_it_when_taken_back(submitted, dcs, deputy):
    with pytest.raises(PermissionDenied):
        services.return_authorise(revision=submitted, actor=deputy)
    named = services.deputy_name(local_authority=local_authority("202"), person=deputy, actor=dcs)
    services.deputy_remove(deputy=named, actor=dcs)
    with pytest.raises(PermissionDenied):
        services.return_authorise(revision=submitted, actor=deputy)
    services.deputy_name(local_authority=local_authority("202"), person=deputy, actor=dcs)
    assert (
        services.return_authorise(revision=submitted, actor=deputy).state
        == RevisionState.AUTHORISED
    )


def test_only_people_at_the_la_may_be_named_and_only_by_its_dcs(
    submitted, dcs, deputy, regional_lead, newcastle_dcs, la_workforce_lead
):
    camden = local_authority("202")
    with pytest.raises(ValidationError, match="Choose someone with a role at Camden"):
        services.deputy_name(local_authority=camden, person=regional_lead, actor=dcs)
    for actor in (la_workforce_lead, regional_lead, newcastle_dcs):
        with pytest.raises(PermissionDenied):
            services.deputy_name(local_authority=camden, person=deputy, actor=actor)


def test_a_deputy_who_leaves_the_la_no_longer_authorises(submitted, dcs, deputy):
    services.deputy_name(local_authority=local_authority("202"), person=deputy, actor=dcs)
    deputy.memberships.all().delete()
    from accounts.scope import forget_access

    forget_access(deputy)
    with pytest.raises(PermissionDenied):
        services.return_authorise(revision=submitted, actor=deputy)


def test_the_dcs_names_and_takes_back_a_deputy_on_the_page(client, submitted, dcs, deputy):
    client.force_login(dcs)
    url = reverse("datasharing:deputies", args=["202"])
    assert "Who authorises Camden" in client.get(reverse("datasharing:home")).content.decode()
    response = client.post(url, {})
    assert response.context["form"].errors["person"] == ["Select who may authorise in your place"]
    assert client.post(url, {"person": deputy.pk}).status_code == 302
    named = AuthorisationDeputy.objects.get()
    assert str(deputy) in client.get(url).content.decode()
    assert client.post(url, {"remove": named.pk}).status_code == 302
    assert not AuthorisationDeputy.objects.exists()


@pytest.mark.parametrize(
    ("person", "status"),
    [("la_workforce_lead", 403), ("regional_lead", 403), ("newcastle_dcs", 404), ("observer", 403)],
)
def test_only_the_las_dcs_opens_the_page(client, request, camden, person, status):
    client.force_login(request.getfixturevalue(person))
    assert client.get(reverse("datasharing:deputies", args=["202"])).status_code == status
