"""Who may see and change MOUs. Anyone who sees a region sees its MOU; admins of the region (or
national admins) change it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from accounts.models import User
from accounts.roles import Capability
from accounts.scope import access_for
from mou.models import MOU, MOUVersion


def get_mou_for_user(user: User, code: str) -> MOU:
    """The region's MOU, if `user` may see it; 404 whether missing or out of scope."""
    return get_object_or_404(
        MOU.objects.visible_to(user).select_related("region"), region__code=code
    )


def get_version_for_user(user: User, code: str, pk: int) -> MOUVersion:
    """A version of the region's MOU, if `user` may read it (a draft: the region's admins,
    regional leads and DCSs only); 404 otherwise."""
    mou = get_mou_for_user(user, code)
    version = get_object_or_404(MOUVersion.objects.visible_to(user).filter(mou=mou), pk=pk)
    version.mou = mou  # already loaded, with its region
    return version


def can_read_case_records(user: User, region_id: int) -> bool:
    """Signatory evidence and the region's contact person: not for observers, who read
    aggregates and published versions only."""
    return access_for(user).can(Capability.READ_CASE_RECORDS, region_id=region_id)


def review_regions(user: User):
    """The regions whose MOU reviews this person is reminded of on their home page: the region's
    admins and regional leads (who run the region)."""
    return access_for(user).capability_scope(Capability.LEAD_REGION)


def can_manage_mou(user: User, mou: MOU) -> bool:
    return access_for(user).can(Capability.MANAGE_MOUS, region_id=mou.region_id)


def require_mou_manager(user: User | None, mou: MOU) -> None:
    """403 for a visible MOU the person may not change. `None` is the system (seed_demo)."""
    if user is not None and not can_manage_mou(user, mou):
        raise PermissionDenied
