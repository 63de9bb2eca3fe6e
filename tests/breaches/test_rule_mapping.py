"""Every breach type maps to what it breaches: the rule of the version in force, and for a rate
the cap row in force (issue 14, point 1)."""

import datetime
import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from breaches import services
from breaches.forms import LogBreachForm
from breaches.models import Breach
from mou import services as mou_services
from mou.models import RULE_DEFAULTS, MOURule, RuleKind, RuleSource
from tests.factories import AgencyFactory, local_authority

pytestmark = pytest.mark.django_db
D = datetime.date


def _log(version, actor, **overrides):
    values = {
        "region": version.mou.region,
        "breach_type": "notice",
        "occurred_on": D(2026, 3, 2),
        "description": "What happened",
        "local_authorities": [local_authority("202")],
    } | overrides
    return services.breach_log(new=services.NewBreach(**values), actor=actor)


RATE = {"rate_paid": Decimal("44.50"), "job_type": "social_worker", "engagement_type": "paye"}


@pytest.mark.parametrize(
    ("breach_type", "extra", "kind", "with_cap"),
    [
        ("rate_above_cap", RATE, RuleKind.PRICE_CAPS, True),
        ("advertising", RATE, RuleKind.PRICE_CAPS, True),
        ("advertising", {}, RuleKind.PRICE_CAPS, False),
        ("project_team", RATE, RuleKind.PRICE_CAPS, True),
        ("project_team", {}, RuleKind.PROJECT_TEAM_CONTROLS, False),
        ("headhunting", {}, RuleKind.NO_HEADHUNTING, False),
        ("non_engagement", {}, RuleKind.NON_ENGAGEMENT_MONTHS, False),
        ("pqe", {}, RuleKind.MIN_PQE_YEARS, False),
        ("references", {}, RuleKind.REFERENCES_REQUIRED, False),
        ("notice", {}, RuleKind.NOTICE_WEEKS, False),
        ("data_return", {}, RuleKind.DATA_RETURNS, False),
    ],
)
def test_the_type_decides_the_rule_and_a_rate_points_at_the_cap_in_force(
    london_mou, regional_lead, breach_type, extra, kind, with_cap
):
    breach = _log(london_mou, regional_lead, breach_type=breach_type, **extra)
    assert breach.rule == london_mou.rules.get(kind=kind)
    cap = london_mou.price_caps.get(job_type="social_worker", engagement_type="paye")
    if with_cap:
        assert (breach.price_cap, breach.cap_rate, breach.rate_paid) == (
            cap,
            Decimal("38.00"),
            Decimal("44.50"),
        )
    else:
        assert (breach.price_cap, breach.cap_rate, breach.rate_paid) == (None, None, None)


def test_a_given_rule_does_not_override_what_the_type_decides(london_mou, regional_lead):
    breach = _log(
        london_mou,
        regional_lead,
        breach_type="headhunting",
        rule=london_mou.rules.get(kind=RuleKind.MIN_PQE_YEARS),
    )
    assert breach.rule.kind == RuleKind.NO_HEADHUNTING


def test_an_other_breach_takes_the_rule_chosen_regional_rules_included(london_mou, regional_lead):
    regional = MOURule.objects.create(
        version=london_mou, kind=RuleKind.REGIONAL, source="regional", wording="Time on site"
    )
    with pytest.raises(ValidationError) as error:
        _log(london_mou, regional_lead, breach_type="other")
    assert error.value.message_dict["rule"] == ["Choose the rule breached"]
    assert _log(london_mou, regional_lead, breach_type="other", rule=regional).rule == regional


def test_a_rate_given_for_advertising_must_be_above_the_cap(london_mou, regional_lead):
    with pytest.raises(ValidationError) as error:
        _log(london_mou, regional_lead, breach_type="advertising", **RATE | {"rate_paid": 30})
    assert error.value.message_dict["rate_paid"] == ["£30 is not above the cap of £38.00"]
    with pytest.raises(ValidationError) as error:
        _log(london_mou, regional_lead, breach_type="project_team", rate_paid=Decimal("50"))
    assert error.value.message_dict["job_type"] == ["Select the job type"]


def test_every_version_has_the_price_caps_and_data_returns_rules_and_drafts_carry_them(
    london_mou,
):
    statutory = {RuleKind.PRICE_CAPS, RuleKind.DATA_RETURNS}
    assert statutory <= set(RULE_DEFAULTS)
    made = {r.kind: r.source for r in london_mou.rules.all()}
    assert {made[k] for k in statutory} == {RuleSource.STATUTORY}
    draft = mou_services.mou_version_create_draft(
        mou=london_mou.mou,
        label="2026.1",
        effective_from=D(2026, 6, 1),
        review_due=D(2027, 6, 1),
        actor=None,
    )
    assert statutory <= set(draft.rules.values_list("kind", flat=True))
    with pytest.raises(ValidationError):
        mou_services.mou_rule_remove(rule=draft.rules.get(kind=RuleKind.PRICE_CAPS), actor=None)


def test_versions_made_before_gain_the_two_rules_after_their_others(london_mou):
    london_mou.rules.filter(kind__in=[RuleKind.PRICE_CAPS, RuleKind.DATA_RETURNS]).delete()
    last = london_mou.rules.order_by("-order").first().order
    migration = importlib.import_module("mou.migrations.0004_price_caps_and_data_returns_rules")
    migration.add_rules(apps, None)
    migration.add_rules(apps, None)  # twice adds nothing more
    added = london_mou.rules.filter(kind__in=[RuleKind.PRICE_CAPS, RuleKind.DATA_RETURNS])
    assert [(r.kind, r.order, r.source) for r in added.order_by("order")] == [
        (RuleKind.PRICE_CAPS, last + 1, RuleSource.STATUTORY),
        (RuleKind.DATA_RETURNS, last + 2, RuleSource.STATUTORY),
    ]
    assert added.get(kind=RuleKind.PRICE_CAPS).wording == RULE_DEFAULTS[RuleKind.PRICE_CAPS].wording


def _offered(form) -> list[str]:
    return [label for value, label in form.fields["rule"].choices if value != ""]


def test_the_form_offers_the_rules_of_the_version_in_force_on_the_date_given(
    london_mou, regional_lead, london
):
    later = mou_services.mou_version_create_draft(
        mou=london_mou.mou,
        label="2026.2",
        effective_from=D(2026, 6, 1),
        review_due=D(2027, 6, 1),
        actor=None,
    )
    MOURule.objects.create(
        version=later, kind=RuleKind.REGIONAL, source="regional", wording="Time on site weekly"
    )
    mou_services.mou_version_publish(version=later, actor=None)
    regions = london.__class__.objects.filter(pk=london.pk)
    march = LogBreachForm(
        {"occurred_on_day": "2", "occurred_on_month": "3", "occurred_on_year": "2026"},
        regions=regions,
        user=regional_lead,
    )
    july = LogBreachForm(
        {"occurred_on_day": "2", "occurred_on_month": "7", "occurred_on_year": "2026"},
        regions=regions,
        user=regional_lead,
    )
    # Each rule once, from one version: the 2025.1 rules in March, 2026.2's (with its regional
    # rule) in July; a single region's rules are not grouped.
    assert _offered(march) == [str(r.get_kind_display()) for r in london_mou.rules.all()]
    assert "Regional: Time on site weekly" in _offered(july)
    assert "Regional: Time on site weekly" not in _offered(march)
    assert len(_offered(july)) == len(set(_offered(july)))
    assert "region" not in march.fields  # one region: nothing to ask


def test_logging_a_rate_breach_through_the_page_needs_no_rule(client, london_mou, regional_lead):
    client.force_login(regional_lead)
    response = client.post(
        reverse("breaches:log"),
        {
            "occurred_on_day": "2",
            "occurred_on_month": "3",
            "occurred_on_year": "2026",
            "breach_type": "rate_above_cap",
            "local_authority": local_authority("202").pk,
            "agency": AgencyFactory().company_number,
            "description": "Paid above the cap",
            "rate_paid": "44.50",
            "job_type": "social_worker",
            "engagement_type": "paye",
        },
    )
    breach = Breach.objects.get()
    assert response["Location"] == breach.get_absolute_url()
    assert breach.rule.kind == RuleKind.PRICE_CAPS
    page = client.get(breach.get_absolute_url()).content.decode()
    assert "Price caps" in page
    assert "Minimum post-qualification experience" not in page


def test_an_other_breach_without_a_rule_is_explained_beside_the_field(
    client, london_mou, regional_lead
):
    client.force_login(regional_lead)
    response = client.post(
        reverse("breaches:log"),
        {
            "occurred_on_day": "2",
            "occurred_on_month": "3",
            "occurred_on_year": "2026",
            "breach_type": "other",
            "local_authority": local_authority("202").pk,
            "description": "Kept text",
        },
    )
    assert response.context["form"].errors["rule"] == ["Choose the rule breached"]
    assert response.context["form"]["description"].value() == "Kept text"
    assert not Breach.objects.exists()


def test_a_person_logging_in_several_regions_chooses_the_region(client, national_admin, london_mou):
    client.force_login(national_admin)
    form = client.get(reverse("breaches:log")).context["form"]
    assert "region" in form.fields
    response = client.post(
        reverse("breaches:log"),
        {
            "occurred_on_day": "2",
            "occurred_on_month": "3",
            "occurred_on_year": "2026",
            "breach_type": "notice",
            "local_authority": local_authority("202").pk,
            "description": "No region given",
        },
    )
    assert response.context["form"].errors["region"] == ["Select the region"]
