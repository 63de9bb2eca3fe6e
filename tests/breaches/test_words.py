"""Words and addresses on breach pages (issue 14, point 8): "MSP" as people write it, each
person's organisation on the timeline, the GOV.UK file upload, addresses with hyphens."""

import re

import pytest
from django.urls import reverse

from breaches.workflow import ACTIONS, breach_act
from tests.factories import MSPContractFactory, local_authority, logged_breach, mou_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def breach(reference_data, regional_lead):
    mou_version("LDN")
    msp = MSPContractFactory(local_authority=local_authority("202")).msp
    return logged_breach(local_authority("202"), reporter=regional_lead, msps=[msp])


def test_the_parties_say_msp_and_the_timeline_names_each_persons_organisation(
    client, breach, regional_lead, dcs
):
    breach_act(breach=breach, action="accept", actor=regional_lead, note="")
    client.force_login(dcs)
    html = " ".join(client.get(breach.get_absolute_url()).content.decode().split())
    msp = breach.parties.get(msp__isnull=False).msp
    assert f"<li>{msp.name} (MSP)</li>" in html
    assert "<li>Camden (local authority)</li>" in html
    assert "(msp)" not in html
    assert f"{regional_lead.name} (London region)" in html


def test_every_file_input_is_the_govuk_file_upload_component(client, breach, regional_lead):
    client.force_login(regional_lead)
    for url in (reverse("breaches:log"), breach.get_absolute_url()):
        html = client.get(url).content.decode()
        inputs = re.findall(r"<input[^>]*type=\"file\"[^>]*>", html)
        assert inputs
        for tag in inputs:
            assert 'class="govuk-file-upload' in tag
            field_id = re.search(r'id="([^"]+)"', tag).group(1)
            assert f'<label class="govuk-label" for="{field_id}">' in html
            assert f'aria-describedby="{field_id}_helptext"' in tag  # the kinds and size
        assert "Currently:" not in html


def test_action_addresses_use_hyphens_and_the_old_ones_move_permanently(
    client, breach, regional_lead
):
    client.force_login(regional_lead)
    page = client.get(breach.get_absolute_url()).content.decode()
    assert f"/breaches/{breach.reference}/close-not-breach/" in page
    assert "close_not_breach" not in page
    for spec in ACTIONS.values():
        assert "_" not in spec.slug
    old = client.get(f"/breaches/{breach.reference}/close_not_breach/?from=email")
    assert old.status_code == 301
    assert old["Location"] == f"/breaches/{breach.reference}/close-not-breach/?from=email"
    assert client.get(old["Location"]).status_code == 200


def test_an_old_address_outside_a_persons_scope_still_answers_404(client, breach, north_east_lead):
    client.force_login(north_east_lead)
    assert client.get(f"/breaches/{breach.reference}/close_not_breach/").status_code == 404
