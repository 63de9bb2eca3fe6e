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


def test_a_third_las_dcs_sees_not_shared_and_small_numbers_as_c(live_server, signed_in_page):
    """Camden (3 agency workers) and Hackney are parties; Islington is not: Islington's DCS
    sees Camden's rate as c, Hackney's in full, and Islington's own row as not shared."""
    import datetime

    from django.utils import timezone

    from datasharing import agreements, services
    from tests.factories import authorised_return, local_authority

    lead = person_with_role(Role.REGIONAL_LEAD, region=region("LDN"))
    # Two quarters back: open for returns whatever today is, and among the dashboard's last four.
    year, quarter = timezone.localdate().year, (timezone.localdate().month - 1) // 3 + 1
    for _ in range(2):
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    period = services.period_create(region=region("LDN"), year=year, quarter=quarter, actor=None)
    authorised_return(period, "202", 3, 40)
    authorised_return(period, "204", 20, 80)
    authorised_return(period, "206", 30, 90)
    draft = agreements.agreement_create(
        region=region("LDN"),
        fields={
            "label": "2025.1",
            "purpose": "p",
            "lawful_basis": "b",
            "data_categories": "d",
            "retention": "r",
            "effective_from": datetime.date(2025, 1, 1),
            "review_due": datetime.date(2030, 1, 1),
        },
        actor=lead,
    )
    agreement = agreements.agreement_publish(agreement=draft, actor=lead)
    for code in ("202", "204"):
        agreements.party_join(
            agreement=agreement,
            local_authority=local_authority(code),
            signed_on=datetime.date(2025, 1, 2),
            signed_by_name="DCS",
            actor=lead,
        )
    islington_dcs = person_with_role(Role.DCS, local_authority=local_authority("206"))

    page = signed_in_page(person=islington_dcs)
    page.goto(f"{live_server.url}/dashboards/LDN/")
    page.get_by_role("link", name="Figures from the region's data returns").click()
    rates = page.locator("table", has_text="Agency rate by local authority")
    expect(rates.get_by_role("row", name=re.compile("^Camden"))).to_contain_text("c")
    expect(rates.get_by_role("row", name=re.compile("^Hackney"))).to_contain_text("20.0")
    expect(rates.get_by_role("row", name=re.compile("^Islington"))).to_contain_text("not shared")
    assert_accessible(page)


def test_the_lead_confirms_a_candidate_breach_from_a_return(live_server, signed_in_page):
    from decimal import Decimal

    from django.utils import timezone

    from datasharing import services
    from mou import services as mou_services
    from mou.models import EngagementType, JobType, PriceCap
    from tests.factories import authorised_return, mou_version

    version = mou_version("LDN", publish=False)
    mou_services.price_cap_save(
        version=version,
        cap=PriceCap(
            job_type=JobType.SOCIAL_WORKER,
            engagement_type=EngagementType.LIMITED_COMPANY_UMBRELLA,
            max_hourly_rate=Decimal("45.00"),
        ),
        actor=None,
    )
    mou_services.mou_version_publish(version=version, actor=None)
    year, quarter = timezone.localdate().year, (timezone.localdate().month - 1) // 3 + 1
    for _ in range(2):
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    period = services.period_create(region=region("LDN"), year=year, quarter=quarter, actor=None)
    authorised_return(period, "202", 10, 40, rate_max="48.50")
    authorised_return(period, "204", 10, 40, rate_max="49.00")
    lead = person_with_role(Role.REGIONAL_LEAD, region=region("LDN"))

    page = signed_in_page(person=lead)
    page.goto(f"{live_server.url}/returns/periods/{period.pk}/")
    expect(page.locator("#candidates")).to_contain_text("A rate above the cap")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(r"^dismiss\W+Hackney")).click()
    page.get_by_role("button", name="Dismiss it").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why it is not a breach")
    assert_accessible(page)
    page.get_by_label("Why it is not a breach").fill("Covered by an exception agreed by phone")
    page.get_by_role("button", name="Dismiss it").click()
    expect(page.locator("#candidates")).to_contain_text("Dismissed: Covered by an exception")
    page.get_by_role("link", name=re.compile(r"^Confirm as a breach\W+Camden")).click()
    expect(page.get_by_label("Hourly rate paid (£)")).to_have_value("48.50")
    assert_accessible(page)
    page.get_by_role("button", name="Log breach").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("logged from the candidate")
    assert_accessible(page)
    page.goto(f"{live_server.url}/returns/periods/{period.pk}/")
    expect(page.locator("#candidates")).to_contain_text("Confirmed: ")
    page.get_by_role("link", name="data dictionary").click()
    expect(page.locator("h1")).to_have_text("Data dictionary")
    assert_accessible(page)


def test_national_people_see_data_returns_by_region(live_server, signed_in_page):
    page = signed_in_page("admin")  # national
    page.goto(f"{live_server.url}/dashboards/")
    page.get_by_role("link", name="Data returns by region").click()
    expect(page.locator("h1")).to_have_text("National data returns")
    assert_accessible(page)
    page.get_by_role("link", name="London").first.click()
    expect(page.locator("h1")).to_have_text("London data returns")
    assert_accessible(page)
