"""The region's data sharing agreement: versions drafted and published (never overlapping),
parties joining and leaving, who manages it and who sees drafts, and the gate every shared
figure asks: was the LA party to an agreement in force on the quarter's last day."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from datasharing import agreements
from datasharing.models import SharingAgreement
from mou.models import VersionState
from tests.factories import local_authority

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(
        datetime.datetime(2026, 10, 10, 10, tzinfo=ZoneInfo("Europe/London")), tick=False
    )


def _fields(**overrides):
    return {
        "label": "2026.1",
        "purpose": "Open discussion of agency use between the region's partners",
        "lawful_basis": "Public task",
        "data_categories": "Quarterly agency workforce and pay-rate returns",
        "retention": "6 years after the quarter",
        "effective_from": D(2026, 4, 1),
        "review_due": D(2027, 4, 1),
    } | overrides


@pytest.fixture
def agreement(london, regional_lead):
    draft = agreements.agreement_create(region=london, fields=_fields(), actor=regional_lead)
    return agreements.agreement_publish(agreement=draft, actor=regional_lead)


def test_the_regions_leads_and_admins_manage_it_no_one_else(
    london, regional_lead, london_admin, dcs, north_east_lead, la_workforce_lead
):
    for person in (dcs, north_east_lead, la_workforce_lead):
        with pytest.raises(PermissionDenied):
            agreements.agreement_create(region=london, fields=_fields(), actor=person)
    assert agreements.agreement_create(region=london, fields=_fields(), actor=london_admin)


def test_drafts_are_seen_only_by_those_who_manage_it(london, regional_lead, dcs, observer):
    draft = agreements.agreement_create(region=london, fields=_fields(), actor=regional_lead)
    assert SharingAgreement.objects.visible_to(regional_lead).filter(pk=draft.pk).exists()
    assert not SharingAgreement.objects.visible_to(dcs).filter(pk=draft.pk).exists()
    agreements.agreement_publish(agreement=draft, actor=regional_lead)
    assert SharingAgreement.objects.visible_to(dcs).filter(pk=draft.pk).exists()


def test_another_regions_people_never_see_londons(agreement, north_east_lead):
    assert not SharingAgreement.objects.visible_to(north_east_lead).exists()


def test_a_new_version_ends_the_last_and_may_not_start_before_it(agreement, regional_lead):
    early = agreements.agreement_create(
        region=agreement.region,
        fields=_fields(label="2026.0", effective_from=D(2026, 3, 1)),
        actor=regional_lead,
    )
    with pytest.raises(ValidationError) as error:
        agreements.agreement_publish(agreement=early, actor=regional_lead)
    assert "must start after it" in error.value.message_dict["effective_from"][0]
    second = agreements.agreement_create(
        region=agreement.region,
        fields=_fields(label="2027.1", effective_from=D(2027, 1, 1), review_due=D(2028, 1, 1)),
        actor=regional_lead,
    )
    second = agreements.agreement_publish(agreement=second, actor=regional_lead)
    agreement.refresh_from_db()
    assert agreement.effective_to == D(2027, 1, 1)
    assert agreement.state_on(D(2026, 12, 31)) == VersionState.IN_FORCE
    assert agreement.state_on(D(2027, 1, 1)) == VersionState.ENDED
    assert second.state == VersionState.SCHEDULED


def test_bad_input_is_named_beside_its_field(london, agreement, regional_lead):
    with pytest.raises(ValidationError) as error:
        agreements.agreement_create(region=london, fields=_fields(), actor=regional_lead)
    assert error.value.message_dict == {"label": ["London already has a version 2026.1"]}
    with pytest.raises(ValidationError) as error:
        agreements.agreement_create(
            region=london,
            fields=_fields(label="2027.1", review_due=D(2026, 1, 1)),
            actor=regional_lead,
        )
    assert "review_due" in error.value.message_dict
    with pytest.raises(ValidationError, match="already published"):
        agreements.agreement_publish(agreement=agreement, actor=regional_lead)
    with pytest.raises(ValidationError, match="does not change"):
        agreements.agreement_update(
            agreement=agreement, fields={"purpose": "x"}, actor=regional_lead
        )


def test_parties_join_once_from_the_region_and_leave_with_a_reason(agreement, regional_lead):
    camden = local_authority("202")
    party = agreements.party_join(
        agreement=agreement,
        local_authority=camden,
        signed_on=D(2026, 5, 1),
        signed_by_name="Camden's DCS",
        actor=regional_lead,
    )
    with pytest.raises(ValidationError, match="already a party"):
        agreements.party_join(
            agreement=agreement,
            local_authority=camden,
            signed_on=D(2026, 5, 1),
            signed_by_name="x",
            actor=regional_lead,
        )
    with pytest.raises(ValidationError, match="is not in London"):
        agreements.party_join(
            agreement=agreement,
            local_authority=local_authority("391"),
            signed_on=D(2026, 5, 1),
            signed_by_name="x",
            actor=regional_lead,
        )
    with pytest.raises(ValidationError, match="today or in the past"):
        agreements.party_join(
            agreement=agreement,
            local_authority=local_authority("204"),
            signed_on=D(2026, 11, 1),
            signed_by_name="x",
            actor=regional_lead,
        )
    with pytest.raises(ValidationError) as error:
        agreements.party_leave(party=party, left_on=D(2026, 4, 1), reason=" ", actor=regional_lead)
    assert set(error.value.message_dict) == {"left_on", "reason"}
    left = agreements.party_leave(
        party=party, left_on=D(2026, 9, 1), reason="Left the partnership", actor=regional_lead
    )
    assert (left.left_on, left.leaving_reason) == (D(2026, 9, 1), "Left the partnership")


def test_sharing_follows_the_agreement_in_force_and_the_party_on_each_quarters_last_day(
    agreement, regional_lead
):
    camden, hackney, islington = (local_authority(c) for c in ("202", "204", "206"))
    agreements.party_join(
        agreement=agreement,
        local_authority=camden,
        signed_on=D(2026, 5, 1),
        signed_by_name="a",
        actor=regional_lead,
    )
    hackney_party = agreements.party_join(
        agreement=agreement,
        local_authority=hackney,
        signed_on=D(2026, 4, 1),
        signed_by_name="b",
        actor=regional_lead,
    )
    agreements.party_leave(
        party=hackney_party, left_on=D(2026, 9, 30), reason="r", actor=regional_lead
    )
    q1, q2, q3 = D(2026, 3, 31), D(2026, 6, 30), D(2026, 9, 30)
    shared = agreements.sharing_las([camden.pk, hackney.pk, islington.pk], [q1, q2, q3])
    assert shared == {
        (camden.pk, q2),  # Q1: before the agreement took effect
        (camden.pk, q3),
        (hackney.pk, q2),  # Q3: it left on the quarter's last day
    }


def test_a_draft_agreement_shares_nothing(london, regional_lead):
    draft = agreements.agreement_create(region=london, fields=_fields(), actor=regional_lead)
    agreements.party_join(
        agreement=draft,
        local_authority=local_authority("202"),
        signed_on=D(2026, 5, 1),
        signed_by_name="a",
        actor=regional_lead,
    )
    assert agreements.sharing_las([local_authority("202").pk], [D(2026, 6, 30)]) == set()
