import pytest
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AccountEvent, AccountEventKind
from tests.conftest import confirmed_device

pytestmark = pytest.mark.django_db

HOME = "/"


@pytest.mark.parametrize("person", ["national_admin", "london_admin", "regional_lead", "dcs"])
def test_roles_that_need_two_factor_are_taken_to_enrolment_after_their_password(
    client, request, person
):
    client.force_login(request.getfixturevalue(person), verified=False)
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:two_factor_setup')}?next=/"


@pytest.mark.parametrize("person", ["la_workforce_lead", "msp_contact", "observer"])
def test_other_roles_may_sign_in_with_a_password_alone(client, request, person):
    client.force_login(request.getfixturevalue(person), verified=False)
    assert client.get(HOME).status_code == 200


def test_anyone_with_an_app_set_up_must_enter_a_code(client, observer):
    confirmed_device(observer)
    client.force_login(observer, verified=False)
    response = client.get(HOME)
    assert response["Location"] == f"{reverse('accounts:two_factor_verify')}?next=/"


def test_enrolment_confirms_the_app_and_gives_recovery_codes(client, regional_lead):
    client.force_login(regional_lead, verified=False)
    client.get(reverse("accounts:two_factor_setup"))
    device = TOTPDevice.objects.get(user=regional_lead, confirmed=False)

    wrong = client.post(reverse("accounts:two_factor_setup"), {"code": "12345"})
    assert "The code is not right" in wrong.content.decode()
    # django-otp throttles a device for a second after a wrong code; skip the wait.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )

    response = client.post(
        reverse("accounts:two_factor_setup"), {"code": f"{totp(device.bin_key):06d}"}
    )
    assert response["Location"] == reverse("accounts:recovery_codes")
    codes = client.get(reverse("accounts:recovery_codes")).context["codes"]
    assert len(codes) == 10
    assert client.get(HOME).status_code == 200  # verified now
    assert client.get(reverse("accounts:recovery_codes")).status_code == 302  # shown only once
    device.refresh_from_db()
    assert device.confirmed
    kinds = list(AccountEvent.objects.filter(user=regional_lead).values_list("kind", flat=True))
    assert AccountEventKind.TWO_FACTOR_ENROLLED in kinds
    assert AccountEventKind.TWO_FACTOR_FAILED in kinds


def test_a_recovery_code_works_once(client, regional_lead):
    client.force_login(regional_lead)
    client.post(reverse("accounts:recovery_codes"))
    code = client.get(reverse("accounts:recovery_codes")).context["codes"][0]
    client.logout()

    client.force_login(regional_lead, verified=False)
    assert client.post(reverse("accounts:two_factor_verify"), {"code": code}).status_code == 302
    assert client.get(HOME).status_code == 200
    assert not StaticToken.objects.filter(token=code).exists()
    assert AccountEvent.objects.filter(
        user=regional_lead, kind=AccountEventKind.RECOVERY_CODE_USED
    ).exists()


def test_the_admin_site_needs_two_factor_sign_in(client, national_admin):
    client.force_login(national_admin, verified=False)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor_setup"))


def test_an_admin_resets_a_persons_two_factor(client, london_admin, regional_lead):
    confirmed_device(regional_lead)
    client.force_login(london_admin)
    assert (
        client.post(
            reverse("accounts:person_two_factor_reset", args=[regional_lead.pk])
        ).status_code
        == 302
    )
    assert not TOTPDevice.objects.filter(user=regional_lead).exists()
    event = AccountEvent.objects.get(user=regional_lead, kind=AccountEventKind.TWO_FACTOR_RESET)
    assert event.actor == london_admin


@override_settings(REQUIRE_2FA=False)
def test_with_two_factor_switched_off_for_the_demo_every_page_says_so(client, regional_lead):
    client.force_login(regional_lead, verified=False)
    response = client.get(HOME)
    assert response.status_code == 200
    assert "Two-factor sign-in is off for this demo" in response.content.decode()


def test_with_two_factor_on_there_is_no_banner(client, regional_lead):
    client.force_login(regional_lead)
    assert "Two-factor sign-in is off" not in client.get(HOME).content.decode()
