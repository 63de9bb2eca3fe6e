"""The agreement's pages: the regional lead drafts, publishes and records parties joining and
leaving; others read the published versions; bad input is explained beside the field."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from datasharing.models import AgreementParty, SharingAgreement
from tests.factories import local_authority

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(
        datetime.datetime(2026, 10, 10, 10, tzinfo=ZoneInfo("Europe/London")), tick=False
    )


def _date(name, day, month, year):
    return {f"{name}_day": str(day), f"{name}_month": str(month), f"{name}_year": str(year)}


def _details(**overrides):
    return {
        "label": "2026.1",
        "purpose": "Open discussion between partners",
        "lawful_basis": "Public task",
        "data_categories": "Quarterly agency workforce returns",
        "retention": "6 years",
        **_date("effective_from", 1, 4, 2026),
        **_date("review_due", 1, 4, 2027),
    } | overrides


def test_the_lead_drafts_publishes_and_records_parties(client, london, regional_lead, dcs):
    client.force_login(regional_lead)
    page = client.get(reverse("datasharing:region_agreement", args=["LDN"])).content.decode()
    assert "No agreement is in force today" in page
    new = reverse("datasharing:agreement_new", args=["LDN"])
    response = client.post(new, _details(label="", **_date("review_due", 1, 1, 2026)))
    errors = response.context["form"].errors
    assert errors["label"] == ["Enter a version name, like 2026.1"]
    response = client.post(new, _details())
    agreement = SharingAgreement.objects.get()
    assert response.url == agreement.get_absolute_url()

    client.force_login(dcs)
    assert client.get(agreement.get_absolute_url()).status_code == 404  # a draft
    client.force_login(regional_lead)
    edit = reverse("datasharing:agreement_edit", args=[agreement.pk])
    response = client.post(
        edit, _details() | {"document": SimpleUploadedFile("agreement.pdf", PDF)}
    )
    assert response.status_code == 302
    publish = reverse("datasharing:agreement_publish", args=[agreement.pk])
    assert client.post(publish).status_code == 302
    assert client.get(edit).status_code == 403  # published: it does not change

    party_new = reverse("datasharing:party_new", args=[agreement.pk])
    response = client.post(party_new, {"signed_by_name": "", **_date("signed_on", 1, 5, 2026)})
    errors = response.context["form"].errors
    assert errors["local_authority"] == [
        "Choose the local authority that signed, or an MSP, not both"
    ]
    assert errors["signed_by_name"] == ["Enter who signed"]
    camden = local_authority("202")
    response = client.post(
        party_new,
        {
            "local_authority": camden.pk,
            "signed_by_name": "Camden's DCS",
            "evidence": SimpleUploadedFile("signed.pdf", PDF),
            **_date("signed_on", 1, 5, 2026),
        },
    )
    assert response.status_code == 302
    party = AgreementParty.objects.get()
    evidence = reverse("datasharing:party_evidence", args=[party.pk])
    assert client.get(evidence).status_code == 200
    leave = reverse("datasharing:party_leave", args=[party.pk])
    response = client.post(leave, {"reason": "", **_date("left_on", 1, 4, 2026)})
    errors = response.context["form"].errors
    assert errors["reason"] == ["Enter why it is leaving"]
    assert client.post(leave, {"reason": "Left", **_date("left_on", 1, 9, 2026)}).status_code == 302

    client.force_login(dcs)
    page = client.get(agreement.get_absolute_url()).content.decode()
    assert "Camden" in page
    assert "1 September 2026: Left" in page
    assert "Record leaving" not in page
    assert client.get(evidence).status_code == 403  # signatures: for those who keep them
    document = reverse("datasharing:agreement_document", args=[agreement.pk])
    assert client.get(document).status_code == 200
    assert client.get(party_new).status_code == 403
    region_page = reverse("datasharing:region_agreement", args=["LDN"])
    assert "In force" in client.get(region_page).content.decode()


def test_another_regions_lead_never_reaches_londons(client, london, regional_lead, north_east_lead):
    client.force_login(regional_lead)
    client.post(reverse("datasharing:agreement_new", args=["LDN"]), _details())
    agreement = SharingAgreement.objects.get()
    client.force_login(north_east_lead)
    for url in (
        agreement.get_absolute_url(),
        reverse("datasharing:agreement_publish", args=[agreement.pk]),
        reverse("datasharing:party_new", args=[agreement.pk]),
    ):
        assert client.get(url).status_code == 404
    assert client.get(reverse("datasharing:agreement_new", args=["LDN"])).status_code in (403, 404)
