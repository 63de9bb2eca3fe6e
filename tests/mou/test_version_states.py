"""A version's state from its status and dates: draft, scheduled, in force, ended (issue 15)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from mou import services
from mou.models import MOUVersion, VersionState, VersionStatus
from tests.factories import mou_version

pytestmark = pytest.mark.django_db
D = datetime.date


def _scheduled(current, *, days=30, label="2027.1"):
    starts = timezone.localdate() + datetime.timedelta(days=days)
    draft = services.mou_version_create_draft(
        mou=current.mou, label=label, effective_from=starts, review_due=starts, actor=None
    )
    return services.mou_version_publish(version=draft, actor=None)


def test_state_is_worked_out_from_the_dates(reference_data):
    version = mou_version(start=D(2025, 10, 1))
    version.effective_to = D(2027, 1, 1)
    assert version.state_on(D(2025, 9, 30)) == VersionState.SCHEDULED
    assert version.state_on(D(2025, 10, 1)) == VersionState.IN_FORCE
    assert version.state_on(D(2026, 12, 31)) == VersionState.IN_FORCE
    assert version.state_on(D(2027, 1, 1)) == VersionState.ENDED
    version.status = VersionStatus.DRAFT
    assert version.state_on(D(2026, 1, 1)) == VersionState.DRAFT


def test_publishing_a_future_version_leaves_the_current_one_in_force_until_it_starts(
    reference_data,
):
    current = mou_version()
    scheduled = _scheduled(current)
    current.refresh_from_db()
    today = timezone.localdate()
    assert current.status == scheduled.status == VersionStatus.PUBLISHED
    assert current.effective_to == scheduled.effective_from
    assert (current.state, scheduled.state) == (VersionState.IN_FORCE, VersionState.SCHEDULED)
    region = current.mou.region
    assert MOUVersion.objects.in_force_in_region(region, on=today) == current
    assert MOUVersion.objects.in_force_in_region(region, on=scheduled.effective_from) == scheduled


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (D(2026, 1, 1), None),  # inside the version in force
        (D(2025, 1, 1), D(2025, 11, 1)),  # across its start
        (D(2025, 1, 1), None),  # around it
    ],
)
def test_the_database_refuses_published_versions_that_overlap(reference_data, start, end):
    """The guard of migration 0005, on whichever database the suite runs on."""
    current = mou_version(start=D(2025, 10, 1))
    current.effective_to = D(2026, 10, 1)
    current.save(update_fields=["effective_to"])
    with pytest.raises(IntegrityError), transaction.atomic():
        MOUVersion.objects.create(
            mou=current.mou,
            label="Overlapping",
            status=VersionStatus.PUBLISHED,
            effective_from=start,
            effective_to=end,
            review_due=D(2027, 1, 1),
        )
    # Back to back is allowed, and drafts may overlap anything.
    MOUVersion.objects.create(
        mou=current.mou,
        label="Next",
        status=VersionStatus.PUBLISHED,
        effective_from=D(2026, 10, 1),
        review_due=D(2027, 10, 1),
    )
    MOUVersion.objects.create(
        mou=current.mou, label="A draft", effective_from=start, review_due=D(2027, 1, 1)
    )


def test_the_database_refuses_an_update_that_makes_versions_overlap(reference_data):
    current = mou_version(start=D(2025, 10, 1))
    scheduled = _scheduled(current)
    with pytest.raises(IntegrityError), transaction.atomic():
        MOUVersion.objects.filter(pk=current.pk).update(effective_to=None)
    assert scheduled.state == VersionState.SCHEDULED


def test_withdrawing_a_scheduled_version_reopens_the_one_in_force(reference_data, london_admin):
    current = mou_version()
    scheduled = _scheduled(current)
    services.mou_version_withdraw(version=scheduled, actor=london_admin)
    current.refresh_from_db()
    scheduled.refresh_from_db()
    assert current.effective_to is None
    assert (scheduled.status, scheduled.published_at) == (VersionStatus.DRAFT, None)
    # It can be changed and published again.
    services.mou_version_update(
        version=scheduled, changes={"summary_of_changes": "Redone"}, actor=london_admin
    )
    services.mou_version_publish(version=scheduled, actor=london_admin)


def test_a_version_in_force_or_ended_cannot_be_withdrawn(reference_data, london_admin):
    current = mou_version()
    with pytest.raises(ValidationError, match="Only a scheduled version"):
        services.mou_version_withdraw(version=current, actor=london_admin)
    current.refresh_from_db()
    assert current.status == VersionStatus.PUBLISHED


def test_withdrawing_needs_an_admin_of_the_region(reference_data, regional_lead, client):
    scheduled = _scheduled(mou_version())
    client.force_login(regional_lead)
    url = reverse("mou:version_withdraw", args=["LDN", scheduled.pk])
    assert client.post(url).status_code == 403
    scheduled.refresh_from_db()
    assert scheduled.state == VersionState.SCHEDULED


def test_a_new_draft_builds_on_the_scheduled_version(reference_data):
    current = mou_version()
    scheduled = _scheduled(current)
    scheduled.rules.filter(kind="notice_weeks").update(value=6)
    draft = services.mou_version_create_draft(
        mou=current.mou,
        label="2028.1",
        effective_from=D(2028, 1, 1),
        review_due=D(2029, 1, 1),
        actor=None,
    )
    assert draft.rules.get(kind="notice_weeks").value == 6


@pytest.mark.parametrize(
    ("review_in_days", "flag"), [(-1, "overdue"), (0, "due"), (30, "due"), (31, "")]
)
def test_the_annual_review_is_flagged_when_due_or_past(reference_data, review_in_days, flag):
    version = mou_version()
    version.review_due = timezone.localdate() + datetime.timedelta(days=review_in_days)
    assert version.review_state() == flag


def test_publishing_warns_of_a_past_start_no_signatures_and_no_document(reference_data):
    current = mou_version(start=D(2024, 10, 1))
    draft = services.mou_version_create_draft(
        mou=current.mou,
        label="Back-dated",
        effective_from=D(2025, 10, 1),
        review_due=D(2026, 10, 1),
        actor=None,
    )
    codes = [w.code for w in services.mou_version_publish_warnings(draft, today=D(2026, 1, 1))]
    assert codes == ["start_in_past", "no_signatories", "no_document"]
    assert services.mou_version_publish_warnings(draft, today=D(2025, 10, 1))[0].code == (
        "no_signatories"
    )


def test_with_nothing_to_warn_of_publishing_asks_no_confirmation(
    reference_data, client, london_admin
):
    from django.core.files.base import ContentFile

    from mou.models import Signatory, SignatoryStatus
    from tests.factories import local_authority

    current = mou_version()
    starts = timezone.localdate() + datetime.timedelta(days=5)
    draft = services.mou_version_create_draft(
        mou=current.mou, label="2027.1", effective_from=starts, review_due=starts, actor=None
    )
    draft.document.save("mou.pdf", ContentFile(b"%PDF-1.4"), save=True)
    Signatory.objects.create(
        version=draft,
        local_authority=local_authority("202"),
        status=SignatoryStatus.SIGNED,
        signed_on=D(2026, 1, 1),
    )
    client.force_login(london_admin)
    url = reverse("mou:version_publish", args=["LDN", draft.pk])
    page = client.get(url).content.decode()
    assert "Before you publish, check" not in page
    assert 'name="confirm"' not in page
    assert client.post(url).status_code == 302
    draft.refresh_from_db()
    assert draft.state == VersionState.SCHEDULED
