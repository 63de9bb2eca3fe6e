"""Who may manage whom. Visibility (404) and role (403) are separate questions.

An admin manages people within the regions of their admin memberships; a national admin manages
everyone. A person is visible to an admin when one of the person's memberships falls in the
admin's regions.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from accounts.models import Membership, User
from accounts.roles import ROLE_GIVEN_WITH, Capability
from accounts.scope import Scope, access_for, membership_region_ids


def _people_scope(actor: User) -> Scope:
    return access_for(actor).capability_scope(Capability.MANAGE_PEOPLE)


def can_manage_people(actor: User) -> bool:
    return access_for(actor).can(Capability.MANAGE_PEOPLE)


def require_people_manager(actor: User) -> None:
    """403 for anyone who manages nobody: the page exists, but is not theirs to use."""
    if not can_manage_people(actor):
        raise PermissionDenied


def get_person_for_admin(actor: User, pk: int) -> User:
    """The person, if `actor` may manage them; 404 whether missing, out of scope, or the actor
    manages nobody (people's records are visible to admins only)."""
    return get_object_or_404(User.objects.visible_to(actor), pk=pk)


def get_membership_for_admin(actor: User, person: User, pk: int) -> Membership:
    scope = _people_scope(actor)
    return get_object_or_404(Membership.objects.within(scope).filter(user=person), pk=pk)


def _scope_covers(scope: Scope, membership: Membership) -> bool:
    if scope.national:
        return True
    covered = membership_region_ids(membership)
    if covered is None:  # a national role: only national admins give those
        return False
    return bool(covered) and covered <= scope.region_ids


def membership_within_scope(actor: User, membership: Membership) -> bool:
    """Whether `actor` may give (or take away) this membership: those managing people, within
    their regions; for a role in `ROLE_GIVEN_WITH`, also those holding its capability there."""
    if _scope_covers(_people_scope(actor), membership):
        return True
    given_with = ROLE_GIVEN_WITH.get(membership.role)
    return given_with is not None and _scope_covers(
        access_for(actor).capability_scope(given_with), membership
    )


def can_change_account(actor: User, person: User) -> bool:
    """Deactivating an account affects every membership, so all of them must be in scope."""
    if actor.pk == person.pk:
        return False
    scope = _people_scope(actor)
    if scope.national:
        return True
    memberships = list(person.memberships.select_related("local_authority"))
    return all(membership_within_scope(actor, m) for m in memberships)
