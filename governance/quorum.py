"""Quorum: from the group's terms of reference (a number of members), else a majority of its
members on the meeting's day; a member present or represented by their deputy counts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from governance.models import COUNTS_FOR_QUORUM, Group, GroupMember, Meeting


def members_at(meeting: Meeting, members: list[GroupMember]) -> list[GroupMember]:
    """The group's members on the meeting's day (the list read once by the caller)."""
    day = meeting.starts_at.date()
    return [m for m in members if m.is_member_on(day)]


def needed(group: Group, members: int) -> int:
    return group.quorum if group.quorum else members // 2 + 1


@dataclass(frozen=True)
class Quorum:
    counted: int  # present, or through their deputy
    needed: int
    members: int
    recorded: bool  # whether any attendance is recorded

    @property
    def met(self) -> bool:
        return self.counted >= self.needed

    @property
    def summary(self) -> str:
        who = f"{self.counted} of {self.members} members there (counting deputies)"
        return f"{'Quorate' if self.met else 'Not quorate'}: {who}, {self.needed} needed"


def quorum(group: Group, members: list[GroupMember], statuses: Mapping[int, str]) -> Quorum:
    """`statuses`: member id -> attendance status."""
    counted = sum(1 for m in members if statuses.get(m.pk) in COUNTS_FOR_QUORUM)
    return Quorum(counted, needed(group, len(members)), len(members), bool(statuses))
