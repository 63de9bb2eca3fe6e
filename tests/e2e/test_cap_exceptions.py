"""Cap exceptions in a browser: an LA workforce lead asks, the DCS decides from their home, the
regional lead sees it on the region's register, and the breach form warns of a covered
engagement but not of an uncovered one."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from breaches.models import Breach
from cap_exceptions import services
from cap_exceptions.models import CapException
from mou import services as mou_services
from mou.models import EngagementType, JobType, PriceCap
from tests.e2e.conftest import assert_accessible
from tests.factories import AgencyFactory, local_authority, mou_version, person_with_role, region

pytestmark = pytest.mark.django_db(transaction=True)
AGENCY = "Kingsmead Children's Services Staffing Ltd"


def _london_caps() -> None:
    version = mou_version("LDN", publish=False)
    for engagement in EngagementType.values:
        mou_services.price_cap_save(
            version=version,
            cap=PriceCap(
                job_type=JobType.TEAM_MANAGER,
                engagement_type=engagement,
                max_hourly_rate=Decimal("48.30"),
            ),
            actor=None,
        )
    mou_services.mou_version_publish(version=version, actor=None)


def _fill_date(page, name: str, day: datetime.date) -> None:
    page.locator(f"#id_{name}_0").fill(str(day.day))
    page.locator(f"#id_{name}_1").fill(str(day.month))
    page.locator(f"#id_{name}_2").fill(str(day.year))


def test_request_decide_from_home_and_see_it_on_the_regions_register(live_server, signed_in_page):
    _london_caps()
    AgencyFactory(name=AGENCY)
    camden = local_authority("202")
    lead = person_with_role(Role.LA_WORKFORCE_LEAD, local_authority=camden)
    dcs = person_with_role(Role.DCS, local_authority=camden)
    regional_lead = person_with_role(Role.REGIONAL_LEAD, region=region("LDN"))
    starts = timezone.localdate() + datetime.timedelta(days=7)

    page = signed_in_page(person=lead)
    page.get_by_role("link", name="Cap exceptions", exact=True).click()
    assert_accessible(page)
    page.get_by_role("button", name="Ask for an exception").click()
    expect(page.locator("#caps-in-force-1")).to_contain_text("£48.30")
    expect(page.locator("#latest-expiry-1")).to_contain_text("at most 6 months")
    assert_accessible(page)
    page.get_by_label("Team manager").check()
    page.get_by_label("Limited company or umbrella").check()
    page.get_by_label("Agency", exact=True).press_sequentially("kingsmead")
    page.get_by_role("option", name=re.compile(f"^{AGENCY}")).click()
    page.get_by_label("Engagement reference").fill("CAM-BK-4410")
    page.get_by_label("Hourly rate agreed (£)").fill("52.80")
    page.get_by_label("Why this rate is needed").fill(
        "No team manager available at the cap after three rounds"
    )
    _fill_date(page, "starts_on", starts)
    _fill_date(page, "expires_on", starts + datetime.timedelta(days=220))
    page.get_by_label("Exit plan").fill("Permanent appointment by June")
    page.get_by_role("button", name="Send for a decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "An exception can last at most 6 months"
    )
    expect(page.get_by_label("Engagement reference")).to_have_value("CAM-BK-4410")
    assert_accessible(page)
    _fill_date(page, "expires_on", starts + datetime.timedelta(days=150))
    page.get_by_role("button", name="Send for a decision").click()
    expect(page.get_by_role("heading", name="Cap exception LDN-CX-")).to_be_visible()
    expect(page.get_by_text("£4.50 an hour over the cap of £48.30")).to_be_visible()
    assert_accessible(page)
    reference = CapException.objects.get().reference

    page = signed_in_page(person=dcs)  # lands on their home
    prompts = page.locator("#home-cap-exceptions")
    expect(prompts).to_contain_text("Team manager")
    assert_accessible(page)
    prompts.get_by_role("link", name=re.compile(reference)).click()
    page.get_by_role("button", name="Approve or refuse").click()
    expect(page.locator("#decision-facts")).to_contain_text("Permanent appointment by June")
    expect(page.locator("#decision-facts")).to_contain_text(AGENCY)
    assert_accessible(page)
    page.get_by_label("Approve the exception").check()
    page.get_by_label("Reason or note").fill("Agreed for continuity of casework")
    page.get_by_role("button", name="Save decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(f"{reference}: approved")
    expect(page.locator("#history")).to_contain_text("Approved and reported to the region")
    assert_accessible(page)
    page.goto(f"{live_server.url}/")
    expect(page.locator("#home-cap-exceptions")).to_have_count(0)

    page = signed_in_page(person=regional_lead)
    page.goto(f"{live_server.url}/cap-exceptions/?status=approved")
    expect(page.get_by_role("link", name=reference)).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("1 exception")
    assert_accessible(page)


def test_the_breach_form_warns_of_a_covered_engagement_not_an_uncovered_one(
    live_server, signed_in_page
):
    _london_caps()
    agency = AgencyFactory(name=AGENCY)
    camden = local_authority("202")
    lead = person_with_role(Role.LA_WORKFORCE_LEAD, local_authority=camden)
    dcs = person_with_role(Role.DCS, local_authority=camden)
    today = timezone.localdate()
    exception = services.exception_request(
        request=services.Request(
            local_authority=camden,
            job_type=JobType.TEAM_MANAGER,
            engagement_type=EngagementType.LIMITED_COMPANY_UMBRELLA,
            agency=agency,
            msp=None,
            engagement_reference="CAM-BK-4410",
            rate=Decimal("52.80"),
            reason="No team manager at the cap",
            starts_on=today - datetime.timedelta(days=30),
            expires_on=today + datetime.timedelta(days=60),
            exit_plan="Permanent appointment",
        ),
        actor=lead,
    )
    services.exception_approve(exception=exception, actor=dcs)

    page = signed_in_page(Role.REGIONAL_LEAD)

    def log(engagement: str, rate: str) -> None:
        page.goto(f"{live_server.url}/breaches/new/")
        _fill_date(page, "occurred_on", today - datetime.timedelta(days=2))
        page.get_by_label("Type of breach").select_option(label="Rate above the cap")
        page.get_by_label("Local authority concerned").select_option(label="Camden")
        page.get_by_label("Agency concerned (optional)").press_sequentially("kingsmead")
        page.get_by_role("option", name=re.compile(f"^{AGENCY}")).click()
        page.get_by_label("Hourly rate paid (£)").fill(rate)
        page.get_by_label("Job type").select_option(label="Team manager")
        page.get_by_label("Engagement type").select_option(label=engagement)
        page.get_by_label("What happened").fill("Paid above the cap")
        page.get_by_role("button", name="Log breach").click()

    # Covered: the same engagement at the approved rate.
    log("Limited company or umbrella", "52.80")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        f"{exception.reference} is an approved exception"
    )
    assert_accessible(page)
    assert not Breach.objects.exists()
    page.get_by_label("Log it anyway: the exception does not cover this breach").check()
    page.get_by_role("button", name="Log breach").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("logged")
    expect(page.get_by_text(f"Logged although {exception.reference} matched")).to_be_visible()
    assert_accessible(page)
    assert Breach.objects.get().overridden_exception_id == exception.pk

    # Uncovered: a PAYE engagement is not covered by a limited-company exception.
    log("PAYE", "52.80")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("logged")
    expect(page.get_by_text("Logged although")).to_have_count(0)
    assert Breach.objects.filter(overridden_exception__isnull=True).count() == 1


def test_renew_withdraw_and_end_early(live_server, signed_in_page):
    _london_caps()
    agency = AgencyFactory(name=AGENCY)
    camden = local_authority("202")
    lead = person_with_role(Role.LA_WORKFORCE_LEAD, local_authority=camden)
    dcs = person_with_role(Role.DCS, local_authority=camden)
    today = timezone.localdate()
    exception = services.exception_request(
        request=services.Request(
            local_authority=camden,
            job_type=JobType.TEAM_MANAGER,
            engagement_type=EngagementType.PAYE,
            agency=agency,
            msp=None,
            engagement_reference="CAM-BK-4410",
            rate=Decimal("52.80"),
            reason="No team manager at the cap",
            starts_on=today - datetime.timedelta(days=30),
            expires_on=today + datetime.timedelta(days=20),
            exit_plan="Permanent appointment",
        ),
        actor=lead,
    )
    services.exception_approve(exception=exception, actor=dcs)

    page = signed_in_page(person=lead)
    page.goto(f"{live_server.url}{exception.get_absolute_url()}")
    expect(page.get_by_text("Team manager, PAYE")).to_be_visible()
    page.get_by_role("button", name="Ask to renew").click()
    renewal_start = exception.expires_on + datetime.timedelta(days=1)
    expect(page.locator("#renewal-terms")).to_contain_text(
        f"{renewal_start.day} {renewal_start:%B %Y}, the day after it expires"
    )
    expect(page.locator("#renewal-terms")).to_contain_text("Latest expiry allowed")
    assert_accessible(page)
    _fill_date(page, "expires_on", renewal_start + datetime.timedelta(days=60))
    page.get_by_label("Why this rate is needed").fill("The starter is delayed")
    page.get_by_role("button", name="Send the renewal for a decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("sent to the DCS")
    renewal = CapException.objects.get(renewal_of=exception)
    page.get_by_role("button", name="Withdraw the request").click()
    assert_accessible(page)
    page.get_by_role("button", name="Withdraw the request").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"{renewal.reference} withdrawn"
    )
    expect(page.locator("p.govuk-body .govuk-tag").first).to_have_text("Withdrawn")

    page.goto(f"{live_server.url}{exception.get_absolute_url()}")
    expect(page.locator("#renewals")).to_contain_text("Withdrawn")
    page.get_by_role("link", name="End early").click()
    assert_accessible(page)
    _fill_date(page, "ended_on", today + datetime.timedelta(days=5))
    page.get_by_label("Why it ended early").fill("Permanent starter in post")
    page.get_by_role("button", name="End exception").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("ends early")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Ends early: its last day is")
    expect(page.get_by_role("button", name="Ask to renew")).to_have_count(0)
    assert_accessible(page)
