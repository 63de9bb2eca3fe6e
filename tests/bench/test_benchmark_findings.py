"""What the national-scale benchmark found slow, kept fixed (docs/benchmark.md, "Findings")."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from breaches.models import Breach
from tests.factories import AgencyFactory, logged_breach, mou_version

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in ctx.captured_queries]


@pytest.mark.parametrize("url", ["/breaches/", "/agencies/"])
def test_list_pages_count_their_rows_once(client, regional_lead, camden, url):
    logged_breach(camden, reporter=regional_lead)
    client.force_login(regional_lead)
    counts = [sql for sql in _queries(client, url) if "COUNT(" in sql.upper()]
    assert len(counts) == 1


def test_a_regional_leads_breaches_are_a_plain_filter_on_the_region(regional_lead):
    """`id IN (SELECT …)` hid the (region, reported_at) index: 70 ms a page at scale 10."""
    sql = str(Breach.objects.visible_to(regional_lead).order_by("-reported_at").query).upper()
    assert "IN (SELECT" not in sql
    assert "REGION_ID" in sql


def test_a_breach_seen_through_two_parties_is_listed_once(client, dcs, camden, regional_lead):
    # Reported by the DCS, against their LA and an agency: two party rows match.
    breach = logged_breach(camden, reporter=dcs, agencies=[AgencyFactory()])
    client.force_login(dcs)
    assert list(Breach.objects.visible_to(dcs)) == [breach]


def test_the_mou_page_stays_within_15_queries(client, national_admin):
    mou_version("LDN")
    client.force_login(national_admin)
    client.get("/")
    assert len(_queries(client, reverse("mou:mou_detail", args=["LDN"]))) <= 15
