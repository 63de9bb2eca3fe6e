"""Governance in a browser: the regional lead adds a group and a member, and checks each
LA's representation; the DCS sees the group covering their LA. axe on every page."""

import re

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from governance.models import Group
from tests.e2e.conftest import assert_accessible
from tests.factories import local_authority, person_with_role, region

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_lead_adds_a_group_and_a_member_and_the_dcs_sees_it(live_server, signed_in_page):
    lead = person_with_role(Role.REGIONAL_LEAD, region=region("LDN"))
    dcs = person_with_role(Role.DCS, local_authority=local_authority("202"))

    page = signed_in_page(person=lead)
    page.get_by_role("link", name="Governance", exact=True).click()
    assert_accessible(page)
    page.get_by_role("button", name="Add a group for London").click()
    page.get_by_role("button", name="Add the group").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the group's name")
    assert_accessible(page)
    page.get_by_label("Name", exact=True).fill("North Central London")
    page.get_by_label("Sub-regional group").check()
    page.get_by_label("Camden").check()
    page.get_by_label("Islington").check()
    page.get_by_label("Purpose").fill("Share decisions across the boroughs")
    group = page.get_by_role("group", name="From")
    group.get_by_label("Day").fill("1")
    group.get_by_label("Month").fill("1")
    group.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Add the group").click()
    expect(page.locator("h1")).to_have_text("North Central London")
    assert_accessible(page)
    page.get_by_role("link", name="Add a member").click()
    page.get_by_label("Who sits on the group").select_option(label=f"{dcs} ({dcs.email})")
    page.get_by_label("The local authority they represent").select_option(label="Camden")
    group = page.get_by_role("group", name="From")
    group.get_by_label("Day").fill("5")
    group.get_by_label("Month").fill("1")
    group.get_by_label("Year").fill("2026")
    assert_accessible(page)
    page.get_by_role("button", name="Add the member").click()
    expect(page.locator("#members")).to_contain_text(str(dcs))
    page.get_by_role("link", name="Schedule a meeting").click()
    page.get_by_role("button", name="Schedule it").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the time it starts")
    assert_accessible(page)
    when = page.get_by_role("group", name="Date")
    when.get_by_label("Day").fill("14")
    when.get_by_label("Month").fill("1")
    when.get_by_label("Year").fill("2030")
    page.get_by_label("Time it starts").fill("10:00")
    page.get_by_label("Time it ends").fill("12:00")
    page.get_by_label("Place (optional if online)").fill("Camden Town Hall")
    page.get_by_role("button", name="Schedule it").click()
    expect(page.locator("#meeting")).to_contain_text("Camden Town Hall")
    assert_accessible(page)
    page.get_by_role("button", name="Move the meeting").click()
    assert_accessible(page)
    page.get_by_label("Why it moves").fill("The chair is away")
    page.get_by_label("Time it starts").fill("14:00")
    page.get_by_label("Time it ends").fill("16:00")
    page.get_by_role("button", name="Move it").click()
    expect(page.locator("#meeting")).to_contain_text("14:00 to 16:00")
    page.get_by_role("link", name="Record attendance").click()
    assert_accessible(page)
    page.get_by_label("Present").check()
    page.get_by_role("button", name="Record attendance").click()
    expect(page.locator("#quorum")).to_contain_text("Quorate: 1 of 1 members there")
    assert_accessible(page)
    page.goto(f"{live_server.url}/governance/groups/{Group.objects.get().pk}/")
    page.goto(f"{live_server.url}/governance/regions/LDN/representation/")
    expect(page.locator("#representation")).to_contain_text("No representative")
    assert_accessible(page)

    page = signed_in_page(person=dcs)
    page.goto(f"{live_server.url}/governance/")
    page.get_by_role("link", name="North Central London").click()
    expect(page.locator("#terms")).to_contain_text("Camden, Islington")
    assert_accessible(page)
    page.goto(f"{live_server.url}/governance/calendar/")
    assert_accessible(page)
    page.get_by_role("button", name="Make my feed").click()
    expect(page.get_by_label("Your feed's address")).to_have_value(
        re.compile(r"/governance/calendar/.+\.ics$")
    )
    assert_accessible(page)
    assert Group.objects.count() == 1
