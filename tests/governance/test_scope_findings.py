"""Security findings of the governance review, each with the test that failed before its fix:
a member who left no longer sees the group (nor its meetings, papers or feed); a supplier
forum seats only MSPs serving the region, and its form lists no one else's staff; a person
holding a role elsewhere and a national observer role reads no other region's directory or
structure; someone who only sits on groups reads only the region's leads and contact point;
a chair who does not sit on the group still reaches it."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Membership
from accounts.roles import Role
from governance import agenda, channels, review, services
from governance.forms import MemberForm
from governance.models import Group, GroupKind, Meeting, Rating
from msp.models import EscalationContact
from tests.factories import MSPContractFactory, local_authority, person_with_role

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
D = datetime.date


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(at(2026, 10, 5, 10), tick=False)


def _group(region, lead, kind=GroupKind.SUB_REGIONAL, **fields):
    return services.group_create(
        region=region,
        fields={"name": "A group", "kind": kind, "purpose": "p", "starts_on": D(2026, 1, 1)}
        | fields,
        local_authorities=[local_authority("202")] if kind != GroupKind.SUPPLIER_FORUM else [],
        actor=lead,
    )


def test_a_member_who_has_left_sees_the_group_no_more(client, london, regional_lead, camden):
    group = _group(london, regional_lead)
    person = person_with_role(Role.GROUP_MEMBER, local_authority=camden)
    seat = services.member_add(
        group=group,
        person=person,
        local_authority=camden,
        from_date=D(2026, 1, 5),
        actor=regional_lead,
    )
    meeting = services.meeting_schedule(
        group=group,
        starts_at=at(2026, 11, 3, 10),
        ends_at=at(2026, 11, 3, 12),
        place="x",
        actor=regional_lead,
    )
    item = agenda.item_add(meeting=meeting, title="t", presenter=None, actor=regional_lead)
    assert Group.objects.visible_to(person).exists()
    services.member_end(member=seat, until_date=D(2026, 10, 1), actor=regional_lead)
    assert not Group.objects.visible_to(person).exists()
    assert not Meeting.objects.visible_to(person).exists()
    client.force_login(person)
    assert client.get(f"/governance/groups/{group.pk}/").status_code == 404
    assert client.get(f"/governance/meetings/{meeting.pk}/invitation.ics").status_code == 404
    assert (
        client.get(f"/governance/meetings/{meeting.pk}/items/{item.pk}/minute/").status_code == 404
    )


def test_a_supplier_forum_seats_only_msps_serving_the_region(london, regional_lead, camden):
    forum = _group(london, regional_lead, kind=GroupKind.SUPPLIER_FORUM, name="Forum")
    here = MSPContractFactory(local_authority=camden).msp
    elsewhere = MSPContractFactory(local_authority=local_authority("391")).msp
    ours = person_with_role(Role.MSP_CONTACT, msp=here)
    theirs = person_with_role(Role.MSP_CONTACT, msp=elsewhere)
    form = MemberForm(group=forum)
    assert list(form.fields["person"].queryset) == [ours]
    assert list(form.fields["msp"].queryset) == [here]
    with pytest.raises(ValidationError) as error:
        services.member_add(
            group=forum, person=theirs, msp=elsewhere, from_date=D(2026, 1, 5), actor=regional_lead
        )
    assert "msp" in error.value.message_dict
    assert services.member_add(
        group=forum, person=ours, msp=here, from_date=D(2026, 1, 5), actor=regional_lead
    )


def test_a_national_observer_role_opens_no_other_regions_directory_or_structure(
    client, london, north_east_lead, camden
):
    Membership.objects.create(user=north_east_lead, role=Role.OBSERVER)
    client.force_login(north_east_lead)
    assert client.get("/governance/regions/LDN/directory/").status_code == 404
    assert client.get("/governance/regions/LDN/directory.csv").status_code == 404
    assert client.get("/governance/regions/LDN/structure/").status_code == 404
    member = person_with_role(Role.GROUP_MEMBER, local_authority=camden)
    Membership.objects.create(user=member, role=Role.OBSERVER)
    client.force_login(member)
    assert client.get("/governance/regions/NE/structure/").status_code == 404
    assert client.get("/governance/regions/LDN/structure/").status_code == 200


def test_someone_who_only_sits_on_groups_reads_the_leads_and_contact_point_only(
    client, london, regional_lead, dcs, camden
):
    EscalationContact.objects.create(region=london, person=regional_lead)
    member = person_with_role(Role.GROUP_MEMBER, local_authority=camden)
    client.force_login(member)
    entries = client.get("/governance/regions/LDN/directory/").context["entries"]
    assert [e.person for e in entries] == [regional_lead]
    assert dcs.email not in client.get("/governance/regions/LDN/directory.csv").content.decode()
    assert channels.directory_access(dcs, london) == "full"


def test_a_chair_who_does_not_sit_on_the_group_reaches_it(client, london, regional_lead, camden):
    chair = person_with_role(Role.LA_WORKFORCE_LEAD, local_authority=local_authority("206"))
    group = _group(london, regional_lead, chair=chair)
    client.force_login(chair)
    assert client.get(f"/governance/groups/{group.pk}/").status_code == 200


def test_a_decision_after_the_minutes_are_approved_waits_for_the_next_meeting(
    london, regional_lead, dcs, time_machine
):
    group = _group(london, regional_lead, chair=dcs)
    first = services.meeting_schedule(
        group=group,
        starts_at=at(2026, 9, 1, 10),
        ends_at=at(2026, 9, 1, 12),
        place="x",
        actor=regional_lead,
    )
    services.meeting_schedule(
        group=group,
        starts_at=at(2026, 10, 1, 10),
        ends_at=at(2026, 10, 1, 12),
        place="x",
        actor=regional_lead,
    )
    agenda.minutes_approve(meeting=first, actor=dcs)
    with pytest.raises(ValidationError, match="next meeting"):
        services.decision_record(meeting=first, text="late", actor=regional_lead)


def test_a_completed_review_is_not_completed_again(london, regional_lead):
    started = review.review_start(region=london, year=2026, actor=regional_lead)
    for question in review.QUESTIONS:
        review.answer_save(
            review=started,
            question=question.key,
            rating=Rating.IN_PLACE,
            evidence_text="",
            actor=regional_lead,
        )
    review.review_complete(review=started, actor=regional_lead)
    with pytest.raises(ValidationError, match="already complete"):
        review.review_complete(review=started, actor=regional_lead)


def test_a_deactivated_contact_is_not_reminded(london, regional_lead, msp_contact):
    channels.notice_send(region=london, subject="s", body="b", actor=regional_lead)
    msp_contact.is_active = False
    msp_contact.save()
    assert channels.notices_remind(as_of=D(2026, 10, 9), dry_run=True) == []
