"""What a person may see and do: the one place that reads memberships.

`access_for(user)` loads a person's memberships once per request (two queries at most) and
answers from memory after that, from the one table in accounts/roles.py:

- `can(capability, region_id=…, local_authority=…, msp_id=…)`: whether the person holds it there;
- `capability_scope(capability)`: the regions where they hold it (or every region);
- `local_authority_ids(capability)`, `msp_ids(capability)`: the LAs and MSPs it is held for;
- `filter(capability, region=…, local_authority=…)`: a condition on a model's own field paths,
  so each `visible_to` is a few lines that ask the policy instead of reading roles.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q, QuerySet

from accounts.roles import (
    ROLE_CAPABILITIES,
    TWO_FACTOR_REQUIRED_ROLES,
    Capability,
    Reach,
    Role,
    ScopeKind,
)

if TYPE_CHECKING:
    from accounts.models import Membership, User
    from mou.models import LocalAuthority


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
    def _read(
        self,
    ) -> tuple[list[Membership], dict[int, frozenset[int]], frozenset[str] | None]:
        """The person's memberships, for their MSPs the regions served today and, with the
        shared cache, the persistent ids of their confirmed two-factor devices: from the
        shared cache when it holds them (`cached_roles`), else from the database."""
        from django.conf import settings

        if not (self.user.is_authenticated and self.user.is_active):
            return [], {}, frozenset()
        if not getattr(settings, "ROLES_CACHE", False):
            read = (*self._read_from_database(), None)
        else:
            read = cached_roles(
                self.user, lambda: (*self._read_from_database(), confirmed_device_ids(self.user))
            )
        for membership in read[0]:
            membership.user = self.user  # held apart from the entry, which must not hold it
        return read

    def _read_from_database(self) -> tuple[list[Membership], dict[int, frozenset[int]]]:
        """Read without the person attached to each membership (a related manager would attach
        it), so the cached entry never holds the person's row and its password hash."""
        from accounts.models import Membership

        memberships = list(
            Membership.objects.filter(user_id=self.user.pk).select_related(
                "region", "local_authority__region", "msp"
            )
        )
        return memberships, msp_region_ids({m.msp_id for m in memberships if m.msp_id})

    @property
    def confirmed_device_ids(self) -> frozenset[str] | None:
        """The persistent ids of the person's confirmed two-factor devices when read with their
        roles from the shared cache; None without it (the device is then read on its own)."""
        return self._read[2]

    @property
    def memberships(self) -> list[Membership]:
        return self._read[0]

    @property
    def _msp_region_ids(self) -> dict[int, frozenset[int]]:
        return self._read[1]

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

    def holding(self, capability: Capability) -> list[tuple[Membership, Reach]]:
        """The memberships that grant `capability`, with how far each reaches."""
        held = []
        for membership in self.memberships:
            reach = ROLE_CAPABILITIES[membership.role].get(capability)
            if reach is None:
                continue
            if reach is Reach.NATIONAL and membership.scope_kind is not ScopeKind.NATIONAL:
                continue
            held.append((membership, reach))
        return held

    def capability_scope(self, capability: Capability) -> Scope:
        """The regions in which this person holds `capability` through some membership (for an
        LA or MSP held capability, the regions around it)."""
        region_ids: set[int] = set()
        for membership, _ in self.holding(capability):
            covered = self.membership_region_ids(membership)
            if covered is None:
                return Scope(national=True, region_ids=frozenset())
            region_ids |= covered
        return Scope(national=False, region_ids=frozenset(region_ids))

    def everywhere(self, capability: Capability) -> bool:
        return self.capability_scope(capability).national

    def local_authorities(self, capability: Capability) -> list[LocalAuthority]:
        """The LAs for which the person holds `capability` through an LA membership (loaded
        with the memberships, with their regions)."""
        return [
            m.local_authority
            for m, reach in self.holding(capability)
            if reach is Reach.SCOPE and m.local_authority is not None
        ]

    def local_authority_ids(self, capability: Capability) -> frozenset[int]:
        return frozenset(la.pk for la in self.local_authorities(capability))

    def msp_ids(self, capability: Capability) -> frozenset[int]:
        """The MSPs for which the person holds `capability` through an MSP membership."""
        return frozenset(
            m.msp_id for m, reach in self.holding(capability) if reach is Reach.SCOPE and m.msp_id
        )

    def can(
        self,
        capability: Capability,
        *,
        region_id: int | None = None,
        local_authority_id: int | None = None,
        msp_id: int | None = None,
    ) -> bool:
        """Whether the person holds `capability` anywhere, or where given: in the region; for
        the LA (a capability held through that LA; pass the LA's region too, so one held for
        the whole region counts); for the MSP (held through that MSP)."""
        for membership, reach in self.holding(capability):
            covered = self.membership_region_ids(membership)
            if covered is None:
                return True
            if region_id is None and local_authority_id is None and msp_id is None:
                return True
            narrow = reach is Reach.SCOPE and membership.scope_kind in (
                ScopeKind.LOCAL_AUTHORITY,
                ScopeKind.MSP,
            )
            if narrow:
                if local_authority_id is not None and membership.local_authority_id == (
                    local_authority_id
                ):
                    return True
                if msp_id is not None and membership.msp_id == msp_id:
                    return True
            elif region_id is not None and region_id in covered:
                return True
        return False

    def filter(
        self,
        capability: Capability,
        *,
        region: str | None = None,
        local_authority: str | None = None,
    ) -> Q:
        """A condition selecting the rows this person holds `capability` over, given the field
        paths from the model to its region and to its LA. Check `everywhere()` first: the
        condition for "every row" would be lost when combined with others."""
        conditions: list[Q] = []
        region_ids: set[int] = set()
        for membership, reach in self.holding(capability):
            covered = self.membership_region_ids(membership)
            if covered is None:
                return Q(pk__isnull=False)
            if reach is Reach.SCOPE and membership.scope_kind is ScopeKind.LOCAL_AUTHORITY:
                if local_authority is not None:
                    conditions.append(Q(**{local_authority: membership.local_authority_id}))
            elif reach is Reach.SCOPE and membership.scope_kind is ScopeKind.MSP:
                continue  # what an MSP answers for is its app's own rule
            else:
                region_ids |= covered
        if region is not None and region_ids:
            conditions.append(Q(**{f"{region}__in": sorted(region_ids)}))
        if not conditions:
            return Q(pk__in=[])
        q = conditions[0]
        for condition in conditions[1:]:
            q |= condition
        return q


@dataclass
class SupplierScope:
    """What scope needs from the supplier app above accounts, registered by msp's
    AppConfig.ready(), so accounts imports no app above it (docs/architecture.md, layers).

    - `regions(msp_ids)`: for each MSP, the regions where it holds a contract in force today;
    - `operating_in(region_ids)`: a queryset of the MSPs with such a contract in those regions.
    """

    regions: Callable[[set[int]], dict[int, frozenset[int]]]
    operating_in: Callable[[list[int]], QuerySet[Any]]


def _not_registered(*args: object) -> Any:
    raise ImproperlyConfigured("The msp app registers accounts.scope.suppliers in its ready()")


suppliers = SupplierScope(regions=_not_registered, operating_in=_not_registered)


def msp_region_ids(msp_ids: set[int]) -> dict[int, frozenset[int]]:
    """For each MSP, the regions where it holds a contract in force today with an LA."""
    return suppliers.regions(msp_ids) if msp_ids else {}


def membership_region_ids(
    membership: Membership, msp_regions: dict[int, frozenset[int]] | None = None
) -> frozenset[int] | None:
    """The regions a membership covers; None means all of them (a national membership)."""
    kind = membership.scope_kind
    if kind is ScopeKind.NATIONAL:
        return None
    # Each kind has its id set (Membership.scope_kind), so the None checks only narrow types.
    if kind is ScopeKind.REGION and membership.region_id is not None:
        return frozenset({membership.region_id})
    if kind is ScopeKind.LOCAL_AUTHORITY and membership.local_authority is not None:
        return frozenset({membership.local_authority.region_id})
    msp_id = membership.msp_id
    if msp_id is None:
        return frozenset()
    if msp_regions is None or msp_id not in msp_regions:
        msp_regions = msp_region_ids({msp_id})
    return msp_regions.get(msp_id, frozenset())


def access_for(user: User) -> Access:
    """The person's access, cached on the user object for the rest of the request."""
    access = getattr(user, "_portal_access", None)
    if access is None:
        access = Access(user)
        user._portal_access = access
    return access


def forget_access(user: User) -> None:
    """Drop the cached access after the person's memberships change."""
    user.__dict__.pop("_portal_access", None)


# A person's roles in the shared cache (settings.ROLES_CACHE, on with REDIS_URL): the entry is
# good only for the person's stamp, the contracts' stamp and the day it was written (an MSP contact's scope changes when a
# contract ends, with no write), so a change stops working at once: a membership, the person or
# a contract changing gives a new stamp after commit (`roles_changed`, `contracts_changed`).
# Entries also expire after ROLES_CACHE_SECONDS, which bounds what a missed stamp (the cache
# down at that moment) can leave behind.
ROLES_CACHE_SECONDS = 300
CONTRACTS_STAMP = "roles-stamp:contracts"
# Changed whenever what an entry holds changes, so servers of a new release never read an entry
# an older one wrote (and the other way round) while both run.
ROLES_ENTRY_SHAPE = "3"


def _stamp(name: str) -> str:
    """A stamp's value; a new random one if the cache holds none (never an old key's)."""
    from django.core.cache import cache

    value = cache.get(name)
    if value is None:
        cache.add(name, uuid.uuid4().hex, None)
        value = cache.get(name)
    return str(value)


def confirmed_device_ids(user: User) -> frozenset[str]:
    """The persistent ids of a person's confirmed devices (an authenticator app, recovery codes),
    in one query: what their session's device must be one of
    (accounts.middleware.TwoFactorStateMiddleware)."""
    from django.db.models import CharField, Value
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def confirmed(model) -> QuerySet:
        label = Value(model.model_label(), output_field=CharField())
        return model.objects.filter(user=user, confirmed=True).values_list(label, "pk")

    rows = confirmed(TOTPDevice).union(confirmed(StaticDevice), all=True)
    return frozenset(f"{label}/{pk}" for label, pk in rows)


def roles_read(user_id: int) -> dict[str, Any]:
    """One read of the shared cache for a person: their roles entry and both stamps (what
    `cached_roles` and the sign-in backend's person check need)."""
    from django.core.cache import cache

    return cache.get_many([_entry_key(user_id), person_stamp_key(user_id), CONTRACTS_STAMP])


def person_stamp_key(user_id: int) -> str:
    return f"roles-stamp:{user_id}"


def _entry_key(user_id: int) -> str:
    return f"roles:{ROLES_ENTRY_SHAPE}:{user_id}"


def cached_roles(user: User, read: Callable[[], Any]) -> Any:
    """`read()` (the person's memberships and their MSPs' regions), from the shared cache when
    it holds them for the current stamps and today. One round trip to the cache, the entry and
    both stamps in one read, or none when the sign-in backend made that read for this request
    (accounts.backends)."""
    from django.conf import settings
    from django.core.cache import cache
    from django.utils import timezone

    if not getattr(settings, "ROLES_CACHE", False):
        return read()
    entry_key, person_key = _entry_key(user.pk), person_stamp_key(user.pk)
    found = user.__dict__.pop("_roles_read", None) or roles_read(user.pk)
    stamps = (
        found.get(person_key) or _stamp(person_key),
        found.get(CONTRACTS_STAMP) or _stamp(CONTRACTS_STAMP),
        f"{timezone.localdate():%Y%m%d}",
    )
    entry = found.get(entry_key)
    if isinstance(entry, tuple) and len(entry) == 2 and entry[0] == stamps:
        return entry[1]
    value = read()
    cache.set(entry_key, (stamps, value), ROLES_CACHE_SECONDS)
    return value


def _new_stamp(name: str) -> None:
    from django.core.cache import cache
    from django.db import transaction

    transaction.on_commit(lambda: cache.set(name, uuid.uuid4().hex, None))


def roles_changed(user_id: int) -> None:
    """A person's memberships (or the person) changed: their cached roles stop at commit."""
    _new_stamp(person_stamp_key(user_id))


def contracts_changed() -> None:
    """An MSP contract changed: every cached MSP scope stops at commit."""
    _new_stamp(CONTRACTS_STAMP)
