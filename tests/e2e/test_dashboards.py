"""Dashboards in a real browser: a DCS opens theirs from the home page, filters to a quarter,
opens the overdue list and downloads a CSV; an observer compares regions. axe checks each page."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from breaches.models import Breach
from breaches.workflow import breach_act
from dashboards.periods import quarter_label, quarter_start
from tests.e2e.conftest import assert_accessible, make_person
from tests.factories import local_authority, logged_breach, mou_version

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_dcs_filters_their_dashboard_opens_the_overdue_list_and_downloads(
    live_server, signed_in_page
):
    mou_version("LDN")
    lead = make_person("regional_lead")
    overdue = logged_breach(local_authority("202"), reporter=lead)
    breach_act(breach=overdue, action="accept", actor=lead, today=datetime.date(2026, 1, 5))
    logged_breach(local_authority("204"), reporter=lead)
    page = signed_in_page("dcs")

    page.get_by_role("link", name="Open the London dashboard").click()
    expect(page.get_by_role("heading", name="London dashboard", level=1)).to_be_visible()
    expect(page.locator("#figure-per-la")).to_contain_text("Your local authority")
    assert_accessible(page)

    this_quarter = quarter_label(quarter_start(timezone.localdate()))
    page.get_by_label("From quarter", exact=True).select_option(label=this_quarter)
    page.get_by_label("To quarter", exact=True).select_option(label=this_quarter)
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#dashboard-scope")).to_contain_text(f"{this_quarter}:")
    expect(page.locator("#figure-logged tbody tr")).to_have_count(1)
    expect(page.locator("#figure-logged tbody tr")).to_contain_text("2")
    expect(page.locator("#figure-deadlines")).to_contain_text("Overdue")
    assert_accessible(page)

    with page.expect_download() as download:
        page.locator('a[href*="/logged.csv?"]').click()
    assert download.value.suggested_filename == "LDN-logged.csv"
    assert f"{this_quarter},2" in download.value.path().read_text(encoding="utf-8-sig")

    page.get_by_role("link", name="Open the overdue breaches you can see").click()
    expect(
        page.get_by_role("link", name=Breach.objects.get(pk=overdue.pk).reference)
    ).to_be_visible()


@pytest.mark.parametrize("query", ["start=2026-Q4&end=2020-Q1", "start=garbage"])
def test_a_bad_period_leads_with_the_error_summary(live_server, signed_in_page, query):
    mou_version("LDN")
    page = signed_in_page("regional_lead")
    page.goto(f"{live_server.url}/dashboards/LDN/?{query}")
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary).to_be_focused()  # GOV.UK Frontend moves focus to it
    # The first thing in the main content, above the heading and the filters.
    first = page.locator("#main-content > *").first
    expect(first).to_have_class("govuk-error-summary")
    filters = page.get_by_role("form", name="Dashboard filters")
    assert summary.bounding_box()["y"] < filters.bounding_box()["y"]
    assert page.title() == f"Error: London dashboard \N{EN DASH} {settings.PORTAL_NAME}"
    field = "end" if "end=" in query else "start"
    summary.get_by_role("link").first.click()
    expect(page.locator(f"#id_{field}")).to_be_focused()
    expect(page.locator(f"#id_{field}_error")).to_be_visible()
    assert_accessible(page)


def test_a_lead_reads_the_headline_figures_and_jumps_to_a_section(live_server, signed_in_page):
    mou_version("LDN")
    lead = make_person("regional_lead")
    overdue = logged_breach(local_authority("202"), reporter=lead)
    breach_act(breach=overdue, action="accept", actor=lead, today=datetime.date(2026, 1, 5))
    logged_breach(local_authority("204"), reporter=lead)
    page = signed_in_page(person=lead)
    page.goto(f"{live_server.url}/dashboards/LDN/")

    headlines = page.get_by_role("region", name="Headline figures")
    expect(headlines).to_contain_text("compared with the previous 8 quarters")
    logged = page.locator("#headline-logged")
    expect(logged.get_by_role("heading", name="Breaches logged")).to_be_visible()
    expect(logged).to_contain_text("2")
    expect(logged).to_contain_text("Up 2 from 0 in the previous 8 quarters")
    expect(page.locator("#headline-overdue")).to_contain_text("1")
    expect(page.locator("#headline-overdue")).to_contain_text("not compared")
    # The headline figures come first, in the first screen, then the contents.
    assert headlines.bounding_box()["y"] < page.viewport_size["height"]
    contents = page.get_by_role("navigation", name="On this page")
    assert headlines.bounding_box()["y"] < contents.bounding_box()["y"]
    assert_accessible(page)

    contents.get_by_role("link", name="Breaches logged").click()
    assert page.url.endswith("#breaches-logged")
    section = page.get_by_role("heading", name="Breaches logged", level=2)
    expect(section).to_be_in_viewport()
    chart = page.locator("#breaches-logged svg[role=img]").first
    expect(chart.locator("text", has_text="Quarter").last).to_be_visible()
    expect(chart.locator("text", has_text="Breaches logged")).to_be_visible()
    page.locator("#breaches-logged").get_by_role("link", name="Back to contents").click()
    expect(contents).to_be_in_viewport()

    page.get_by_label("Local authority", exact=True).select_option(label="Camden")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#headline-logged")).to_contain_text("Up 1 from 0")
    expect(page.locator("#figure-coverage-note")).to_contain_text(
        "All local authorities in the region: this figure is not broken down by local authority"
    )
    assert_accessible(page)


def test_an_observer_compares_regions_and_opens_one(live_server, signed_in_page):
    mou_version("LDN")
    page = signed_in_page("observer")
    page.get_by_role("link", name="Open the national dashboard").click()
    expect(page.get_by_role("heading", name="National dashboard")).to_be_visible()
    expect(page.locator("#figure-regions tbody tr")).to_have_count(9)
    assert_accessible(page)
    page.get_by_role("link", name="London", exact=True).click()
    expect(page.get_by_role("heading", name="London dashboard", level=1)).to_be_visible()
    assert_accessible(page)
