"""The signatory form shows only the fields of the chosen status (GOV.UK conditional reveal)
and keeps nothing typed under a status not chosen (issue 15, point 3)."""

import pytest
from django.urls import reverse

from mou.models import Signatory, SignatoryStatus
from tests.factories import mou_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def london_version(reference_data):
    return mou_version("LDN")


def _url(version, la_code="202"):
    return reverse("mou:signatory_edit", args=["LDN", version.pk, la_code])


def test_each_status_reveals_only_its_own_fields(client, london_admin, london_version):
    client.force_login(london_admin)
    html = client.get(_url(london_version)).content.decode()
    signed = html.index('id="conditional-id_status_1"')
    withdrawn = html.index('id="conditional-id_status_3"')
    assert 'data-app-reveals="conditional-id_status_1"' in html
    assert signed < html.index('name="signed_by_name"') < withdrawn
    assert withdrawn < html.index('name="withdrawal_reason"')
    # Not chosen yet: both hidden until a radio is chosen (shown without JavaScript).
    assert html.count("govuk-radios__conditional--hidden") == 2
    assert html.index('name="mou_owner"') < signed or html.index('name="mou_owner"') > withdrawn


def test_what_was_typed_under_another_status_is_not_checked_or_kept(
    client, london_admin, london_version
):
    client.force_login(london_admin)
    response = client.post(
        _url(london_version),
        {
            "status": "invited",
            "signed_on_0": "99",  # not a date, under "Signed", which was not chosen
            "signed_on_1": "1",
            "signed_on_2": "2025",
            "signed_by_name": "Someone",
            "withdrawal_reason": "Typed then changed my mind",
        },
    )
    assert response.status_code == 302
    signatory = Signatory.objects.get(version=london_version, local_authority__la_code="202")
    assert signatory.status == SignatoryStatus.INVITED
    assert (signatory.signed_on, signatory.signed_by_name, signatory.withdrawal_reason) == (
        None,
        "",
        "",
    )


def test_the_chosen_status_keeps_its_fields_open_when_there_are_errors(
    client, london_admin, london_version
):
    client.force_login(london_admin)
    html = client.post(_url(london_version), {"status": "signed"}).content.decode()
    assert "Enter the date the MOU was signed" in html
    assert html.count("govuk-radios__conditional--hidden") == 1  # withdrawn's only
