"""A regional lead records a review with an action, and marks an agency warned."""

import datetime

import pytest
from playwright.sync_api import expect

from msp.models import AgencyStanding, ChainMembership, ReviewAction
from tests.e2e.conftest import assert_accessible
from tests.factories import AgencyFactory, MSPContractFactory, local_authority

pytestmark = pytest.mark.django_db(transaction=True)


def test_regional_lead_reviews_an_msp_and_warns_an_agency(live_server, signed_in_page):
    msp = MSPContractFactory(
        local_authority=local_authority("202"), msp__name="Capital Workforce Partners"
    ).msp
    agency = AgencyFactory(name="Riverside Social Care Ltd")
    ChainMembership.objects.create(
        msp=msp, agency=agency, tier=1, from_date=datetime.date(2025, 4, 1)
    )
    page = signed_in_page("regional_lead")

    page.get_by_role("link", name="MSPs", exact=True).click()
    assert_accessible(page)
    page.get_by_role("link", name="Capital Workforce Partners").click()
    expect(page.get_by_role("heading", name="Capital Workforce Partners")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Record a review or meeting").click()
    assert_accessible(page)
    page.get_by_role("button", name="Save review").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter who attended")
    assert_accessible(page)
    page.locator("#id_held_on_0").fill("3")
    page.locator("#id_held_on_1").fill("11")
    page.locator("#id_held_on_2").fill("2026")
    page.get_by_label("Attendees").fill("Priya Shah (regional lead); MSP account manager")
    page.get_by_label("Adequate").check()
    page.get_by_label("Deliverables reviewed").fill("Fill rates and rate compliance")
    page.get_by_role("button", name="Save review").click()
    expect(page.get_by_role("heading", name="Review on 3 November 2026")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Add an action").click()
    page.get_by_label("Action").fill("Send the updated rate card to every agency in the chain")
    page.get_by_label("Owner").select_option(index=1)  # a person who may open the review
    page.locator("#id_due_on_0").fill("1")
    page.locator("#id_due_on_1").fill("12")
    page.locator("#id_due_on_2").fill("2026")
    page.get_by_role("button", name="Add action").click()
    expect(page.locator("#actions")).to_contain_text("Send the updated rate card")
    assert_accessible(page)
    assert ReviewAction.objects.filter(done_on__isnull=True).count() == 1

    page.goto(f"{live_server.url}/agencies/")
    assert_accessible(page)
    page.get_by_role("link", name="Riverside Social Care Ltd").click()
    page.get_by_role("link", name="Change standing in London").click()
    assert_accessible(page)
    page.get_by_label("Warned").check()
    page.get_by_label("Reason").fill("Advertised roles above the London cap")
    page.locator("#id_decided_on_0").fill("10")
    page.locator("#id_decided_on_1").fill("11")
    page.locator("#id_decided_on_2").fill("2026")
    page.get_by_role("button", name="Save decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("is now warned in London")
    expect(page.get_by_role("heading", name="London: Warned")).to_be_visible()
    assert_accessible(page)
    assert AgencyStanding.objects.get(agency=agency).status == "warned"

    page.goto(f"{live_server.url}/agencies/?standing=warned")
    expect(page.get_by_role("link", name="Riverside Social Care Ltd")).to_be_visible()
    assert_accessible(page)
