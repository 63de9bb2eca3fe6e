"""Dashboard figures from data returns: shared only where the LA was party to the agreement on
the quarter's last day ("not shared" otherwise), small numbers as c, in full for those who run
the collection; the same in the CSV; a fixed query count; scope across regions."""

import csv
import datetime
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from datasharing import agreements, services
from mou import services as mou_services
from mou.models import EngagementType, JobType, PriceCap
from tests.factories import authorised_return, local_authority, mou_version, person_with_role

pytestmark = pytest.mark.django_db
D = datetime.date
LTD = EngagementType.LIMITED_COMPANY_UMBRELLA


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(
        datetime.datetime(2026, 10, 20, 10, tzinfo=ZoneInfo("Europe/London")), tick=False
    )


@pytest.fixture
def shared_region(london, regional_lead):
    """London's Q3 2026: Camden (3 agency workers) and Hackney (20) are parties to the
    agreement; Islington (30) is not. Q2: Hackney alone, which leaves on 30 September."""
    version = mou_version("LDN", publish=False)
    mou_services.price_cap_save(
        version=version,
        cap=PriceCap(
            job_type=JobType.SOCIAL_WORKER, engagement_type=LTD, max_hourly_rate=Decimal("45.00")
        ),
        actor=None,
    )
    mou_services.mou_version_publish(version=version, actor=None)
    q2 = services.period_create(region=london, year=2026, quarter=2, actor=None)
    q3 = services.period_create(region=london, year=2026, quarter=3, actor=None)
    authorised_return(q2, "204", 18, 80)
    authorised_return(q3, "202", 3, 40)
    authorised_return(q3, "204", 20, 80, rate_max="47.00")
    authorised_return(q3, "206", 30, 90)
    draft = agreements.agreement_create(
        region=london,
        fields={
            "label": "2026.1",
            "purpose": "p",
            "lawful_basis": "b",
            "data_categories": "d",
            "retention": "r",
            "effective_from": D(2026, 1, 1),
            "review_due": D(2027, 1, 1),
        },
        actor=regional_lead,
    )
    agreement = agreements.agreement_publish(agreement=draft, actor=regional_lead)
    agreements.party_join(
        agreement=agreement,
        local_authority=local_authority("202"),
        signed_on=D(2026, 1, 5),
        signed_by_name="a",
        actor=regional_lead,
    )
    hackney = agreements.party_join(
        agreement=agreement,
        local_authority=local_authority("204"),
        signed_on=D(2026, 1, 5),
        signed_by_name="b",
        actor=regional_lead,
    )
    return hackney


URL = "/dashboards/LDN/returns/?start=2026-Q1&end=2026-Q3"


def _table(client, slug) -> dict[str, list[str]]:
    response = client.get(f"/dashboards/LDN/{slug}.csv?start=2026-Q1&end=2026-Q3")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    return {row[0]: row[1:] for row in rows[1:]}


def test_a_third_las_dcs_sees_shared_rows_with_small_numbers_as_c(client, shared_region):
    islington_dcs = person_with_role(Role.DCS, local_authority=local_authority("206"))
    client.force_login(islington_dcs)
    page = client.get(URL).content.decode()
    assert "not shared" in page
    rates = _table(client, "agency-rate")
    # Quarters: 2026 Q1, Q2, Q3.
    assert rates["Camden"] == ["", "", "c"]  # 3 agency workers
    assert rates["Hackney"] == ["", "18.4", "20.0"]  # 18 of 98 FTE; 20 of 100
    assert rates["Islington"] == ["", "", "not shared"]  # not a party
    caps = _table(client, "rates-against-caps")
    # Camden and Hackney's rates: 23 agency workers between them.
    assert caps["Social worker, Limited company or umbrella"] == [
        "45.00",
        "40.00",
        "42.00",
        "47.00",
        "1",
    ]


def test_the_quarter_gate_follows_the_party_on_each_quarters_last_day(
    client, shared_region, regional_lead, dcs
):
    agreements.party_leave(
        party=shared_region, left_on=D(2026, 9, 30), reason="Left", actor=regional_lead
    )
    client.force_login(dcs)
    rates = _table(client, "agency-rate")
    assert rates["Hackney"] == ["", "18.4", "not shared"]


def test_the_regions_leads_see_every_authorised_figure_in_full(
    client, shared_region, regional_lead
):
    client.force_login(regional_lead)
    rates = _table(client, "agency-rate")
    assert rates["Camden"] == ["", "", "7.0"]  # 3 of 43 FTE: shown to those who run it
    assert rates["Islington"] == ["", "", "25.0"]
    assert "in full" in client.get(URL).content.decode()


def test_returns_status_counts_las_not_workers(client, shared_region, dcs):
    client.force_login(dcs)
    status = _table(client, "returns-status")
    assert status["Authorised"] == ["3"]
    assert (
        int(status["Not started"][0]) == local_authority("202").region.local_authorities.count() - 3
    )


def test_national_people_see_regions_side_by_side_observers_shared_only(
    client, shared_region, national_admin, observer
):
    client.force_login(national_admin)
    page = client.get("/dashboards/returns/")
    assert page.status_code == 200
    full = _national(client)
    client.force_login(observer)
    shared = _national(client)
    # All: 53 agency of 263 FTE; shared (Camden and Hackney): 23 of 143.
    assert full["London"][-1] == "20.2"
    assert shared["London"][-1] == "16.1"
    assert full["London"][1] == shared["London"][1] == "3"  # LAs with an authorised return


def _national(client) -> dict[str, list[str]]:
    response = client.get("/dashboards/national/regions-returns.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    return {row[0]: row[1:] for row in rows[1:]}


def test_other_regions_and_roles_without_a_dashboard_are_kept_out(
    client, shared_region, north_east_lead, la_workforce_lead, dcs
):
    client.force_login(north_east_lead)
    assert client.get(URL).status_code == 404
    assert client.get("/dashboards/LDN/agency-rate.csv").status_code == 404
    client.force_login(la_workforce_lead)
    assert client.get(URL).status_code == 403
    client.force_login(dcs)
    assert client.get("/dashboards/returns/").status_code == 404  # national figures


def test_the_returns_page_keeps_a_fixed_query_count(client, london, regional_lead, dcs):
    client.force_login(dcs)
    client.get("/")

    def cold() -> int:
        from django.core.cache import cache

        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL).status_code == 200
        return len(ctx.captured_queries)

    q3 = services.period_create(region=london, year=2026, quarter=3, actor=None)
    authorised_return(q3, "202", 3, 40)
    few = cold()
    for code in ("204", "206", "208"):
        authorised_return(q3, code, 20, 80)
    assert cold() == few
    assert few <= 15


def test_the_headcount_table_hides_what_its_totals_would_give_away(client, shared_region):
    """Shared in Q3: Camden 3 social workers, Hackney 20 (Islington is not a party). Camden's 3
    is c; with the totals shown, 23 - 20 would give it away, so Hackney's are hidden too."""
    islington_dcs = person_with_role(Role.DCS, local_authority=local_authority("206"))
    client.force_login(islington_dcs)
    table = _table(client, "agency-headcount")
    assert table == {
        "Camden": ["c", "0", "0", "0", "0", "c"],
        "Hackney": ["c", "0", "0", "0", "0", "c"],
        "All shown": ["23", "0", "0", "0", "0", "23"],
    }
    page = client.get(URL).content.decode()
    assert "Agency workers by local authority and job type" in page


def test_each_csv_is_the_table_on_the_page(client, shared_region, dcs):
    """The export is the page: each CSV row's values are the page table's row, cell by cell
    (an empty CSV cell is the page's "no figure")."""
    import re

    client.force_login(dcs)
    page = client.get(URL).content.decode()
    for slug in ("agency-rate", "agency-headcount", "rates-against-caps"):
        table = page[page.index(f'id="figure-{slug}"') :]
        table = table[: table.index("</table>")]
        for label, values in _table(client, slug).items():
            row = re.search(rf'<th scope="row"[^>]*>{re.escape(label)}</th>(.*?)</tr>', table, re.S)
            assert row is not None, (slug, label)
            cells = [
                "" if "No figure" in cell else cell.strip()
                for cell in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
            ]
            assert cells == values, (slug, label)
