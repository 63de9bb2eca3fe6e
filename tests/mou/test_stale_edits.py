"""An edit posted from a page loaded while the version was a draft, after someone else published it.

The edit must be refused on the row as it is now, never write the old status back: otherwise the
region is left with no version in force (the old one was ended when the draft was published).
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mou import services, views
from mou.models import (
    EngagementType,
    EscalationLevel,
    JobType,
    MOURule,
    MOUVersion,
    PriceCap,
    RuleKind,
    VersionStatus,
)
from tests.factories import mou_version, region

pytestmark = pytest.mark.django_db
D = datetime.date
AFTER_PUBLISHING = D(2026, 5, 1)  # the draft takes effect on 1 April 2026
REFUSED = "Only a draft version can be changed"


@pytest.fixture
def draft(reference_data):
    """London's 2025.1 in force, and a 2026.1 draft with one price cap and one regional rule."""
    first = mou_version("LDN")
    draft = services.mou_version_create_draft(
        mou=first.mou,
        label="2026.1",
        effective_from=D(2026, 4, 1),
        review_due=D(2027, 4, 1),
        actor=None,
    )
    services.price_cap_save(
        version=draft,
        cap=PriceCap(
            job_type=JobType.SOCIAL_WORKER,
            engagement_type=EngagementType.PAYE,
            max_hourly_rate=Decimal("30.00"),
        ),
        actor=None,
    )
    services.mou_rule_save(
        version=draft, rule=MOURule(kind=RuleKind.REGIONAL, wording="On site"), actor=None
    )
    return draft


@pytest.fixture
def stale(draft, national_admin):
    """The draft as a page loaded it, then published by someone else."""
    loaded = MOUVersion.objects.get(pk=draft.pk)
    assert loaded.is_draft
    services.mou_version_publish(version=MOUVersion.objects.get(pk=draft.pk), actor=national_admin)
    return loaded


def _assert_still_in_force(version):
    version.refresh_from_db()
    assert version.status == VersionStatus.PUBLISHED
    assert version.effective_to is None
    in_force = MOUVersion.objects.in_force_in_region(region("LDN"), on=AFTER_PUBLISHING)
    assert in_force == version


def test_a_stale_details_edit_is_refused_and_the_published_version_stays_in_force(
    stale, london_admin
):
    with pytest.raises(ValidationError, match=REFUSED):
        services.mou_version_update(
            version=stale, changes={"summary_of_changes": "Late edit"}, actor=london_admin
        )
    _assert_still_in_force(stale)
    assert stale.summary_of_changes == ""


def test_a_stale_rule_add_or_change_is_refused(stale, london_admin):
    with pytest.raises(ValidationError, match=REFUSED):
        services.mou_rule_save(
            version=stale, rule=MOURule(kind=RuleKind.REGIONAL, wording="Late"), actor=london_admin
        )
    rule = stale.rules.get(kind=RuleKind.NOTICE_WEEKS)
    rule.value = 8
    with pytest.raises(ValidationError, match=REFUSED):
        services.mou_rule_save(version=stale, rule=rule, actor=london_admin)
    _assert_still_in_force(stale)
    assert stale.rules.get(kind=RuleKind.NOTICE_WEEKS).value == 4
    assert not stale.rules.filter(wording="Late").exists()


def test_a_stale_price_cap_add_or_change_is_refused(stale, london_admin):
    with pytest.raises(ValidationError, match=REFUSED):
        services.price_cap_save(
            version=stale,
            cap=PriceCap(
                job_type=JobType.TEAM_MANAGER,
                engagement_type=EngagementType.PAYE,
                max_hourly_rate=Decimal("50.00"),
            ),
            actor=london_admin,
        )
    cap = stale.price_caps.get()
    cap.max_hourly_rate = Decimal("99.00")
    with pytest.raises(ValidationError, match=REFUSED):
        services.price_cap_save(version=stale, cap=cap, actor=london_admin)
    _assert_still_in_force(stale)
    assert [c.max_hourly_rate for c in stale.price_caps.all()] == [Decimal("30.00")]


def test_a_stale_escalation_level_add_or_change_is_refused(stale, london_admin):
    with pytest.raises(ValidationError, match=REFUSED):
        services.escalation_level_save(
            version=stale,
            level=EscalationLevel(
                order=5, name="Late", responsible="national_team", deadline_working_days=5
            ),
            actor=london_admin,
        )
    level = stale.escalation_levels.get(order=1)
    level.deadline_working_days = 99
    with pytest.raises(ValidationError, match=REFUSED):
        services.escalation_level_save(version=stale, level=level, actor=london_admin)
    _assert_still_in_force(stale)
    assert stale.escalation_levels.count() == 4
    assert stale.escalation_levels.get(order=1).deadline_working_days == 10


def test_stale_removals_are_refused(stale, london_admin):
    rule = stale.rules.get(kind=RuleKind.REGIONAL)
    level = stale.escalation_levels.get(order=4)
    cap = stale.price_caps.get()
    assert rule.version is stale  # each carries the version as the page loaded it
    with pytest.raises(ValidationError, match=REFUSED):
        services.mou_rule_remove(rule=rule, actor=london_admin)
    with pytest.raises(ValidationError, match=REFUSED):
        services.escalation_level_remove(level=level, actor=london_admin)
    with pytest.raises(ValidationError, match=REFUSED):
        services.price_cap_remove(cap=cap, actor=london_admin)
    _assert_still_in_force(stale)
    assert stale.rules.filter(kind=RuleKind.REGIONAL).exists()
    assert stale.escalation_levels.count() == 4
    assert stale.price_caps.count() == 1


def test_a_stale_publish_is_refused_and_changes_nothing(stale, london_admin):
    with pytest.raises(ValidationError, match=REFUSED):
        services.mou_version_publish(version=stale, actor=london_admin)
    _assert_still_in_force(stale)
    assert MOUVersion.objects.filter(effective_to__isnull=True).count() == 1


def test_an_edit_of_a_draft_writes_only_the_fields_it_changes(draft, london_admin):
    """Two people editing one draft from pages loaded at the same time keep each other's work."""
    first, second = MOUVersion.objects.get(pk=draft.pk), MOUVersion.objects.get(pk=draft.pk)
    services.mou_version_update(version=first, changes={"label": "2026.A"}, actor=london_admin)
    services.mou_version_update(
        version=second, changes={"summary_of_changes": "Caps raised"}, actor=london_admin
    )
    draft.refresh_from_db()
    assert (draft.label, draft.summary_of_changes, draft.status) == (
        "2026.A",
        "Caps raised",
        VersionStatus.DRAFT,
    )


def test_an_edit_still_names_who_made_it(draft, london_admin):
    services.mou_version_update(
        version=MOUVersion.objects.get(pk=draft.pk),
        changes={"summary_of_changes": "Caps raised"},
        actor=london_admin,
    )
    record = draft.history.latest()
    assert (record.history_type, record.history_user) == ("~", london_admin)
    assert (record.summary_of_changes, record.status) == ("Caps raised", VersionStatus.DRAFT)


# The pages: the person whose page went stale is told why, not shown an error page.


@pytest.fixture
def published_after_loading(monkeypatch, draft, national_admin):
    """Publish the draft just after a page's view has loaded it (the stale copy goes on)."""
    real = views.get_version_for_user

    def load_then_publish(user, code, pk):
        loaded = real(user, code, pk)
        services.mou_version_publish(version=MOUVersion.objects.get(pk=pk), actor=national_admin)
        return loaded

    monkeypatch.setattr(views, "get_version_for_user", load_then_publish)
    return draft


def test_a_stale_edit_page_explains_why_it_was_refused(
    client, london_admin, published_after_loading
):
    version = published_after_loading
    client.force_login(london_admin)
    response = client.post(
        reverse("mou:version_edit", args=["LDN", version.pk]),
        {
            "label": "2026.1",
            "effective_from_day": "1",
            "effective_from_month": "4",
            "effective_from_year": "2026",
            "review_due_day": "1",
            "review_due_month": "4",
            "review_due_year": "2027",
            "summary_of_changes": "Late edit",
            "exception_max_months": "6",
            "exception_second_approver": "none",
        },
    )
    assert response.status_code == 200
    assert REFUSED in " ".join(response.context["form"].non_field_errors())
    _assert_still_in_force(version)
    assert version.summary_of_changes == ""


def test_a_stale_cap_page_explains_why_it_was_refused(
    client, london_admin, published_after_loading
):
    version = published_after_loading
    client.force_login(london_admin)
    response = client.post(
        reverse("mou:part_add", args=["LDN", version.pk, "cap"]),
        {
            "job_type": "team_manager",
            "engagement_type": "paye",
            "max_hourly_rate": "50.00",
            "components": ["includes_hourly_pay"],
        },
    )
    assert response.status_code == 200
    assert REFUSED in " ".join(response.context["form"].non_field_errors())
    _assert_still_in_force(version)
    assert version.price_caps.count() == 1
