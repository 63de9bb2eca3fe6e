import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from accounts.lockout import is_locked_out, lockout_username
from accounts.models import AccountEvent, AccountEventKind, User
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


# Look-alike addresses (Unicode): the lock is keyed on the stored account, and sign-in accepts
# only an address that normalises (NFKC, casefold) to the stored one.

MINI = "mini.lin@example.org"
DOTLESS = "m\u0131n\u0131.lin@example.org"  # dotless i (U+0131): PostgreSQL's UPPER() gives I
FULLWIDTH = "\uff2d\uff29\uff2e\uff29.lin@example.org"  # fullwidth MINI: NFKC gives MINI

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL's UPPER() folds a dotless i to I; SQLite's does not (CI runs PostgreSQL)",
)


@pytest.fixture
def mini_lin(regional_lead):
    User.objects.filter(pk=regional_lead.pk).update(email=MINI)
    regional_lead.refresh_from_db()
    return regional_lead


def _signed_in(response) -> bool:
    return SESSION_KEY in response.wsgi_request.session


def test_the_sign_in_key_is_nfkc_casefolded_and_stripped():
    from accounts.models import sign_in_key

    assert sign_in_key("  Mini.Lin@Example.ORG \n") == MINI
    assert sign_in_key(FULLWIDTH) == MINI
    assert sign_in_key("STRASSE@example.org") == sign_in_key("straße@example.org")
    # A dotless i (U+0131) is not an i: the look-alike is a different address.
    assert sign_in_key(DOTLESS) != MINI
    assert sign_in_key(None) == ""


def test_the_lockout_is_keyed_on_the_stored_account_or_the_normalised_address(rf, mini_lin):
    def key(value: str) -> str:
        return lockout_username(rf.post("/"), {"username": value})

    assert key(MINI) == key(" MINI.LIN@example.org ") == key(FULLWIDTH) == MINI
    assert key("  Nobody@EXAMPLE.org ") == "nobody@example.org"
    assert key(FULLWIDTH.replace("lin", "nobody")) == "mini.nobody@example.org"


@on_postgresql
def test_postgresql_matches_the_look_alike_in_the_database(mini_lin):
    """The precondition of the finding: without the check in sign-in, this finds Mini Lin."""
    assert User.objects.filter(email__iexact=DOTLESS).get() == mini_lin


@on_postgresql
@override_settings(AXES_FAILURE_LIMIT=5)
def test_after_five_failures_no_form_of_the_address_signs_in(mini_lin):
    for _ in range(5):
        _attempt(MINI, "wrong-password")
    for variant in (DOTLESS, "MINI.LIN@example.org", FULLWIDTH):
        response = _attempt(variant, TEST_PASSWORD)
        assert not _signed_in(response), variant
        assert response.status_code == 429, variant
        assert "locked out" in response.content.decode()
    assert is_locked_out(mini_lin)


@on_postgresql
def test_a_look_alike_address_does_not_sign_in_even_with_the_right_password(mini_lin):
    response = _attempt(DOTLESS, TEST_PASSWORD)
    assert not _signed_in(response)
    assert response.status_code == 200
    assert "Enter a correct email address and password" in response.content.decode()
    # ...and the attempt counts against Mini Lin's account.
    assert AccessAttempt.objects.get(username=MINI).failures_since_start == 1
    assert _signed_in(_attempt(MINI, TEST_PASSWORD))


def test_other_forms_of_the_stored_address_still_sign_in(mini_lin):
    for variant in (" MINI.LIN@example.org ", FULLWIDTH):
        assert _signed_in(_attempt(variant, TEST_PASSWORD)), variant


def _summary_value(html: str, key: str) -> str:
    match = re.search(
        rf'<dt class="govuk-summary-list__key">{key}</dt>\s*'
        r'<dd class="govuk-summary-list__value">(.*?)</dd>',
        html,
        re.S,
    )
    assert match, f"no {key!r} row"
    return re.sub(r"<[^>]+>", " ", match.group(1)).split()[0]


@override_settings(AXES_FAILURE_LIMIT=5)
def test_the_person_page_shows_failed_attempts_and_the_lock_whatever_the_form(
    client, london_admin, mini_lin
):
    client.force_login(london_admin)
    page = mini_lin.get_absolute_url()
    html = client.get(page).content.decode()
    assert (_summary_value(html, "Failed sign-in attempts"), _summary_value(html, "Locked")) == (
        "0",
        "No",
    )

    for variant in (MINI, "MINI.LIN@example.org", FULLWIDTH):
        _attempt(variant, "wrong-password")
    html = client.get(page).content.decode()
    assert (_summary_value(html, "Failed sign-in attempts"), _summary_value(html, "Locked")) == (
        "3",
        "No",
    )

    for variant in (" Mini.Lin@example.org", MINI):
        _attempt(variant, "wrong-password")
    html = client.get(page).content.decode()
    assert (_summary_value(html, "Failed sign-in attempts"), _summary_value(html, "Locked")) == (
        "5",
        "Yes",
    )
    assert "Locked out" in html
