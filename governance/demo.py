"""Demo governance for `seed_demo`: London's regional DCS board, five sub-regional groups
reporting to it (each of 6 or 7 LAs, illustrative: not London's own grouping) and an MSP and
agency forum, with a year of quarterly meetings. Past meetings have attendance, decisions,
actions and minutes (the older ones published to the region); the next has an agenda linked
to a breach and its pack. Made through the services, as a lead would (past minutes' states are
set directly, as they were approved at meetings already held); idempotent."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from breaches.models import Breach, BreachParty
from governance import agenda, channels, pack, review, services
from governance.models import (
    AttendanceStatus,
    Group,
    GroupKind,
    Meeting,
    Minutes,
    MinutesState,
    Rating,
)
from mou.models import LocalAuthority, Region
from msp.models import MSP

SUB_REGIONS = [
    "North Central London",
    "North East London",
    "South East London",
    "South West London",
    "West London",
]
QUARTER = datetime.timedelta(weeks=13)


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _meetings(group: Group, lead: User, today: datetime.date, hour: int) -> list[Meeting]:
    """Four past quarterly meetings and the next, three weeks away (a Tuesday)."""
    next_day = today + datetime.timedelta(weeks=3)
    next_day += datetime.timedelta(days=(1 - next_day.weekday()) % 7)
    days = [next_day - QUARTER * n for n in (4, 3, 2, 1, 0)]
    return [
        services.meeting_schedule(
            group=group,
            starts_at=_at(day, hour),
            ends_at=_at(day, hour + 2),
            place="London Councils, 59½ Southwark Street",
            online_link="https://meet.example.org/ldn-governance",
            actor=lead,
        )
        for day in days
    ]


@transaction.atomic
def seed(*, stdout) -> None:
    london = Region.objects.get(code="LDN")
    if Group.objects.filter(region=london).exists():
        return
    lead = User.objects.get(email="regional.lead@example.org")
    dcs = User.objects.get(email="dcs.camden@example.org")
    workforce = User.objects.get(email="workforce.camden@example.org")
    member = User.objects.get(email="member.islington@example.org")
    contact = User.objects.get(email="msp.contact@example.org")
    today = timezone.localdate()
    start = today - datetime.timedelta(days=400)
    las = list(LocalAuthority.objects.filter(region=london).order_by("name"))
    camden = next(la for la in las if la.la_code == "202")
    islington = next(la for la in las if la.la_code == "206")
    board = services.group_create(
        region=london,
        fields={
            "name": "London DCS board",
            "kind": GroupKind.DCS_BOARD,
            "purpose": "The region's directors of children's services oversee the MOU, decide "
            "escalated breaches and agree changes to caps and rules.",
            "may_decide": "Changes to the MOU put to the signatories; sanctions on escalation",
            "chair": dcs,
            "starts_on": start,
        },
        local_authorities=las,
        actor=lead,
    )
    services.member_add(
        group=board,
        person=dcs,
        local_authority=camden,
        deputy=workforce,
        from_date=start,
        actor=lead,
    )
    others = [la for la in las if la.pk not in (camden.pk, islington.pk)]
    chunks = [[camden, islington, *others[:4]]] + [others[4 + i * 6 : 10 + i * 6] for i in range(4)]
    chunks[-1] += others[28:]
    groups = [board]
    for name, covered in zip(SUB_REGIONS, chunks, strict=True):
        group = services.group_create(
            region=london,
            fields={
                "name": name,
                "kind": GroupKind.SUB_REGIONAL,
                "purpose": "Discuss agency use across the boroughs and share decisions with "
                "the other sub-regional groups.",
                "chair": dcs if name == SUB_REGIONS[0] else None,
                "reports_to": board,
                "starts_on": start,
            },
            local_authorities=covered,
            actor=lead,
        )
        groups.append(group)
    ncl = groups[1]
    services.member_add(
        group=ncl,
        person=dcs,
        local_authority=camden,
        deputy=workforce,
        from_date=start,
        actor=lead,
    )
    services.member_add(
        group=ncl,
        person=member,
        local_authority=islington,
        delegated_authority=True,
        from_date=start,
        actor=lead,
    )
    forum = services.group_create(
        region=london,
        fields={
            "name": "London MSP and agency forum",
            "kind": GroupKind.SUPPLIER_FORUM,
            "purpose": "The programme manager meets the MSPs quarterly on compliance and rates.",
            "reports_to": board,
            "starts_on": start,
        },
        actor=lead,
    )
    services.member_add(
        group=forum,
        person=contact,
        msp=MSP.objects.get(memberships__user=contact),
        from_date=start,
        actor=lead,
    )
    groups.append(forum)
    for hour, group in enumerate(groups):
        meetings = _meetings(group, lead, today, 9 + hour % 6)
        if group.pk in (board.pk, ncl.pk):
            _history(group, meetings, lead, dcs, today)
    _next_agenda(ncl, lead, dcs, camden)
    _channels(london, lead, dcs, contact, today)
    stdout.write(f"  Governance: {len(groups)} London groups with a year of meetings")


def _history(group, meetings, lead, chair, today) -> None:
    """Attendance, a decision and an action at each past meeting; minutes approved at the next
    and published, but for the last past meeting's (still in draft)."""
    past = [m for m in meetings if m.day < today]
    for i, meeting in enumerate(past):
        services.attendance_record(
            meeting=meeting,
            statuses={m.pk: AttendanceStatus.PRESENT for m in group.members.all()},
            actor=lead,
        )
        item = agenda.item_add(meeting=meeting, title="Breaches and escalations", actor=lead)
        item.minute = "The group reviewed the breaches logged since its last meeting."
        item.save(update_fields=["minute"])
        services.decision_record(
            meeting=meeting,
            text="Share agency rate cards across the region",
            item=item,
            actor=lead,
        )
        services.action_add(
            meeting=meeting,
            text="Circulate the reference template to workforce leads",
            owner=chair,
            due_on=meeting.day + datetime.timedelta(days=28 if i < len(past) - 1 else 60),
            actor=lead,
        )
        if i < len(past) - 1:
            Minutes.objects.create(
                meeting=meeting,
                state=MinutesState.PUBLISHED,
                approved_by=chair,
                approved_at_meeting=past[i + 1],
                published_on=past[i + 1].day,
                published_by=lead,
            )
    for action in group.meetings.first().actions.all():
        services.action_done(action=action, actor=lead)


def _next_agenda(group, lead, dcs, camden) -> None:
    upcoming = group.meetings.order_by("-starts_at").first()
    breach = (
        Breach.objects.filter(
            pk__in=BreachParty.objects.filter(local_authority=camden).values("breach_id")
        )
        .order_by("-reported_at")
        .first()
    )
    agenda.item_add(
        meeting=upcoming,
        title="Breaches since the last meeting",
        presenter=lead,
        links={"breach": breach} if breach else {},
        actor=lead,
    )
    agenda.item_add(meeting=upcoming, title="Agency rates", presenter=dcs, actor=lead)
    agenda.item_add(meeting=upcoming, title="A staffing matter", confidential=True, actor=lead)
    pack.pack_generate(meeting=upcoming, actor=lead)


def _channels(london, lead, dcs, contact, today) -> None:
    """A market notice the MSP contact has yet to acknowledge, an issue they raised and the lead
    answered, last year's review completed and this year's begun."""
    channels.notice_send(
        region=london,
        subject="Agencies advertising roles at incorrect rates",
        body="Some agencies are advertising London roles above the MOU's caps. Please ask the "
        "agencies in your chain to take these adverts down and confirm when they have.",
        shared=True,
        actor=lead,
    )
    msp = MSP.objects.get(memberships__user=contact)
    issue = channels.issue_raise(
        region=london,
        msp=msp,
        subject="Late notice of a worker's move",
        description="An LA asked a worker to start within a week, inside their notice period.",
        actor=contact,
    )
    channels.issue_answer(
        issue=issue, answer="Thank you: the LA has been reminded of the notice rule.", actor=lead
    )
    last = review.review_start(region=london, year=today.year - 1, actor=lead)
    for question in review.QUESTIONS:
        review.answer_save(
            review=last,
            question=question.key,
            rating=Rating.IN_PLACE,
            evidence_text="Discussed at the DCS board.",
            actor=lead,
        )
    review.review_complete(review=last, actor=lead)
    this = review.review_start(region=london, year=today.year, actor=lead)
    review.answer_save(
        review=this,
        question="escalation",
        rating=Rating.PARTLY,
        evidence_text="Breaches wait too long at the DCS board.",
        action_text="Set the board's dates a year ahead",
        owner=dcs,
        due_on=today + datetime.timedelta(days=60),
        actor=lead,
    )
