"""Who sees breaches and who may log them. Out of scope is 404 (including evidence and exports)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from accounts.models import User
from accounts.roles import Capability
from accounts.scope import access_for
from breaches.models import Breach, BreachQuerySet
from mou.models import Region, RegionQuerySet, Responsible

# Who is responsible at each rung of the ladder, as a capability of the role table.
RESPONSIBLE_CAPABILITY = {
    Responsible.REGIONAL_LEADS: Capability.LEAD_REGION,
    Responsible.LA_DCS: Capability.RESPOND_AT_LA_DCS_LEVEL,
    Responsible.REGION_DCS_BOARD: Capability.RESPOND_AT_DCS_BOARD_LEVEL,
    Responsible.NATIONAL_TEAM: Capability.RESPOND_AT_NATIONAL_LEVEL,
}


def loggable_region_ids(user: User) -> set[int] | None:
    """Regions where the person may log a breach (None: every region, for national admins):
    regional leads and admins of the region, the DCS or workforce lead of one of its LAs, or an MSP
    contact whose MSP has a current contract there."""
    scope = access_for(user).capability_scope(Capability.LOG_BREACH)
    return None if scope.national else set(scope.region_ids)


def loggable_regions(user: User) -> RegionQuerySet:
    ids = loggable_region_ids(user)
    return Region.objects.all() if ids is None else Region.objects.filter(pk__in=ids)


def can_log_somewhere(user: User) -> bool:
    ids = loggable_region_ids(user)  # from memberships: no query
    return ids is None or bool(ids)


def can_open_breach_list(user: User) -> bool:
    """Observers read figures only; everyone else has breaches of their own to see."""
    return access_for(user).can(Capability.LOG_BREACH)


def can_log_in_region(user: User, region_id: int) -> bool:
    ids = loggable_region_ids(user)
    return ids is None or region_id in ids


def breaches_visible_to(user: User) -> BreachQuerySet:
    return Breach.objects.visible_to(user)


BREACH_RELATED = ("region", "mou_version", "rule", "level", "reported_by", "awaiting_party")


def get_breach_for_user(
    user: User, reference: str, *, related: tuple[str, ...] = BREACH_RELATED
) -> Breach:
    return get_object_or_404(
        Breach.objects.visible_to(user).select_related(*related), reference=reference
    )


def can_see(user: User, breach: Breach) -> bool:
    return Breach.objects.visible_to(user).filter(pk=breach.pk).exists()
