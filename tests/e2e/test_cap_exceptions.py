"""An LA workforce lead asks for a cap exception, the DCS approves it, the regional lead sees it."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from cap_exceptions.models import CapException
from mou import services as mou_services
from mou.models import PriceCap
from tests.e2e.conftest import assert_accessible
from tests.factories import AgencyFactory, local_authority, mou_version, person_with_role, region

pytestmark = pytest.mark.django_db(transaction=True)


def test_request_approve_and_see_it_on_the_regions_register(live_server, signed_in_page):
    version = mou_version("LDN", publish=False)
    mou_services.price_cap_save(
        version=version,
        cap=PriceCap(
            job_type="team_manager",
            engagement_type="limited_company_umbrella",
            max_hourly_rate=Decimal("48.30"),
        ),
        actor=None,
    )
    mou_services.mou_version_publish(version=version, actor=None)
    AgencyFactory(name="Kingsmead Children's Services Staffing Ltd")
    camden = local_authority("202")
    lead = person_with_role(Role.LA_WORKFORCE_LEAD, local_authority=camden)
    dcs = person_with_role(Role.DCS, local_authority=camden)
    regional_lead = person_with_role(Role.REGIONAL_LEAD, region=region("LDN"))

    page = signed_in_page(person=lead)
    page.get_by_role("link", name="Cap exceptions", exact=True).click()
    assert_accessible(page)
    page.get_by_role("button", name="Ask for an exception").click()
    assert_accessible(page)
    page.get_by_label("Team manager").check()
    page.get_by_label("Limited company or umbrella").check()
    page.get_by_label("Agency", exact=True).press_sequentially("kingsmead")
    page.get_by_role(
        "option", name=re.compile("^Kingsmead Children's Services Staffing Ltd")
    ).click()
    page.get_by_label("Engagement reference").fill("CAM-BK-4410")
    page.get_by_label("Hourly rate agreed (£)").fill("52.80")
    page.get_by_label("Why this rate is needed").fill(
        "No team manager available at the cap after three rounds"
    )
    page.locator("#id_starts_on_0").fill("5")
    page.locator("#id_starts_on_1").fill("1")
    page.locator("#id_starts_on_2").fill("2026")
    page.locator("#id_expires_on_0").fill("5")
    page.locator("#id_expires_on_1").fill("12")
    page.locator("#id_expires_on_2").fill("2026")
    page.get_by_label("Exit plan").fill("Permanent appointment by June")
    page.get_by_role("button", name="Send for a decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "An exception can last at most 6 months"
    )
    expect(page.get_by_label("Engagement reference")).to_have_value("CAM-BK-4410")
    assert_accessible(page)
    page.locator("#id_expires_on_1").fill("6")
    page.get_by_role("button", name="Send for a decision").click()
    expect(page.get_by_role("heading", name="Cap exception LDN-CX-")).to_be_visible()
    expect(page.get_by_text("£4.50 an hour over the cap of £48.30")).to_be_visible()
    assert_accessible(page)
    reference = CapException.objects.get().reference

    page = signed_in_page(person=dcs)
    page.goto(f"{live_server.url}/cap-exceptions/")
    page.get_by_role("link", name=reference).click()
    page.get_by_role("button", name="Approve or refuse").click()
    assert_accessible(page)
    page.get_by_label("Approve the exception").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(f"{reference}: approved")
    expect(page.locator("#history")).to_contain_text("Approved and reported to the region")
    assert_accessible(page)

    page = signed_in_page(person=regional_lead)
    page.goto(f"{live_server.url}/cap-exceptions/?status=approved")
    expect(page.get_by_role("link", name=reference)).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("1 exception")
    assert_accessible(page)
