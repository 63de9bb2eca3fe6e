"""Reads that combine several models."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from accounts.models import Membership, User
from accounts.roles import ROLE_CAPABILITIES, ROLE_SCOPE_KINDS, Capability, Reach, Role, ScopeKind


@dataclass(frozen=True)
class Change:
    at: datetime
    by: str
    what: str


def person_changes(person: User, *, limit: int = 30) -> list[Change]:
    """Who changed this person's account or roles, and when, newest first (from field history)."""
    changes: list[Change] = []
    records = person.history.select_related("history_user").order_by("-history_date")[:limit]
    previous_by_id: dict[int, Any] = {}  # historical records (simple_history is untyped)
    for record in reversed(list(records)):
        if record.history_type == "+":
            what = "Account created"
        else:
            before = previous_by_id.get(record.id)
            what = "Account changed"
            if before is not None and before.is_active != record.is_active:
                what = "Account reactivated" if record.is_active else "Account deactivated"
            elif before is not None and before.name != record.name:
                what = f"Name changed to {record.name}"
        previous_by_id[record.id] = record
        changes.append(Change(record.history_date, _who(record.history_user), what))

    membership_history = (
        Membership.history.filter(user_id=person.pk)
        .select_related("history_user", "region", "local_authority", "msp")
        .order_by("-history_date")[:limit]
    )
    for record in membership_history:
        scope = str(record.local_authority or record.msp or record.region or "national")
        role = Role(record.role).label
        verb = {"+": "Given role", "-": "Role taken away", "~": "Role changed"}[record.history_type]
        changes.append(
            Change(record.history_date, _who(record.history_user), f"{verb}: {role}, {scope}")
        )
    changes.sort(key=lambda change: change.at, reverse=True)
    return changes[:limit]


def _who(user: User | None) -> str:
    return str(user) if user is not None else "The portal"


def people_with(
    capability: Capability,
    *,
    region_id: int | None = None,
    local_authority_id: int | None = None,
    msp_id: int | None = None,
) -> QuerySet[User]:
    """Active people who hold `capability` there (for notifications): the reverse question of
    `access_for(user).can(...)`, asked of the same table. Give the LA's region with the LA so
    that people holding it for the whole region are found too."""
    q = Q(pk__in=[])
    for role, capabilities in ROLE_CAPABILITIES.items():
        reach = capabilities.get(capability)
        if reach is None:
            continue
        kinds = ROLE_SCOPE_KINDS[role]
        if ScopeKind.NATIONAL in kinds:
            q |= Q(
                memberships__role=role,
                memberships__region__isnull=True,
                memberships__local_authority__isnull=True,
                memberships__msp__isnull=True,
            )
        if reach is Reach.NATIONAL:
            continue
        if ScopeKind.REGION in kinds and region_id is not None:
            q |= Q(memberships__role=role, memberships__region_id=region_id)
        if ScopeKind.LOCAL_AUTHORITY in kinds:
            if reach is Reach.SCOPE and local_authority_id is not None:
                q |= Q(memberships__role=role, memberships__local_authority_id=local_authority_id)
            elif reach is Reach.REGION and region_id is not None:
                q |= Q(memberships__role=role, memberships__local_authority__region_id=region_id)
        if ScopeKind.MSP in kinds and reach is Reach.SCOPE and msp_id is not None:
            q |= Q(memberships__role=role, memberships__msp_id=msp_id)
    return User.objects.filter(q, is_active=True).distinct()


def organisations(user_ids: Iterable[int]) -> dict[int, str]:
    """Each person's organisation as a timeline names it, from their memberships: "Camden",
    "Example MSP", "London region", "national"; several joined with "and". One query."""
    names: dict[int, list[str]] = {}
    memberships = Membership.objects.filter(user_id__in=set(user_ids)).select_related(
        "region", "local_authority", "msp"
    )
    for m in memberships.order_by("user_id", "pk"):
        if m.local_authority is not None:
            name = m.local_authority.name
        elif m.msp is not None:
            name = m.msp.name
        elif m.region is not None:
            name = f"{m.region.name} region"
        else:
            name = "national"
        known = names.setdefault(m.user_id, [])
        if name not in known:
            known.append(name)
    return {user_id: " and ".join(found) for user_id, found in names.items()}
