"""The "group member" role: someone with no other role, added to a group for an LA (or an MSP)
it covers, who sees only their groups and what those show them; those who run the region's
governance give it (and only it), within their region."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from accounts.models import Membership, User
from accounts.permissions import membership_within_scope
from accounts.roles import Role
from governance import services
from governance.models import Group, GroupKind
from tests.factories import local_authority, logged_breach, person_with_role

pytestmark = pytest.mark.django_db
D = datetime.date


def _group(region, lead, name, codes):
    return services.group_create(
        region=region,
        fields={
            "name": name,
            "kind": GroupKind.WORKING,
            "purpose": "Workforce leads share practice",
            "starts_on": D(2026, 1, 1),
        },
        local_authorities=[local_authority(c) for c in codes],
        actor=lead,
    )


def test_those_running_governance_give_the_group_member_role_within_their_region_only(
    regional_lead, camden, north_east
):
    newcastle = local_authority("391")
    assert membership_within_scope(
        regional_lead, Membership(role=Role.GROUP_MEMBER, local_authority=camden)
    )
    assert not membership_within_scope(
        regional_lead, Membership(role=Role.GROUP_MEMBER, local_authority=newcastle)
    )
    # ...and no other role: people's roles stay the admins' to give
    assert not membership_within_scope(
        regional_lead, Membership(role=Role.LA_WORKFORCE_LEAD, local_authority=camden)
    )


def test_someone_new_joins_with_the_group_member_role_and_is_invited(
    london, regional_lead, django_capture_on_commit_callbacks
):
    group = _group(london, regional_lead, "Workforce leads", ["202", "206"])
    with django_capture_on_commit_callbacks(execute=True):
        member = services.member_invite(
            group=group,
            email="Sam.Okafor@camden.example.org",
            name="Sam Okafor",
            local_authority=local_authority("202"),
            from_date=D(2026, 2, 1),
            actor=regional_lead,
        )
    person = member.person
    assert person.email == "sam.okafor@camden.example.org"
    assert [(m.role, m.local_authority.la_code) for m in person.memberships.all()] == [
        (Role.GROUP_MEMBER, "202")
    ]
    assert [m.to for m in mail.outbox] == [["sam.okafor@camden.example.org"]]
    with pytest.raises(ValidationError) as error:
        services.member_invite(
            group=group,
            email="sam.okafor@camden.example.org",
            name="Sam Again",
            local_authority=local_authority("206"),
            from_date=D(2026, 2, 1),
            actor=regional_lead,
        )
    assert "new_email" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.member_invite(
            group=group,
            email="x@example.org",
            name="X",
            local_authority=local_authority("204"),  # Hackney: not covered
            from_date=D(2026, 2, 1),
            actor=regional_lead,
        )
    assert "local_authority" in error.value.message_dict
    assert not User.objects.filter(email="x@example.org").exists()


def test_a_group_member_sees_only_the_groups_they_sit_on(
    client, london, regional_lead, group_member, camden, north_east_lead, north_east
):
    mine = _group(london, regional_lead, "Workforce leads", ["202"])
    _group(london, regional_lead, "HR leads", ["202"])  # covers Camden, but they do not sit on it
    services.member_add(
        group=mine,
        person=group_member,
        local_authority=camden,
        from_date=D(2026, 2, 1),
        actor=regional_lead,
    )
    assert [g.name for g in Group.objects.visible_to(group_member)] == ["Workforce leads"]
    client.force_login(group_member)
    page = client.get("/governance/").content.decode()
    assert "Workforce leads" in page
    assert "HR leads" not in page
    assert client.get(f"/governance/groups/{mine.pk}/").status_code == 200
    # nothing else of the portal opens for them: Camden's breaches neither listed nor opened
    breach = logged_breach(camden, reporter=regional_lead)
    listed = client.get("/breaches/")
    assert breach.reference not in listed.content.decode()
    assert client.get(breach.get_absolute_url()).status_code == 404
    for url in ("/dashboards/", "/returns/"):
        assert client.get(url).status_code in (403, 404), url


def test_the_member_page_adds_someone_new_with_messages_beside_the_fields(
    client, london, regional_lead
):
    group = _group(london, regional_lead, "Workforce leads", ["202"])
    client.force_login(regional_lead)
    url = f"/governance/groups/{group.pk}/members/new/"
    dated = {"from_date_day": "1", "from_date_month": "2", "from_date_year": "2026"}
    camden = local_authority("202").pk
    response = client.post(url, {"local_authority": camden, **dated})
    assert response.context["form"].errors["person"] == [
        "Choose who sits on the group, or enter someone new"
    ]
    response = client.post(url, {"local_authority": camden, "new_name": "Sam Okafor", **dated})
    assert response.context["form"].errors["new_email"] == ["Enter the new member's email address"]
    response = client.post(
        url,
        {
            "local_authority": camden,
            "new_name": "Sam Okafor",
            "new_email": "sam@camden.example.org",
            **dated,
        },
    )
    assert response.status_code == 302
    assert group.members.get().person.name == "Sam Okafor"


def test_a_group_member_in_another_region_sees_nothing_here(london, regional_lead):
    _group(london, regional_lead, "Workforce leads", ["202"])
    outsider = person_with_role(Role.GROUP_MEMBER, local_authority=local_authority("391"))
    assert not Group.objects.visible_to(outsider).exists()
