"""Who runs governance and who sees it, asked of the role table (accounts/roles.py). Out of
scope is 404 (`Group.objects.visible_to`); in scope but not theirs to change is 403.

- Regional leads and the region's admins run its groups and meetings (national admins
  everywhere): `run_governance`.
- A group's chair approves its minutes; its members see it, its meetings, packs and actions.
- A DCS sees every group covering their LA; MSP contacts the forums they sit on; observers none.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from accounts.models import User
from accounts.roles import Capability
from accounts.scope import access_for
from governance.models import Group
from mou.models import Region


def can_run(user: User, region: Region) -> bool:
    return access_for(user).can(Capability.RUN_GOVERNANCE, region_id=region.pk)


def can_use_governance(user: User) -> bool:
    """Whether the governance pages are this person's (from their roles, no query): those who
    run it, and the LAs' and MSPs' people, who may sit on groups."""
    access = access_for(user)
    return access.can(Capability.RUN_GOVERNANCE) or access.can(Capability.SIT_ON_GROUPS)


def takes_part_in(user: User, region: Region) -> bool:
    """Whether the person takes part in the region's governance: runs it, or may sit on its
    groups (an LA's people, and MSP contacts whose MSP serves it today)."""
    return can_run(user, region) or (
        region.pk in access_for(user).capability_scope(Capability.SIT_ON_GROUPS).region_ids
    )


def can_run_group(user: User, group: Group) -> bool:
    return can_run(user, group.region)


def can_record(user: User, group: Group) -> bool:
    """A meeting's attendance (and its decisions and actions): those who run the region's
    governance, or the group's chair."""
    return can_run(user, group.region) or group.chair_id == user.pk


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def get_group_for_user(user: User, pk: int) -> Group:
    return get_object_or_404(Group.objects.visible_to(user).select_related("region"), pk=pk)


def is_dcs_of(user: User, local_authority_id: int) -> bool:
    """Whether the person is the DCS of that LA (a representative who needs no delegation)."""
    return any(
        la.pk == local_authority_id
        for la in access_for(user).local_authorities(Capability.DECIDE_CAP_EXCEPTIONS)
    )
