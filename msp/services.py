"""Writes for the supply chain. Each checks who may make it (actor=None is the system), runs in a
transaction and names the actor in field history."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.roles import Capability
from accounts.scope import access_for
from mou.models import LocalAuthority, LocalAuthorityQuerySet, Region
from msp.models import (
    MSP,
    Agency,
    AgencyStanding,
    ChainMembership,
    EscalationContact,
    MSPContract,
    RelationshipReview,
    ReviewAction,
    StandingStatus,
    normalise_company_number,
)
from msp.permissions import managed_region_ids, require_region_manager, require_supplier_editor

_Supplier = TypeVar("_Supplier", MSP, Agency)


@dataclass
class BreachLookup:
    """How a standing finds the breach it follows, by reference in its region: registered by the
    breaches app (above this one) in its AppConfig.ready(), so msp imports no app above it."""

    find: Callable[[str, Region], Any] = lambda reference, region: None


breach_lookup = BreachLookup()


def _save(obj: _Supplier, actor: User | None, *, duplicate: str) -> _Supplier:
    obj._history_user = actor
    obj.full_clean(validate_constraints=False, validate_unique=False)
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as error:
        raise ValidationError({"company_number": duplicate}) from error
    return obj


def _check_company_number(model: type[MSP] | type[Agency], obj: MSP | Agency) -> None:
    obj.company_number = normalise_company_number(obj.company_number or "") or None
    if obj.company_number is None:
        return
    other = model.objects.filter(company_number=obj.company_number).exclude(pk=obj.pk).first()
    if other is not None:
        raise ValidationError(
            {
                "company_number": f"{other.name} already has Companies House number {obj.company_number}"
            }
        )


@transaction.atomic
def msp_save(*, msp: MSP, actor: User | None) -> MSP:
    require_supplier_editor(actor)
    _check_company_number(MSP, msp)
    if MSP.objects.filter(name__iexact=msp.name.strip()).exclude(pk=msp.pk).exists():
        raise ValidationError({"name": f"An MSP called {msp.name} is already on the portal"})
    return _save(msp, actor, duplicate="Another MSP already has this Companies House number")


@transaction.atomic
def agency_save(*, agency: Agency, actor: User | None) -> Agency:
    require_supplier_editor(actor)
    _check_company_number(Agency, agency)
    return _save(agency, actor, duplicate="Another agency already has this Companies House number")


def _dates_in_order(
    start: datetime.date, end: datetime.date | None, field: str, message: str
) -> None:
    if end is not None and end < start:
        raise ValidationError({field: message})


@transaction.atomic
def contract_save(*, contract: MSPContract, actor: User | None) -> MSPContract:
    """An MSP's contract with an LA, by someone who manages that LA's region."""
    regions = managed_region_ids(actor) if actor is not None else None
    if (
        actor is not None
        and regions is not None
        and contract.local_authority.region_id not in regions
    ):
        raise ValidationError(
            {"local_authority": f"{contract.local_authority} is not in a region you manage"}
        )
    require_region_manager(actor, contract.local_authority.region_id)
    _dates_in_order(
        contract.starts_on, contract.ends_on, "ends_on", "The end date must be after the start date"
    )
    contract._history_user = actor
    contract.full_clean(validate_constraints=False)
    contract.save()
    return contract


@transaction.atomic
def chain_membership_save(*, membership: ChainMembership, actor: User | None) -> ChainMembership:
    require_supplier_editor(actor)
    _dates_in_order(
        membership.from_date,
        membership.to_date,
        "to_date",
        "The end date must be after the start date",
    )
    membership._history_user = actor
    membership.full_clean(validate_constraints=False)
    membership.save()
    return membership


@transaction.atomic
def standing_set(
    *,
    agency: Agency,
    region: Region,
    status: str,
    reason: str,
    decided_on: datetime.date,
    actor: User | None,
    breach_reference: str = "",
) -> AgencyStanding:
    """Record a decision about an agency's standing in a region (the latest decision counts)."""
    require_region_manager(actor, region.pk)
    if decided_on > timezone.localdate():
        raise ValidationError(
            {"decided_on": "The date of the decision must be today or in the past"}
        )
    if status not in StandingStatus.values:
        raise ValidationError({"status": "Select the agency's standing"})
    breach = None
    if breach_reference.strip():
        breach = breach_lookup.find(breach_reference.strip(), region)
        if breach is None:
            raise ValidationError(
                {"breach_reference": f"There is no breach {breach_reference.strip()} in {region}"}
            )
    standing = AgencyStanding(
        agency=agency,
        region=region,
        status=status,
        reason=reason.strip(),
        decided_on=decided_on,
        decided_by=actor,
        breach=breach,
    )
    standing._history_user = actor
    standing.full_clean()
    standing.save()
    return standing


@transaction.atomic
def review_record(*, review: RelationshipReview, actor: User | None) -> RelationshipReview:
    require_region_manager(actor, review.region_id)
    if review.local_authority is not None and review.local_authority.region_id != review.region_id:
        raise ValidationError(
            {"local_authority": f"{review.local_authority} is not in {review.region}"}
        )
    if review.held_on > timezone.localdate():
        raise ValidationError({"held_on": "The date of the meeting must be today or in the past"})
    review.recorded_by = review.recorded_by or actor
    review._history_user = actor
    review.full_clean(validate_constraints=False)
    review.save()
    return review


@transaction.atomic
def review_action_add(
    *, review: RelationshipReview, action: ReviewAction, actor: User | None
) -> ReviewAction:
    require_region_manager(actor, review.region_id)
    owner = action.owner_person
    if owner is not None and not access_for(owner).can(
        Capability.READ_CASE_RECORDS, region_id=review.region_id
    ):
        raise ValidationError({"owner_person": f"Choose someone who may open {review}"})
    action.review = review
    action._history_user = actor
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def review_action_done(*, action: ReviewAction, actor: User | None) -> ReviewAction:
    require_region_manager(actor, action.review.region_id)
    if action.done_on is None:
        action.done_on = timezone.localdate()
        action._history_user = actor
        action.save(update_fields=["done_on"])
    return action


def people_in_region(region: Region) -> QuerySet[User]:
    """People with a role in the region itself or in one of its local authorities."""
    from django.db.models import Q

    return User.objects.filter(
        Q(memberships__region=region) | Q(memberships__local_authority__region=region),
        is_active=True,
    ).distinct()


@transaction.atomic
def escalation_contact_set(
    *, region: Region, person: User, actor: User | None
) -> EscalationContact:
    require_region_manager(actor, region.pk)
    if not people_in_region(region).filter(pk=person.pk).exists():
        raise ValidationError({"person": f"{person} has no role in {region}"})
    contact = EscalationContact.objects.filter(region=region).first() or EscalationContact(
        region=region
    )
    contact.person, contact.set_by = person, actor
    contact._history_user = actor
    contact.save()
    return contact


def local_authorities_managed_by(actor: User) -> LocalAuthorityQuerySet:
    regions = managed_region_ids(actor)
    las = LocalAuthority.objects.select_related("region").order_by("region__name", "name")
    return las if regions is None else las.filter(region_id__in=regions)
