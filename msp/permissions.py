"""Who sees and changes supply-chain records.

MSP and agency records are national: every role sees them except MSP contacts, who see their own
MSPs and those MSPs' agencies, read-only. Regional leads and admins (of any region) add and edit
the records; contracts, standings, reviews and the escalation contact belong to a region, and only
that region's leads and admins (or national admins) change them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from accounts.roles import Capability, ScopeKind
from accounts.scope import access_for
from msp.models import MSP, Agency, MSPQuerySet, RelationshipReview


@dataclass(frozen=True)
class SupplierScope:
    all_suppliers: bool
    msp_ids: frozenset[int]


def supplier_scope(user: User) -> SupplierScope:
    """Everyone sees every supplier record except people whose every role is held for an MSP,
    who see their own MSPs (and, through `Agency.objects.visible_to`, their chains)."""
    access = access_for(user)
    if any(m.scope_kind is not ScopeKind.MSP for m in access.memberships):
        return SupplierScope(all_suppliers=True, msp_ids=frozenset())
    return SupplierScope(all_suppliers=False, msp_ids=access.msp_ids(Capability.ACT_FOR_MSP))


def msps_visible_to(user: User) -> MSPQuerySet:
    scope = supplier_scope(user)
    return MSP.objects.all() if scope.all_suppliers else MSP.objects.filter(pk__in=scope.msp_ids)


def get_msp_for_user(user: User, pk: int) -> MSP:
    return get_object_or_404(msps_visible_to(user), pk=pk)


def get_agency_for_user(user: User, pk: int) -> Agency:
    return get_object_or_404(Agency.objects.visible_to(user), pk=pk)


def reviews_visible_to(user: User) -> QuerySet[RelationshipReview]:
    """Reviews of the regions the person sees, about suppliers the person sees. Observers see
    none: they read aggregates only."""
    access = access_for(user)
    scope = access.scope
    if not access.can(Capability.READ_CASE_RECORDS):
        return RelationshipReview.objects.none()
    reviews = RelationshipReview.objects.all()
    if not scope.national:
        reviews = reviews.filter(region_id__in=scope.region_ids)
    suppliers = supplier_scope(user)
    if not suppliers.all_suppliers:
        agencies = Agency.objects.visible_to(user).values("pk")
        reviews = reviews.filter(msp_id__in=suppliers.msp_ids) | reviews.filter(agency__in=agencies)
    return reviews


def get_review_for_user(user: User, pk: int) -> RelationshipReview:
    return get_object_or_404(
        reviews_visible_to(user).select_related("region", "local_authority", "msp", "agency"), pk=pk
    )


def can_see_region_contact(user: User, region_id: int) -> bool:
    """The region's contact is a person: not shown to observers, who read aggregates only."""
    return access_for(user).can(Capability.READ_CASE_RECORDS, region_id=region_id)


def can_edit_suppliers(user: User) -> bool:
    """Add and edit national MSP and agency records."""
    return access_for(user).can(Capability.MANAGE_SUPPLIERS)


def can_manage_region(user: User, region_id: int) -> bool:
    """Contracts, standings, reviews and the escalation contact of one region."""
    return access_for(user).can(Capability.MANAGE_SUPPLIERS, region_id=region_id)


def managed_region_ids(user: User) -> frozenset[int] | None:
    """The regions whose supplier relationships this person manages (None: every region)."""
    scope = access_for(user).capability_scope(Capability.MANAGE_SUPPLIERS)
    return None if scope.national else scope.region_ids


def can_review_somewhere(user: User) -> bool:
    """Whether the person manages supplier relationships in at least one region."""
    regions = managed_region_ids(user)
    return regions is None or bool(regions)


def require_supplier_editor(user: User | None) -> None:
    if user is not None and not can_edit_suppliers(user):
        raise PermissionDenied


def require_region_manager(user: User | None, region_id: int) -> None:
    if user is not None and not can_manage_region(user, region_id):
        raise PermissionDenied
