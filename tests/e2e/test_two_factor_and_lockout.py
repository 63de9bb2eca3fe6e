"""Two-factor sign-in with a real code, and lockout after repeated wrong passwords."""

import pytest
from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from accounts.models import AccountEvent, AccountEventKind
from accounts.roles import Role
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_sign_in_and_home import sign_in
from tests.factories import TEST_PASSWORD, person_with_role, region

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_regional_lead_signs_in_with_a_code_from_their_app(live_server, page, reference_data):
    lead = person_with_role(Role.REGIONAL_LEAD, region=region("LDN"))
    device = TOTPDevice.objects.create(user=lead, name="Phone", confirmed=True)

    sign_in(page, live_server.url, lead.email, TEST_PASSWORD)
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Code").fill("000000" if totp(device.bin_key) != 0 else "111111")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The code is not right")
    assert_accessible(page)

    page.wait_for_timeout(1100)  # django-otp throttles a device for a second after a wrong code
    page.get_by_label("Code").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name=f"Welcome, {lead.get_short_name()}")).to_be_visible()
    kinds = set(AccountEvent.objects.filter(user=lead).values_list("kind", flat=True))
    assert {AccountEventKind.SIGNED_IN, AccountEventKind.TWO_FACTOR_VERIFIED} <= kinds


@override_settings(AXES_FAILURE_LIMIT=3)
def test_repeated_wrong_passwords_lock_the_account_out(live_server, page, reference_data):
    lead = person_with_role(Role.REGIONAL_LEAD, region=region("LDN"))
    for _ in range(3):
        sign_in(page, live_server.url, lead.email, "not-the-password")
    expect(page.locator(".govuk-error-summary")).to_contain_text("locked out")
    assert_accessible(page)

    sign_in(page, live_server.url, lead.email, TEST_PASSWORD)  # even the right password
    expect(page.locator(".govuk-error-summary")).to_contain_text("locked out")
    assert AccountEvent.objects.filter(user=lead, kind=AccountEventKind.LOCKED_OUT).exists()


def test_gov_uk_frontend_scripts_run_under_the_content_security_policy(live_server, signed_in_page):
    page = signed_in_page("la_workforce_lead")
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.reload()
    assert "govuk-frontend-supported" in page.evaluate("document.body.className")
    # initAll ran: the service navigation's menu button is managed by GOV.UK Frontend's script.
    expect(page.locator(".govuk-service-navigation[data-module]")).to_have_attribute(
        "data-govuk-service-navigation-init", ""
    )
    assert not [e for e in errors if "Content Security Policy" in e], errors
