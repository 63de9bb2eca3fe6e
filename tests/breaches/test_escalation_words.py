"""Escalating says what happens; an unavailable step says why; an overdue reply warns
(issue 14, points 3 and 4)."""

import datetime

import pytest
from django.urls import reverse

from breaches.models import BreachState
from breaches.workflow import breach_act
from tests.factories import local_authority, logged_breach, mou_version

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def breach(reference_data, regional_lead):
    mou_version("LDN")
    breach = logged_breach(local_authority("202"), reporter=regional_lead)
    return breach_act(breach=breach, action="accept", actor=regional_lead, note="")


def _text(response) -> str:
    return " ".join(response.content.decode().split())


def test_the_escalate_page_names_the_next_level_and_who_becomes_responsible(
    client, breach, regional_lead
):
    client.force_login(regional_lead)
    page = _text(client.get(reverse("breaches:action", args=[breach.reference, "escalate"])))
    assert (
        "This moves the breach to <strong>level 2: DCS of the local authority concerned</strong>"
        in page
    )
    assert "The DCS of each local authority that is a party" in page
    assert "10 working days" in page


def test_the_confirmation_says_where_the_breach_went(client, breach, regional_lead):
    client.force_login(regional_lead)
    response = client.post(
        reverse("breaches:action", args=[breach.reference, "escalate"]),
        {"version": breach.version, "note": "No progress"},
        follow=True,
    )
    assert (
        f"{breach.reference} escalated to level 2: DCS of the local authority concerned"
        in _text(response)
    )
    assert "is now under review" not in _text(response)


def test_while_a_reply_is_awaited_the_lead_records_it_and_is_told_why_escalating_waits(
    client, breach, regional_lead, dcs
):
    breach_act(
        breach=breach,
        action="request_reply",
        actor=regional_lead,
        party=breach.parties.get(),
        note="Why one week?",
        reply_due_on=D(2027, 1, 18),
        today=D(2027, 1, 4),
    )
    client.force_login(regional_lead)
    page = _text(client.get(breach.get_absolute_url()))
    assert ">Record a reply received</a>" in page
    assert "Escalate is not available while Camden is asked to reply (by 18 January 2027)" in page
    action = _text(client.get(reverse("breaches:action", args=[breach.reference, "reply"])))
    assert "<h1" in action and "Record a reply received" in action  # noqa: PT018
    client.force_login(dcs)  # the party itself replies
    page = _text(client.get(breach.get_absolute_url()))
    assert ">Reply</a>" in page
    assert "is not available while" not in page


def test_an_overdue_reply_is_a_warning_on_the_page(client, breach, regional_lead, dcs):
    breach_act(
        breach=breach,
        action="request_reply",
        actor=regional_lead,
        party=breach.parties.get(),
        reply_due_on=D(2026, 3, 20),
        today=D(2026, 3, 6),
    )
    breach.refresh_from_db()
    assert breach.state == BreachState.AWAITING_RESPONSE
    assert breach.next_deadline == D(2026, 3, 20)  # the reply's date, not the stage's
    client.force_login(dcs)
    page = _text(client.get(breach.get_absolute_url()))
    assert '<div class="govuk-warning-text" id="deadline">' in page
    assert "Reply overdue: Camden was asked to reply by 20 March 2026" in page


def test_the_next_deadline_is_one_definition():
    from breaches.models import Breach

    stage, reply = D(2026, 5, 1), D(2026, 4, 20)
    for state, expected in [
        (BreachState.REPORTED, stage),
        (BreachState.UNDER_REVIEW, stage),
        (BreachState.AWAITING_RESPONSE, reply),
        (BreachState.RESOLVED, None),
        (BreachState.CLOSED, None),
        (BreachState.WITHDRAWN, None),
    ]:
        breach = Breach(state=state, due_on=stage, reply_due_on=reply)
        assert breach.next_deadline == expected
        assert breach.is_overdue(on=D(2026, 6, 1)) == (expected is not None)
        assert not breach.is_overdue(on=D(2026, 4, 1))


def test_due_this_week_counts_a_reply_due_this_week_not_its_stopped_stage(
    breach, regional_lead, london
):
    from breaches.models import Breach
    from dashboards.figures import headline

    monday = D(2026, 11, 30)
    Breach.objects.filter(pk=breach.pk).update(
        state=BreachState.AWAITING_RESPONSE,
        due_on=D(2027, 1, 29),  # the stopped stage: weeks away
        reply_due_on=D(2026, 12, 3),  # Thursday
    )
    regions = london.__class__.objects.filter(pk=london.pk)
    assert headline(regions, monday)["due"] == 1
    Breach.objects.filter(pk=breach.pk).update(reply_due_on=D(2026, 12, 10))
    assert headline(regions, monday)["due"] == 0
