"""The session key changes when two-factor sign-in is passed (ASVS 3.2.1): the key the password
alone was given never becomes the privileged one."""

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from tests.conftest import confirmed_device
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

HOME = "/"


def _sign_in_with_password(person) -> tuple[Client, str]:
    client = Client(REMOTE_ADDR="198.51.100.7")
    response = client.post(reverse("login"), {"username": person.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client, client.cookies[settings.SESSION_COOKIE_NAME].value


def _assert_rotated(client: Client, old_key: str) -> None:
    new_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert new_key != old_key
    assert client.get(HOME).status_code == 200  # the new session has passed two-factor sign-in
    assert DEVICE_ID_SESSION_KEY in SessionStore(new_key).load()
    # The password-only key is gone: it is neither verified nor even signed in.
    old = SessionStore(old_key).load()
    assert DEVICE_ID_SESSION_KEY not in old
    assert SESSION_KEY not in old
    stale = Client(REMOTE_ADDR="198.51.100.7")
    stale.cookies[settings.SESSION_COOKIE_NAME] = old_key
    response = stale.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(
        (reverse("login"), reverse("accounts:two_factor_verify"))
    )


def test_a_code_from_the_app_gives_a_new_session_key(regional_lead):
    device = confirmed_device(regional_lead)
    client, password_key = _sign_in_with_password(regional_lead)
    assert client.get(HOME)["Location"].startswith(reverse("accounts:two_factor_verify"))

    response = client.post(
        reverse("accounts:two_factor_verify"), {"code": f"{totp(device.bin_key):06d}"}
    )
    assert response.status_code == 302
    _assert_rotated(client, password_key)


def test_a_recovery_code_gives_a_new_session_key(regional_lead):
    confirmed_device(regional_lead)
    code = two_factor._recovery_codes_make(regional_lead)[0]
    client, password_key = _sign_in_with_password(regional_lead)

    response = client.post(reverse("accounts:two_factor_verify"), {"code": code})
    assert response.status_code == 302
    _assert_rotated(client, password_key)


def test_confirming_a_new_app_gives_a_new_session_key(regional_lead):
    client, password_key = _sign_in_with_password(regional_lead)
    assert client.get(HOME)["Location"].startswith(reverse("accounts:two_factor_setup"))
    client.get(reverse("accounts:two_factor_setup"))
    device = TOTPDevice.objects.get(user=regional_lead, confirmed=False)

    response = client.post(
        reverse("accounts:two_factor_setup"), {"code": f"{totp(device.bin_key):06d}"}
    )
    assert response["Location"] == reverse("accounts:recovery_codes")
    # The new codes went with the session data to the new key.
    assert len(client.get(reverse("accounts:recovery_codes")).context["codes"]) == 10
    _assert_rotated(client, password_key)
