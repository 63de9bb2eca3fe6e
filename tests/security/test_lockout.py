import re

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from accounts.models import AccountEvent, AccountEventKind
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]

LIMIT = 3


def _attempt(email: str, password: str, ip: str = "198.51.100.7", **extra):
    return Client(REMOTE_ADDR=ip, **extra).post(
        reverse("login"), {"username": email, "password": password}
    )


def _page(response, email: str) -> str:
    """The page as a person sees it, without their own email and the form's CSRF token."""
    html = response.content.decode().replace(email, "EMAIL")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def _lock(email: str, ip: str = "198.51.100.7") -> None:
    for _ in range(LIMIT):
        _attempt(email, "wrong-password", ip)


@override_settings(AXES_FAILURE_LIMIT=LIMIT)
def test_repeated_failures_lock_out_the_account_from_that_address(regional_lead):
    _lock(regional_lead.email)
    response = _attempt(regional_lead.email, TEST_PASSWORD)
    assert response.status_code == 429
    assert "locked out" in response.content.decode()
    assert AccountEvent.objects.filter(
        user=regional_lead, kind=AccountEventKind.LOCKED_OUT
    ).exists()


@override_settings(AXES_FAILURE_LIMIT=LIMIT)
def test_the_lock_is_for_the_pair_of_account_and_address(regional_lead, dcs):
    _lock(regional_lead.email, ip="198.51.100.7")
    assert _attempt(regional_lead.email, TEST_PASSWORD, ip="203.0.113.9").status_code == 302
    assert _attempt(dcs.email, TEST_PASSWORD, ip="198.51.100.7").status_code == 302


@override_settings(AXES_FAILURE_LIMIT=LIMIT)
def test_changing_the_case_of_the_email_does_not_buy_more_attempts(regional_lead):
    for variant in (regional_lead.email, regional_lead.email.upper(), regional_lead.email.title()):
        _attempt(variant, "wrong-password")
    assert _attempt(regional_lead.email, TEST_PASSWORD).status_code == 429


@override_settings(AXES_FAILURE_LIMIT=LIMIT)
def test_the_message_does_not_reveal_whether_the_account_exists(regional_lead):
    _lock(regional_lead.email)
    _lock("nobody@example.org")
    real = _page(_attempt(regional_lead.email, "x"), regional_lead.email)
    unknown = _page(_attempt("nobody@example.org", "x"), "nobody@example.org")
    assert "locked out" in real
    assert real == unknown
    wrong_real = _attempt("someone.else@example.org", "x", ip="192.0.2.1").content.decode()
    assert "Enter a correct email address and password" in wrong_real


@override_settings(AXES_FAILURE_LIMIT=LIMIT)
def test_an_admin_unlocks_a_locked_out_person(client, london_admin, regional_lead):
    _lock(regional_lead.email)
    client.force_login(london_admin)
    assert "Locked out" in client.get(regional_lead.get_absolute_url()).content.decode()
    assert (
        client.post(reverse("accounts:person_unlock", args=[regional_lead.pk])).status_code == 302
    )
    assert _attempt(regional_lead.email, TEST_PASSWORD).status_code == 302
    event = AccountEvent.objects.get(user=regional_lead, kind=AccountEventKind.UNLOCKED)
    assert event.actor == london_admin


@override_settings(AXES_FAILURE_LIMIT=LIMIT, TRUSTED_PROXIES=["10.0.0.0/8"])
def test_behind_a_trusted_proxy_the_lock_follows_the_forwarded_address(regional_lead):
    for _ in range(LIMIT):
        _attempt(regional_lead.email, "wrong", ip="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.7")
    # Another person behind the same proxy is not locked out...
    assert (
        _attempt(
            regional_lead.email, TEST_PASSWORD, ip="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.9"
        ).status_code
        == 302
    )


@override_settings(AXES_FAILURE_LIMIT=LIMIT)
def test_a_forwarded_header_from_an_untrusted_client_is_ignored(regional_lead):
    for n in range(LIMIT):
        _attempt(
            regional_lead.email, "wrong", ip="198.51.100.7", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}"
        )
    assert (
        _attempt(
            regional_lead.email, TEST_PASSWORD, ip="198.51.100.7", HTTP_X_FORWARDED_FOR="192.0.2.99"
        ).status_code
        == 429
    )


def test_sign_in_events_are_recorded_with_time_and_address(regional_lead):
    client = Client(REMOTE_ADDR="198.51.100.7")
    client.post(reverse("login"), {"username": regional_lead.email, "password": "wrong"})
    client.post(reverse("login"), {"username": regional_lead.email, "password": TEST_PASSWORD})
    client.post(reverse("logout"))
    events = list(AccountEvent.objects.filter(user=regional_lead).order_by("pk"))
    assert [e.kind for e in events] == [
        AccountEventKind.SIGN_IN_FAILED,
        AccountEventKind.SIGNED_IN,
        AccountEventKind.SIGNED_OUT,
    ]
    assert {e.ip_address for e in events} == {"198.51.100.7"}
    assert all(e.created_at for e in events)


def test_a_failed_sign_in_for_an_unknown_account_is_recorded_too(reference_data):
    _attempt("nobody@example.org", "x")
    event = AccountEvent.objects.get(kind=AccountEventKind.SIGN_IN_FAILED)
    assert (event.user, event.email) == (None, "nobody@example.org")
