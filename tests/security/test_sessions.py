import time
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from accounts.middleware import LAST_SEEN_AT, SIGNED_IN_AT
from accounts.models import AccountEvent, AccountEventKind
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def _age_session(client, **seconds_ago) -> None:
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[key] = now - ago
    session.save()


def test_a_session_ends_after_the_idle_timeout(client, regional_lead, settings):
    client.force_login(regional_lead)
    client.get("/")
    _age_session(client, **{LAST_SEEN_AT: settings.SESSION_IDLE_TIMEOUT + 5})
    response = client.get("/regions/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert client.get("/").status_code == 302  # signed out for good
    assert AccountEvent.objects.filter(
        user=regional_lead, kind=AccountEventKind.SESSION_EXPIRED
    ).exists()


def test_activity_keeps_a_session_alive(client, regional_lead, settings):
    client.force_login(regional_lead)
    client.get("/")
    _age_session(client, **{LAST_SEEN_AT: settings.SESSION_IDLE_TIMEOUT - 60})
    assert client.get("/regions/").status_code == 200


def test_a_session_ends_after_the_absolute_lifetime_however_active(client, regional_lead, settings):
    client.force_login(regional_lead)
    client.get("/")
    _age_session(client, **{SIGNED_IN_AT: settings.SESSION_ABSOLUTE_TIMEOUT + 5, LAST_SEEN_AT: 1})
    assert client.get("/").status_code == 302


def test_the_session_is_rotated_at_sign_in(la_workforce_lead, settings):
    client = Client()
    client.get(reverse("login"))
    session = client.session
    session["before"] = "x"
    session.save()
    before = session.session_key
    client.post(reverse("login"), {"username": la_workforce_lead.email, "password": TEST_PASSWORD})
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != before


def test_cookies_are_secure_httponly_and_samesite_lax_in_production(la_workforce_lead, settings):
    # The tests run with production settings whatever the environment holds (tests/settings.py).
    assert not settings.DEBUG
    response = Client().post(
        reverse("login"), {"username": la_workforce_lead.email, "password": TEST_PASSWORD}
    )
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["secure"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    csrf = Client().get(reverse("login")).cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["secure"]
    assert csrf["samesite"] == "Lax"


def test_password_links_expire(settings, reference_data):
    from accounts.models import User
    from accounts.services import password_link

    person = User.objects.create_user(email="late@example.org", name="Late")
    path = urlsplit(password_link(person)).path
    settings.PASSWORD_RESET_TIMEOUT = -1  # every token is already out of date
    page = Client().get(path, follow=True)
    assert "This invitation has expired" in page.content.decode()
