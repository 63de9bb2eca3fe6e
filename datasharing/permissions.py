"""Who prepares, submits, authorises and reopens data returns, asked of the role table
(accounts/roles.py). Out of scope is 404; in scope but not theirs to change is 403.

- The LA's workforce leads prepare and submit; an MSP contact may prepare a draft for an LA its
  MSP serves today, but not submit it.
- The LA's DCS authorises; the DCS or a regional lead of the region reopens (after the period
  closes, only a regional lead).
- Admins set the region's periods. Regional leads see the region's returns (the tracker).
For a joint return (LAs reporting together) holding the capability for any LA it covers is
enough: the return is theirs too.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import User
from accounts.roles import Capability
from accounts.scope import access_for
from datasharing.models import AuthorisationDeputy, DataReturn
from mou.models import LocalAuthority, Region
from msp.models import MSPContract


def get_return_for_user(user: User, pk: int, *, related: tuple[str, ...] = ()) -> DataReturn:
    return get_object_or_404(DataReturn.objects.visible_to(user).select_related(*related), pk=pk)


def served_by_users_msp(user: User) -> frozenset[int]:
    """The LAs an MSP this person prepares returns for serves today."""
    msp_ids = access_for(user).msp_ids(Capability.PREPARE_DATA_RETURNS)
    if not msp_ids:
        return frozenset()
    return frozenset(
        MSPContract.objects.current(on=timezone.localdate())
        .filter(msp_id__in=sorted(msp_ids))
        .values_list("local_authority_id", flat=True)
    )


def _for_any(user: User, capability: Capability, las: Iterable[LocalAuthority]) -> bool:
    access = access_for(user)
    return any(
        access.can(capability, local_authority_id=la.pk, region_id=la.region_id) for la in las
    )


def can_prepare(user: User, las: Iterable[LocalAuthority]) -> bool:
    las = list(las)
    if _for_any(user, Capability.PREPARE_DATA_RETURNS, las):
        return True
    served = served_by_users_msp(user)
    return bool(las) and all(la.pk in served for la in las)


def can_submit(user: User, las: Iterable[LocalAuthority]) -> bool:
    return _for_any(user, Capability.SUBMIT_DATA_RETURNS, las)


def can_make_statement(user: User, las: Iterable[LocalAuthority]) -> bool:
    """The national return's statement (compliance, confirming what the portal holds) is the
    LA's own word: those who submit make it. An MSP contact preparing a draft does not, and
    never sees the LA's records it confirms."""
    return can_submit(user, las)


def can_authorise(user: User, las: Iterable[LocalAuthority]) -> bool:
    """The LA's DCS, or a deputy the DCS named who still has a role at the LA."""
    las = list(las)
    if _for_any(user, Capability.AUTHORISE_DATA_RETURNS, las):
        return True
    at_la = {m.local_authority_id for m in access_for(user).memberships if m.local_authority_id}
    named = set(
        AuthorisationDeputy.objects.filter(
            person=user, local_authority__in=[la.pk for la in las]
        ).values_list("local_authority_id", flat=True)
    )
    return bool(named & at_la)


def can_name_deputies(user: User, local_authority: LocalAuthority) -> bool:
    return access_for(user).can(
        Capability.AUTHORISE_DATA_RETURNS,
        local_authority_id=local_authority.pk,
        region_id=local_authority.region_id,
    )


def possible_deputies(local_authority: LocalAuthority):
    """People with a role at the LA (active), by name: whom its DCS may name."""
    return (
        User.objects.filter(is_active=True, memberships__local_authority=local_authority)
        .distinct()
        .order_by("name", "email")
    )


def can_reopen(user: User, data_return: DataReturn) -> bool:
    """The LA's DCS or a regional lead; once the period has closed, only a regional lead (the
    region's figures for it are settled)."""
    las = data_return.local_authorities
    if not _for_any(user, Capability.REOPEN_DATA_RETURNS, las):
        return False
    if timezone.localdate() <= data_return.period.closes_on:
        return True
    return _for_any(user, Capability.LEAD_REGION, las)


def can_manage_periods(user: User, region: Region) -> bool:
    return access_for(user).can(Capability.MANAGE_RETURN_PERIODS, region_id=region.pk)


def can_manage_sharing(user: User, region: Region) -> bool:
    """The region's data sharing agreement: its admins and regional leads."""
    return access_for(user).can(Capability.MANAGE_DATA_SHARING, region_id=region.pk)


def sees_returns_in_full(user: User, region: Region) -> bool:
    """Authorised figures in full, whatever the agreement and without suppression: those who
    run the collection (national admins, the region's admins and regional leads)."""
    return access_for(user).can(Capability.LEAD_REGION, region_id=region.pk)


def sees_all_returns_in_full(user: User) -> bool:
    """Every region's authorised figures in full: national admins."""
    return access_for(user).everywhere(Capability.LEAD_REGION)


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def can_use_returns(user: User) -> bool:
    """Whether the data returns pages are this person's: the LA's people, MSP contacts who
    prepare drafts, and the region's leads."""
    access = access_for(user)
    return any(
        access.can(capability)
        for capability in (
            Capability.ACT_FOR_LA,
            Capability.PREPARE_DATA_RETURNS,
            Capability.LEAD_REGION,
        )
    )


def can_track(user: User, region: Region) -> bool:
    """The region's tracker: its leads (regional leads and admins)."""
    return access_for(user).can(Capability.LEAD_REGION, region_id=region.pk)


def las_for_returns(user: User) -> list[LocalAuthority]:
    """The LAs whose returns are this person's to work on: their own LA (its DCS and workforce
    leads); for an MSP contact, the LAs their MSP serves today. By name."""
    own = list(access_for(user).local_authorities(Capability.ACT_FOR_LA))
    served = served_by_users_msp(user)
    extra = list(LocalAuthority.objects.filter(pk__in=sorted(served)).select_related("region"))
    return sorted({la.pk: la for la in own + extra}.values(), key=lambda la: la.name)
