"""The national view (national admins and observers) and the home page that leads with each
person's dashboard."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from cap_exceptions.models import CapException, ExceptionStatus
from mou.models import LocalAuthority, Signatory, SignatoryStatus
from tests.dashboards.conftest import PERIOD, _set, at, cold_and_warm_queries
from tests.factories import cap_exception, local_authority, logged_breach

pytestmark = pytest.mark.django_db


def _national(client, **params):
    response = client.get(reverse("dashboards:home"), {**PERIOD, **params})
    assert response.status_code == 200
    return {f.slug: f for f, _chart in response.context["figures"]}, response


def test_regions_side_by_side(client, national_admin, dcs, history):
    south_west = LocalAuthority.objects.filter(region__code="SW").order_by("name")
    approved = cap_exception(south_west[0], requested_by=dcs, starts=timezone.localdate())
    CapException.objects.filter(pk=approved.pk).update(status=ExceptionStatus.APPROVED)
    cap_exception(south_west[1], requested_by=dcs)  # requested only: not in force
    client.force_login(national_admin)
    figures, response = _national(client)
    rows = {row[0]: row[1:] for row in figures["regions"].rows}
    assert len(rows) == 9
    # signed, LAs, open, overdue, upheld in the period, median days, cap exceptions in force
    assert rows["London"] == [2, 33, 1, 1, 3, 10, 0]  # median of 5, 8, 10, 20, 27
    assert rows["North East"] == [0, 12, 0, 0, 1, 99, 0]
    assert rows["South West"] == [0, 15, 0, 0, 0, None, 1]
    # Each region opens its own dashboard for the same period.
    assert figures["regions"].links[0].endswith("?start=2026-Q1&end=2026-Q2")
    assert reverse("dashboards:region", args=["LDN"]) in response.content.decode()
    assert figures["logged"].rows == [["2026 Q1", 4], ["2026 Q2", 3]]


def test_coverage_counts_only_the_active_version(client, national_admin, history):
    from tests.factories import mou_version

    draft = mou_version("LDN", label="2027.1", start=datetime.date(2027, 1, 1), publish=False)
    Signatory.objects.create(
        version=draft,
        local_authority=local_authority("206"),
        status=SignatoryStatus.SIGNED,
        signed_on=datetime.date(2026, 1, 5),
    )
    client.force_login(national_admin)
    figures, _response = _national(client)
    assert {row[0]: row[1] for row in figures["regions"].rows}["London"] == 2


@pytest.mark.parametrize(
    ("person", "status"),
    [("observer", 200), ("national_admin", 200)],
)
def test_national_people_see_the_national_view(client, request, history, person, status):
    client.force_login(request.getfixturevalue(person))
    figures, response = _national(client)
    assert "regions" in figures
    main = response.content.decode().split("<main")[1].split("</main>")[0]
    assert "/breaches/" not in main
    csv_url = reverse("dashboards:national_csv", args=["regions"])
    rows = list(csv.reader(io.StringIO(client.get(csv_url, PERIOD).content.decode("utf-8-sig"))))
    assert rows[0] == figures["regions"].columns
    assert len(rows) == 10


@pytest.mark.parametrize(
    ("person", "view", "csv_status"),
    [
        ("dcs", "LDN", 404),
        ("regional_lead", "LDN", 404),
        ("london_admin", "LDN", 404),
        ("newcastle_dcs", "NE", 404),
        ("la_workforce_lead", None, 404),
        ("msp_contact", None, 404),
    ],
)
def test_others_go_to_their_region_and_never_see_national_figures(
    client, request, history, person, view, csv_status
):
    client.force_login(request.getfixturevalue(person))
    response = client.get(reverse("dashboards:home"))
    if view:
        assert response["Location"] == reverse("dashboards:region", args=[view])
    else:
        assert response.status_code == 403
    csv_url = reverse("dashboards:national_csv", args=["regions"])
    assert client.get(csv_url).status_code == csv_status


def test_bad_period_is_explained(client, observer, history):
    client.force_login(observer)
    response = client.get(reverse("dashboards:home"), {"start": "2026-Q4", "end": "2026-Q1"})
    assert response.status_code == 200
    assert response.context["form"].errors["end"]
    assert "There is a problem" in response.content.decode()


def test_the_national_view_keeps_a_fixed_query_count(
    client, national_admin, history, north_east_lead
):
    client.force_login(national_admin)
    client.get("/")

    def count():
        return cold_and_warm_queries(lambda: _national(client))

    before = count()
    for la_code in ("391", "392", "393") * 4:
        b = logged_breach(local_authority(la_code), reporter=north_east_lead)
        _set(
            b,
            state="resolved",
            outcome="upheld",
            resolved_at=at(2026, 5, 5, 9),
            working_days_taken=3,
        )
    assert count() == before
    assert before[0] <= 15
    assert before[1] < before[0]


@pytest.mark.parametrize(
    ("person", "heading", "link"),
    [
        ("dcs", "London today", "/dashboards/LDN/"),
        ("regional_lead", "London today", "/dashboards/LDN/"),
        ("london_admin", "London today", "/dashboards/LDN/"),
        ("national_admin", "All regions today", "/dashboards/"),
        ("observer", "All regions today", "/dashboards/"),
    ],
)
def test_the_home_page_leads_with_the_dashboard(client, request, history, person, heading, link):
    client.force_login(request.getfixturevalue(person))
    response = client.get("/")
    text = response.content.decode()
    dashboard = response.context["dashboard"]
    national = heading == "All regions today"
    assert dashboard["national"] is national
    assert (dashboard["region"].name if dashboard["region"] else None) == (
        None if national else "London"
    )
    assert set(dashboard["figures"]) == {"open", "overdue", "due"}
    assert text.index(heading) < text.index("Your roles")
    assert f'href="{link}"' in text


def test_home_figures_are_the_regions_own(client, dcs, newcastle_dcs, history):
    client.force_login(dcs)
    assert client.get("/").context["dashboard"]["figures"] == {"open": 1, "overdue": 1, "due": 0}
    client.force_login(newcastle_dcs)
    assert client.get("/").context["dashboard"]["figures"] == {"open": 0, "overdue": 0, "due": 0}


@pytest.mark.parametrize("person", ["la_workforce_lead", "msp_contact"])
def test_roles_without_a_dashboard_keep_their_home(client, request, history, person):
    client.force_login(request.getfixturevalue(person))
    response = client.get("/")
    assert response.context["dashboard"] is None
    assert "home-dashboard" not in response.content.decode()
