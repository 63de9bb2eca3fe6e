"""The yearly governance review: the resource's questions with the portal's evidence beside
each (checked against a hand-made fixture), a rating, an action with an owner where it falls
short (on the owner's home page), completion once every question is answered, the year
before alongside, and the review due on the leads' home page."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from breaches.models import Breach, BreachState
from governance import channels, review, services
from governance.models import Action, GovernanceReview, GroupKind, RaisedIssue, Rating
from mou.models import EscalationLevel, Signatory, SignatoryStatus
from msp.models import EscalationContact, RelationshipReview
from tests.factories import MSPFactory, local_authority, logged_breach, person_with_role

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
D = datetime.date


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(at(2026, 10, 5, 10), tick=False)


@pytest.fixture
def fixture_data(london, regional_lead, dcs, la_workforce_lead, msp_contact, camden_msp, camden):
    """By hand, for London over the last year."""
    group = services.group_create(
        region=london,
        fields={
            "name": "North Central London",
            "kind": GroupKind.SUB_REGIONAL,
            "purpose": "p",
            "starts_on": D(2026, 1, 1),
        },
        local_authorities=[camden, local_authority("206")],  # Islington: nobody
        actor=regional_lead,
    )
    services.member_add(  # a workforce lead without delegated authority
        group=group,
        person=la_workforce_lead,
        local_authority=camden,
        from_date=D(2026, 1, 5),
        actor=regional_lead,
    )
    services.group_create(
        region=london,
        fields={
            "name": "Workforce leads",
            "kind": GroupKind.WORKING,
            "purpose": "p",
            "starts_on": D(2026, 1, 1),
        },
        actor=regional_lead,
    )
    breach = logged_breach(camden, reporter=regional_lead)
    Signatory.objects.create(
        version=breach.mou_version,
        local_authority=camden,
        status=SignatoryStatus.INVITED,
        mou_owner=dcs,
    )
    level = EscalationLevel.objects.filter(version=breach.mou_version).order_by("order").first()
    Breach.objects.filter(pk=breach.pk).update(
        state=BreachState.RESOLVED, resolved_at=at(2026, 6, 1), level=level, working_days_taken=12
    )
    other = logged_breach(camden, reporter=regional_lead)
    Breach.objects.filter(pk=other.pk).update(
        state=BreachState.CLOSED, resolved_at=at(2026, 7, 1), level=level, working_days_taken=20
    )
    msp = MSPFactory()
    for effectiveness, deliverables in ((4, "Fill rates"), (2, "")):
        RelationshipReview.objects.create(
            region=london,
            msp=msp,
            held_on=D(2026, 5, 1),
            attendees="a",
            effectiveness=effectiveness,
            deliverables_reviewed=deliverables,
        )
    RelationshipReview.objects.create(  # over a year ago: not counted
        region=london, msp=msp, held_on=D(2025, 5, 1), attendees="a", effectiveness=1
    )
    EscalationContact.objects.create(region=london, person=regional_lead)
    answered = channels.issue_raise(
        region=london, msp=camden_msp, subject="a", description="d", actor=msp_contact
    )
    RaisedIssue.objects.filter(pk=answered.pk).update(
        raised_at=at(2026, 9, 1, 9),
        first_response_at=at(2026, 9, 4, 9),  # Tue to Fri: 3
    )
    channels.issue_raise(
        region=london, msp=camden_msp, subject="b", description="d", actor=msp_contact
    )
    notice = channels.notice_send(region=london, subject="s", body="b", actor=regional_lead)
    person_with_role("msp_contact", msp=camden_msp)  # after the notice: not a recipient
    channels.notice_acknowledge(notice=notice, actor=msp_contact)
    return level


def test_the_evidence_beside_each_question_matches_the_fixture(london, fixture_data):
    evidence = review.evidence(london, D(2026, 10, 5))
    assert evidence["mou_owner"] == ["1 of 33 local authorities have an MOU owner in the portal"]
    assert evidence["representation"] == [
        "1 seat with no representative on the groups covering the region's 33 local authorities"
    ]
    assert evidence["decision_makers"] == [
        "1 representative neither the DCS nor named as having delegated authority"
    ]
    assert evidence["working_groups"] == ["1 working group: Workforce leads"]
    assert evidence["supplier_relationships"] == [
        "2 supplier reviews in the last year, rated 3.0 of 5 on average"
    ]
    assert evidence["deliverables"] == ["1 of 2 reviews recorded the deliverables reviewed"]
    assert evidence["raising_issues"] == [
        "2 issues raised in the last year, 1 responded to (median 3 working days to a first "
        "response)",
        "1 of 1 market notice receipts acknowledged",
    ]
    assert evidence["escalation"] == [f"{fixture_data.name}: 2 resolved, median 16 working days"]


def test_an_answer_that_falls_short_needs_an_action_owned_by_a_person(
    client, london, regional_lead, dcs
):
    started = review.review_start(region=london, year=2026, actor=regional_lead)
    with pytest.raises(ValidationError) as error:
        review.answer_save(
            review=started,
            question="escalation",
            rating=Rating.PARTLY,
            evidence_text="Slow at the board",
            actor=regional_lead,
        )
    assert set(error.value.message_dict) == {"action_text", "owner", "due_on"}
    review.answer_save(
        review=started,
        question="escalation",
        rating=Rating.PARTLY,
        evidence_text="Slow at the board",
        action_text="Set board dates a year ahead",
        owner=dcs,
        due_on=D(2026, 12, 1),
        actor=regional_lead,
    )
    action = Action.objects.get()
    assert (action.owner, action.answer.question, action.meeting) == (dcs, "escalation", None)
    # saved again without a new action: the open one stands
    review.answer_save(
        review=started,
        question="escalation",
        rating=Rating.PARTLY,
        evidence_text="Still slow",
        actor=regional_lead,
    )
    client.force_login(dcs)
    home = client.get("/").content.decode()
    assert "Set board dates a year ahead" in home[home.index('id="home-actions"') :]
    client.post(f"/governance/actions/{action.pk}/done/")
    action.refresh_from_db()
    assert action.state == "done"
    with pytest.raises(PermissionDenied):
        review.answer_save(
            review=started, question="escalation", rating=4, evidence_text="", actor=dcs
        )


def test_a_review_completes_when_every_question_is_answered_compared_with_the_year_before(
    client, london, regional_lead, north_east_lead
):
    last = review.review_start(region=london, year=2025, actor=regional_lead)
    review.answer_save(
        review=last,
        question="mou_owner",
        rating=Rating.IN_PLACE,
        evidence_text="",
        actor=regional_lead,
    )
    this = review.review_start(region=london, year=2026, actor=regional_lead)
    with pytest.raises(ValidationError, match="already has a review"):
        review.review_start(region=london, year=2026, actor=regional_lead)
    with pytest.raises(ValidationError, match="8 left"):
        review.review_complete(review=this, actor=regional_lead)
    for question in review.QUESTIONS:
        review.answer_save(
            review=this,
            question=question.key,
            rating=Rating.WORKING_WELL,
            evidence_text="e",
            actor=regional_lead,
        )
    review.review_complete(review=this, actor=regional_lead)
    with pytest.raises(ValidationError, match="complete"):
        review.answer_save(
            review=this, question="mou_owner", rating=1, evidence_text="", actor=regional_lead
        )
    client.force_login(regional_lead)
    page = client.get(f"/governance/reviews/{this.pk}/")
    row = next(r for r in page.context["rows"] if r["question"].key == "mou_owner")
    assert row["before"].rating == Rating.IN_PLACE
    assert "2025: In place" in page.content.decode()
    client.force_login(north_east_lead)
    assert client.get(f"/governance/reviews/{this.pk}/").status_code == 404


def test_the_review_is_due_on_the_leads_home_until_one_is_completed(
    client, london, regional_lead, london_admin, dcs
):
    assert review.reviews_due(regional_lead, today=D(2026, 10, 5)) == [london]
    client.force_login(regional_lead)
    assert 'id="home-governance-review"' in client.get("/").content.decode()
    client.force_login(dcs)
    assert 'id="home-governance-review"' not in client.get("/").content.decode()
    done = GovernanceReview.objects.create(
        region=london, year=2026, started_by=regional_lead, completed_on=D(2026, 3, 1)
    )
    assert review.reviews_due(regional_lead, today=D(2026, 10, 5)) == []
    assert review.reviews_due(london_admin, today=D(2027, 3, 2)) == [london]
    assert done.pk


def test_the_review_pages_answer_by_role(client, london, regional_lead, dcs, la_workforce_lead):
    started = review.review_start(region=london, year=2026, actor=regional_lead)
    client.force_login(regional_lead)
    url = f"/governance/reviews/{started.pk}/questions/escalation/"
    response = client.post(url, {"evidence": "x"})
    assert response.context["form"].errors["rating"] == ["Choose a rating"]
    response = client.post(url, {"rating": "2"})
    assert "action_text" in response.context["form"].errors
    assert client.get(f"/governance/reviews/{started.pk}/questions/nope/").status_code == 404
    client.force_login(dcs)  # a DCS reads their region's review, does not answer it
    assert client.get(f"/governance/reviews/{started.pk}/").status_code == 200
    assert client.get(url).status_code == 403
    client.force_login(la_workforce_lead)
    assert client.get(f"/governance/reviews/{started.pk}/").status_code == 404
