"""Who sees and decides cap exceptions, asked of the role table (accounts/roles.py).

The LA's own people see its exceptions and request them; the LA's DCS approves or refuses; where
the MOU version asks for it, a regional lead of the region gives the second approval. The
region's leads (regional leads and admins) see the whole register. Out of scope is 404.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404

from accounts.models import User
from accounts.roles import Capability
from accounts.scope import access_for
from cap_exceptions.models import CapException, ExceptionStatus
from mou.models import LocalAuthority, LocalAuthorityQuerySet, SecondApprover


def get_exception_for_user(user: User, pk: int, *, related: tuple[str, ...] = ()) -> CapException:
    return get_object_or_404(CapException.objects.visible_to(user).select_related(*related), pk=pk)


def can_use_register(user: User) -> bool:
    access = access_for(user)
    return access.can(Capability.LEAD_REGION) or access.can(Capability.ACT_FOR_LA)


def require_register(user: User) -> None:
    if not can_use_register(user):
        raise PermissionDenied


def requestable_local_authorities(user: User) -> LocalAuthorityQuerySet:
    """The LAs for which the person may ask for an exception."""
    la_ids = access_for(user).local_authority_ids(Capability.ACT_FOR_LA)
    return LocalAuthority.objects.filter(pk__in=la_ids).select_related("region").order_by("name")


def can_request(user: User, local_authority: LocalAuthority) -> bool:
    return access_for(user).can(Capability.ACT_FOR_LA, local_authority_id=local_authority.pk)


def needs_second_approval(exception: CapException) -> bool:
    return exception.mou_version.exception_second_approver == SecondApprover.REGIONAL_LEAD


def is_first_decider(user: User, exception: CapException) -> bool:
    """The LA's DCS, who gives the first approval (or refuses)."""
    return access_for(user).can(
        Capability.DECIDE_CAP_EXCEPTIONS, local_authority_id=exception.local_authority_id
    )


def can_decide(user: User, exception: CapException) -> bool:
    """Whether `user` is the person to approve or refuse the exception at its current stage."""
    if exception.status != ExceptionStatus.REQUESTED or user.pk == exception.requested_by_id:
        return False
    if exception.dcs_approved_at is None:
        return is_first_decider(user, exception)
    return user.pk != exception.dcs_approved_by_id and access_for(user).can(
        Capability.SECOND_APPROVE_CAP_EXCEPTIONS, region_id=exception.local_authority.region_id
    )


def awaiting_decision_by(user: User) -> Q:
    """The requests waiting for this person's decision: as the DCS, the first decision on their
    LA's requests; as a second approver, those the DCS approved, in their regions. Never their
    own request, nor a second approval of their own first one (`can_decide`, as a condition)."""
    access = access_for(user)
    first = Q(
        dcs_approved_at__isnull=True,
        local_authority_id__in=sorted(access.local_authority_ids(Capability.DECIDE_CAP_EXCEPTIONS)),
    )
    second = Q(dcs_approved_at__isnull=False) & access.filter(
        Capability.SECOND_APPROVE_CAP_EXCEPTIONS, region="local_authority__region_id"
    )
    return (
        Q(status=ExceptionStatus.REQUESTED)
        & (first | (second & ~Q(dcs_approved_by=user)))
        & ~Q(requested_by=user)
    )
