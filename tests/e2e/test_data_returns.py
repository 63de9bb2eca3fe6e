"""A data return in a browser: the LA lead enters the figures, explains a query, makes the
national statement and submits; the DCS authorises; the regional lead sees the tracker. axe on
every page."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from datasharing import services
from datasharing.models import LINE_FIELDS, DataReturn, ReturnPeriod, RevisionState
from datasharing.national_return import current_layout
from mou import services as mou_services
from mou.models import EngagementType, JobType, PriceCap
from tests.e2e.conftest import assert_accessible
from tests.factories import (
    MembershipFactory,
    local_authority,
    mou_version,
    person_with_role,
    region,
)

pytestmark = pytest.mark.django_db(transaction=True)
FIGURES = {
    "Agency workers (headcount)": "10",
    "Agency workers (FTE)": "9.5",
    "Employed in post (headcount)": "40",
    "Employed in post (FTE)": "38.2",
    "Vacancies (FTE)": "6",
    "Agency workers covering vacancies (FTE)": "5",
    "Starters in the quarter (headcount)": "3",
    "Starters in the quarter (FTE)": "3",
    "Leavers in the quarter (headcount)": "2",
    "Leavers in the quarter (FTE)": "1.5",
    "Workers engaged through project teams": "0",
    "Agency workers paid above the cap": "0",
    "Of those, under an approved cap exception": "0",
}


def _make_statement(page, *, not_complied: str = "") -> None:
    """Answer every compliance question from the return's page ("No" for the question given,
    saying what happened, under a reveal) and confirm what the portal holds."""
    page.get_by_role("link", name="Answer the compliance questions").click()
    assert_accessible(page)
    for question in current_layout().questions:
        group = page.get_by_role("group", name=question.text)
        if question.key == not_complied:
            group.get_by_label("No, not in every engagement").check()
            explanation = group.get_by_label("What happened")
            expect(explanation).to_be_visible()
            if not page.locator(".govuk-error-summary").count():
                page.get_by_role("button", name="Save the statement").click()
                expect(page.locator(".govuk-error-summary")).to_contain_text("Say what happened")
                assert_accessible(page)
                group = page.get_by_role("group", name=question.text)
                explanation = group.get_by_label("What happened")
            explanation.fill("Two legacy contracts keep a one-week notice period")
        else:
            group.get_by_label("Yes, in every engagement").check()
    page.get_by_label("I have checked these against the local authority's records").check()
    page.get_by_role("button", name="Save the statement").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Statement saved")


def test_enter_explain_submit_authorise_and_track(live_server, signed_in_page):
    version = mou_version("LDN", publish=False)
    mou_services.price_cap_save(
        version=version,
        cap=PriceCap(
            job_type=JobType.SOCIAL_WORKER,
            engagement_type=EngagementType.PAYE,
            max_hourly_rate=Decimal("45.00"),
        ),
        actor=None,
    )
    mou_services.mou_version_publish(version=version, actor=None)
    today = timezone.localdate()
    opens = today - datetime.timedelta(days=5)
    period = ReturnPeriod.objects.create(
        region=region("LDN"),
        year=2026,
        quarter=3,
        opens_on=opens,
        due_on=today + datetime.timedelta(days=20),
        closes_on=today + datetime.timedelta(days=40),
    )
    camden = local_authority("202")
    lead = person_with_role(Role.LA_WORKFORCE_LEAD, local_authority=camden)
    dcs = person_with_role(Role.DCS, local_authority=camden)
    regional_lead = person_with_role(Role.REGIONAL_LEAD, region=region("LDN"))

    page = signed_in_page(person=lead)
    page.get_by_role("link", name="Data returns", exact=True).click()
    assert_accessible(page)
    page.get_by_role("button", name="Start the return").click()
    assert_accessible(page)
    for job_type in JobType.values:
        section = page.locator(f"#section-{job_type}")
        for label, value in FIGURES.items():
            section.get_by_label(label, exact=True).fill(value)
    section = page.locator(f"#section-{JobType.SOCIAL_WORKER}")
    paye = section.locator("fieldset", has_text="Hourly rates paid to agency workers: PAYE")
    paye.get_by_label("Lowest hourly rate (£)").fill("40")
    paye.get_by_label("Median hourly rate (£)").fill("44")
    paye.get_by_label("Highest hourly rate (£)").fill("4x")
    page.get_by_role("button", name="Save the figures").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the rate as a number")
    assert_accessible(page)
    paye.get_by_label("Highest hourly rate (£)").fill("48.50")
    page.get_by_role("button", name="Save the figures").click()
    expect(page.locator("#checks")).to_contain_text("above the cap of £45.00")
    assert_accessible(page)
    page.get_by_label("Why the figure is right: DR102, Social worker, PAYE").fill(
        "One worker under an approved exception"
    )
    page.get_by_role("button", name="Save the explanation").click()
    expect(page.locator("#checks")).to_contain_text("Explained: One worker under")
    expect(page.locator("#statement-to-do")).to_contain_text("DR011")
    _make_statement(page, not_complied="notice_weeks")
    expect(page.locator("#compliance")).to_contain_text("Two legacy contracts")
    assert_accessible(page)
    page.get_by_role("button", name="Submit for authorisation").click()
    assert_accessible(page)
    page.get_by_role("button", name="Submit the return").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("submitted")
    data_return = DataReturn.objects.get()

    page = signed_in_page(person=dcs)
    page.goto(f"{live_server.url}/returns/")
    page.get_by_role("link", name="Who authorises Camden's returns").click()
    page.get_by_label(f"{lead} ({lead.email})").check()
    page.get_by_role("button", name="Name them").click()
    expect(page.locator("#deputies")).to_contain_text(str(lead))
    assert_accessible(page)
    page.goto(f"{live_server.url}/returns/{data_return.pk}/")
    page.get_by_role("button", name="Authorise").click()
    assert_accessible(page)
    page.get_by_role("button", name="Authorise the return").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("authorised")
    assert_accessible(page)
    assert services.counted_revision(data_return).state == RevisionState.AUTHORISED

    page = signed_in_page(person=regional_lead)
    page.goto(f"{live_server.url}/returns/")
    page.get_by_role("link", name="Every local authority's return").click()
    expect(page.locator("#tracker")).to_contain_text(data_return.reference)
    expect(page.locator("#tracker")).to_contain_text("Authorised")
    assert_accessible(page)
    assert period.pk


def test_download_the_template_upload_it_with_a_query_explain_and_submit(
    live_server, signed_in_page, tmp_path
):
    import csv

    version = mou_version("LDN", publish=False)
    mou_services.price_cap_save(
        version=version,
        cap=PriceCap(
            job_type=JobType.SOCIAL_WORKER,
            engagement_type=EngagementType.PAYE,
            max_hourly_rate=Decimal("45.00"),
        ),
        actor=None,
    )
    mou_services.mou_version_publish(version=version, actor=None)
    today = timezone.localdate()
    ReturnPeriod.objects.create(
        region=region("LDN"),
        year=2026,
        quarter=3,
        opens_on=today - datetime.timedelta(days=5),
        due_on=today + datetime.timedelta(days=20),
        closes_on=today + datetime.timedelta(days=40),
    )
    lead = person_with_role(Role.LA_WORKFORCE_LEAD, local_authority=local_authority("202"))

    page = signed_in_page(person=lead)
    page.goto(f"{live_server.url}/returns/")
    page.get_by_role("button", name="Start the return").click()
    page.get_by_role("link", name="Cancel").click()
    page.get_by_role("link", name="Upload the template instead").click()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the template (CSV)").click()
    template = tmp_path / "template.csv"
    download.value.save_as(template)
    with template.open(encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    for row in rows[1:]:
        for label, value in zip(
            LINE_FIELDS,
            ["10", "9.5", "40", "38.2", "6", "5", "3", "3", "2", "1.5", "0", "0", "0"],
            strict=True,
        ):
            row[header.index(label)] = value
        if row[2] == JobType.SOCIAL_WORKER:
            for column, value in (
                ("paye_rate_min", "40"),
                ("paye_rate_median", "44"),
                ("paye_rate_max", "48.50"),
            ):
                row[header.index(column)] = value
    filled = tmp_path / "filled.csv"
    with filled.open("w", newline="") as f:
        csv.writer(f).writerows(rows)
    page.get_by_label("The filled-in template").set_input_files(str(filled))
    page.get_by_role("button", name="Upload and check").click()
    expect(page.locator("#preview")).to_contain_text("5 job types read")
    expect(page.locator("#preview-queries")).to_contain_text("above the cap of £45.00")
    assert_accessible(page)
    page.get_by_role("button", name="Save these figures").click()
    expect(page.locator("#checks")).to_contain_text("1 query to explain")
    page.get_by_label("Why the figure is right: DR102, Social worker, PAYE").fill(
        "One worker under an approved exception"
    )
    page.get_by_role("button", name="Save the explanation").click()
    _make_statement(page)
    page.get_by_role("button", name="Submit for authorisation").click()
    page.get_by_role("button", name="Submit the return").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("submitted")
    assert_accessible(page)
    assert DataReturn.objects.get().revisions.get().state == RevisionState.SUBMITTED


def test_a_regions_admin_adds_a_period_and_changes_its_dates(live_server, signed_in_page):
    page = signed_in_page("admin_regional")
    page.goto(f"{live_server.url}/returns/")
    page.get_by_role("link", name="Add a return period for London").click()
    assert_accessible(page)
    page.get_by_label("Year").fill("2026")
    page.get_by_label("July to September").check()
    page.get_by_role("button", name="Add the period").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("due 29 October 2026")
    assert_accessible(page)
    page.get_by_role("link", name="Change the dates").click()
    assert_accessible(page)
    page.locator("#id_due_on_0").fill("5")
    page.locator("#id_due_on_1").fill("11")
    page.get_by_role("button", name="Save the dates").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "dates of July to September 2026"
    )
    assert ReturnPeriod.objects.get().due_on == datetime.date(2026, 11, 5)


def test_a_lead_of_two_las_starts_one_joint_return(live_server, signed_in_page):
    today = timezone.localdate()
    ReturnPeriod.objects.create(
        region=region("LDN"),
        year=2026,
        quarter=3,
        opens_on=today - datetime.timedelta(days=5),
        due_on=today + datetime.timedelta(days=20),
        closes_on=today + datetime.timedelta(days=40),
    )
    lead = person_with_role(Role.LA_WORKFORCE_LEAD, local_authority=local_authority("314"))
    MembershipFactory(
        user=lead, role=Role.LA_WORKFORCE_LEAD, local_authority=local_authority("318")
    )

    page = signed_in_page(person=lead)
    page.goto(f"{live_server.url}/returns/")
    page.get_by_role(
        "link", name="Start one return for local authorities that report jointly"
    ).click()
    assert_accessible(page)
    page.get_by_label("Kingston upon Thames").check()
    page.get_by_role("button", name="Start the return").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select at least two")
    assert_accessible(page)
    page.get_by_label("Richmond upon Thames").check()
    page.get_by_role("button", name="Start the return").click()
    expect(page.locator("h1")).to_contain_text("The figures for")
    assert DataReturn.objects.get().reference == "LDN-2026-Q3-314-318"
