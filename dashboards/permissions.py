"""Who has a dashboard, asked of the role table (accounts/roles.py): admins, regional leads and
DCSs for their regions, observers nationally. A region a person may not see is 404 (the views
look regions up with `Region.objects.visible_to`); a role without a dashboard is 403."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from accounts.models import User
from accounts.roles import Capability
from accounts.scope import access_for
from mou.models import LocalAuthority, Region


def has_dashboard(user: User) -> bool:
    return access_for(user).can(Capability.VIEW_DASHBOARD)


def require_dashboard(user: User) -> None:
    if not has_dashboard(user):
        raise PermissionDenied


def sees_national_figures(user: User) -> bool:
    return access_for(user).everywhere(Capability.VIEW_DASHBOARD)


def own_local_authority(user: User, region: Region) -> LocalAuthority | None:
    """The DCS's own LA in this region, highlighted on its dashboard."""
    for la in access_for(user).local_authorities(Capability.DECIDE_CAP_EXCEPTIONS):
        if la.region_id == region.pk:
            return la
    return None


def can_open_breaches(user: User) -> bool:
    """Observers see figures only: no links to individual breaches."""
    return access_for(user).can(Capability.LOG_BREACH)


def can_manage_suppliers_in(user: User, region: Region) -> bool:
    return access_for(user).can(Capability.MANAGE_SUPPLIERS, region_id=region.pk)
