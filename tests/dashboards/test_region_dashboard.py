"""The region dashboard: figures checked against a hand-made fixture, scope, exports, queries."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from breaches.models import Breach
from breaches.workflow import breach_act
from dashboards.figures import per_local_authority, previous_quarter, quarter_start
from mou.models import Signatory, SignatoryStatus
from tests.factories import local_authority, logged_breach, mou_version, region

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def london_data(reference_data, regional_lead):
    version = mou_version("LDN")
    for la_code in ("202", "204"):
        Signatory.objects.create(
            version=version,
            local_authority=local_authority(la_code),
            status=SignatoryStatus.SIGNED,
            signed_on=D(2025, 9, 1),
        )
    Signatory.objects.create(
        version=version, local_authority=local_authority("206"), status=SignatoryStatus.INVITED
    )
    first = logged_breach(local_authority("202"), reporter=regional_lead)
    second = logged_breach(local_authority("202"), reporter=regional_lead)
    third = logged_breach(local_authority("204"), reporter=regional_lead)
    breach_act(
        breach=second, action="accept", actor=regional_lead, today=D(2026, 1, 5)
    )  # level 1, overdue
    breach_act(breach=third, action="close_not_breach", actor=regional_lead, note="No")
    return first, second, third


def _figures(client):
    response = client.get(reverse("dashboards:region", args=["LDN"]))
    assert response.status_code == 200
    return {f.slug: f for f in response.context["figures"]}


def test_figures_match_the_fixture(client, dcs, london_data):
    client.force_login(dcs)
    figures = _figures(client)
    assert figures["coverage"].rows == [
        ["Signed", 2],
        ["Outstanding", 31],
        ["Local authorities", 33],
    ]
    assert "Islington" in figures["coverage"].outstanding
    assert figures["open-by-state"].rows == [
        ["Reported", 1],
        ["Awaiting response", 0],
        ["Under review", 1],
    ]
    assert figures["open-by-level"].rows == [
        ["1. Regional workforce group", 1],
        ["Not yet triaged", 1],
    ] or figures["open-by-level"].rows == [
        ["Not yet triaged", 1],
        ["1. Regional workforce group", 1],
    ]
    assert figures["deadlines"].rows[0] == ["Overdue", 1]
    per_la = {row[0]: row[1:] for row in figures["per-la"].rows}
    assert per_la["Camden"][0] == 2  # both logged this quarter
    assert per_la["Hackney"][0] == 1
    assert figures["per-la"].highlight == "Camden"


def test_quarters_are_calendar_quarters():
    assert quarter_start(D(2026, 11, 22)) == D(2026, 10, 1)
    assert previous_quarter(D(2026, 10, 1)) == D(2026, 7, 1)
    assert previous_quarter(D(2026, 1, 1)) == D(2025, 10, 1)


def test_a_breach_logged_last_quarter_counts_there(london_data):
    first = london_data[0]
    this_q = quarter_start(first.reported_at.date())
    Breach.objects.filter(pk=first.pk).update(
        reported_at=first.reported_at.replace(year=this_q.year)
        - datetime.timedelta(days=(first.reported_at.date() - this_q).days + 1)
    )
    per_la = {row[0]: row[1:] for row in per_local_authority(region("LDN")).rows}
    assert per_la["Camden"] == [1, 1]


@pytest.mark.parametrize(
    ("person", "status"),
    [
        ("dcs", 200),
        ("regional_lead", 200),
        ("observer", 200),
        ("national_admin", 200),
        ("la_workforce_lead", 403),
        ("msp_contact", 403),
        ("newcastle_dcs", 404),
    ],
)
def test_who_sees_the_london_dashboard_and_its_exports(
    client, request, london_data, person, status
):
    client.force_login(request.getfixturevalue(person))
    assert client.get(reverse("dashboards:region", args=["LDN"])).status_code == status
    assert (
        client.get(reverse("dashboards:figure_csv", args=["LDN", "per-la"])).status_code == status
    )


def test_national_people_choose_a_region_and_others_go_to_theirs(
    client, observer, dcs, reference_data
):
    client.force_login(observer)
    assert len(client.get(reverse("dashboards:home")).context["regions"]) == 9
    client.force_login(dcs)
    assert client.get(reverse("dashboards:home"))["Location"] == reverse(
        "dashboards:region", args=["LDN"]
    )


def test_each_table_downloads_as_csv(client, dcs, london_data):
    client.force_login(dcs)
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(
                    reverse("dashboards:figure_csv", args=["LDN", "open-by-state"])
                ).content.decode("utf-8-sig")
            )
        )
    )
    assert rows == [
        ["State", "Breaches"],
        ["Reported", "1"],
        ["Awaiting response", "0"],
        ["Under review", "1"],
    ]


def test_the_dashboard_keeps_a_fixed_query_count(client, dcs, regional_lead, london_data):
    client.force_login(dcs)
    client.get("/")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("dashboards:region", args=["LDN"]))
        return len(ctx.captured_queries)

    before = count()
    for la_code in ("206", "208", "209", "210") * 3:
        logged_breach(local_authority(la_code), reporter=regional_lead)
    assert count() == before
