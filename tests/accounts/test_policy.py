"""The one role policy (accounts/roles.py), enumerated: every role's capabilities as the
permission matrix tests rely on them, and how far each reaches from the scope it is held in."""

import pytest
from django.db.models import Q

from accounts.roles import ROLE_CAPABILITIES, Capability, Reach, Role
from accounts.scope import access_for
from accounts.selectors import people_with
from tests.factories import MSPContractFactory, local_authority, person_with_role, region

pytestmark = pytest.mark.django_db

C = Capability
# The matrix as the page tests assert it (tests/*/test_*permission*, test_registry_pages.py,
# test_supply_chain.py, test_workflow.py, test_observers.py): a change to the table is a change
# here, reviewed with the pages it opens or closes.
EXPECTED = {
    Role.ADMIN: {
        C.MANAGE_PEOPLE,
        C.USE_ADMIN_SITE,
        C.MANAGE_MOUS,
        C.MANAGE_SUPPLIERS,
        C.READ_DRAFT_MOUS,
        C.READ_CASE_RECORDS,
        C.VIEW_DASHBOARD,
        C.LOG_BREACH,
        C.LEAD_REGION,
        C.RESPOND_AT_NATIONAL_LEVEL,
        C.MANAGE_RETURN_PERIODS,
        C.MANAGE_DATA_SHARING,
        C.RUN_GOVERNANCE,
    },
    Role.REGIONAL_LEAD: {
        C.MANAGE_SUPPLIERS,
        C.READ_DRAFT_MOUS,
        C.READ_CASE_RECORDS,
        C.VIEW_DASHBOARD,
        C.LOG_BREACH,
        C.LEAD_REGION,
        C.RECEIVE_REGION_NOTICES,
        C.SECOND_APPROVE_CAP_EXCEPTIONS,
        C.REOPEN_DATA_RETURNS,
        C.MANAGE_DATA_SHARING,
        C.RUN_GOVERNANCE,
    },
    Role.DCS: {
        C.READ_DRAFT_MOUS,
        C.READ_CASE_RECORDS,
        C.VIEW_DASHBOARD,
        C.LOG_BREACH,
        C.ACT_FOR_LA,
        C.SIT_ON_GROUPS,
        C.RESPOND_AT_LA_DCS_LEVEL,
        C.RESPOND_AT_DCS_BOARD_LEVEL,
        C.DECIDE_CAP_EXCEPTIONS,
        C.AUTHORISE_DATA_RETURNS,
        C.REOPEN_DATA_RETURNS,
    },
    Role.LA_WORKFORCE_LEAD: {
        C.READ_CASE_RECORDS,
        C.LOG_BREACH,
        C.ACT_FOR_LA,
        C.SIT_ON_GROUPS,
        C.PREPARE_DATA_RETURNS,
        C.SUBMIT_DATA_RETURNS,
    },
    Role.MSP_CONTACT: {
        C.READ_CASE_RECORDS,
        C.LOG_BREACH,
        C.ACT_FOR_MSP,
        C.SIT_ON_GROUPS,
        C.PREPARE_DATA_RETURNS,
    },
    Role.OBSERVER: {C.VIEW_DASHBOARD},
    Role.GROUP_MEMBER: {C.SIT_ON_GROUPS},
}
PEOPLE = {
    Role.ADMIN: "national_admin",
    Role.REGIONAL_LEAD: "regional_lead",
    Role.DCS: "dcs",
    Role.LA_WORKFORCE_LEAD: "la_workforce_lead",
    Role.MSP_CONTACT: "msp_contact",
    Role.OBSERVER: "observer",
    Role.GROUP_MEMBER: "group_member",
}


def test_the_table_is_the_matrix_the_page_tests_assert():
    assert {role: set(caps) for role, caps in ROLE_CAPABILITIES.items()} == EXPECTED
    assert set(ROLE_CAPABILITIES) == set(Role.values)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("capability", list(Capability))
def test_each_person_holds_exactly_their_roles_capabilities(request, role, capability):
    person = request.getfixturevalue(PEOPLE[role])
    assert access_for(person).can(capability) == (capability in EXPECTED[role])


def test_an_la_held_capability_reaches_the_la_only_and_a_region_held_one_the_region(
    dcs, camden, london, north_east
):
    access = access_for(dcs)
    hackney = local_authority("204")
    assert access.can(C.DECIDE_CAP_EXCEPTIONS, local_authority_id=camden.pk)
    assert not access.can(C.DECIDE_CAP_EXCEPTIONS, local_authority_id=hackney.pk)
    assert not access.can(C.DECIDE_CAP_EXCEPTIONS, region_id=london.pk)  # not the whole region
    assert access.can(C.RESPOND_AT_DCS_BOARD_LEVEL, region_id=london.pk)
    assert not access.can(C.RESPOND_AT_DCS_BOARD_LEVEL, region_id=north_east.pk)
    assert access.local_authority_ids(C.ACT_FOR_LA) == {camden.pk}
    assert access.capability_scope(C.VIEW_DASHBOARD).region_ids == {london.pk}


def test_a_national_level_capability_needs_a_national_membership(london_admin, national_admin):
    assert not access_for(london_admin).can(C.RESPOND_AT_NATIONAL_LEVEL)
    assert access_for(national_admin).can(C.RESPOND_AT_NATIONAL_LEVEL, region_id=region("NE").pk)


def test_an_msp_held_capability_reaches_its_msp_and_contract_regions(
    msp_contact, camden_msp, london, north_east
):
    access = access_for(msp_contact)
    assert access.msp_ids(C.ACT_FOR_MSP) == {camden_msp.pk}
    assert access.can(C.ACT_FOR_MSP, msp_id=camden_msp.pk)
    assert not access.can(C.ACT_FOR_MSP, msp_id=camden_msp.pk + 1)
    assert access.can(C.READ_CASE_RECORDS, region_id=london.pk)
    assert not access.can(C.READ_CASE_RECORDS, region_id=north_east.pk)


def test_filters_use_the_field_paths_given(regional_lead, dcs, national_admin, london, camden):
    lead = access_for(regional_lead).filter(C.LEAD_REGION, region="region_id")
    assert lead == Q(region_id__in=[london.pk])
    la = access_for(dcs).filter(C.ACT_FOR_LA, local_authority="local_authority_id")
    assert la == Q(local_authority_id=camden.pk)
    assert access_for(dcs).filter(C.LEAD_REGION, region="region_id") == Q(pk__in=[])
    assert access_for(national_admin).everywhere(C.LEAD_REGION)


def test_people_with_asks_the_same_table_in_reverse(
    dcs, la_workforce_lead, regional_lead, london_admin, national_admin, newcastle_dcs, camden
):
    acting = set(
        people_with(C.ACT_FOR_LA, local_authority_id=camden.pk, region_id=camden.region_id)
    )
    assert acting == {dcs, la_workforce_lead}
    board = set(people_with(C.RESPOND_AT_DCS_BOARD_LEVEL, region_id=camden.region_id))
    assert dcs in board
    assert newcastle_dcs not in board
    assert set(people_with(C.SECOND_APPROVE_CAP_EXCEPTIONS, region_id=camden.region_id)) == {
        regional_lead
    }
    assert set(people_with(C.RESPOND_AT_NATIONAL_LEVEL, region_id=camden.region_id)) == {
        national_admin
    }
    msp = MSPContractFactory(local_authority=camden).msp
    contact = person_with_role(Role.MSP_CONTACT, msp=msp)
    assert set(people_with(C.ACT_FOR_MSP, msp_id=msp.pk)) == {contact}


def test_every_reach_is_used_on_purpose():
    reaches = {reach for caps in ROLE_CAPABILITIES.values() for reach in caps.values()}
    assert reaches == set(Reach)
