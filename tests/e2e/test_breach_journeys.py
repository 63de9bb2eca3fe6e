"""The breach journeys issue 14 asked for, in the browser: an MSP contact replies starting from
their home page, and the breach list at phone width."""

import datetime

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from breaches.workflow import breach_act
from tests.e2e.conftest import assert_accessible
from tests.factories import (
    AgencyFactory,
    ChainMembershipFactory,
    MSPContractFactory,
    local_authority,
    logged_breach,
    mou_version,
    person_with_role,
    region,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_msp_contact_replies_starting_from_their_home_page(live_server, signed_in_page):
    mou_version("LDN")
    camden = local_authority("202")
    lead = person_with_role(Role.REGIONAL_LEAD, region=region("LDN"))
    msp = MSPContractFactory(local_authority=camden).msp
    agency = AgencyFactory()
    ChainMembershipFactory(msp=msp, agency=agency)
    contact = person_with_role(Role.MSP_CONTACT, msp=msp)
    breach = logged_breach(camden, reporter=lead, agencies=[agency])
    breach_act(breach=breach, action="accept", actor=lead, note="")
    breach_act(
        breach=breach,
        action="request_reply",
        actor=lead,
        party=breach.parties.get(agency=agency),
        note="Why was the worker placed at this rate?",
        reply_due_on=datetime.date(2099, 1, 5),
    )

    page = signed_in_page(person=contact)
    expect(page.locator("#main-content")).to_contain_text("Your MSP is asked to reply")
    assert_accessible(page)
    page.get_by_role("link", name=breach.reference).click()
    expect(page.locator("#events")).to_contain_text("Why was the worker placed at this rate?")
    page.get_by_role("button", name="Reply").click()
    assert_accessible(page)
    page.get_by_label("The reply").fill("The agency has corrected the rate from next week.")
    page.get_by_role("button", name="Reply").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"The reply to {breach.reference} is recorded"
    )
    expect(page.locator("#events")).to_contain_text(f"{contact.name} ({msp.name})")
    assert_accessible(page)


def test_the_breach_list_fits_a_phone_and_its_filters_fold_away(live_server, signed_in_page):
    mou_version("LDN")
    camden = local_authority("202")
    lead = person_with_role(Role.REGIONAL_LEAD, region=region("LDN"))
    for _ in range(3):
        logged_breach(camden, reporter=lead, agencies=[AgencyFactory()])
    page = signed_in_page(person=lead)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/breaches/")
    # The filters start folded, so the list comes first; one tap opens them.
    filters = page.locator("details.app-filters")
    expect(filters).not_to_have_attribute("open", "")
    expect(page.get_by_label("Reference", exact=True)).to_be_hidden()
    # Nothing scrolls sideways: each row stacks its cells, named by their column.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide at 390 px"
    first_cell = page.locator("td[data-label='Next deadline']").first
    expect(first_cell).to_be_visible()
    label = page.evaluate(
        "getComputedStyle(document.querySelector(\"td[data-label='Next deadline']\"), "
        "'::before').content"
    )
    assert "Next deadline" in label
    assert_accessible(page)
    page.locator("details.app-filters summary").click()
    expect(page.get_by_label("Reference", exact=True)).to_be_visible()
    assert_accessible(page)


def test_a_lead_finds_a_breach_from_the_header_search_by_keyboard(live_server, signed_in_page):
    mou_version("LDN")
    lead = person_with_role(Role.REGIONAL_LEAD, region=region("LDN"))
    breach = logged_breach(local_authority("202"), reporter=lead)
    page = signed_in_page(person=lead)
    search = page.get_by_role("searchbox", name="Search the portal")
    search.focus()
    search.fill(breach.reference[-4:])
    search.press("Enter")
    expect(page.get_by_role("heading", name="Search", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=breach.reference).click()
    expect(page.get_by_role("heading", name=f"Breach {breach.reference}")).to_be_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide at 390 px"
