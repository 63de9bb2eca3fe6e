"""Attendance and quorum: a majority of the members on the day unless the terms of reference
say otherwise; a member represented by their deputy counts; the chair or those who run the
region record it; shown as quorate or not on the meeting."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.roles import Role
from governance import services
from governance.models import GroupKind
from governance.quorum import members_at, quorum
from tests.factories import local_authority, person_with_role

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
CODES = ("202", "204", "206", "207", "208")  # five boroughs


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(at(2026, 10, 10, 10), tick=False)


@pytest.fixture
def setting(london, regional_lead):
    group = services.group_create(
        region=london,
        fields={
            "name": "North Central London",
            "kind": GroupKind.SUB_REGIONAL,
            "purpose": "p",
            "starts_on": datetime.date(2026, 1, 1),
        },
        local_authorities=[local_authority(c) for c in CODES],
        actor=regional_lead,
    )
    members = []
    for code in CODES:
        la = local_authority(code)
        dcs = person_with_role(Role.DCS, local_authority=la)
        deputy = person_with_role(Role.LA_WORKFORCE_LEAD, local_authority=la)
        members.append(
            services.member_add(
                group=group,
                person=dcs,
                local_authority=la,
                deputy=deputy if code != "208" else None,
                from_date=datetime.date(2026, 1, 5),
                actor=regional_lead,
            )
        )
    services.group_update(group=group, fields={"chair": members[0].person}, actor=regional_lead)
    group.refresh_from_db()
    meeting = services.meeting_schedule(
        group=group,
        starts_at=at(2026, 11, 12, 10),
        ends_at=at(2026, 11, 12, 12),
        place="Camden",
        actor=regional_lead,
    )
    return group, members, meeting


def test_a_majority_is_needed_and_a_deputy_counts_for_the_member(setting):
    group, members, meeting = setting
    on_the_day = members_at(meeting, members)
    present, deputy, apologies, absent = "present", "deputy", "apologies", "absent"
    two = {members[0].pk: present, members[1].pk: deputy, members[2].pk: apologies}
    assert quorum(group, on_the_day, two).summary == (
        "Not quorate: 2 of 5 members there (counting deputies), 3 needed"
    )
    three = two | {members[3].pk: deputy, members[4].pk: absent}
    assert quorum(group, on_the_day, three).met


def test_the_terms_of_reference_may_set_the_quorum(setting, regional_lead):
    group, members, meeting = setting
    group = services.group_update(group=group, fields={"quorum": 4}, actor=regional_lead)
    three = {m.pk: "present" for m in members[:3]}
    assert quorum(group, members_at(meeting, members), three).needed == 4
    assert not quorum(group, members_at(meeting, members), three).met


def test_members_who_left_before_the_day_do_not_count(setting, regional_lead):
    _group, members, meeting = setting
    services.member_end(
        member=members[4], until_date=datetime.date(2026, 6, 1), actor=regional_lead
    )
    members[4].refresh_from_db()
    assert len(members_at(meeting, members)) == 4  # a majority of 4 is 3


def test_the_chair_records_attendance_a_member_may_not(setting, regional_lead):
    _group, members, meeting = setting
    statuses = {m.pk: "present" for m in members}
    with pytest.raises(PermissionDenied):
        services.attendance_record(meeting=meeting, statuses=statuses, actor=members[1].person)
    recorded = services.attendance_record(
        meeting=meeting,
        statuses=statuses,
        actor=members[0].person,  # the chair
    )
    assert len(recorded) == 5
    again = services.attendance_record(
        meeting=meeting, statuses={members[1].pk: "apologies"}, actor=regional_lead
    )
    assert again[0].status == "apologies"
    assert meeting.attendance.count() == 5  # updated, not added


def test_a_deputy_only_for_a_member_who_has_one(setting, regional_lead):
    _group, members, meeting = setting
    with pytest.raises(ValidationError) as error:
        services.attendance_record(
            meeting=meeting, statuses={members[4].pk: "deputy"}, actor=regional_lead
        )
    assert error.value.message_dict == {
        f"member_{members[4].pk}": [f"{members[4].person} has no deputy"]
    }


def test_the_meeting_page_shows_quorum_and_the_chair_records_it(client, setting):
    _group, members, meeting = setting
    chair = members[0].person
    client.force_login(chair)
    url = f"/governance/meetings/{meeting.pk}/attendance/"
    response = client.post(url, {f"member_{members[0].pk}": "present"})
    assert response.context["form"].errors[f"member_{members[1].pk}"] == [
        f"Choose whether {members[1].person} was there"
    ]
    data = {f"member_{m.pk}": "absent" for m in members} | {
        f"member_{members[0].pk}": "present",
        f"member_{members[1].pk}": "deputy",
    }
    assert client.post(url, data).status_code == 302
    page = client.get(f"/governance/meetings/{meeting.pk}/").content.decode()
    assert "Not quorate: 2 of 5 members there (counting deputies), 3 needed" in page
    client.force_login(members[1].person)
    assert client.get(url).status_code == 403
    assert (
        "Record attendance"
        not in client.get(f"/governance/meetings/{meeting.pk}/").content.decode()
    )
