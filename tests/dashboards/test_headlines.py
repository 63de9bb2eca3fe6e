"""The region dashboard's headline figures: three for the period, each with its change on as many
quarters just before it, and two counted today; they follow the LA filter and add no query."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from breaches.models import Breach, BreachEvent, EventKind
from dashboards.figures import (
    REGION_FIGURES,
    SNAPSHOT,
    Selection,
    region_authorities,
    region_figure,
    region_headlines,
)
from dashboards.periods import Period
from mou.models import Region
from tests.dashboards.conftest import PERIOD, _set, at, cold_and_warm_queries
from tests.factories import AgencyFactory, local_authority, logged_breach

pytestmark = pytest.mark.django_db
D = datetime.date


def _headlines(client, **params) -> dict[str, tuple]:
    response = client.get(reverse("dashboards:region", args=["LDN"]), {**PERIOD, **params})
    assert response.status_code == 200
    return {h.slug: (h.value, h.change) for h in response.context["headlines"]}


def test_headlines_for_the_period_against_the_previous_one(client, dcs, history):
    client.force_login(dcs)
    assert _headlines(client) == {  # 2026 Q1 to Q2, against 2025 Q3 to Q4 (nothing then)
        "logged": (6, "Up 6 from 0 in the previous 2 quarters"),
        "upheld": (3, "Up 3 from 0 in the previous 2 quarters"),  # A, C, D
        # Resolved in the period: 5, 8, 10, 20, 27.
        "median-days": (10, "No figure for the previous 2 quarters to compare with"),
        "open": (1, SNAPSHOT),
        "overdue": (1, SNAPSHOT),
    }
    assert _headlines(client, start="2026-Q2", end="2026-Q2") == {  # against 2026 Q1
        "logged": (2, "Down 2 from 4 in the previous quarter"),  # E, F against A to D
        "upheld": (2, "Up 1 from 1 in the previous quarter"),  # C, D against A
        "median-days": (8, "Down 7 from 15 in the previous quarter"),  # 5, 8, 27 against 10, 20
        "open": (1, SNAPSHOT),
        "overdue": (1, SNAPSHOT),
    }


def test_headlines_follow_the_la_filter(client, dcs, history):
    client.force_login(dcs)
    camden = _headlines(client, start="2026-Q2", end="2026-Q2", la="202")
    assert camden["logged"] == (1, "Down 3 from 4 in the previous quarter")
    assert camden["upheld"] == (2, "Up 1 from 1 in the previous quarter")
    assert camden["median-days"] == (16, "Up 1 from 15 in the previous quarter")  # 5, 27
    assert camden["open"][0] == camden["overdue"][0] == 1
    hackney = _headlines(client, start="2026-Q2", end="2026-Q2", la="204")
    assert hackney["logged"] == (1, "Up 1 from 0 in the previous quarter")
    assert hackney["upheld"] == (0, "No change from 0 in the previous quarter")
    assert hackney["median-days"] == (8, "No figure for the previous quarter to compare with")
    assert hackney["open"][0] == 0


def test_a_period_with_nothing_resolved_has_no_median(client, dcs, history):
    client.force_login(dcs)
    response = client.get(
        reverse("dashboards:region", args=["LDN"]), {"start": "2025-Q4", "end": "2025-Q4"}
    )
    headlines = {h.slug: h for h in response.context["headlines"]}
    assert headlines["median-days"].value is None
    assert headlines["median-days"].change == "No figure for the period, so no comparison"
    section = response.content.decode().split('id="headline-median-days"')[1].split("</div>")[0]
    assert "No figure" in section


def test_an_even_count_gives_a_half_day_change(client, dcs, history):
    _set(history["E"], working_days_taken=6)  # 2026 Q2 holds 5, 6, 27: median 6
    _set(history["B"], working_days_taken=21)  # 2026 Q1 holds 10, 21: median 15.5
    client.force_login(dcs)
    headline = _headlines(client, start="2026-Q2", end="2026-Q2")["median-days"]
    assert headline == (6, "Down 9.5 from 15.5 in the previous quarter")


def test_headlines_open_the_page_in_words(client, dcs, history):
    client.force_login(dcs)
    response = client.get(reverse("dashboards:region", args=["LDN"]), PERIOD)
    main = response.content.decode().split("<main")[1]
    assert main.index('aria-label="Dashboard filters"') < main.index('id="headline-figures"')
    assert main.index('id="headline-figures"') < main.index('id="contents"')
    assert "2026 Q1 to 2026 Q2, compared with the previous 2 quarters (2025 Q3 to 2025 Q4)" in main
    logged = main.split('id="headline-logged"')[1].split("</div>")[0]
    assert "Breaches logged" in logged
    assert ">6<" in logged
    assert "Up 6 from 0 in the previous 2 quarters" in logged


def _selection(**kwargs) -> Selection:
    london = Region.objects.get(code="LDN")
    return Selection(
        region=london,
        period=Period(D(2026, 1, 1), D(2026, 4, 1)),
        today=timezone.localdate(),
        authorities=region_authorities(london, on=timezone.localdate()),
        **kwargs,
    )


@pytest.mark.parametrize("la_code", [None, "202"])
def test_headlines_read_the_queries_the_figures_share(
    history, regional_lead, django_assert_num_queries, la_code
):
    la = local_authority(la_code) if la_code else None
    selection = _selection(local_authority=la)
    # Logged by quarter and type; by state (open, overdue, upheld); medians.
    with django_assert_num_queries(3):
        region_headlines(selection)
    selection = _selection(local_authority=la)
    for slug in REGION_FIGURES:
        region_figure(slug, selection)
    with django_assert_num_queries(0):  # nothing more once the figures are computed
        region_headlines(selection)
    agency = AgencyFactory(name="Gamma Agency")
    for n, code in enumerate(("202", "204", "206") * 4):
        b = logged_breach(local_authority(code), reporter=regional_lead, agencies=[agency])
        _set(
            b,
            reported_at=at(2026, 2, 1 + n, 9),
            state="resolved",
            outcome="upheld",
            resolved_at=at(2026, 3, 1 + n, 9),
            working_days_taken=n,
        )
        BreachEvent.objects.create(
            breach=b, kind=EventKind.ESCALATED, to_level=2, created_at=at(2026, 2, 20, 9)
        )
    selection = _selection(local_authority=la)
    with django_assert_num_queries(3):  # whatever the data
        headlines = {h.slug: h.value for h in region_headlines(selection)}
    assert headlines["logged"] == (18 if la is None else 9)  # 6 + 12, or 5 + 4 in Camden


def test_headlines_are_cached_with_the_figures_until_the_data_changes(
    client, dcs, history, regional_lead
):
    client.force_login(dcs)
    assert _headlines(client)["logged"][0] == 6
    # Not committed (the test's transaction never is), so no new data token yet: cached.
    breach = logged_breach(local_authority("202"), reporter=regional_lead)
    Breach.objects.filter(pk=breach.pk).update(reported_at=at(2026, 2, 1, 9))
    assert _headlines(client)["logged"][0] == 6
    _set(breach, reported_at=at(2026, 2, 1, 9))  # a new token, as a committed write gives
    assert _headlines(client)["logged"][0] == 7


def test_the_page_with_its_headlines_keeps_its_query_count(client, dcs, history):
    client.force_login(dcs)
    client.get("/")
    counts = cold_and_warm_queries(
        lambda: client.get(reverse("dashboards:region", args=["LDN"]), PERIOD)
    )
    # Four to sign in, the region, its LAs, two for the DCS's queues; then seven figure queries
    # (the headlines among them) when nothing is cached.
    assert counts == [15, 8]
