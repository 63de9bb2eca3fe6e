"""The region's channels and review in a browser: an MSP contact raises an issue and the lead
(the region's single point of contact) adds it to a meeting's agenda; the lead sends a market
notice and two MSPs' contacts acknowledge it; the lead completes a review with one action. axe
on every page."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from governance import review, services
from governance.models import GroupKind, MarketNotice, Rating
from msp.models import EscalationContact
from tests.e2e.conftest import assert_accessible
from tests.factories import MSPContractFactory, local_authority, person_with_role, region

pytestmark = pytest.mark.django_db(transaction=True)


def test_issues_notices_and_the_review(live_server, signed_in_page):
    london = region("LDN")
    lead = person_with_role(Role.REGIONAL_LEAD, region=london)
    dcs = person_with_role(Role.DCS, local_authority=local_authority("202"))
    EscalationContact.objects.create(region=london, person=lead)
    first = MSPContractFactory(local_authority=local_authority("202"), msp__name="Capital MSP").msp
    second = MSPContractFactory(local_authority=local_authority("206"), msp__name="City MSP").msp
    first_contact = person_with_role(Role.MSP_CONTACT, msp=first)
    second_contact = person_with_role(Role.MSP_CONTACT, msp=second)
    group = services.group_create(
        region=london,
        fields={
            "name": "North Central London",
            "kind": GroupKind.SUB_REGIONAL,
            "purpose": "Share decisions",
            "starts_on": datetime.date(2026, 1, 1),
        },
        local_authorities=[local_authority("202")],
        actor=lead,
    )
    starts = timezone.now() + datetime.timedelta(days=30)
    services.meeting_schedule(
        group=group,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        place="Camden Town Hall",
        actor=lead,
    )

    page = signed_in_page(person=first_contact)
    page.goto(f"{live_server.url}/governance/issues/")
    assert_accessible(page)
    page.get_by_role("button", name="Raise an issue").click()
    page.get_by_role("button", name="Raise the issue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a subject")
    assert_accessible(page)
    page.get_by_label("Subject").fill("Adverts at the wrong rate")
    page.get_by_label("The issue").fill("Three agencies advertise Camden roles above the cap.")
    page.get_by_role("button", name="Raise the issue").click()
    expect(page.locator("#issue-state")).to_have_text("Open")
    assert_accessible(page)
    issue_url = page.url

    page = signed_in_page(person=lead)
    page.goto(issue_url)
    assert_accessible(page)
    page.get_by_role("link", name="Add it to a group's agenda").click()
    assert_accessible(page)
    page.get_by_label("The meeting").select_option(index=1)
    page.get_by_role("button", name="Add it to the agenda").click()
    expect(page.locator("#issue-state")).to_have_text("Added to a group's agenda")

    page.goto(f"{live_server.url}/governance/notices/")
    assert_accessible(page)
    page.get_by_role("button", name="Send a notice in London").click()
    assert_accessible(page)
    page.get_by_label("Subject").fill("Adverts at incorrect rates")
    page.get_by_label("Notice").fill("Ask your agencies to take down adverts above the cap.")
    page.get_by_role("button", name="Send the notice").click()
    expect(page.locator("#ack-count")).to_contain_text("2 not yet acknowledged")
    assert_accessible(page)
    notice_url = page.url
    for contact in (first_contact, second_contact):
        page = signed_in_page(person=contact)
        page.goto(notice_url)
        assert_accessible(page)
        page.get_by_role("button", name="Acknowledge the notice").click()
        expect(page.locator("#acknowledged")).to_be_visible()
    notice = MarketNotice.objects.get()
    assert notice.recipients.filter(acknowledged_at__isnull=False).count() == 2

    page = signed_in_page(person=lead)
    page.goto(notice_url)
    expect(page.locator("#ack-count")).to_contain_text("0 not yet acknowledged")
    page.goto(f"{live_server.url}/governance/regions/LDN/directory/")
    assert_accessible(page)
    page.goto(f"{live_server.url}/governance/regions/LDN/reviews/")
    assert_accessible(page)
    page.get_by_role("button", name="Start the review").click()
    expect(page.locator("h1")).to_have_text(f"Governance review {timezone.localdate().year}")
    assert_accessible(page)
    started = review.GovernanceReview.objects.get()
    for question in review.QUESTIONS[1:]:  # the rest answered already
        review.answer_save(
            review=started,
            question=question.key,
            rating=Rating.IN_PLACE,
            evidence_text="e",
            actor=lead,
        )
    page.reload()
    page.get_by_role("link", name="Answer Who owns the MOU in each local authority?").click()
    assert_accessible(page)
    page.get_by_label("Partly in place").check()
    page.get_by_label("Evidence").fill("Two LAs have no owner named")
    page.get_by_role("button", name="Save the answer").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("enter the action")
    assert_accessible(page)
    page.get_by_label("Action (needed when it falls short)").fill("Name an owner in every LA")
    page.get_by_label("Action owner").select_option(label=f"{dcs} ({dcs.email})")
    due = page.get_by_role("group", name="Action due")
    due.get_by_label("Day").fill("1")
    due.get_by_label("Month").fill("12")
    due.get_by_label("Year").fill(str(timezone.localdate().year + 1))
    page.get_by_role("button", name="Save the answer").click()
    expect(page.locator("#q-mou_owner")).to_contain_text("Name an owner in every LA")
    page.get_by_role("button", name="Complete the review").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Review completed")
    assert_accessible(page)

    page = signed_in_page(person=dcs)  # the action's owner, on their home page
    expect(page.locator("#home-actions")).to_contain_text("Name an owner in every LA")
