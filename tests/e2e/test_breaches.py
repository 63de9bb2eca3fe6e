"""Breaches in the browser: log, ask for a reply, reply, resolve; and automatic escalation."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from breaches.models import Breach
from breaches.workflow import breach_act
from kernel.working_days import add_working_days
from tests.e2e.conftest import assert_accessible
from tests.factories import (
    AgencyFactory,
    local_authority,
    logged_breach,
    mou_version,
    person_with_role,
    region,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_log_ask_the_la_to_reply_reply_and_resolve_with_a_formal_warning(
    live_server, signed_in_page, tmp_path
):
    mou_version("LDN")
    camden = local_authority("202")
    lead = person_with_role(Role.REGIONAL_LEAD, region=region("LDN"))
    workforce = person_with_role(Role.LA_WORKFORCE_LEAD, local_authority=camden)
    evidence = tmp_path / "notice-letter.pdf"
    evidence.write_bytes(b"%PDF-1.7\n% notice letter\n%%EOF\n")

    page = signed_in_page(person=lead)
    page.get_by_role("link", name="Breaches", exact=True).click()
    assert_accessible(page)
    page.get_by_role("button", name="Log a breach").click()
    assert_accessible(page)
    page.get_by_role("button", name="Log breach").click()  # nothing filled in
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the type of breach")
    assert_accessible(page)
    page.locator("#id_occurred_on_0").fill("2")
    page.locator("#id_occurred_on_1").fill("3")
    page.locator("#id_occurred_on_2").fill("2026")
    page.get_by_label("Type of breach").select_option(label="Notice period not kept")
    page.get_by_label("Local authority concerned").select_option(label="Camden")
    page.get_by_label("What happened").fill("The assignment ended with one week's notice.")
    page.get_by_label("Evidence (optional)").set_input_files(str(evidence))
    page.get_by_role("button", name="Log breach").click()
    expect(page.get_by_role("heading", name="Breach LDN-")).to_be_visible()
    expect(page.locator("#deadline")).to_contain_text("Triage: due in 5 working days")
    expect(page.get_by_role("link", name="notice-letter.pdf")).to_be_visible()
    assert_accessible(page)
    reference = Breach.objects.get().reference

    page.get_by_role("button", name="Accept for review").click()
    assert_accessible(page)
    page.get_by_role("button", name="Accept for review").click()
    expect(page.locator("#deadline")).to_contain_text("Level 1 (Regional workforce group)")
    page.get_by_role("button", name="Ask a party to reply").click()
    page.get_by_role("button", name="Ask a party to reply").click()
    expect(page.locator("#deadline")).to_contain_text("Clock stopped: awaiting a reply from Camden")
    assert_accessible(page)

    page = signed_in_page(person=workforce)
    expect(page.locator("#main-content")).to_contain_text("Your local authority is asked to reply")
    page.get_by_role("link", name=reference).click()
    page.get_by_role("button", name="Reply").click()
    assert_accessible(page)
    page.get_by_label("The reply").fill("The worker asked to leave early; we agreed in writing.")
    page.get_by_role("button", name="Reply").click()
    expect(page.locator("#events")).to_contain_text("Reply received")
    assert_accessible(page)

    page = signed_in_page(person=lead)
    page.goto(f"{live_server.url}/breaches/{reference}/")
    page.get_by_role("button", name="Resolve").click()
    page.get_by_label("Upheld", exact=True).check()
    page.get_by_label("Formal warning").check()
    page.get_by_label("Notes on the outcome").fill("Warning letter sent to the agency.")
    page.get_by_role("button", name="Resolve").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"{reference} is now resolved"
    )
    expect(page.locator("#main-content")).to_contain_text("Upheld: formal warning")
    assert_accessible(page)


def test_an_overdue_breach_is_escalated_by_the_command_and_reaches_the_dcs_home_page(
    live_server, signed_in_page
):
    mou_version("LDN")
    camden = local_authority("202")
    lead = person_with_role(Role.REGIONAL_LEAD, region=region("LDN"))
    dcs = person_with_role(Role.DCS, local_authority=camden)
    breach = logged_breach(camden, reporter=lead)
    accepted_on = add_working_days(timezone.localdate(), -15)  # level 1 due 10 working days on
    breach_act(breach=breach, action="accept", actor=lead, today=accepted_on)
    out = StringIO()
    call_command("escalate_overdue_breaches", stdout=out)  # tonight's run
    assert f"Did escalate {breach.reference}" in out.getvalue()

    page = signed_in_page(person=dcs)
    queue = page.locator("#main-content")
    expect(queue).to_contain_text("Escalated to you as DCS (1)")
    assert_accessible(page)
    page.get_by_role("link", name=breach.reference).click()
    expect(page.locator("#events")).to_contain_text("Escalated automatically: the deadline passed")
    expect(page.get_by_role("button", name="Resolve")).to_be_visible()
    assert_accessible(page)


def test_a_regional_lead_picks_an_agency_from_the_suggestions_and_logs_a_breach(
    live_server, signed_in_page
):
    mou_version("LDN")
    riverside = AgencyFactory(name="Riverside Social Care Ltd", company_number="01234567")
    AgencyFactory(name="Riverbank Staffing Ltd", company_number="07654321")
    AgencyFactory.create_batch(30)  # more agencies than a page should ever list
    lead = person_with_role(Role.REGIONAL_LEAD, region=region("LDN"))

    page = signed_in_page(person=lead)
    page.goto(f"{live_server.url}/breaches/new/")
    expect(page.locator("select#id_agency")).to_have_count(0)
    page.locator("#id_occurred_on_0").fill("2")
    page.locator("#id_occurred_on_1").fill("3")
    page.locator("#id_occurred_on_2").fill("2026")
    page.get_by_label("Type of breach").select_option(label="Notice period not kept")
    agency = page.get_by_label("Agency concerned (optional)")
    agency.press_sequentially("river")
    suggestions = page.get_by_role("listbox").get_by_role("option")
    expect(suggestions).to_have_count(2)
    expect(suggestions.first).to_have_text("Riverbank Staffing Ltd (07654321)")
    assert_accessible(page)  # with the suggestions open
    suggestions.filter(has_text="Riverside Social Care Ltd (01234567)").click()
    expect(agency).to_have_value("Riverside Social Care Ltd (01234567)")
    page.get_by_label("What happened").fill("Advertised a Camden post above the cap.")
    page.get_by_role("button", name="Log breach").click()
    expect(page.get_by_role("heading", name="Breach LDN-")).to_be_visible()
    assert_accessible(page)
    assert Breach.objects.get().parties.get(agency__isnull=False).agency == riverside


def test_without_a_pick_the_typed_name_is_resolved_and_ambiguity_explained(
    live_server, signed_in_page
):
    mou_version("LDN")
    AgencyFactory(name="Riverside Social Care Ltd", company_number="01234567")
    AgencyFactory(name="Riverbank Staffing Ltd", company_number="07654321")
    page = signed_in_page(person=person_with_role(Role.REGIONAL_LEAD, region=region("LDN")))
    page.goto(f"{live_server.url}/breaches/new/")
    page.get_by_label("Agency concerned (optional)").fill("river")
    page.get_by_label("What happened").fill("Kept typing without picking.")
    page.get_by_role("button", name="Log breach").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        'agencies match "river": Riverbank Staffing Ltd (07654321); Riverside Social Care Ltd'
    )
    expect(page.get_by_label("What happened")).to_have_value("Kept typing without picking.")
    expect(page.get_by_label("Agency concerned (optional)")).to_have_value("river")
    assert_accessible(page)
