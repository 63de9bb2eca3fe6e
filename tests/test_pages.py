"""Project-wide pages: sign-in required, public pages, home, health check, error pages."""

from unittest import mock

import pytest
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

PUBLIC_URLS = ["/sign-in/", "/password-reset/", "/accessibility", "/healthz"]
PRIVATE_URLS = [
    "/",
    "/regions/",
    "/regions/LDN/",
    "/local-authorities/",
    "/local-authorities/202/",
    "/people/",
    "/people/invite/",
]


@pytest.mark.parametrize("url", PRIVATE_URLS)
def test_anonymous_visitors_are_sent_to_sign_in(client, url, reference_data):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_public_pages_need_no_sign_in(client, url):
    assert client.get(url).status_code == 200


def test_home_shows_the_persons_roles_and_where_to_go(client, dcs):
    client.force_login(dcs)
    response = client.get("/")
    html = response.content.decode()
    assert "Director of children&#x27;s services" in html
    assert "Camden" in html
    assert reverse("mou:local_authority_list") in html
    assert reverse("accounts:person_list") not in html  # not an admin


def test_home_for_admins_links_to_people(client, london_admin):
    client.force_login(london_admin)
    assert reverse("accounts:person_list") in client.get("/").content.decode()


def test_home_for_a_person_without_a_role_says_what_to_do(client, reference_data):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    assert "You do not have a role in the portal yet" in client.get("/").content.decode()


def test_health_check_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_health_check_answers_503_when_the_database_does_not(client):
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=DatabaseError):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_unknown_pages_get_the_portals_404_page(client, regional_lead):
    client.force_login(regional_lead)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_server_errors_get_the_portals_500_page(settings):
    from governance_portal.views import server_error

    response = server_error(mock.Mock())
    assert response.status_code == 500
    html = response.content.decode()
    assert "Sorry, there is a problem with the service" in html
    assert "Agency MOU governance portal" in html
    assert 'href="/" class="govuk-generic-header__homepage-link' in html


def test_the_header_links_to_home_search_account_and_sign_out(client, regional_lead):
    client.force_login(regional_lead)
    html = client.get("/accessibility").content.decode()
    assert 'href="/" class="govuk-generic-header__homepage-link' in html
    assert 'action="/search/"' in html
    assert 'href="/account/">Your account' in html
    assert 'action="/sign-out/"' in html


def test_expired_forms_get_a_clear_page(regional_lead):
    client = Client(enforce_csrf_checks=True)
    client.force_login(regional_lead)
    response = client.post(reverse("logout"))
    assert response.status_code == 403
    assert "Your form has expired" in response.content.decode()


def test_navigation_follows_the_role(client, regional_lead, london_admin):
    client.force_login(regional_lead)
    assert ">People<" not in client.get("/").content.decode().replace("\n", "").replace(" ", "")
    client.force_login(london_admin)
    assert "People" in client.get("/").content.decode()


def test_the_header_names_the_signed_in_person(client, regional_lead):
    client.force_login(regional_lead)
    assert f"Signed in as {regional_lead.name}" in client.get("/").content.decode()


def test_the_navigation_marks_the_section_a_page_is_in(client, regional_lead):
    client.force_login(regional_lead)
    breaches = client.get("/breaches/").content.decode()
    home = client.get("/").content.decode()
    current = ' aria-current="page"'
    assert f'href="/breaches/"{current}' in breaches
    assert f'href="/"{current}' not in breaches
    assert f'href="/"{current}' in home
    assert f'href="/breaches/"{current}' not in home  # rendered apart for each set of items
