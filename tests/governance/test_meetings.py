"""Meetings of a group: scheduled (a time, and a place or an online link), moved with a reason
(counted for invitations), cancelled with a reason; who may, who sees them; bad input beside
the field."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from governance import services
from governance.models import GroupKind, Meeting, MeetingState
from tests.factories import local_authority

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(at(2026, 10, 10, 10), tick=False)


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


@pytest.fixture
def meeting(group, regional_lead):
    return services.meeting_schedule(
        group=group,
        starts_at=at(2026, 11, 12, 10),
        ends_at=at(2026, 11, 12, 12),
        place="Camden Town Hall",
        actor=regional_lead,
    )


def test_only_those_who_run_the_region_schedule_meetings(group, dcs, north_east_lead):
    for person in (dcs, north_east_lead):
        with pytest.raises(PermissionDenied):
            services.meeting_schedule(
                group=group,
                starts_at=at(2026, 11, 12, 10),
                ends_at=at(2026, 11, 12, 12),
                place="x",
                actor=person,
            )


def test_a_meeting_needs_a_time_that_ends_after_it_starts_and_a_place(group, regional_lead):
    with pytest.raises(ValidationError) as error:
        services.meeting_schedule(
            group=group,
            starts_at=at(2026, 11, 12, 12),
            ends_at=at(2026, 11, 12, 10),
            actor=regional_lead,
        )
    assert set(error.value.message_dict) == {"ends_at", "place"}


def test_moving_keeps_the_reason_and_counts_the_change(meeting, regional_lead):
    with pytest.raises(ValidationError, match="why the meeting moves"):
        services.meeting_move(
            meeting=meeting,
            starts_at=at(2026, 11, 19, 10),
            ends_at=at(2026, 11, 19, 12),
            place="Camden Town Hall",
            reason=" ",
            actor=regional_lead,
        )
    moved = services.meeting_move(
        meeting=meeting,
        starts_at=at(2026, 11, 19, 10),
        ends_at=at(2026, 11, 19, 12),
        online_link="https://meet.example.org/ncl",
        reason="The chair is away on the 12th",
        actor=regional_lead,
    )
    assert (moved.sequence, moved.moved_reason, moved.place) == (
        1,
        "The chair is away on the 12th",
        "",
    )


def test_cancelling_keeps_the_reason_and_a_cancelled_one_neither_moves_nor_cancels(
    meeting, regional_lead
):
    cancelled = services.meeting_cancel(meeting=meeting, reason="No quorum", actor=regional_lead)
    assert (cancelled.state, cancelled.sequence) == (MeetingState.CANCELLED, 1)
    with pytest.raises(ValidationError, match="already cancelled"):
        services.meeting_cancel(meeting=meeting, reason="Again", actor=regional_lead)
    with pytest.raises(ValidationError, match="does not move"):
        services.meeting_move(
            meeting=meeting,
            starts_at=at(2026, 11, 19, 10),
            ends_at=at(2026, 11, 19, 12),
            place="x",
            reason="r",
            actor=regional_lead,
        )


@pytest.mark.parametrize(
    ("person", "sees"),
    [
        ("regional_lead", True),
        ("dcs", True),  # the group covers Camden
        ("la_workforce_lead", False),
        ("observer", False),
        ("north_east_lead", False),
    ],
)
def test_who_sees_a_meeting(request, meeting, person, sees):
    user = request.getfixturevalue(person)
    assert Meeting.objects.visible_to(user).filter(pk=meeting.pk).exists() is sees


def _when(day, month, year, starts, ends) -> dict[str, str]:
    return {
        "day_day": str(day),
        "day_month": str(month),
        "day_year": str(year),
        "starts": starts,
        "ends": ends,
    }


def test_the_lead_schedules_moves_and_cancels_on_the_pages(client, group, regional_lead, dcs):
    client.force_login(regional_lead)
    url = f"/governance/groups/{group.pk}/meetings/new/"
    response = client.post(url, _when(12, 11, 2026, "12:00", "1000") | {"place": ""})
    errors = response.context["form"].errors
    assert errors["ends"] == ["The meeting must end after it starts"]
    assert errors["place"] == ["Enter where it meets, or an online link"]
    response = client.post(url, _when(12, 11, 2026, "10:00", "12.00") | {"place": "Camden"})
    meeting = Meeting.objects.get()
    assert response.url == f"/governance/meetings/{meeting.pk}/"
    assert meeting.starts_at == at(2026, 11, 12, 10)
    move = f"/governance/meetings/{meeting.pk}/move/"
    response = client.post(move, _when(19, 11, 2026, "10:00", "12:00") | {"place": "Camden"})
    assert response.context["form"].errors["reason"] == ["Enter why the meeting moves"]
    client.post(
        move, _when(19, 11, 2026, "10:00", "12:00") | {"place": "Camden", "reason": "Chair away"}
    )
    group_page = client.get(f"/governance/groups/{group.pk}/").content.decode()
    assert "Thursday 19 November 2026, 10:00" in group_page
    client.force_login(dcs)
    assert client.get(move).status_code == 403
    assert (
        "Move the meeting" not in client.get(f"/governance/meetings/{meeting.pk}/").content.decode()
    )
    client.force_login(regional_lead)
    cancel = f"/governance/meetings/{meeting.pk}/cancel/"
    assert client.post(cancel, {"reason": ""}).context["form"].errors["reason"] == [
        "Enter why the meeting is cancelled"
    ]
    client.post(cancel, {"reason": "No quorum"})
    page = client.get(f"/governance/meetings/{meeting.pk}/").content.decode()
    assert "Cancelled: No quorum" in page
    assert client.get(cancel).status_code == 403
