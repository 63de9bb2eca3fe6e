"""The export of a period's authorised returns (CSV and XLSX) in the documented layout, for
the region's leads only; the data dictionary generated from the declarations, on its page and
in docs/ (kept equal)."""

import csv
import datetime
import io
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from openpyxl import load_workbook

from datasharing import services
from datasharing.checks import CHECKS
from datasharing.dictionary import as_markdown
from datasharing.export import HEADER
from datasharing.models import LINE_FIELDS
from tests.factories import authorised_return, local_authority, person_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(
        datetime.datetime(2026, 10, 20, 10, tzinfo=ZoneInfo("Europe/London")), tick=False
    )


@pytest.fixture
def period(london):
    period = services.period_create(region=london, year=2026, quarter=3, actor=None)
    authorised_return(period, "202", 3, 40)
    authorised_return(period, "204", 20, 80)
    from accounts.roles import Role

    lead = person_with_role(Role.LA_WORKFORCE_LEAD, local_authority=local_authority("206"))
    services.return_start(period=period, local_authorities=[local_authority("206")], actor=lead)
    return period


def _csv(client, period) -> list[dict[str, str]]:
    response = client.get(f"/returns/periods/{period.pk}/export.csv")
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_export_holds_a_row_per_authorised_return_and_job_type_in_full(
    client, period, regional_lead
):
    client.force_login(regional_lead)
    rows = _csv(client, period)
    assert list(rows[0]) == HEADER
    assert len(rows) == 2 * 5  # two authorised returns, five job types; the draft is not in it
    camden = [r for r in rows if r["la_codes"] == "202"]
    social_workers = next(r for r in camden if r["job_type"] == "social_worker")
    assert social_workers["agency_headcount"] == "3"  # in full: they run the collection
    assert social_workers["agency_rate_fte"] == "7.0"
    assert social_workers["ltd_rate_max"] == "44.00"
    assert social_workers["reference"] == "LDN-2026-Q3-202"
    assert social_workers["period"] == "2026-Q3"


def test_the_xlsx_matches_the_csv(client, period, regional_lead):
    client.force_login(regional_lead)
    rows = _csv(client, period)
    response = client.get(f"/returns/periods/{period.pk}/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == HEADER
    assert len(values) == len(rows) + 1
    first = dict(zip(HEADER, values[1], strict=True))
    assert str(first["reference"]) == rows[0]["reference"]
    assert Decimal(str(first["agency_fte"])) == Decimal(rows[0]["agency_fte"])


@pytest.mark.parametrize("person", ["dcs", "la_workforce_lead", "msp_contact", "observer"])
def test_only_the_regions_leads_and_admins_export(client, period, request, person):
    client.force_login(request.getfixturevalue(person))
    assert client.get(f"/returns/periods/{period.pk}/export.csv").status_code in (403, 404)


def test_another_regions_lead_gets_404(client, period, north_east_lead):
    client.force_login(north_east_lead)
    assert client.get(f"/returns/periods/{period.pk}/export.csv").status_code == 404


def test_the_export_keeps_a_fixed_query_count(client, period, regional_lead):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(regional_lead)
    client.get("/returns/")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            client.get(f"/returns/periods/{period.pk}/export.csv")
        return len(ctx.captured_queries)

    few = count()
    for code in ("208", "209", "210"):
        authorised_return(period, code, 10, 40)
    assert count() == few


def test_the_data_dictionary_page_lists_every_field_check_and_column(client, period, dcs):
    client.force_login(dcs)
    page = client.get("/returns/data-dictionary/").content.decode()
    for name in (*LINE_FIELDS, *CHECKS, *HEADER):
        assert f"<code>{name}</code>" in page


def test_the_data_dictionary_in_docs_is_the_generated_one():
    doc = Path(settings.BASE_DIR) / "docs" / "data-dictionary.md"
    assert doc.read_text(encoding="utf-8") == as_markdown(), (
        "docs/data-dictionary.md is out of date: run python manage.py data_dictionary --write"
    )
