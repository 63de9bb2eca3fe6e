"""What a person may see and do: the one place that reads memberships.

`access_for(user)` loads a person's memberships once per request (two queries at most) and
answers from memory after that. Querysets such as `Region.objects.visible_to(user)` and the
`can_*` checks in each app's permissions module ask it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from accounts.roles import (
    ROLE_CAPABILITIES,
    TWO_FACTOR_REQUIRED_ROLES,
    Capability,
    Role,
    ScopeKind,
)

if TYPE_CHECKING:
    from accounts.models import Membership, User


@dataclass(frozen=True)
class Scope:
    """The regions whose records a person may see; `national` means every region."""

    national: bool
    region_ids: frozenset[int]

    def covers_region(self, region_id: int | None) -> bool:
        return self.national or region_id in self.region_ids


class Access:
    def __init__(self, user: User) -> None:
        self.user = user

    @cached_property
    def memberships(self) -> list[Membership]:
        if not (self.user.is_authenticated and self.user.is_active):
            return []
        return list(
            self.user.memberships.select_related("region", "local_authority__region", "msp")
        )

    @cached_property
    def _msp_region_ids(self) -> dict[int, frozenset[int]]:
        return msp_region_ids({m.msp_id for m in self.memberships if m.msp_id})

    def membership_region_ids(self, membership: Membership) -> frozenset[int] | None:
        return membership_region_ids(membership, self._msp_region_ids)

    @cached_property
    def scope(self) -> Scope:
        region_ids: set[int] = set()
        for membership in self.memberships:
            covered = self.membership_region_ids(membership)
            if covered is None:
                return Scope(national=True, region_ids=frozenset())
            region_ids |= covered
        return Scope(national=False, region_ids=frozenset(region_ids))

    def roles(self) -> set[str]:
        return {m.role for m in self.memberships}

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.roles()

    @property
    def two_factor_required(self) -> bool:
        return bool(self.roles() & TWO_FACTOR_REQUIRED_ROLES)

    def capability_scope(self, capability: Capability) -> Scope:
        """The regions in which this person holds `capability` through some membership."""
        region_ids: set[int] = set()
        for membership in self.memberships:
            if capability not in ROLE_CAPABILITIES[membership.role]:
                continue
            covered = self.membership_region_ids(membership)
            if covered is None:
                return Scope(national=True, region_ids=frozenset())
            region_ids |= covered
        return Scope(national=False, region_ids=frozenset(region_ids))

    def can(self, capability: Capability, *, region_id: int | None = None) -> bool:
        """Whether the person holds `capability` anywhere, or in `region_id` when given."""
        scope = self.capability_scope(capability)
        if region_id is None:
            return scope.national or bool(scope.region_ids)
        return scope.covers_region(region_id)


def msp_region_ids(msp_ids: set[int]) -> dict[int, frozenset[int]]:
    """For each MSP, the regions where it holds a contract in force today with an LA."""
    from msp.models import MSPContract

    if not msp_ids:
        return {}
    regions: dict[int, set[int]] = {msp_id: set() for msp_id in msp_ids}
    contracts = MSPContract.objects.current().filter(msp_id__in=msp_ids)
    for msp_id, region_id in contracts.values_list("msp_id", "local_authority__region_id"):
        regions[msp_id].add(region_id)
    return {msp_id: frozenset(ids) for msp_id, ids in regions.items()}


def membership_region_ids(
    membership: Membership, msp_regions: dict[int, frozenset[int]] | None = None
) -> frozenset[int] | None:
    """The regions a membership covers; None means all of them (a national membership)."""
    kind = membership.scope_kind
    if kind is ScopeKind.NATIONAL:
        return None
    if kind is ScopeKind.REGION:
        return frozenset({membership.region_id})
    if kind is ScopeKind.LOCAL_AUTHORITY:
        return frozenset({membership.local_authority.region_id})
    if msp_regions is None or membership.msp_id not in msp_regions:
        msp_regions = msp_region_ids({membership.msp_id})
    return msp_regions.get(membership.msp_id, frozenset())


def access_for(user: User) -> Access:
    """The person's access, cached on the user object for the rest of the request."""
    access = getattr(user, "_portal_access", None)
    if access is None:
        access = Access(user)
        user._portal_access = access  # type: ignore[union-attr]
    return access


def forget_access(user: User) -> None:
    """Drop the cached access after the person's memberships change."""
    user.__dict__.pop("_portal_access", None)
