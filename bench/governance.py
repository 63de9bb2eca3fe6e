"""Ten years of quarterly governance for every region: a DCS board covering every LA (each
LA's DCS a member, a workforce lead their deputy), two sub-regional groups reporting to it, and
an MSP and agency forum; 40 past meetings and the next for each, with attendance, agenda items,
a decision, actions (open for the last two meetings) and minutes (published but for the last
meeting's). The bench group member sits on London's board and its first sub-regional group for
Camden and owns an action at each of the board's meetings; the next meeting of that sub-regional group has
its pack, built by governance.pack from the data set as it stands."""

from __future__ import annotations

import datetime
from itertools import pairwise
from typing import TYPE_CHECKING

from accounts.models import User
from bench.shape import BENCH_PEOPLE
from governance.models import (
    Action,
    ActionState,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Decision,
    Group,
    GroupKind,
    GroupMember,
    Meeting,
    Minutes,
    MinutesState,
    Pack,
)
from governance.pack import build

if TYPE_CHECKING:
    from bench.registry import Registry

QUARTERS = 40
ITEMS = ("Breaches and escalations", "Agency rates against the caps", "Data returns")


def add_governance(registry: Registry) -> None:
    rng, people, today = registry.rng, registry.people, registry.today
    member_id = User.objects.get(email=BENCH_PEOPLE["member"].email).pk
    start = today - datetime.timedelta(weeks=13 * QUARTERS + 2)
    plans: list[tuple[Group, list]] = []
    coverage = Group.local_authorities.through
    links = []
    for region in registry.regions:
        las = registry.las_by_region[region.pk]
        half = len(las) // 2
        board = Group.objects.create(
            region=region,
            name=f"{region.name} DCS board",
            kind=GroupKind.DCS_BOARD,
            chair_id=people.dcs[las[0].pk],
            purpose="The region's directors oversee the MOU and decide escalated breaches.",
            starts_on=start,
        )
        subs = [
            Group.objects.create(
                region=region,
                name=f"{region.name} sub-regional group {n + 1}",
                kind=GroupKind.SUB_REGIONAL,
                chair_id=people.dcs[part[0].pk],
                reports_to=board,
                purpose="Share agency practice and decisions across neighbouring LAs.",
                starts_on=start,
            )
            for n, part in enumerate((las[:half], las[half:]))
        ]
        forum = Group.objects.create(
            region=region,
            name=f"{region.name} MSP and agency forum",
            kind=GroupKind.SUPPLIER_FORUM,
            reports_to=board,
            purpose="The programme manager meets the MSPs quarterly.",
            starts_on=start,
        )
        for group, covered in ((board, las), (subs[0], las[:half]), (subs[1], las[half:])):
            links += [coverage(group_id=group.pk, localauthority_id=la.pk) for la in covered]
            plans.append((group, covered))
        plans.append((forum, []))
    coverage.objects.bulk_create(links, batch_size=5000)
    members = []
    for group, covered in plans:
        for la in covered:
            deputies: list[int | None] = [*people.workforce.get(la.pk, []), None]
            members.append(
                GroupMember(
                    group=group,
                    person_id=people.dcs[la.pk],
                    local_authority=la,
                    deputy_id=deputies[0],
                    from_date=start,
                )
            )
    london = next(r for r in registry.regions if r.code == "LDN")
    camden = next(la for la in registry.las if la.la_code == "202")
    london_groups = [g for g, _ in plans if g.region_id == london.pk][:2]
    members += [
        GroupMember(
            group=group,
            person_id=member_id,
            local_authority=camden,
            delegated_authority=True,
            from_date=start,
        )
        for group in london_groups
    ]
    members = GroupMember.objects.bulk_create(members, batch_size=5000)
    by_group: dict[int, list[GroupMember]] = {}
    for m in members:
        by_group.setdefault(m.group_id, []).append(m)
    first = start + datetime.timedelta(days=(1 - start.weekday()) % 7)
    days = [first + datetime.timedelta(weeks=13 * n) for n in range(QUARTERS)]
    days.append(today + datetime.timedelta(weeks=3))
    meetings = Meeting.objects.bulk_create(
        [
            Meeting(
                group=group,
                starts_at=registry.at(day, 10),
                ends_at=registry.at(day, 12),
                place="The region's offices",
            )
            for group, _ in plans
            for day in days
        ],
        batch_size=5000,
    )
    lead_of = {region.pk: people.leads[region.pk][0] for region in registry.regions}
    attendance, items, decisions, actions, minutes = [], [], [], [], []
    for meeting in meetings:
        group = next(g for g, _ in plans if g.pk == meeting.group_id)
        day = meeting.starts_at.date()
        past = day < today
        recorder = lead_of[group.region_id]
        for position, title in enumerate(ITEMS, start=1):
            items.append(
                AgendaItem(
                    meeting=meeting,
                    position=position,
                    title=title,
                    presenter_id=recorder if position == 1 else group.chair_id,
                    confidential=position == 3 and rng.random() < 0.1,
                    minute="Discussed; see the decisions." if past else "",
                )
            )
        if not past:
            continue
        for m in by_group.get(group.pk, []):
            roll = rng.random()
            status = (
                AttendanceStatus.PRESENT
                if roll < 0.8
                else AttendanceStatus.DEPUTY
                if roll < 0.88 and m.deputy_id
                else AttendanceStatus.APOLOGIES
                if roll < 0.96
                else AttendanceStatus.ABSENT
            )
            attendance.append(
                Attendance(meeting=meeting, member=m, status=status, recorded_by_id=recorder)
            )
        decisions.append(
            Decision(
                meeting=meeting,
                text="Agreed the quarter's report to the board.",
                decided_on=day,
                recorded_by_id=recorder,
            )
        )
        recent = day >= days[-3]
        owners = [group.chair_id or recorder]
        if group in london_groups[:1]:
            owners.append(member_id)
        for owner in owners:
            due = day + datetime.timedelta(days=rng.randint(14, 60))
            actions.append(
                Action(
                    meeting=meeting,
                    text="Circulate the quarter's figures to the group's LAs.",
                    owner_id=owner,
                    due_on=due,
                    state=ActionState.OPEN if recent else ActionState.DONE,
                    done_on=None if recent else min(due, today),
                    recorded_by_id=recorder,
                )
            )
    Attendance.objects.bulk_create(attendance, batch_size=5000)
    AgendaItem.objects.bulk_create(items, batch_size=5000)
    Decision.objects.bulk_create(decisions, batch_size=5000)
    Action.objects.bulk_create(actions, batch_size=5000)
    by_group_meetings: dict[int, list[Meeting]] = {}
    for meeting in meetings:
        by_group_meetings.setdefault(meeting.group_id, []).append(meeting)
    for group_meetings in by_group_meetings.values():
        held = [m for m in group_meetings if m.starts_at.date() < today]
        group = next(g for g, _ in plans if g.pk == held[0].group_id)
        for meeting, following in pairwise(held):
            minutes.append(
                Minutes(
                    meeting=meeting,
                    state=MinutesState.PUBLISHED,
                    approved_by_id=group.chair_id or lead_of[group.region_id],
                    approved_at_meeting=following,
                    published_on=following.starts_at.date(),
                    published_by_id=lead_of[group.region_id],
                )
            )
    Minutes.objects.bulk_create(minutes, batch_size=5000)
    upcoming = by_group_meetings[london_groups[1].pk][-1]
    since, content = build(upcoming, today)
    Pack.objects.create(
        meeting=upcoming,
        number=1,
        since=since,
        generated_on=today,
        generated_by_id=lead_of[london.pk],
        content=content,
    )
    registry.count("governance groups", len(plans))
    registry.count("governance meetings", len(meetings))
    registry.count("attendance records", len(attendance))
    registry.count("governance actions", len(actions))
