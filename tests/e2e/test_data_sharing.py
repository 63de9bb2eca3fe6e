"""The region's data sharing agreement in a browser: the regional lead drafts a version,
publishes it and records two LAs signing; axe on every page."""

import re

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from datasharing.models import AgreementParty
from tests.e2e.conftest import assert_accessible
from tests.factories import person_with_role, region

pytestmark = pytest.mark.django_db(transaction=True)


def _date(page, legend: str, day: str, month: str, year: str) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)


def test_the_lead_sets_up_the_agreement_and_two_las_sign(live_server, signed_in_page):
    lead = person_with_role(Role.REGIONAL_LEAD, region=region("LDN"))
    page = signed_in_page(person=lead)
    page.goto(f"{live_server.url}/returns/")
    page.get_by_role("link", name="London's data sharing agreement").click()
    expect(page.locator("h1")).to_have_text("Data sharing agreement")
    assert_accessible(page)
    page.get_by_role("button", name="Draft a new version").click()
    page.get_by_role("button", name="Create the draft").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a version name")
    assert_accessible(page)
    page.get_by_label("Version name").fill("2026.1")
    page.get_by_label("Purpose").fill("Open discussion of agency use between partners")
    page.get_by_label("Lawful basis").fill("Public task")
    page.get_by_label("Categories of data").fill("Quarterly agency workforce returns")
    page.get_by_label("Retention period").fill("6 years")
    _date(page, "Takes effect on", "1", "1", "2025")
    _date(page, "Review due", "1", "1", "2027")
    page.get_by_role("button", name="Create the draft").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Draft version 2026.1")
    assert_accessible(page)
    page.get_by_role("button", name="Publish").click()
    assert_accessible(page)
    page.get_by_role("button", name="Publish the version").click()
    expect(page.locator("main .govuk-tag").first).to_have_text("In force")
    for name in ("Camden", "Hackney"):
        page.get_by_role("link", name="Record a party joining").click()
        page.get_by_label("Local authority").select_option(label=name)
        _date(page, "Signed on", "2", "1", "2025")
        page.get_by_label("Signed by").fill(f"{name}'s DCS")
        page.get_by_role("button", name="Record the party").click()
        expect(page.locator("#parties")).to_contain_text(name)
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(r"Record leaving\W+Hackney")).click()
    assert_accessible(page)
    page.get_by_role("link", name="Cancel").click()
    assert AgreementParty.objects.count() == 2
