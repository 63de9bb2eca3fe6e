"""An admin manages the MOU's signatories in the browser; everyone in the region can read it."""

import datetime

import pytest
from playwright.sync_api import expect

from mou import services
from mou.models import Signatory, SignatoryStatus
from tests.e2e.conftest import assert_accessible
from tests.factories import local_authority, mou_version

pytestmark = pytest.mark.django_db(transaction=True)


def test_london_admin_adds_a_signatory_marks_it_signed_and_the_count_changes(
    live_server, signed_in_page
):
    version = mou_version("LDN")
    Signatory.objects.create(
        version=version,
        local_authority=local_authority("204"),
        status=SignatoryStatus.SIGNED,
        signed_on=datetime.date(2025, 9, 1),
        signed_by_name="A Person",
        signed_by_role="DCS",
    )
    page = signed_in_page("admin_regional")
    page.get_by_role("link", name="MOUs", exact=True).click()
    expect(page.get_by_role("heading", name="Agency social work MOUs")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="London").click()
    expect(page.locator("#signed-count")).to_have_text("1 of 33 signed")
    assert_accessible(page)

    page.get_by_role("link", name="Add Camden").click()
    expect(page.get_by_role("heading", name="Camden")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Invited").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Camden: invited")
    expect(page.locator("#signed-count")).to_have_text("1 of 33 signed")

    page.get_by_role("link", name="Update Camden").click()
    page.get_by_label("Signed", exact=True).check()
    page.get_by_role("button", name="Save").click()  # no date or signer yet
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the date the MOU was signed"
    )
    assert_accessible(page)
    page.locator("#id_signed_on_0").fill("15")
    page.locator("#id_signed_on_1").fill("9")
    page.locator("#id_signed_on_2").fill("2025")
    page.get_by_label("Signed by").fill("Daniel Okafor")
    page.get_by_label("Their role").fill("Director of children's services")
    page.get_by_role("button", name="Save").click()

    expect(page.locator("#signed-count")).to_have_text("2 of 33 signed")
    expect(page.locator("#signatory-matrix")).to_contain_text("15 Sep 2025, Daniel Okafor")
    assert_accessible(page)


def test_admin_drafts_a_version_with_a_stricter_rule_and_compares_it(live_server, signed_in_page):
    mou_version("LDN")
    page = signed_in_page("admin_regional")
    page.goto(f"{live_server.url}/mous/LDN/")
    page.get_by_role("button", name="Create a draft version").click()
    assert_accessible(page)
    page.get_by_label("Version name").fill("2026.1")
    page.locator("#id_effective_from_0").fill("1")
    page.locator("#id_effective_from_1").fill("4")
    page.locator("#id_effective_from_2").fill("2026")
    page.locator("#id_review_due_0").fill("1")
    page.locator("#id_review_due_1").fill("4")
    page.locator("#id_review_due_2").fill("2027")
    page.get_by_role("button", name="Create draft").click()
    expect(page.get_by_role("heading", name="Version 2026.1")).to_be_visible()
    assert_accessible(page)

    page.get_by_role(
        "link", name="Change non-engagement period after leaving a permanent role in the region"
    ).click()
    page.get_by_label("Value").fill("2")
    page.get_by_role("button", name="Save rule").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "cannot be less than the statutory minimum of 3 months"
    )
    assert_accessible(page)
    page.get_by_label("Value").fill("6")
    page.get_by_role("button", name="Save rule").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The rule was saved")

    page.goto(f"{live_server.url}/mous/LDN/compare/")
    page.get_by_label("Compare").select_option(label="2025.1 (in force)")
    page.get_by_label("With").select_option(label="2026.1 (draft)")
    page.get_by_role("button", name="Compare").click()
    expect(
        page.get_by_role("row", name="Non-engagement period").get_by_text("Changed")
    ).to_be_visible()
    assert_accessible(page)


def test_a_dcs_reads_the_ladder_but_cannot_change_the_mou(live_server, signed_in_page):
    version = mou_version("LDN")
    services.signatory_save(
        version=version, signatory=Signatory(local_authority=local_authority("202")), actor=None
    )
    page = signed_in_page("dcs")
    page.goto(f"{live_server.url}/mous/LDN/")
    expect(page.get_by_role("heading", name="Escalation ladder")).to_be_visible()
    expect(page.get_by_role("cell", name="Regional DCS board")).to_be_visible()
    expect(page.get_by_role("button", name="Create a draft version")).to_have_count(0)
    expect(page.get_by_role("link", name="Update Camden")).to_have_count(0)
    assert_accessible(page)
    page.goto(f"{live_server.url}/mous/NE/")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()


def test_the_signatory_form_shows_only_the_fields_of_the_chosen_status(live_server, signed_in_page):
    version = mou_version("LDN")
    page = signed_in_page("admin_regional")
    page.goto(f"{live_server.url}/mous/LDN/versions/{version.pk}/signatories/202/")
    signer, reason = (
        page.get_by_label("Signed by"),
        page.get_by_label("Why the local authority withdrew"),
    )
    expect(signer).to_be_hidden()
    expect(reason).to_be_hidden()
    page.get_by_label("Signed", exact=True).check()
    expect(signer).to_be_visible()
    expect(reason).to_be_hidden()
    assert_accessible(page)
    page.get_by_label("Withdrawn").check()
    expect(signer).to_be_hidden()
    expect(reason).to_be_visible()
    assert_accessible(page)


def test_an_admin_marks_several_las_signed_at_once(live_server, signed_in_page):
    version = mou_version("LDN")
    page = signed_in_page("admin_regional")
    page.goto(f"{live_server.url}{version.get_absolute_url()}")
    page.get_by_role("link", name="Mark several local authorities signed").click()
    expect(page.get_by_label("Who signed for Camden")).to_be_hidden()
    page.get_by_label("Camden", exact=True).check()
    page.get_by_label("Hackney", exact=True).check()
    page.get_by_label("Who signed for Camden").fill("Ann Camden")
    page.locator("#id_signed_on_0").fill("15")
    page.locator("#id_signed_on_1").fill("9")
    page.locator("#id_signed_on_2").fill("2025")
    page.get_by_role("button", name="Mark signed").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter who signed for Hackney")
    expect(page.get_by_label("Who signed for Hackney")).to_be_visible()  # still open
    assert_accessible(page)
    page.get_by_label("Who signed for Hackney").fill("Ben Hackney")
    page.get_by_role("button", name="Mark signed").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "2 local authorities marked signed"
    )
    expect(page.locator("#signed-count")).to_have_text("2 of 33 signed")
