"""A London admin publishes a version that starts next month: until it starts, coverage, the MOU
page and the breach form keep the version in force; on its start date they switch, with nothing
flipped by a job (issue 15, point 1)."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mou import services
from mou.models import MOURule, RuleKind, RuleSource, Signatory, SignatoryStatus
from tests.e2e.conftest import assert_accessible
from tests.factories import local_authority, mou_version

pytestmark = pytest.mark.django_db(transaction=True)

NEW_RULE = "Agency workers spend at least two days a week on site."


def _signed(version, *la_codes):
    for code in la_codes:
        Signatory.objects.create(
            version=version,
            local_authority=local_authority(code),
            status=SignatoryStatus.SIGNED,
            signed_on=datetime.date(2025, 9, 1),
            signed_by_name="A Person",
            signed_by_role="DCS",
        )


def _rule_options(page, live_server) -> str:
    page.goto(f"{live_server.url}/breaches/new/")
    return " ".join(page.locator("#id_rule option").all_inner_texts())


def test_a_future_version_is_scheduled_until_its_start_then_in_force(
    live_server, signed_in_page, monkeypatch
):
    today = timezone.localdate()
    starts = today + datetime.timedelta(days=30)
    current = mou_version("LDN")
    _signed(current, "202", "204", "206")
    draft = services.mou_version_create_draft(
        mou=current.mou, label="2027.1", effective_from=starts, review_due=starts, actor=None
    )
    MOURule.objects.create(
        version=draft, kind=RuleKind.REGIONAL, source=RuleSource.REGIONAL, wording=NEW_RULE
    )
    _signed(draft, "202")

    page = signed_in_page("admin_regional")
    page.goto(f"{live_server.url}{draft.get_absolute_url()}")
    page.get_by_role("button", name="Publish this version").click()
    expect(page.locator("#publish-warnings")).to_contain_text("No MOU document is attached")
    assert_accessible(page)
    page.get_by_role("button", name="Publish version").click()  # not confirmed: asked again
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Confirm you want to publish this version despite the warnings"
    )
    assert_accessible(page)
    page.get_by_label("I have read the warnings and want to publish this version").check()
    page.get_by_role("button", name="Publish version").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"scheduled: it takes effect on {starts:%-d %B %Y}"
    )
    expect(page.get_by_role("heading", name="In force: version 2025.1")).to_be_visible()
    expect(page.get_by_role("row", name="2027.1 Scheduled")).to_be_visible()
    expect(page.get_by_role("row", name="2025.1 In force")).to_be_visible()
    assert_accessible(page)

    page.goto(f"{live_server.url}/mous/")
    london = page.get_by_role("row", name="London")
    expect(london).to_contain_text("2025.1")
    expect(london).to_contain_text("3 of 33")
    assert NEW_RULE not in _rule_options(page, live_server)

    # The start date arrives: nothing is run, the day alone changes what is in force.
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: starts)
    page.goto(f"{live_server.url}/mous/")
    london = page.get_by_role("row", name="London")
    expect(london).to_contain_text("2027.1")
    expect(london).to_contain_text("1 of 33")
    assert NEW_RULE in _rule_options(page, live_server)
    page.goto(f"{live_server.url}{current.mou.get_absolute_url()}")
    expect(page.get_by_role("heading", name="In force: version 2027.1")).to_be_visible()
    expect(page.get_by_role("row", name="2025.1 Ended")).to_be_visible()
    assert_accessible(page)


def test_a_scheduled_version_can_be_withdrawn_before_it_starts(live_server, signed_in_page):
    current = mou_version("LDN")
    starts = timezone.localdate() + datetime.timedelta(days=10)
    draft = services.mou_version_create_draft(
        mou=current.mou, label="2027.1", effective_from=starts, review_due=starts, actor=None
    )
    services.mou_version_publish(version=draft, actor=None)

    page = signed_in_page("admin_regional")
    page.goto(f"{live_server.url}{draft.get_absolute_url()}")
    page.get_by_role("button", name="Withdraw this version").click()
    assert_accessible(page)
    page.get_by_role("button", name="Withdraw version").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Version 2027.1 is withdrawn: it is a draft again"
    )
    current.refresh_from_db()
    assert current.effective_to is None  # in force again with no end
    expect(page.get_by_role("button", name="Publish this version")).to_be_visible()


def test_an_overdue_review_is_flagged_on_the_mou_page_and_the_leads_home(
    live_server, signed_in_page
):
    version = mou_version("LDN")  # reviewed a year after it started: 1 October 2026, past
    assert version.review_state() == "overdue"
    page = signed_in_page("regional_lead")
    reviews = page.locator("#home-reviews")
    expect(reviews).to_contain_text("London MOU: annual review overdue")
    assert_accessible(page)
    reviews.get_by_role("link").click()
    expect(page.get_by_text("Review overdue").first).to_be_visible()
    assert_accessible(page)
