"""An admin manages people in the browser: invite, fix a mistake, give and take away a role."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import User
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def test_london_admin_invites_a_dcs_and_gives_them_a_second_role(live_server, signed_in_page):
    page = signed_in_page("admin_regional")
    page.get_by_role("link", name="People", exact=True).click()
    page.get_by_role("button", name="Invite a person").click()
    expect(page.get_by_role("heading", name="Invite a person")).to_be_visible()
    assert_accessible(page)

    # A DCS with no local authority: the error sits beside the field and nothing is lost.
    page.get_by_label("Full name").fill("Ruth Adeyemi")
    page.get_by_label("Email address").fill("ruth.adeyemi@example.org")
    page.get_by_label("Director of children's services").check()
    page.get_by_role("button", name="Send invitation").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(
        "Select the local authority the director of children's services works for"
    )
    expect(page.get_by_label("Full name")).to_have_value("Ruth Adeyemi")
    assert_accessible(page)

    summary.get_by_role("link").click()
    page.get_by_label("Local authority").select_option(label="Hackney")
    page.get_by_role("button", name="Send invitation").click()

    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Invitation sent to ruth.adeyemi@example.org"
    )
    expect(page.get_by_role("heading", name="Ruth Adeyemi")).to_be_visible()
    expect(page.locator(".govuk-summary-list").nth(1)).to_contain_text("Hackney")
    assert_accessible(page)
    assert len(mail.outbox) == 1

    page.get_by_role("button", name="Give a role").click()
    page.get_by_label("LA workforce lead").check()
    page.get_by_label("Local authority").select_option(label="Camden")
    page.get_by_role("button", name="Give role").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "is now LA workforce lead, Camden"
    )

    page.get_by_role("link", name=re.compile("Remove role LA workforce lead")).click()
    expect(
        page.get_by_role("heading", name="Are you sure you want to remove this role?")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Remove role").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "is no longer LA workforce lead, Camden"
    )
    history = page.locator("table")
    expect(history).to_contain_text("Role taken away: LA workforce lead, Camden")

    ruth = User.objects.get(email="ruth.adeyemi@example.org")
    assert [str(m) for m in ruth.memberships.all()] == ["Director of children's services, Hackney"]
