"""The MOU registry's rules: versions and publishing, rules, ladder, caps and signatories."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from mou import services
from mou.models import (
    MOU,
    EngagementType,
    EscalationLevel,
    JobType,
    MOURule,
    MOUVersion,
    PriceCap,
    RuleKind,
    RuleSource,
    Signatory,
    SignatoryStatus,
    VersionStatus,
)
from tests.factories import local_authority, mou_version, region

pytestmark = pytest.mark.django_db
D = datetime.date


def _cap(version, rate="30.00", job=JobType.SOCIAL_WORKER, engagement=EngagementType.PAYE):
    return services.price_cap_save(
        version=version,
        cap=PriceCap(job_type=job, engagement_type=engagement, max_hourly_rate=Decimal(rate)),
        actor=None,
    )


def test_a_first_draft_starts_with_the_national_rules_and_the_default_ladder(reference_data):
    version = mou_version(publish=False)
    rules = {r.kind: r for r in version.rules.all()}
    assert rules[RuleKind.MIN_PQE_YEARS].value == 3
    assert rules[RuleKind.NON_ENGAGEMENT_MONTHS].value == 3
    assert rules[RuleKind.NOTICE_WEEKS].value == 4
    assert rules[RuleKind.REFERENCES_REQUIRED].value == 2
    assert {r.source for r in rules.values()} == {RuleSource.STATUTORY}
    ladder = [
        (lv.order, lv.responsible, lv.deadline_working_days)
        for lv in version.escalation_levels.all()
    ]
    assert ladder == [
        (1, "regional_leads", 10),
        (2, "la_dcs", 10),
        (3, "region_dcs_board", 15),
        (4, "national_team", 20),
    ]


def test_a_later_draft_copies_the_newest_published_versions_rules_ladder_and_caps(reference_data):
    first = mou_version(publish=False)
    _cap(first)
    services.mou_version_publish(version=first, actor=None)
    second = services.mou_version_create_draft(
        mou=first.mou,
        label="2026.1",
        effective_from=D(2026, 4, 1),
        review_due=D(2027, 4, 1),
        actor=None,
    )
    assert second.rules.count() == first.rules.count()
    assert second.escalation_levels.count() == 4
    assert [c.max_hourly_rate for c in second.price_caps.all()] == [Decimal("30.00")]


def test_publishing_ends_the_open_ended_version_the_day_the_new_one_starts(reference_data):
    first = mou_version(start=D(2024, 11, 1))
    second = services.mou_version_create_draft(
        mou=first.mou,
        label="2025.2",
        effective_from=D(2025, 10, 1),
        review_due=D(2026, 10, 1),
        actor=None,
    )
    before = timezone.now()
    services.mou_version_publish(version=second, actor=None)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.effective_to) == (VersionStatus.PUBLISHED, D(2025, 10, 1))
    assert second.status == VersionStatus.PUBLISHED
    assert before <= second.published_at <= timezone.now()  # stamped when it was published


@pytest.mark.parametrize("start", [D(2024, 11, 1), D(2024, 6, 1)])
def test_publishing_refuses_dates_that_overlap_a_published_version(reference_data, start):
    first = mou_version(start=D(2024, 11, 1))
    draft = services.mou_version_create_draft(
        mou=first.mou, label="Early", effective_from=start, review_due=D(2026, 1, 1), actor=None
    )
    with pytest.raises(ValidationError, match=r"must take effect after 2025\.1"):
        services.mou_version_publish(version=draft, actor=None)
    first.refresh_from_db()
    assert (first.status, first.effective_to) == (VersionStatus.PUBLISHED, None)  # nothing lost


def test_the_database_allows_one_open_ended_version_per_mou(reference_data):
    first = mou_version()
    with pytest.raises(IntegrityError), transaction.atomic():
        MOUVersion.objects.create(
            mou=first.mou,
            label="Rogue",
            status=VersionStatus.PUBLISHED,
            effective_from=D(2026, 1, 1),
            review_due=D(2027, 1, 1),
        )


def test_the_version_in_force_on_a_date_is_found_in_one_query(
    reference_data, django_assert_num_queries
):
    first = mou_version(start=D(2024, 11, 1))
    second = services.mou_version_create_draft(
        mou=first.mou,
        label="2025.2",
        effective_from=D(2025, 10, 1),
        review_due=D(2026, 10, 1),
        actor=None,
    )
    services.mou_version_publish(version=second, actor=None)
    london = region("LDN")
    with django_assert_num_queries(1):
        found = MOUVersion.objects.in_force_in_region(london, on=D(2025, 3, 1))
    assert found.pk == first.pk  # last year's breach finds last year's rules
    assert MOUVersion.objects.in_force_in_region(london, on=D(2025, 10, 1)).pk == second.pk
    assert MOUVersion.objects.in_force_in_region(london, on=D(2024, 10, 31)) is None
    assert MOUVersion.objects.in_force_in_region(region("NE"), on=D(2025, 3, 1)) is None


def test_a_draft_is_never_in_force(reference_data):
    draft = mou_version(publish=False)
    assert MOUVersion.objects.in_force_in_region(region("LDN"), on=D(2026, 1, 1)) is None
    assert not draft.is_in_force_on(D(2026, 1, 1))


def test_the_cap_in_force_on_a_date_is_one_query(reference_data, django_assert_num_queries):
    first = mou_version(start=D(2024, 11, 1), publish=False)
    _cap(first, "30.00")
    services.mou_version_publish(version=first, actor=None)
    second = services.mou_version_create_draft(
        mou=first.mou,
        label="2025.2",
        effective_from=D(2025, 10, 1),
        review_due=D(2026, 10, 1),
        actor=None,
    )
    cap = second.price_caps.get()
    cap.max_hourly_rate = Decimal("32.50")
    services.price_cap_save(version=second, cap=cap, actor=None)
    services.mou_version_publish(version=second, actor=None)
    kwargs = {
        "region": region("LDN"),
        "job_type": JobType.SOCIAL_WORKER,
        "engagement_type": EngagementType.PAYE,
    }
    with django_assert_num_queries(1):
        old = PriceCap.objects.in_force(on=D(2025, 9, 30), **kwargs)
    assert old.max_hourly_rate == Decimal("30.00")
    assert PriceCap.objects.in_force(on=D(2025, 10, 1), **kwargs).max_hourly_rate == Decimal(
        "32.50"
    )


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        (RuleKind.MIN_PQE_YEARS, 2),
        (RuleKind.NON_ENGAGEMENT_MONTHS, 1),
        (RuleKind.REFERENCES_REQUIRED, 1),
        (RuleKind.NOTICE_WEEKS, 3),
    ],
)
def test_a_regional_value_weaker_than_the_statutory_minimum_is_refused(reference_data, kind, value):
    version = mou_version(publish=False)
    rule = version.rules.get(kind=kind)
    rule.value = value
    with pytest.raises(ValidationError, match="cannot be less than the statutory minimum"):
        services.mou_rule_save(version=version, rule=rule, actor=None)
    assert MOURule.objects.get(pk=rule.pk).value != value


def test_a_stricter_regional_value_is_kept(reference_data):
    version = mou_version(publish=False)
    rule = version.rules.get(kind=RuleKind.NON_ENGAGEMENT_MONTHS)
    rule.value = 12
    services.mou_rule_save(version=version, rule=rule, actor=None)
    assert MOURule.objects.get(pk=rule.pk).value == 12


def test_regional_rules_can_be_added_and_removed_but_statutory_ones_stay(reference_data):
    version = mou_version(publish=False)
    extra = services.mou_rule_save(
        version=version,
        rule=MOURule(kind=RuleKind.REGIONAL, wording="Time on site each week"),
        actor=None,
    )
    assert extra.source == RuleSource.REGIONAL
    services.mou_rule_remove(rule=extra, actor=None)
    with pytest.raises(ValidationError, match="statutory rule cannot be removed"):
        services.mou_rule_remove(rule=version.rules.get(kind=RuleKind.MIN_PQE_YEARS), actor=None)


def test_a_published_version_cannot_be_changed(reference_data):
    version = mou_version()
    with pytest.raises(ValidationError, match="Only a draft version can be changed"):
        _cap(version)
    with pytest.raises(ValidationError, match="Only a draft"):
        services.mou_version_update(version=version, changes={"label": "x"}, actor=None)


def test_a_cap_of_zero_or_less_is_refused(reference_data):
    version = mou_version(publish=False)
    for rate in ("0", "-5"):
        with pytest.raises(ValidationError, match="more than £0"):
            _cap(version, rate)
    assert not version.price_caps.exists()


def test_each_job_and_engagement_type_has_one_cap_per_version(reference_data):
    version = mou_version(publish=False)
    _cap(version)
    with pytest.raises(ValidationError, match="already has a cap for social worker"):
        _cap(version, "40.00")


def test_a_local_authority_from_another_region_cannot_sign(reference_data):
    version = mou_version()
    with pytest.raises(ValidationError, match="only local authorities of the region can sign"):
        services.signatory_save(
            version=version, signatory=Signatory(local_authority=local_authority("391")), actor=None
        )


def test_a_signing_date_in_the_future_is_refused(reference_data):
    version = mou_version()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    signatory = Signatory(
        local_authority=local_authority("202"),
        status=SignatoryStatus.SIGNED,
        signed_on=tomorrow,
        signed_by_name="A Person",
        signed_by_role="DCS",
    )
    with pytest.raises(ValidationError) as error:
        services.signatory_save(version=version, signatory=signatory, actor=None)
    assert error.value.message_dict["signed_on"] == ["The date signed must be today or in the past"]


def test_signed_needs_a_date_and_who_signed(reference_data):
    version = mou_version()
    with pytest.raises(ValidationError) as error:
        services.signatory_save(
            version=version,
            signatory=Signatory(
                local_authority=local_authority("202"), status=SignatoryStatus.SIGNED
            ),
            actor=None,
        )
    assert set(error.value.message_dict) == {"signed_on", "signed_by_name", "signed_by_role"}


def test_a_withdrawal_is_recorded_with_its_date_and_reason(reference_data):
    version = mou_version()
    signatory = services.signatory_save(
        version=version,
        signatory=Signatory(
            local_authority=local_authority("202"),
            status=SignatoryStatus.SIGNED,
            signed_on=D(2025, 9, 1),
            signed_by_name="A Person",
            signed_by_role="DCS",
        ),
        actor=None,
    )
    signatory.status = SignatoryStatus.WITHDRAWN
    with pytest.raises(ValidationError) as error:
        services.signatory_save(version=version, signatory=signatory, actor=None)
    assert set(error.value.message_dict) == {"withdrawn_on", "withdrawal_reason"}
    signatory.withdrawn_on, signatory.withdrawal_reason = (
        D(2026, 1, 5),
        "Left the regional arrangement",
    )
    services.signatory_save(version=version, signatory=signatory, actor=None)
    assert Signatory.objects.get(pk=signatory.pk).status == SignatoryStatus.WITHDRAWN


@pytest.mark.parametrize(
    ("keep", "expected"), [(False, SignatoryStatus.INVITED), (True, SignatoryStatus.SIGNED)]
)
def test_signatories_carry_over_to_a_new_version_in_one_action(reference_data, keep, expected):
    first = mou_version()
    for la_code, status in (
        ("202", SignatoryStatus.SIGNED),
        ("204", SignatoryStatus.DECLINED),
        ("206", SignatoryStatus.INVITED),
    ):
        Signatory.objects.create(
            version=first,
            local_authority=local_authority(la_code),
            status=status,
            signed_on=D(2025, 9, 1) if status == SignatoryStatus.SIGNED else None,
        )
    second = services.mou_version_create_draft(
        mou=first.mou,
        label="2026.1",
        effective_from=D(2026, 4, 1),
        review_due=D(2027, 4, 1),
        actor=None,
    )
    created = services.signatories_carry_over(
        from_version=first, to_version=second, keep_signatures=keep, actor=None
    )
    assert created == 2  # the one that declined is not carried over
    statuses = dict(second.signatories.values_list("local_authority__la_code", "status"))
    assert statuses == {"202": expected, "206": SignatoryStatus.INVITED}


def test_services_refuse_people_who_do_not_manage_the_region(
    reference_data, regional_lead, london_admin, north_east
):
    version = mou_version()
    with pytest.raises(PermissionDenied):
        services.signatory_save(
            version=version,
            signatory=Signatory(local_authority=local_authority("202")),
            actor=regional_lead,
        )
    ne = MOU.objects.create(region=north_east, title="NE MOU")
    with pytest.raises(PermissionDenied):
        services.mou_version_create_draft(
            mou=ne,
            label="1",
            effective_from=D(2026, 1, 1),
            review_due=D(2027, 1, 1),
            actor=london_admin,
        )


def test_every_change_is_kept_with_who_made_it(reference_data, london_admin):
    version = mou_version(publish=False)
    services.mou_rule_save(
        version=version, rule=MOURule(kind=RuleKind.REGIONAL, wording="On site"), actor=london_admin
    )
    services.escalation_level_save(
        version=version,
        level=EscalationLevel(
            order=5, name="Extra", responsible="national_team", deadline_working_days=5
        ),
        actor=london_admin,
    )
    record = MOURule.history.filter(kind=RuleKind.REGIONAL).get()
    assert (record.history_type, record.history_user) == ("+", london_admin)
    assert EscalationLevel.history.filter(order=5).get().history_user == london_admin
