"""Decisions and actions of a meeting: recorded by the chair or the region's leads; an action's
owner is the chair, a member or a deputy; its owner (or whoever records) marks it done;
scope holds."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.roles import Role
from governance import services
from governance.models import Action, ActionState, GroupKind
from tests.factories import local_authority, person_with_role

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
D = datetime.date


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(at(2026, 10, 10, 10), tick=False)


@pytest.fixture
def meeting(london, regional_lead, dcs, la_workforce_lead):
    group = services.group_create(
        region=london,
        fields={
            "name": "North Central London",
            "kind": GroupKind.SUB_REGIONAL,
            "purpose": "p",
            "starts_on": D(2026, 1, 1),
            "chair": dcs,
        },
        local_authorities=[local_authority("202")],
        actor=regional_lead,
    )
    services.member_add(
        group=group,
        person=dcs,
        local_authority=local_authority("202"),
        deputy=la_workforce_lead,
        from_date=D(2026, 1, 5),
        actor=regional_lead,
    )
    return services.meeting_schedule(
        group=group,
        starts_at=at(2026, 11, 12, 10),
        ends_at=at(2026, 11, 12, 12),
        place="Camden",
        actor=regional_lead,
    )


def test_the_chair_records_a_decision_dated_the_meeting(meeting, dcs, la_workforce_lead):
    with pytest.raises(PermissionDenied):
        services.decision_record(meeting=meeting, text="x", actor=la_workforce_lead)
    decision = services.decision_record(
        meeting=meeting, text="Adopt the shared reference template", actor=dcs
    )
    assert decision.decided_on == D(2026, 11, 12)
    with pytest.raises(ValidationError, match="Enter the decision"):
        services.decision_record(meeting=meeting, text=" ", actor=dcs)


def test_an_actions_owner_is_the_chair_a_member_or_a_deputy(
    meeting, dcs, la_workforce_lead, regional_lead
):
    outsider = person_with_role(Role.DCS, local_authority=local_authority("204"))
    with pytest.raises(ValidationError) as error:
        services.action_add(
            meeting=meeting, text="Send", owner=outsider, due_on=D(2026, 11, 1), actor=dcs
        )
    assert set(error.value.message_dict) == {"owner", "due_on"}
    action = services.action_add(
        meeting=meeting,
        text="Circulate the reference template",
        owner=la_workforce_lead,  # the deputy
        due_on=D(2026, 12, 1),
        actor=regional_lead,
    )
    assert action.state == ActionState.OPEN


def test_the_owner_marks_it_done_others_may_not(meeting, dcs, la_workforce_lead, north_east_lead):
    action = services.action_add(
        meeting=meeting, text="Send", owner=la_workforce_lead, due_on=D(2026, 12, 1), actor=dcs
    )
    other = person_with_role(Role.LA_WORKFORCE_LEAD, local_authority=local_authority("204"))
    with pytest.raises(PermissionDenied):
        services.action_done(action=action, actor=other)
    done = services.action_done(action=action, actor=la_workforce_lead)
    assert (done.state, done.done_on) == (ActionState.DONE, D(2026, 10, 10))
    with pytest.raises(ValidationError, match="already done"):
        services.action_done(action=action, actor=la_workforce_lead)
    assert not Action.objects.visible_to(north_east_lead).exists()
    assert Action.objects.visible_to(la_workforce_lead).filter(pk=action.pk).exists()


def test_the_pages_record_decisions_and_actions_and_the_owner_marks_done(
    client, meeting, dcs, la_workforce_lead, north_east_lead
):
    client.force_login(dcs)  # the chair
    decision_url = f"/governance/meetings/{meeting.pk}/decisions/new/"
    assert client.post(decision_url, {"text": ""}).context["form"].errors["text"] == [
        "Enter the decision"
    ]
    client.post(decision_url, {"text": "Adopt the template"})
    action_url = f"/governance/meetings/{meeting.pk}/actions/new/"
    response = client.post(
        action_url,
        {
            "text": "Send it",
            "owner": la_workforce_lead.pk,
            "due_on_day": "1",
            "due_on_month": "11",
            "due_on_year": "2026",
        },
    )
    assert response.context["form"].errors["due_on"] == [
        "The due date must be on or after the meeting"
    ]
    client.post(
        action_url,
        {
            "text": "Send it",
            "owner": la_workforce_lead.pk,
            "due_on_day": "1",
            "due_on_month": "12",
            "due_on_year": "2026",
        },
    )
    action = Action.objects.get()
    client.force_login(north_east_lead)
    assert client.post(f"/governance/actions/{action.pk}/done/").status_code == 404
    client.force_login(la_workforce_lead)  # the owner, through the deputy's seat
    page = client.get(f"/governance/meetings/{meeting.pk}/").content.decode()
    assert "Adopt the template" in page
    assert "Record an action" not in page
    client.post(f"/governance/actions/{action.pk}/done/")
    action.refresh_from_db()
    assert action.state == ActionState.DONE


def test_the_owners_home_lists_their_open_actions_overdue_first_flagged(
    client, meeting, dcs, la_workforce_lead, time_machine
):
    services.action_add(
        meeting=meeting,
        text="Send the template",
        owner=la_workforce_lead,
        due_on=D(2026, 11, 20),
        actor=dcs,
    )
    done = services.action_add(
        meeting=meeting,
        text="Book the room",
        owner=la_workforce_lead,
        due_on=D(2026, 11, 13),
        actor=dcs,
    )
    services.action_done(action=done, actor=la_workforce_lead)
    time_machine.move_to(at(2026, 12, 1, 10), tick=False)
    client.force_login(la_workforce_lead)
    home = client.get("/").content.decode()
    section = home[home.index('id="home-actions"') :]
    assert "Send the template" in section
    assert "Overdue" in section
    assert "Book the room" not in section  # done
    client.force_login(dcs)
    assert 'id="home-actions"' not in client.get("/").content.decode()
