"""The admin's history pages could be used to read other regions' rows and, through
django-simple-history's history form, to save any field without change permission: a London
admin made themselves a national admin. Each attack from that finding, kept in the suite."""

import pytest

from accounts.models import Membership, User
from accounts.roles import Role
from msp.models import MSPContract
from tests.factories import (
    MSPContractFactory,
    MSPFactory,
    local_authority,
    mou_version,
    person_with_role,
    region,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, london_admin):
    client.force_login(london_admin)
    return client


def _history_id(model, pk: int) -> int:
    return model.history.filter(id=pk).latest("history_id").history_id


def test_another_regions_person_has_no_admin_history_page(admin_client):
    west_midlands_lead = person_with_role(Role.REGIONAL_LEAD, region=region("WM"))
    url = f"/admin/accounts/user/{west_midlands_lead.pk}/history/"
    response = admin_client.get(url)
    assert response.status_code == 404
    assert west_midlands_lead.email not in response.content.decode()


def test_another_regions_draft_version_has_no_admin_history_page(admin_client):
    draft = mou_version("WM", publish=False)
    assert admin_client.get(f"/admin/mou/mouversion/{draft.pk}/history/").status_code == 404


def test_a_regional_admin_cannot_make_themselves_national_through_a_history_form(
    admin_client, london_admin, london
):
    membership = london_admin.memberships.get()
    url = f"/admin/accounts/membership/{membership.pk}/history/{_history_id(Membership, membership.pk)}/"
    response = admin_client.post(url, {"user": london_admin.pk, "role": Role.ADMIN, "region": ""})
    assert response.status_code in (403, 404)
    membership.refresh_from_db()
    assert (membership.role, membership.region) == (Role.ADMIN, london)
    assert not Membership.objects.filter(user=london_admin, region__isnull=True).exists()


def test_a_regional_admin_cannot_change_a_national_admins_email_through_a_history_form(
    admin_client, national_admin
):
    email = national_admin.email
    url = (
        f"/admin/accounts/user/{national_admin.pk}/history/{_history_id(User, national_admin.pk)}/"
    )
    response = admin_client.post(url, {"name": "Taken over", "email": "attacker@example.org"})
    assert response.status_code in (403, 404)
    national_admin.refresh_from_db()
    assert national_admin.email == email


def test_a_regional_admin_cannot_move_another_regions_contract_through_a_history_form(
    admin_client,
):
    contract = MSPContractFactory(local_authority=local_authority("391"))  # Newcastle
    other = MSPFactory()
    url = f"/admin/msp/mspcontract/{contract.pk}/history/{_history_id(MSPContract, contract.pk)}/"
    response = admin_client.post(
        url,
        {
            "msp": other.pk,
            "local_authority": contract.local_authority_id,
            "starts_on": "2025-01-01",
        },
    )
    assert response.status_code in (403, 404)
    contract.refresh_from_db()
    assert contract.msp_id != other.pk


def test_a_regional_admin_cannot_change_their_own_regions_rows_either(
    admin_client, london_admin, dcs
):
    membership = dcs.memberships.get()
    response = admin_client.post(
        f"/admin/accounts/membership/{membership.pk}/change/",
        {"user": dcs.pk, "role": Role.ADMIN, "region": ""},
    )
    assert response.status_code == 403
    membership.refresh_from_db()
    assert membership.role == Role.DCS


def test_a_national_admin_has_no_history_form_to_revert_with(client, national_admin, dcs):
    client.force_login(national_admin)
    membership = dcs.memberships.get()
    url = f"/admin/accounts/membership/{membership.pk}/history/{_history_id(Membership, membership.pk)}/"
    assert client.get(url).status_code == 404
    # The history of changes made in the admin itself is still there for what they may see.
    assert client.get(f"/admin/accounts/membership/{membership.pk}/history/").status_code == 200


def test_view_on_site_does_not_lead_a_regional_admin_to_another_regions_breach(
    admin_client, newcastle_dcs
):
    from django.contrib.contenttypes.models import ContentType

    from breaches.models import Breach
    from tests.factories import logged_breach

    breach = logged_breach(local_authority("391"), reporter=newcastle_dcs)
    content_type = ContentType.objects.get_for_model(Breach)
    response = admin_client.get(f"/admin/r/{content_type.pk}/{breach.pk}/")
    assert response.status_code == 404
    assert breach.reference not in response.get("Location", "")


def test_sign_in_records_and_devices_are_not_in_the_admin(admin_client, client, national_admin):
    client.force_login(national_admin)
    for path in (
        "/admin/otp_totp/totpdevice/",
        "/admin/otp_static/staticdevice/",
        "/admin/axes/accessattempt/",
        "/admin/axes/accesslog/",
    ):
        assert client.get(path).status_code == 404, path


def test_the_change_history_stays_on_the_portals_own_pages(client, london_admin, dcs):
    # What the admin's history pages showed is on the person's page, in scope.
    from django.urls import reverse

    client.force_login(london_admin)
    response = client.get(reverse("accounts:person_detail", kwargs={"pk": dcs.pk}))
    assert response.status_code == 200
    assert response.context["changes"]
    assert '<h2 class="govuk-heading-m">History</h2>' in response.content.decode()
