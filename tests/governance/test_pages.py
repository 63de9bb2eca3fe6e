"""Governance pages: the lead adds a group and a member; members, DCSs and MSP contacts see
their groups; the representation page flags gaps; bad input beside the field; scope."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from governance import services
from governance.models import Group, GroupKind
from tests.factories import local_authority, person_with_role

pytestmark = pytest.mark.django_db


def _date(name, day, month, year):
    return {f"{name}_day": str(day), f"{name}_month": str(month), f"{name}_year": str(year)}


def test_the_lead_adds_a_group_and_a_member(client, london, regional_lead, dcs):
    client.force_login(regional_lead)
    home = client.get("/governance/").content.decode()
    assert "Add a group for London" in home
    url = "/governance/regions/LDN/groups/new/"
    response = client.post(url, {"name": "", "kind": "", **_date("starts_on", 1, 1, 2026)})
    errors = response.context["form"].errors
    assert errors["name"] == ["Enter the group's name"]
    assert errors["kind"] == ["Select the kind of group"]
    assert errors["purpose"] == ["Enter the group's purpose"]
    response = client.post(
        url,
        {
            "name": "North Central London",
            "kind": GroupKind.SUB_REGIONAL,
            "local_authorities": [local_authority("202").pk, local_authority("206").pk],
            "purpose": "Share decisions",
            "meets": "Quarterly",
            **_date("starts_on", 1, 1, 2026),
        },
    )
    group = Group.objects.get()
    assert response.url == f"/governance/groups/{group.pk}/"
    member_url = f"/governance/groups/{group.pk}/members/new/"
    response = client.post(member_url, {"person": dcs.pk, **_date("from_date", 5, 1, 2026)})
    assert response.context["form"].errors["local_authority"] == [
        "Choose the local authority they represent"
    ]
    response = client.post(
        member_url,
        {
            "person": dcs.pk,
            "local_authority": local_authority("202").pk,
            **_date("from_date", 5, 1, 2026),
        },
    )
    assert response.status_code == 302
    page = client.get(f"/governance/groups/{group.pk}/").content.decode()
    assert str(dcs) in page[page.index('id="members"') :]
    representation = client.get("/governance/regions/LDN/representation/").content.decode()
    assert "No representative" in representation  # Islington


@pytest.fixture
def group(london, regional_lead):
    return services.group_create(
        region=london,
        fields={
            "name": "North Central London",
            "kind": GroupKind.SUB_REGIONAL,
            "purpose": "p",
            "starts_on": datetime.date(2026, 1, 1),
        },
        local_authorities=[local_authority("202")],
        actor=regional_lead,
    )


@pytest.mark.parametrize(
    ("person", "group_page", "add_member", "representation"),
    [
        ("regional_lead", 200, 200, 200),
        ("dcs", 200, 403, 403),  # covers Camden
        ("la_workforce_lead", 404, 404, 403),  # sits on none
        ("north_east_lead", 404, 404, 404),
        ("newcastle_dcs", 404, 404, 404),
    ],
)
def test_pages_answer_by_role_and_scope(
    client, request, group, person, group_page, add_member, representation
):
    client.force_login(request.getfixturevalue(person))
    assert client.get(f"/governance/groups/{group.pk}/").status_code == group_page
    assert client.get(f"/governance/groups/{group.pk}/members/new/").status_code == add_member
    assert client.get("/governance/regions/LDN/representation/").status_code == representation


def test_observers_have_no_governance_pages(client, group, observer):
    client.force_login(observer)
    assert client.get("/governance/").status_code == 403
    assert client.get(f"/governance/groups/{group.pk}/").status_code == 404


def test_the_representation_page_keeps_a_fixed_query_count(
    client, group, regional_lead, london, dcs
):
    services.member_add(
        group=group,
        person=dcs,
        local_authority=local_authority("202"),
        from_date=datetime.date(2026, 1, 5),
        actor=regional_lead,
    )
    client.force_login(regional_lead)
    client.get("/governance/")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/governance/regions/LDN/representation/").status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for code in ("204", "206", "208"):
        la = local_authority(code)
        group.local_authorities.add(la)
        person = person_with_role(Role.DCS, local_authority=la)
        services.member_add(
            group=group,
            person=person,
            local_authority=la,
            from_date=datetime.date(2026, 1, 5),
            actor=regional_lead,
        )
    assert count() == few
    assert few <= 15


def test_the_structure_is_drawn_with_a_text_alternative_and_tables(
    client, group, london, regional_lead, dcs, north_east_lead
):
    services.group_create(
        region=london,
        fields={
            "name": "London DCS board",
            "kind": GroupKind.DCS_BOARD,
            "purpose": "p",
            "starts_on": datetime.date(2026, 1, 1),
        },
        actor=regional_lead,
    )
    services.group_update(
        group=group,
        fields={"reports_to": Group.objects.get(name="London DCS board")},
        actor=regional_lead,
    )
    client.force_login(dcs)
    page = client.get("/governance/regions/LDN/structure/").content.decode()
    assert 'role="img"' in page
    assert "North Central London reports to London DCS board" in page  # the <desc>
    table = page[page.index('id="structure-groups"') :]
    assert "North Central London" in table
    assert "<line " in page  # the reporting line drawn
    client.force_login(north_east_lead)
    assert client.get("/governance/regions/LDN/structure/").status_code == 404


def test_the_lead_changes_a_group_and_ends_a_membership(client, group, regional_lead, dcs):
    member = services.member_add(
        group=group,
        person=dcs,
        local_authority=local_authority("202"),
        from_date=datetime.date(2026, 1, 5),
        actor=regional_lead,
    )
    client.force_login(regional_lead)
    url = f"/governance/groups/{group.pk}/edit/"
    form = client.get(url).context["form"]
    data = {
        "name": "North Central London",
        "kind": GroupKind.SUB_REGIONAL,
        "local_authorities": [local_authority("202").pk, local_authority("206").pk],
        "purpose": "Share decisions across the boroughs",
        "meets": "Every two months",
        **_date("starts_on", 1, 1, 2026),
    }
    assert form.initial["name"] == "North Central London"
    response = client.post(url, {**data, **_date("ends_on", 1, 1, 2025)})
    assert response.context["form"].errors["ends_on"]
    assert client.post(url, data).status_code == 302
    group.refresh_from_db()
    assert group.meets == "Every two months"
    assert group.local_authorities.count() == 2
    end = f"/governance/groups/{group.pk}/members/{member.pk}/end/"
    response = client.post(end, _date("until_date", 1, 1, 2025))
    assert response.context["form"].errors["until_date"] == [
        "The date they leave must be on or after they joined"
    ]
    assert client.post(end, _date("until_date", 31, 3, 2026)).status_code == 302
    member.refresh_from_db()
    assert member.until_date == datetime.date(2026, 3, 31)
    assert client.get(end).status_code == 404  # already ended
    client.force_login(dcs)
    assert client.get(url).status_code == 403


def test_the_meeting_and_group_pages_keep_a_fixed_query_count(
    client, group, regional_lead, dcs, camden
):
    from governance import agenda
    from tests.factories import logged_breach

    services.member_add(
        group=group,
        person=dcs,
        local_authority=camden,
        from_date=datetime.date(2026, 1, 5),
        actor=regional_lead,
    )
    starts = datetime.datetime(2030, 1, 14, 10, tzinfo=datetime.UTC)
    earlier = services.meeting_schedule(
        group=group,
        starts_at=starts - datetime.timedelta(days=90),
        ends_at=starts - datetime.timedelta(days=90, hours=-2),
        place="x",
        actor=regional_lead,
    )
    meeting = services.meeting_schedule(
        group=group,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        place="x",
        actor=regional_lead,
    )
    client.force_login(regional_lead)
    client.get("/governance/")

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    meeting_url, group_url = (
        f"/governance/meetings/{meeting.pk}/",
        f"/governance/groups/{group.pk}/",
    )
    # one of everything first, so that each kind of record's query is already counted
    for n in range(5):
        if n == 1:
            few, few_group = count(meeting_url), count(group_url)
        breach = logged_breach(camden, reporter=regional_lead)
        item = agenda.item_add(
            meeting=meeting,
            title=f"item {n}",
            presenter=dcs,
            links={"breach": breach},
            actor=regional_lead,
        )
        agenda.declaration_record(item=item, person=dcs, interest="i", actor=regional_lead)
        services.action_add(
            meeting=earlier,
            text=f"a {n}",
            owner=dcs,
            due_on=earlier.day + datetime.timedelta(days=30),
            actor=regional_lead,
        )
        services.decision_record(meeting=meeting, text=f"d {n}", item=item, actor=regional_lead)
        services.meeting_schedule(
            group=group,
            starts_at=starts + datetime.timedelta(days=n + 1),
            ends_at=starts + datetime.timedelta(days=n + 1, hours=2),
            place="x",
            actor=regional_lead,
        )
    assert count(meeting_url) == few
    assert count(group_url) == few_group
    assert few <= 15
