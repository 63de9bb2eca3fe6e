"""A DCS opens their region's dashboard; every table is accessible and downloadable."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible
from tests.factories import local_authority, logged_breach, mou_version

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_dcs_opens_the_region_dashboard(live_server, signed_in_page):
    mou_version("LDN")
    page = signed_in_page("dcs")
    logged_breach(local_authority("202"), reporter=page.person)
    page.get_by_role("link", name="Dashboard", exact=True).click()
    expect(page.get_by_role("heading", name="London dashboard")).to_be_visible()
    expect(page.locator("#figure-per-la")).to_contain_text("Your local authority")
    assert_accessible(page)
    with page.expect_download() as download:
        page.locator('a[href$="open-by-state.csv"]').click()
    assert download.value.suggested_filename == "LDN-open-by-state.csv"
