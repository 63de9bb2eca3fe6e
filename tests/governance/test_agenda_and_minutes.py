"""A meeting's agenda: items in order with presenters, papers (5 clear days before, a reminder
to presenters whose papers are missing), links to records shown only to those who may open
them, confidential items, declarations of interest; open actions carried onto the next agenda
by themselves; minutes drafted, approved by the chair at the next meeting, published to the
region, and readable by the members of its other groups (confidential items never, other
regions never)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.roles import Role
from governance import agenda, services
from governance.models import GroupKind, Minutes, MinutesState
from governance.reminders import papers_remind
from tests.factories import local_authority, logged_breach, person_with_role

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
D = datetime.date
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n"


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(at(2026, 10, 1, 10), tick=False)


def _group(region, lead, name, codes, chair=None):
    return services.group_create(
        region=region,
        fields={
            "name": name,
            "kind": GroupKind.SUB_REGIONAL,
            "purpose": "p",
            "starts_on": D(2026, 1, 1),
            "chair": chair,
        },
        local_authorities=[local_authority(c) for c in codes],
        actor=lead,
    )


def _meet(group, lead, day):
    return services.meeting_schedule(
        group=group,
        starts_at=at(*day, 10),
        ends_at=at(*day, 12),
        place="Camden Town Hall",
        actor=lead,
    )


@pytest.fixture
def group(london, regional_lead, dcs, la_workforce_lead):
    group = _group(london, regional_lead, "North Central London", ["202", "206"], chair=dcs)
    services.member_add(
        group=group,
        person=dcs,
        local_authority=local_authority("202"),
        deputy=la_workforce_lead,
        from_date=D(2026, 1, 5),
        actor=regional_lead,
    )
    return group


@pytest.fixture
def meeting(group, regional_lead):
    return _meet(group, regional_lead, (2026, 10, 20))


def test_papers_are_due_five_clear_days_before(meeting, settings):
    # a meeting on Tuesday 20 October: the 19th to the 15th are the clear days
    assert meeting.papers_due_on == D(2026, 10, 14)
    settings.GOVERNANCE_PAPERS_CLEAR_DAYS = 3
    assert meeting.papers_due_on == D(2026, 10, 16)


def test_items_are_ordered_and_moved(meeting, regional_lead, dcs, la_workforce_lead):
    first = agenda.item_add(meeting=meeting, title="Rates", actor=regional_lead)
    second = agenda.item_add(meeting=meeting, title="Breaches", presenter=dcs, actor=dcs)
    assert [i.title for i in meeting.items.all()] == ["Rates", "Breaches"]
    agenda.item_move(item=second, up=True, actor=regional_lead)
    assert [i.title for i in meeting.items.all()] == ["Breaches", "Rates"]
    agenda.item_move(item=first, up=False, actor=regional_lead)  # already last: nothing moves
    assert [i.title for i in meeting.items.all()] == ["Breaches", "Rates"]
    with pytest.raises(PermissionDenied):  # a deputy does not record the meeting
        agenda.item_add(meeting=meeting, title="x", actor=la_workforce_lead)
    outsider = person_with_role(Role.DCS, local_authority=local_authority("204"))
    with pytest.raises(ValidationError) as error:
        agenda.item_add(meeting=meeting, title=" ", presenter=outsider, actor=regional_lead)
    assert set(error.value.message_dict) == {"title", "presenter"}


def test_a_link_is_shown_only_to_those_who_may_open_the_record(
    meeting, regional_lead, dcs, la_workforce_lead, north_east_lead, camden
):
    breach = logged_breach(camden, reporter=regional_lead)
    item = agenda.item_add(
        meeting=meeting, title="A breach", links={"breach": breach}, actor=regional_lead
    )
    assert [link.name for link in agenda.linked_records([item], dcs)[item.pk]] == [breach.reference]
    someone = person_with_role(Role.GROUP_MEMBER, local_authority=camden)
    assert agenda.linked_records([item], someone)[item.pk] == []
    # another region's breach is not linked, and it says so beside the field
    newcastle_breach = logged_breach(local_authority("391"), reporter=north_east_lead)
    with pytest.raises(ValidationError) as error:
        agenda.item_add(
            meeting=meeting, title="x", links={"breach": newcastle_breach}, actor=regional_lead
        )
    assert "breach" in error.value.message_dict


def test_open_actions_are_carried_onto_the_next_agenda(group, meeting, regional_lead, dcs):
    services.meeting_cancel(meeting=meeting, reason="Clash", actor=regional_lead)
    earlier = _meet(group, regional_lead, (2026, 7, 14))
    later = _meet(group, regional_lead, (2026, 11, 17))
    done = services.action_add(
        meeting=earlier, text="Share rates", owner=dcs, due_on=D(2026, 8, 1), actor=dcs
    )
    kept = services.action_add(
        meeting=earlier, text="Draft references", owner=dcs, due_on=D(2026, 9, 1), actor=dcs
    )
    services.action_done(action=done, actor=dcs)  # done on 1 October
    assert list(agenda.carried_actions(later)) == [kept]
    assert list(agenda.carried_actions(earlier)) == []
    # as the earlier agenda stood: an action done after a meeting was open at it
    between = _meet(group, regional_lead, (2026, 9, 15))
    assert set(agenda.carried_actions(between)) == {done, kept}


def test_papers_through_the_upload_helper_and_a_reminder_when_missing(
    client, meeting, regional_lead, dcs, time_machine, django_capture_on_commit_callbacks
):
    item = agenda.item_add(meeting=meeting, title="Rates", presenter=dcs, actor=regional_lead)
    other = agenda.item_add(
        meeting=meeting, title="Breaches", presenter=regional_lead, actor=regional_lead
    )
    client.force_login(dcs)
    url = f"/governance/meetings/{meeting.pk}/items/{item.pk}/papers/new/"
    response = client.post(url, {"file": SimpleUploadedFile("rates.pdf", b"not a pdf")})
    assert "file" in response.context["form"].errors
    response = client.post(url, {"file": SimpleUploadedFile("rates.pdf", PDF)})
    assert response.status_code == 302
    paper = item.papers.get()
    download = client.get(f"/governance/meetings/{meeting.pk}/items/{item.pk}/papers/{paper.pk}/")
    assert download["Content-Disposition"].startswith("attachment")
    # the reminder: from three days before the papers are due (the 14th), once
    assert papers_remind(as_of=D(2026, 10, 10), dry_run=True) == []
    time_machine.move_to(at(2026, 10, 11, 7), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        run = papers_remind(as_of=D(2026, 10, 11))
    assert run == [f"{other.title}, {meeting}"]
    assert [m.to for m in mail.outbox] == [[regional_lead.email]]
    assert papers_remind(as_of=D(2026, 10, 12)) == []  # not twice


def test_declarations_of_interest_per_item(meeting, regional_lead, dcs):
    item = agenda.item_add(meeting=meeting, title="Rates", actor=regional_lead)
    agenda.declaration_record(
        item=item, person=dcs, interest="Partner works for an agency", actor=regional_lead
    )
    assert [d.person for d in item.declarations.all()] == [dcs]
    with pytest.raises(ValidationError):
        agenda.declaration_record(item=item, person=dcs, interest=" ", actor=regional_lead)


def test_minutes_approved_by_the_chair_at_the_next_meeting_then_published(
    group, meeting, regional_lead, dcs, time_machine
):
    item = agenda.item_add(meeting=meeting, title="Rates", actor=regional_lead)
    agenda.item_minute(item=item, minute="Agreed to share rate cards", actor=regional_lead)
    with pytest.raises(PermissionDenied):  # the chair approves, not the lead
        agenda.minutes_approve(meeting=meeting, actor=regional_lead)
    with pytest.raises(ValidationError, match="next meeting"):
        agenda.minutes_approve(meeting=meeting, actor=dcs)
    with pytest.raises(ValidationError, match="approves"):
        agenda.minutes_publish(meeting=meeting, actor=regional_lead)
    following = _meet(group, regional_lead, (2026, 11, 17))
    time_machine.move_to(at(2026, 11, 17, 10, 30), tick=False)
    minutes = agenda.minutes_approve(meeting=meeting, actor=dcs)
    assert (minutes.state, minutes.approved_at_meeting) == (MinutesState.APPROVED, following)
    with pytest.raises(ValidationError, match="no longer change"):
        agenda.item_minute(item=item, minute="changed", actor=regional_lead)
    minutes = agenda.minutes_publish(meeting=meeting, actor=regional_lead)
    assert minutes.state == MinutesState.PUBLISHED


def test_published_minutes_are_shared_across_the_regions_groups_never_beyond(
    client, london, group, meeting, regional_lead, dcs, north_east, north_east_lead, time_machine
):
    open_item = agenda.item_add(meeting=meeting, title="Rates", actor=regional_lead)
    secret = agenda.item_add(
        meeting=meeting, title="Staffing dispute", confidential=True, actor=regional_lead
    )
    agenda.item_minute(item=open_item, minute="Rate cards shared", actor=regional_lead)
    agenda.item_minute(item=secret, minute="Named worker discussed", actor=regional_lead)
    services.decision_record(meeting=meeting, text="Adopt rate card", actor=regional_lead)
    services.decision_record(
        meeting=meeting, text="Refer the dispute", item=secret, actor=regional_lead
    )
    _meet(group, regional_lead, (2026, 11, 17))
    time_machine.move_to(at(2026, 11, 17, 11), tick=False)
    agenda.minutes_approve(meeting=meeting, actor=dcs)
    agenda.minutes_publish(meeting=meeting, actor=regional_lead)
    # a member of another London group, who cannot see North Central London itself
    other = _group(london, regional_lead, "South London", ["210"])
    southwark = person_with_role(Role.GROUP_MEMBER, local_authority=local_authority("210"))
    services.member_add(
        group=other,
        person=southwark,
        local_authority=local_authority("210"),
        from_date=D(2026, 1, 5),
        actor=regional_lead,
    )
    assert Minutes.objects.shared_with(southwark).count() == 1
    client.force_login(southwark)
    assert client.get(f"/governance/meetings/{meeting.pk}/").status_code == 404
    page = client.get("/governance/regions/LDN/minutes/").content.decode()
    assert "Rate cards shared" in page
    assert "Adopt rate card" in page
    assert "Staffing dispute" not in page
    assert "Named worker discussed" not in page
    assert "Refer the dispute" not in page
    # nothing leaves the region
    newcastle = person_with_role(Role.GROUP_MEMBER, local_authority=local_authority("391"))
    north_group = _group(north_east, north_east_lead, "Tyne and Wear", ["391"])
    services.member_add(
        group=north_group,
        person=newcastle,
        local_authority=local_authority("391"),
        from_date=D(2026, 1, 5),
        actor=north_east_lead,
    )
    assert not Minutes.objects.shared_with(newcastle).exists()
    assert not Minutes.objects.shared_with(north_east_lead).exists()
    client.force_login(newcastle)
    page = client.get("/governance/regions/LDN/minutes/")
    assert "Rate cards shared" not in page.content.decode()


def test_the_item_page_links_a_supplier_review_and_a_breach_by_reference(
    client, meeting, regional_lead, camden, london
):
    from msp.models import RelationshipReview
    from tests.factories import MSPFactory

    review = RelationshipReview.objects.create(
        region=london, msp=MSPFactory(), held_on=D(2026, 9, 1), attendees="a", effectiveness=3
    )
    breach = logged_breach(camden, reporter=regional_lead)
    client.force_login(regional_lead)
    url = f"/governance/meetings/{meeting.pk}/items/new/"
    response = client.post(url, {"title": "Suppliers", "breach": "LDN-1999-9999"})
    assert "breach" in response.context["form"].errors
    response = client.post(
        url,
        {"title": "Suppliers", "supplier_review": review.pk, "breach": breach.reference.lower()},
    )
    assert response.status_code == 302
    item = meeting.items.get()
    assert (item.supplier_review, item.breach) == (review, breach)
