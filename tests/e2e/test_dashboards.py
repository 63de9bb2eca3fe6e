"""Dashboards in a real browser: a DCS opens theirs from the home page, filters to a quarter,
opens the overdue list and downloads a CSV; an observer compares regions. axe checks each page."""

import datetime

import pytest
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


def test_a_bad_period_is_explained_beside_the_field(live_server, signed_in_page):
    mou_version("LDN")
    page = signed_in_page("regional_lead")
    page.goto(f"{live_server.url}/dashboards/LDN/?start=2026-Q3&end=2026-Q1")
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.locator("#id_end_error")).to_contain_text("The end quarter must be the same as")
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
