"""Admins of a region add its return periods (default dates) and change their dates."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from datasharing import services
from datasharing.models import ReturnPeriod

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(
        datetime.datetime(2026, 10, 10, 10, tzinfo=ZoneInfo("Europe/London")), tick=False
    )


def test_an_admin_adds_a_period_with_the_default_dates(client, london, london_admin):
    client.force_login(london_admin)
    assert (
        "Add a return period for London" in client.get(reverse("datasharing:home")).content.decode()
    )
    url = reverse("datasharing:period_new", args=["LDN"])
    response = client.post(url, {"year": "2026"})
    assert response.context["form"].errors["quarter"] == ["Select the quarter"]
    response = client.post(url, {"year": "2026", "quarter": "3"})
    period = ReturnPeriod.objects.get()
    assert response.url == reverse("datasharing:tracker", args=[period.pk])
    assert (period.opens_on, period.due_on, period.closes_on) == (
        D(2026, 10, 1),
        D(2026, 10, 29),
        D(2026, 11, 26),
    )
    response = client.post(url, {"year": "2026", "quarter": "3"})
    assert "already has a period" in response.content.decode()


def test_an_admin_changes_the_dates_with_each_problem_beside_its_field(
    client, london, london_admin
):
    period = services.period_create(region=london, year=2026, quarter=3, actor=None)
    client.force_login(london_admin)
    url = reverse("datasharing:period_dates", args=[period.pk])

    def dates(opens, due, closes):
        return {
            f"{name}_{part}": str(getattr(day, part))
            for name, day in (("opens_on", opens), ("due_on", due), ("closes_on", closes))
            for part in ("day", "month", "year")
        }

    response = client.post(url, dates(D(2026, 10, 5), D(2026, 10, 1), D(2026, 11, 30)))
    assert response.context["form"].errors["due_on"] == [
        "The due date must be on or after the day returns open"
    ]
    response = client.post(url, dates(D(2026, 9, 30), D(2026, 10, 30), D(2026, 11, 30)))
    assert "Returns open after the quarter ends" in response.context["form"].errors["opens_on"][0]
    response = client.post(url, dates(D(2026, 10, 2), D(2026, 11, 6), D(2026, 12, 4)))
    assert response.status_code == 302
    period.refresh_from_db()
    assert period.due_on == D(2026, 11, 6)


@pytest.mark.parametrize(
    ("person", "status"),
    [
        ("regional_lead", 403),
        ("dcs", 403),
        ("national_admin", 200),
        ("north_east_lead", 404),
        ("observer", 403),
    ],
)
def test_only_the_regions_admins_manage_periods(client, request, london, person, status):
    period = services.period_create(region=london, year=2026, quarter=3, actor=None)
    client.force_login(request.getfixturevalue(person))
    assert client.get(reverse("datasharing:period_dates", args=[period.pk])).status_code == status
    new = client.get(reverse("datasharing:period_new", args=["LDN"])).status_code
    assert new == status


def test_the_service_refuses_dates_out_of_order(london, london_admin):
    period = services.period_create(region=london, year=2026, quarter=3, actor=None)
    with pytest.raises(ValidationError):
        services.period_change_dates(
            period=period,
            opens_on=D(2026, 10, 5),
            due_on=D(2026, 11, 5),
            closes_on=D(2026, 11, 1),
            actor=london_admin,
        )


def test_the_region_page_links_its_leads_to_the_latest_trackers(client, london, regional_lead, dcs):
    period = services.period_create(region=london, year=2026, quarter=3, actor=None)
    services.period_create(region=london, year=2026, quarter=4, actor=None)  # not open yet
    client.force_login(regional_lead)
    page = client.get(reverse("mou:region_detail", args=["LDN"])).content.decode()
    section = page[page.index('id="data-returns"') :]
    assert reverse("datasharing:tracker", args=[period.pk]) in section
    assert "October to December" not in section
    client.force_login(dcs)
    assert (
        'id="data-returns"'
        not in client.get(reverse("mou:region_detail", args=["LDN"])).content.decode()
    )
