"""Reads for governance pages: each LA's representation at a glance, with the gaps flagged."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef

from accounts.models import Membership, User
from accounts.roles import Role
from governance.models import Action, ActionState, Group, GroupMember
from mou.models import LocalAuthority, Region, Signatory


@dataclass
class Seat:
    group: Group
    members: list[GroupMember] = field(default_factory=list)
    # Representatives neither the LA's DCS nor named as having delegated authority.
    without_authority: list[GroupMember] = field(default_factory=list)

    @property
    def gap(self) -> bool:
        return not self.members


@dataclass
class Representation:
    local_authority: LocalAuthority
    mou_owner: object | None
    seats: list[Seat] = field(default_factory=list)

    @property
    def flags(self) -> int:
        return sum(s.gap or bool(s.without_authority) for s in self.seats)


def mou_owners(region: Region) -> dict[int, User]:
    """Who owns the MOU in each LA of the region (LA id -> person): the owner named on its
    latest signatory record that names one (one query)."""
    return {
        s.local_authority_id: s.mou_owner
        for s in Signatory.objects.filter(version__mou__region=region, mou_owner__isnull=False)
        .select_related("mou_owner")
        .order_by("version__effective_from")
        if s.mou_owner is not None
    }


def region_groups(region: Region, on: datetime.date) -> list[Group]:
    """The region's groups active on the day, with the LAs each covers (two queries)."""
    return [
        g
        for g in Group.objects.filter(region=region).prefetch_related("local_authorities")
        if g.is_active_on(on)
    ]


def representation(
    region: Region,
    *,
    on: datetime.date,
    mou_owners: Mapping[int, object],
    groups: list[Group] | None = None,
) -> list[Representation]:
    """Each LA of the region with who represents it on each active group covering it, and the
    gaps: no representative, or one who is neither its DCS nor named as having delegated
    authority. Four queries whatever the region's size. `mou_owners`: LA id -> the person who
    owns the MOU there (from the MOU's signatories)."""
    groups = region_groups(region, on) if groups is None else groups
    is_dcs = Membership.objects.filter(
        role=Role.DCS,
        user_id=OuterRef("person_id"),
        local_authority_id=OuterRef("local_authority_id"),
    )
    members = [
        m
        for m in GroupMember.objects.filter(group__in=groups, local_authority__isnull=False)
        .select_related("person", "deputy")
        .annotate(is_dcs=Exists(is_dcs))
        if m.is_member_on(on)
    ]
    dcs_seats = {m.pk for m in members if getattr(m, "is_dcs")}  # noqa: B009 (annotated)
    rows = []
    for la in region.local_authorities.order_by("name"):
        seats = []
        for group in groups:
            if la not in group.local_authorities.all():
                continue
            mine: list[GroupMember] = [
                m for m in members if m.group_id == group.pk and m.local_authority_id == la.pk
            ]
            seats.append(
                Seat(
                    group,
                    mine,
                    [m for m in mine if not m.delegated_authority and m.pk not in dcs_seats],
                )
            )
        rows.append(Representation(la, mou_owners.get(la.pk), seats))
    return rows


def my_open_actions(user, *, limit: int = 20) -> list[Action]:
    """The person's open governance actions, soonest due first (overdue ones first of all):
    one query, for the home page."""
    return list(
        Action.objects.filter(owner=user, state=ActionState.OPEN)
        .select_related("meeting__group", "answer__review__region")
        .order_by("due_on", "pk")[:limit]
    )
