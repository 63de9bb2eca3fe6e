import datetime

import pytest

from accounts.roles import Capability
from accounts.scope import access_for
from mou.models import LocalAuthority, Region
from tests.factories import MSPContractFactory

pytestmark = pytest.mark.django_db


def _region_codes(user) -> set[str]:
    return set(Region.objects.visible_to(user).values_list("code", flat=True))


@pytest.mark.parametrize(
    ("person", "expected"),
    [
        ("national_admin", "all"),
        ("observer", "all"),
        ("london_admin", {"LDN"}),
        ("regional_lead", {"LDN"}),
        ("dcs", {"LDN"}),
        ("la_workforce_lead", {"LDN"}),
        ("msp_contact", {"LDN"}),
        ("north_east_lead", {"NE"}),
        ("newcastle_dcs", {"NE"}),
    ],
)
def test_each_role_sees_the_regions_of_its_scope(request, person, expected):
    user = request.getfixturevalue(person)
    codes = _region_codes(user)
    assert codes == (
        set(Region.objects.values_list("code", flat=True)) if expected == "all" else expected
    )


def test_local_authorities_visible_are_those_of_visible_regions(regional_lead):
    visible = LocalAuthority.objects.visible_to(regional_lead)
    assert visible.count() == 33
    assert set(visible.values_list("region__code", flat=True)) == {"LDN"}


def test_an_msp_contact_sees_regions_where_the_msp_holds_a_current_contract(
    msp_contact, camden_msp, newcastle
):
    MSPContractFactory(
        msp=camden_msp,
        local_authority=newcastle,
        starts_on=datetime.date(2023, 1, 1),
        ends_on=datetime.date(2024, 1, 1),
    )
    assert _region_codes(msp_contact) == {"LDN"}  # the Newcastle contract has ended
    MSPContractFactory(
        msp=camden_msp, local_authority=newcastle, starts_on=datetime.date(2025, 1, 1)
    )
    msp_contact.refresh_from_db()
    del msp_contact._portal_access
    assert _region_codes(msp_contact) == {"LDN", "NE"}


def test_a_person_with_no_role_sees_nothing(reference_data):
    from tests.factories import UserFactory

    assert _region_codes(UserFactory()) == set()


def test_a_deactivated_person_has_no_scope(regional_lead):
    regional_lead.is_active = False
    assert _region_codes(regional_lead) == set()


def test_capabilities_follow_the_role_table(london_admin, regional_lead, london, north_east):
    assert access_for(london_admin).can(Capability.MANAGE_PEOPLE, region_id=london.pk)
    assert not access_for(london_admin).can(Capability.MANAGE_PEOPLE, region_id=north_east.pk)
    assert not access_for(regional_lead).can(Capability.MANAGE_PEOPLE)


def test_access_is_worked_out_once_per_request(regional_lead, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert not access_for(regional_lead).scope.national
        access_for(regional_lead).can(Capability.MANAGE_PEOPLE)
        Region.objects.visible_to(regional_lead)  # lazy: builds the query from memory
