"""Governance groups and who sits on them: who runs them, who sees them (regions, LAs, MSPs,
observers), members representing an LA or an MSP with deputies, and each LA's representation
with its gaps flagged."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.roles import Role
from governance import services
from governance.models import Group, GroupKind
from governance.selectors import representation
from tests.factories import MSPContractFactory, local_authority, person_with_role

pytestmark = pytest.mark.django_db
D = datetime.date


def _fields(**overrides):
    return {
        "name": "North Central London",
        "kind": GroupKind.SUB_REGIONAL,
        "purpose": "Discuss agency use and share decisions across five boroughs",
        "starts_on": D(2026, 1, 1),
    } | overrides


@pytest.fixture
def group(london, regional_lead):
    return services.group_create(
        region=london,
        fields=_fields(),
        local_authorities=[local_authority(c) for c in ("202", "206", "207")],
        actor=regional_lead,
    )


def test_the_regions_leads_and_admins_run_groups_no_one_else(
    london, regional_lead, london_admin, dcs, north_east_lead, la_workforce_lead
):
    for person in (dcs, north_east_lead, la_workforce_lead):
        with pytest.raises(PermissionDenied):
            services.group_create(region=london, fields=_fields(), actor=person)
    assert services.group_create(region=london, fields=_fields(), actor=london_admin)


def test_bad_details_are_named_beside_the_field(london, group, regional_lead):
    with pytest.raises(ValidationError) as error:
        services.group_create(
            region=london,
            fields=_fields(ends_on=D(2025, 1, 1)),
            local_authorities=[local_authority("391")],
            actor=regional_lead,
        )
    assert set(error.value.message_dict) == {"name", "local_authorities", "ends_on"}
    with pytest.raises(ValidationError) as error:
        services.group_update(group=group, fields={"reports_to": group}, actor=regional_lead)
    assert "reports_to" in error.value.message_dict


def test_members_represent_an_la_the_group_covers_with_a_deputy_from_it(
    group, regional_lead, dcs, la_workforce_lead
):
    member = services.member_add(
        group=group,
        person=dcs,
        local_authority=local_authority("202"),
        deputy=la_workforce_lead,
        from_date=D(2026, 1, 5),
        actor=regional_lead,
    )
    assert member.represents == "Camden"
    with pytest.raises(ValidationError) as error:
        services.member_add(
            group=group,
            person=dcs,
            local_authority=local_authority("202"),
            from_date=D(2026, 2, 1),
            actor=regional_lead,
        )
    assert "already sits on" in error.value.message_dict["person"][0]
    hackney = person_with_role(Role.DCS, local_authority=local_authority("204"))
    with pytest.raises(ValidationError) as error:
        services.member_add(
            group=group,
            person=hackney,
            local_authority=local_authority("204"),
            deputy=la_workforce_lead,  # Camden's, not Hackney's
            from_date=D(2026, 1, 5),
            actor=regional_lead,
        )
    assert set(error.value.message_dict) == {"local_authority", "deputy"}  # not covered
    islington = person_with_role(Role.DCS, local_authority=local_authority("206"))
    with pytest.raises(ValidationError) as error:
        services.member_add(
            group=group,
            person=islington,
            local_authority=local_authority("207"),
            from_date=D(2026, 1, 5),
            actor=regional_lead,
        )
    assert error.value.message_dict == {
        "person": [f"{islington} has no role at {local_authority('207')}"]
    }


def test_only_a_supplier_forum_has_msp_members(london, group, regional_lead, msp_contact):
    camden_msp = msp_contact.memberships.get().msp
    with pytest.raises(ValidationError) as error:
        services.member_add(
            group=group,
            person=msp_contact,
            msp=camden_msp,
            from_date=D(2026, 1, 5),
            actor=regional_lead,
        )
    assert "msp" in error.value.message_dict
    forum = services.group_create(
        region=london,
        fields=_fields(name="London MSP forum", kind=GroupKind.SUPPLIER_FORUM),
        actor=regional_lead,
    )
    assert services.member_add(
        group=forum,
        person=msp_contact,
        msp=camden_msp,
        from_date=D(2026, 1, 5),
        actor=regional_lead,
    )


@pytest.fixture
def seated(group, regional_lead, dcs, la_workforce_lead, london, msp_contact):
    services.member_add(
        group=group,
        person=dcs,
        local_authority=local_authority("202"),
        from_date=D(2026, 1, 5),
        actor=regional_lead,
    )
    forum = services.group_create(
        region=london,
        fields=_fields(name="London MSP forum", kind=GroupKind.SUPPLIER_FORUM),
        actor=regional_lead,
    )
    services.member_add(
        group=forum,
        person=msp_contact,
        msp=msp_contact.memberships.get().msp,
        from_date=D(2026, 1, 5),
        actor=regional_lead,
    )
    return group, forum


@pytest.mark.parametrize(
    ("person", "sees"),
    [
        ("regional_lead", {"North Central London", "London MSP forum"}),
        ("london_admin", {"North Central London", "London MSP forum"}),
        ("national_admin", {"North Central London", "London MSP forum"}),
        ("dcs", {"North Central London"}),  # covers Camden
        ("la_workforce_lead", set()),  # sits on none
        ("msp_contact", {"London MSP forum"}),
        ("observer", set()),
        ("north_east_lead", set()),
        ("newcastle_dcs", set()),
    ],
)
def test_who_sees_which_groups(request, seated, person, sees):
    user = request.getfixturevalue(person)
    assert {g.name for g in Group.objects.visible_to(user)} == sees


def test_an_msp_serving_other_regions_sees_only_the_forums_it_sits_on(seated, reference_data):
    contract = MSPContractFactory(local_authority=local_authority("391"))
    contact = person_with_role(Role.MSP_CONTACT, msp=contract.msp)
    assert not Group.objects.visible_to(contact).exists()


def test_each_las_representation_flags_gaps_and_missing_authority(seated, regional_lead, london):
    group, _forum = seated
    islington_lead = person_with_role(
        Role.LA_WORKFORCE_LEAD, local_authority=local_authority("206")
    )
    services.member_add(
        group=group,
        person=islington_lead,
        local_authority=local_authority("206"),
        from_date=D(2026, 1, 5),
        actor=regional_lead,
    )
    rows = {
        r.local_authority.la_code: r
        for r in representation(london, on=D(2026, 6, 1), mou_owners={})
    }
    camden, islington, kensington = rows["202"], rows["206"], rows["207"]
    [seat] = camden.seats
    assert (seat.gap, seat.without_authority) == (False, [])  # its DCS
    assert islington.seats[0].without_authority  # neither DCS nor delegated
    assert kensington.seats[0].gap  # no one represents it
    assert rows["204"].seats == []  # Hackney is not covered
    assert (camden.flags, islington.flags, kensington.flags) == (0, 1, 1)


def test_representation_keeps_a_fixed_query_count(seated, london, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        representation(london, on=D(2026, 6, 1), mou_owners={})
