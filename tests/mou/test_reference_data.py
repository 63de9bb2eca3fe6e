from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mou.models import LocalAuthority, Region
from mou.services import reference_data_load

pytestmark = pytest.mark.django_db

EXPECTED_PER_REGION = {
    "North East": 12,
    "North West": 24,
    "Yorkshire and The Humber": 15,
    "East Midlands": 10,
    "West Midlands": 14,
    "East of England": 11,
    "London": 33,
    "South East": 19,
    "South West": 15,
}


def test_reference_data_has_153_local_authorities_in_9_regions(reference_data):
    assert Region.objects.count() == 9
    assert LocalAuthority.objects.count() == 153
    counts = {r.name: r.local_authorities.count() for r in Region.objects.all()}
    assert counts == EXPECTED_PER_REGION


def test_codes_are_dfe_and_ons_codes(reference_data):
    camden = LocalAuthority.objects.get(la_code="202")
    assert (camden.name, camden.ons_code, camden.region.code) == ("Camden", "E09000007", "LDN")
    assert not LocalAuthority.objects.exclude(la_code__regex=r"^\d{3}$").exists()


def test_loading_twice_changes_nothing(reference_data):
    before = list(LocalAuthority.objects.values_list("pk", "la_code", "name", "ons_code", "region"))
    history_before = LocalAuthority.history.count()

    with CaptureQueriesContext(connection) as queries:
        result = reference_data_load()

    assert not result.changed
    assert before == list(
        LocalAuthority.objects.values_list("pk", "la_code", "name", "ons_code", "region")
    )
    assert LocalAuthority.history.count() == history_before
    assert not [q for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))]


def test_a_renamed_local_authority_is_updated_not_duplicated(reference_data):
    camden = LocalAuthority.objects.get(la_code="202")
    camden.name = "Camden (old name)"
    camden.ons_code = "E09999999"
    camden.save()

    result = reference_data_load()

    camden.refresh_from_db()
    assert (camden.name, camden.ons_code) == ("Camden", "E09000007")
    assert result.updated == ["202 Camden"]
    assert LocalAuthority.objects.count() == 153
    assert camden.history.first().name == "Camden"  # the correction is in the field history


def test_an_edited_alliance_name_is_kept(reference_data):
    Region.objects.filter(code="NE").update(riia_name="North East Children's Alliance")
    reference_data_load()
    assert Region.objects.get(code="NE").riia_name == "North East Children's Alliance"


def test_command_reports_when_up_to_date(reference_data):
    out = StringIO()
    call_command("load_reference_data", stdout=out)
    assert "already up to date" in out.getvalue()
