"""Reads that combine several models."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from accounts.models import Membership, User
from accounts.roles import Role


@dataclass(frozen=True)
class Change:
    at: datetime
    by: str
    what: str


def person_changes(person: User, *, limit: int = 30) -> list[Change]:
    """Who changed this person's account or roles, and when, newest first (from field history)."""
    changes: list[Change] = []
    records = person.history.select_related("history_user").order_by("-history_date")[:limit]
    previous_by_id = {}
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


def people_holding(
    role: str, *, region_id: int | None = None, local_authority_id: int | None = None
):
    """Active people who hold `role` in a region or for a local authority (for notifications)."""
    filters = {"memberships__role": role, "is_active": True}
    if region_id is not None:
        filters["memberships__region_id"] = region_id
    if local_authority_id is not None:
        filters["memberships__local_authority_id"] = local_authority_id
    return User.objects.filter(**filters).distinct()
