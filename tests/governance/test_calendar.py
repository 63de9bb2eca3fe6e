"""Meetings as iCalendar, parsed back with the icalendar library: an invitation whose UID
stays and whose SEQUENCE rises when the meeting moves, a CANCEL once it is cancelled; a
person's feed at a secret, revocable address listing only titles, times and places of the
meetings they may see."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from governance import services
from governance.models import GroupKind
from tests.factories import local_authority

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(at(2026, 10, 10, 10), tick=False)


@pytest.fixture
def meeting(london, regional_lead):
    group = services.group_create(
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
    return services.meeting_schedule(
        group=group,
        starts_at=at(2026, 11, 12, 10),
        ends_at=at(2026, 11, 12, 12),
        place="Camden Town Hall",
        online_link="https://meet.example.org/ncl",
        actor=regional_lead,
    )


def _events(body: bytes):
    calendar = Calendar.from_ical(body)
    return calendar, list(calendar.walk("VEVENT"))


def test_the_invitation_updates_when_the_meeting_moves_and_cancels_when_cancelled(
    client, meeting, regional_lead, dcs
):
    client.force_login(dcs)  # the group covers Camden
    url = f"/governance/meetings/{meeting.pk}/invitation.ics"
    response = client.get(url)
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar, [event] = _events(response.content)
    assert calendar["method"] == "REQUEST"
    uid = str(event["uid"])
    assert event["sequence"] == 0
    assert event.decoded("dtstart") == at(2026, 11, 12, 10)
    assert str(event["location"]) == "Camden Town Hall"
    assert str(event["summary"]) == "North Central London meeting"
    services.meeting_move(
        meeting=meeting,
        starts_at=at(2026, 11, 19, 14),
        ends_at=at(2026, 11, 19, 16),
        place="Islington Town Hall",
        reason="Chair away",
        actor=regional_lead,
    )
    _calendar, [moved] = _events(client.get(url).content)
    assert (str(moved["uid"]), moved["sequence"]) == (uid, 1)
    assert moved.decoded("dtstart") == at(2026, 11, 19, 14)
    services.meeting_cancel(meeting=meeting, reason="No quorum", actor=regional_lead)
    calendar, [cancelled] = _events(client.get(url).content)
    assert calendar["method"] == "CANCEL"
    assert (str(cancelled["uid"]), cancelled["sequence"], str(cancelled["status"])) == (
        uid,
        2,
        "CANCELLED",
    )


def test_the_invitation_is_404_outside_the_persons_groups(client, meeting, north_east_lead):
    client.force_login(north_east_lead)
    assert client.get(f"/governance/meetings/{meeting.pk}/invitation.ics").status_code == 404


def test_a_persons_feed_lists_their_meetings_titles_times_and_places_only(client, meeting, dcs):
    client.force_login(dcs)
    client.post("/governance/calendar/", {"action": "new"})
    address = client.get("/governance/calendar/").context["url"]
    client.logout()
    response = client.get(address)  # a calendar service: not signed in
    assert response.status_code == 200
    _calendar, [event] = _events(response.content)
    assert str(event["summary"]) == "North Central London meeting"
    assert str(event["location"]) == "Camden Town Hall"
    assert "url" not in event  # the online link stays in the portal
    assert "description" not in event


def test_a_new_address_stops_the_old_and_turning_it_off_stops_both(client, meeting, dcs):
    client.force_login(dcs)
    client.post("/governance/calendar/", {"action": "new"})
    first = client.get("/governance/calendar/").context["url"]
    client.post("/governance/calendar/", {"action": "new"})
    second = client.get("/governance/calendar/").context["url"]
    assert first != second
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    client.post("/governance/calendar/", {"action": "off"})
    assert client.get(second).status_code == 404


def test_the_feed_shows_another_region_nothing_and_stops_when_the_person_is_deactivated(
    client, meeting, north_east_lead, dcs
):
    client.force_login(north_east_lead)
    client.post("/governance/calendar/", {"action": "new"})
    address = client.get("/governance/calendar/").context["url"]
    _calendar, events = _events(client.get(address).content)
    assert events == []
    client.force_login(dcs)
    client.post("/governance/calendar/", {"action": "new"})
    dcs_address = client.get("/governance/calendar/").context["url"]
    dcs.is_active = False
    dcs.save()
    assert client.get(dcs_address).status_code == 404


def test_an_unknown_address_is_404(client, reference_data):
    assert client.get("/governance/calendar/not-a-real-token.ics").status_code == 404


def test_invitation_emails_link_to_the_ics_when_scheduled_moved_and_cancelled(
    client, london, regional_lead, dcs, la_workforce_lead, django_capture_on_commit_callbacks
):
    """GOV.UK Notify sends no attachments: each email links to the meeting's .ics, which a
    real iCalendar parser reads as the same event, updated, then cancelled."""
    from django.core import mail

    group = services.group_create(
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
    services.member_add(
        group=group,
        person=dcs,
        local_authority=local_authority("202"),
        deputy=la_workforce_lead,
        from_date=datetime.date(2026, 1, 5),
        actor=regional_lead,
    )
    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.meeting_schedule(
            group=group,
            starts_at=at(2026, 11, 12, 10),
            ends_at=at(2026, 11, 12, 12),
            place="Camden Town Hall",
            actor=regional_lead,
        )
    assert sorted(m.to[0] for m in mail.outbox) == sorted([dcs.email, la_workforce_lead.email])
    link = f"/governance/meetings/{meeting.pk}/invitation.ics"
    assert link in mail.outbox[0].body
    assert mail.outbox[0].attachments == []
    client.force_login(dcs)
    first = Calendar.from_ical(client.get(link).content).walk("VEVENT")[0]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_move(
            meeting=meeting,
            starts_at=at(2026, 11, 19, 10),
            ends_at=at(2026, 11, 19, 12),
            place="Camden Town Hall",
            reason="Clash with the DCS board",
            actor=regional_lead,
        )
    assert "moved" in mail.outbox[0].subject
    assert link in mail.outbox[0].body
    moved = Calendar.from_ical(client.get(link).content).walk("VEVENT")[0]
    assert moved["UID"] == first["UID"]
    assert moved["SEQUENCE"] > first["SEQUENCE"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel(meeting=meeting, reason="No quorum likely", actor=regional_lead)
    assert "cancelled" in mail.outbox[0].subject
    cancelled = Calendar.from_ical(client.get(link).content)
    assert cancelled["METHOD"] == "CANCEL"
