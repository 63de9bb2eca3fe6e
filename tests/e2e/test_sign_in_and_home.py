"""Each demo role signs in through the real sign-in page and sees only its scope."""

import base64
import re

import pytest
from django.core.management import call_command
from django_otp.oath import totp
from playwright.sync_api import Page, expect

from accounts.demo import DEMO_PASSWORD
from accounts.models import User
from mou.models import LocalAuthority
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

# (email, role, scope, is an admin, two-factor sign-in required)
DEMO_LOGINS = [
    ("admin@example.org", "Admin", "National", True, True),
    ("london.admin@example.org", "Admin", "London", True, True),
    ("regional.lead@example.org", "Regional lead", "London", False, True),
    ("dcs.camden@example.org", "Director of children's services", "Camden", False, True),
    ("workforce.camden@example.org", "LA workforce lead", "Camden", False, False),
    ("msp.contact@example.org", "MSP contact", "Capital Workforce Partners (demo)", False, False),
    ("observer@example.org", "Observer", "National", False, False),
]


def current_code(secret: str) -> str:
    """What the person's authenticator app would show now."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key):06d}"


def enrol_two_factor(page: Page) -> None:
    """Set up an authenticator app the way a person would: read the key, type the code."""
    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    assert_accessible(page)
    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("Code").fill(current_code(secret))
    page.get_by_role("button", name="Confirm code").click()
    expect(page.get_by_role("heading", name="Save your recovery codes")).to_be_visible()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    assert_accessible(page)
    page.get_by_role("button", name="I have saved my codes, continue").click()


@pytest.fixture
def demo_data(reference_data):
    call_command("seed_demo", "--force", stdout=open("/dev/null", "w"))  # noqa: SIM115


def sign_in(page: Page, base_url: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/")
    expect(page).to_have_url(re.compile(r"/sign-in/"))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.parametrize(("email", "role", "scope", "is_admin", "needs_2fa"), DEMO_LOGINS)
def test_each_demo_role_signs_in_and_sees_its_home_page(
    live_server, page, demo_data, email, role, scope, is_admin, needs_2fa
):
    page.goto(f"{live_server.url}/sign-in/")
    assert_accessible(page)
    sign_in(page, live_server.url, email, DEMO_PASSWORD)
    if needs_2fa:  # a password alone is not enough: taken to enrolment first
        enrol_two_factor(page)

    expect(page.get_by_role("heading", name=re.compile("^Welcome"))).to_be_visible()
    roles = page.locator("#your-roles")
    expect(roles).to_contain_text(role)
    expect(roles).to_contain_text(scope)
    assert_accessible(page)

    page.get_by_role("link", name="Local authorities", exact=True).click()
    expect(page.get_by_role("heading", name="Local authorities")).to_be_visible()
    assert_accessible(page)
    count = page.get_by_role("status").inner_text()
    person = User.objects.get(email=email)
    assert count == f"{LocalAuthority.objects.visible_to(person).count()} local authorities"
    assert count != "153 local authorities" or scope == "National"

    people_link = page.get_by_role("link", name="People", exact=True)
    expect(people_link).to_have_count(1 if is_admin else 0)
    if is_admin:
        people_link.click()
        expect(page.get_by_role("heading", name="People")).to_be_visible()
        assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in/"))


def test_a_wrong_password_shows_the_error_summary(live_server, page, demo_data):
    sign_in(page, live_server.url, "regional.lead@example.org", "not the password")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a correct email address and password")
    expect(summary).to_be_focused()  # GOV.UK Frontend's JavaScript ran and moved focus
    assert_accessible(page)


def test_a_regional_lead_cannot_open_another_regions_local_authority(live_server, signed_in_page):
    page = signed_in_page("regional_lead")
    page.goto(f"{live_server.url}/local-authorities/391/")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/local-authorities/202/")
    expect(page.get_by_role("heading", name="Camden")).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("role", ["dcs", "observer", "msp_contact"])
def test_regions_pages_show_the_scope(live_server, signed_in_page, role):
    page = signed_in_page(role)
    page.get_by_role("link", name="Regions", exact=True).click()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(9 if role == "observer" else 1)
    assert_accessible(page)
    page.get_by_role("link", name="London").click()
    expect(page.get_by_role("heading", name="London")).to_be_visible()
    assert_accessible(page)


def test_public_pages_are_accessible(live_server, page, reference_data):
    for path in ("/accessibility", "/password-reset/"):
        page.goto(f"{live_server.url}{path}")
        assert_accessible(page)


def test_the_accessibility_check_can_fail(page):
    """Proves assert_accessible is not vacuous: an unlabelled field is a serious violation."""
    page.set_content('<html lang="en"><title>t</title><main><input type="text"></main></html>')
    with pytest.raises(AssertionError, match="label"):
        assert_accessible(page)
