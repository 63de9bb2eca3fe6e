"""The signatory form shows only the fields of the chosen status (GOV.UK conditional reveal)
and keeps nothing typed under a status not chosen (issue 15, point 3)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
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
            "signed_on_day": "99",  # not a date, under "Signed", which was not chosen
            "signed_on_month": "1",
            "signed_on_year": "2025",
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


def test_the_mou_owner_is_chosen_from_the_las_people_and_asked_to_sign(
    client,
    london_admin,
    dcs,
    la_workforce_lead,
    regional_lead,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    version = mou_version("LDN")
    client.force_login(london_admin)
    html = client.get(_url(version)).content.decode()
    assert dcs.name in html
    assert la_workforce_lead.name in html
    assert regional_lead.name not in html  # not one of Camden's people
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(version), {"status": "invited", "mou_owner": dcs.pk})
    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [[dcs.email]]
    assert "please sign" in mailoutbox[0].subject
    assert version.get_absolute_url() in mailoutbox[0].body
    # Saving again with nothing new sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url(version), {"status": "invited", "mou_owner": dcs.pk})
    assert len(mailoutbox) == 1


def test_someone_outside_the_la_cannot_be_made_its_owner(client, london_admin, regional_lead):
    version = mou_version("LDN")
    client.force_login(london_admin)
    response = client.post(_url(version), {"status": "invited", "mou_owner": regional_lead.pk})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Signatory.objects.filter(version=version).exists()


def test_carrying_signatories_over_emails_their_owners(
    reference_data, dcs, mailoutbox, django_capture_on_commit_callbacks
):
    import datetime

    from mou import services

    first = mou_version("LDN")
    Signatory.objects.create(
        version=first,
        local_authority=dcs.memberships.get().local_authority,
        status=SignatoryStatus.SIGNED,
        signed_on=datetime.date(2025, 9, 1),
        mou_owner=dcs,
    )
    draft = services.mou_version_create_draft(
        mou=first.mou,
        label="2027.1",
        effective_from=datetime.date(2027, 1, 1),
        review_due=datetime.date(2028, 1, 1),
        actor=None,
    )
    draft = services.mou_version_publish(version=draft, actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        services.signatories_carry_over(
            from_version=first, to_version=draft, keep_signatures=False, actor=None
        )
    assert [m.to for m in mailoutbox] == [[dcs.email]]
    assert "MOU version 2027.1: please sign" in mailoutbox[0].subject


def test_the_signatories_csv_names_the_owner_only_to_those_who_read_case_records(
    client, regional_lead, observer, dcs
):
    version = mou_version("LDN")
    Signatory.objects.create(
        version=version,
        local_authority=dcs.memberships.get().local_authority,
        status=SignatoryStatus.INVITED,
        mou_owner=dcs,
    )
    url = reverse("mou:signatories_csv", args=["LDN", version.pk])
    client.force_login(regional_lead)
    assert dcs.name in client.get(url).content.decode("utf-8-sig")
    client.force_login(observer)
    assert dcs.name not in client.get(url).content.decode("utf-8-sig")


def test_several_las_are_marked_signed_at_once_each_with_its_own_evidence(client, london_admin):
    version = mou_version("LDN")
    client.force_login(london_admin)
    url = reverse("mou:signatories_mark_signed", args=["LDN", version.pk])
    page = client.get(url).content.decode()
    assert 'id="conditional-id_local_authorities_' in page
    response = client.post(
        url,
        {
            "local_authorities": ["202", "204"],
            "signed_on_day": "15",
            "signed_on_month": "9",
            "signed_on_year": "2025",
            "signed_by_role": "Director of children's services",
            "signer_202": "Ann Camden",
            "signer_204": "Ben Hackney",
            "evidence_202": SimpleUploadedFile("camden.pdf", b"%PDF-1.7\n%%EOF\n"),
            "signer_206": "Not chosen, not kept",
        },
    )
    assert response.status_code == 302
    signed = {
        s.local_authority.la_code: s
        for s in Signatory.objects.filter(version=version).select_related("local_authority")
    }
    assert set(signed) == {"202", "204"}
    assert signed["202"].signed_by_name == "Ann Camden"
    assert signed["202"].evidence_name == "camden.pdf"
    assert not signed["204"].evidence
    assert {s.signed_on.isoformat() for s in signed.values()} == {"2025-09-15"}


def test_marking_signed_asks_who_signed_for_each_chosen_la_and_saves_none_until_it_is_right(
    client, london_admin
):
    version = mou_version("LDN")
    client.force_login(london_admin)
    url = reverse("mou:signatories_mark_signed", args=["LDN", version.pk])
    response = client.post(
        url,
        {
            "local_authorities": ["202", "204"],
            "signed_on_day": "15",
            "signed_on_month": "9",
            "signed_on_year": "2025",
            "signed_by_role": "DCS",
            "signer_202": "Ann Camden",
        },
    )
    assert response.status_code == 200
    assert "Enter who signed for Hackney" in response.content.decode()
    assert not Signatory.objects.filter(version=version).exists()
