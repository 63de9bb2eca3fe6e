"""The region's communication channels: its contact directory, messages to a group's members,
market notices to the MSPs serving it (acknowledged, reminded) and issues raised between
meetings, which go to its single point of contact (docs/adr/0021-governance-channels.md).

Who may do what is asked here once and used by the views (`can_*`); each write checks again."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, User
from accounts.roles import Capability, Role
from accounts.scope import access_for, suppliers
from accounts.selectors import people_with
from breaches.models import Breach
from governance.agenda import item_add
from governance.models import (
    AgendaItem,
    Group,
    GroupMember,
    GroupMessage,
    IssueState,
    IssueStep,
    MarketNotice,
    Meeting,
    NoticeRecipient,
    RaisedIssue,
)
from governance.permissions import can_record, can_run, require, takes_part_in
from governance.services import possible_owners
from kernel.mail import portal_link, send_each
from kernel.working_days import add_working_days
from mou.models import LocalAuthority, Region
from msp.models import MSP, EscalationContact

# An MSP contact who has not acknowledged a notice is reminded this many working days after it
# went out (once).
NOTICE_REMINDER_WORKING_DAYS = 2


# The directory --------------------------------------------------------------------------------


def directory_access(user: User, region: Region) -> str | None:
    """Full ("full") for those who run the region's governance or act for one of its LAs; its
    leads and single point of contact only ("contacts") for MSP contacts whose MSP serves it
    and for those who only sit on its groups; None for anyone else (observers, other
    regions)."""
    access = access_for(user)
    if can_run(user, region) or any(
        la.region_id == region.pk for la in access.local_authorities(Capability.ACT_FOR_LA)
    ):
        return "full"
    if takes_part_in(user, region):  # MSP contacts, and those who only sit on groups
        return "contacts"
    return None


@dataclass
class Entry:
    person: User
    roles: list[str] = field(default_factory=list)  # "DCS, Camden"
    groups: list[str] = field(default_factory=list)


def directory(region: Region, *, full: bool) -> list[Entry]:
    """People with a role in the region (or only its leads and single point of contact), by
    name, with their roles there and the groups they sit on: three queries."""
    memberships = Membership.objects.filter(
        Q(region=region) | Q(local_authority__region=region), user__is_active=True
    ).select_related("user", "local_authority", "region")
    contact = EscalationContact.objects.filter(region=region).select_related("person").first()
    if not full:
        memberships = memberships.filter(role=Role.REGIONAL_LEAD)
    entries: dict[int, Entry] = {}
    for m in memberships.order_by("user__name", "role"):
        entry = entries.setdefault(m.user_id, Entry(m.user))
        entry.roles.append(f"{m.get_role_display()}, {m.local_authority or m.region}")
    if contact is not None:
        entry = entries.setdefault(contact.person_id, Entry(contact.person))
        entry.roles.append("Single point of contact for MSPs and agencies")
    if full:
        today = timezone.localdate()
        for seat in GroupMember.objects.filter(
            group__region=region, person_id__in=list(entries)
        ).select_related("group"):
            if seat.is_member_on(today):
                entries[seat.person_id].groups.append(seat.group.name)
    return sorted(entries.values(), key=lambda e: (e.person.name, e.person.pk))


# Messages to a group ---------------------------------------------------------------------------


@transaction.atomic
def message_send(*, group: Group, subject: str, body: str, actor: User) -> GroupMessage:
    """The chair or those who run the region write to the group's members and deputies: each
    emailed on their own, replies to the sender."""
    require(can_record(actor, group))
    errors = {}
    if not subject.strip():
        errors["subject"] = "Enter a subject"
    if not body.strip():
        errors["body"] = "Enter the message"
    if errors:
        raise ValidationError(errors)
    to = [person.email for person in possible_owners(group) if person.pk != actor.pk]
    message = GroupMessage.objects.create(
        group=group, sender=actor, subject=subject.strip(), body=body.strip(), recipients=len(to)
    )
    send_each(
        subject=f"{group.name}: {message.subject}",
        template="governance/email/group_message",
        context={
            "message": message,
            "group": group,
            "link": portal_link(reverse("governance:group", args=[group.pk]) + "#messages"),
            "portal_name": settings.PORTAL_NAME,
        },
        to=to,
        reply_to=[actor.email],
    )
    return message


# Market notices --------------------------------------------------------------------------------


def msp_contacts_in(region: Region) -> QuerySet[Membership]:
    """The MSP contacts of every MSP serving the region today."""
    return Membership.objects.filter(
        role=Role.MSP_CONTACT,
        msp__in=suppliers.operating_in([region.pk]),
        user__is_active=True,
    ).select_related("user", "msp")


def _notice_email(notice: MarketNotice, people: list[str], *, reminder: bool) -> None:
    send_each(
        subject=("Reminder: " if reminder else "")
        + f"Notice from {notice.region.name}: {notice.subject}",
        template="governance/email/market_notice",
        context={
            "notice": notice,
            "reminder": reminder,
            "link": portal_link(reverse("governance:notice", args=[notice.pk])),
            "portal_name": settings.PORTAL_NAME,
        },
        to=people,
    )


@transaction.atomic
def notice_send(
    *,
    region: Region,
    subject: str,
    body: str,
    shared: bool = False,
    reissue_of: MarketNotice | None = None,
    actor: User,
) -> MarketNotice:
    """A notice to every MSP contact of the MSPs serving the region today, each to
    acknowledge. Shared, the other regions' leads may read and re-issue it."""
    require(can_run(actor, region))
    errors = {}
    if not subject.strip():
        errors["subject"] = "Enter a subject"
    if not body.strip():
        errors["body"] = "Enter the notice"
    contacts = list(msp_contacts_in(region))
    if not contacts and not errors:
        errors["body"] = f"No MSP serving {region.name} today has a contact in the portal"
    if errors:
        raise ValidationError(errors)
    notice = MarketNotice.objects.create(
        region=region,
        subject=subject.strip(),
        body=body.strip(),
        shared=shared,
        reissue_of=reissue_of,
        sent_by=actor,
    )
    NoticeRecipient.objects.bulk_create(
        [NoticeRecipient(notice=notice, person=m.user, msp=m.msp) for m in contacts if m.msp]
    )
    emails = sorted({m.user.email for m in contacts})
    _notice_email(notice, emails, reminder=False)
    return notice


def can_reissue(user: User, notice: MarketNotice) -> list[Region]:
    """The regions (other than the notice's) where the person may re-issue a shared notice."""
    if not notice.shared:
        return []
    running = access_for(user).capability_scope(Capability.RUN_GOVERNANCE)
    regions = Region.objects.exclude(pk=notice.region_id).order_by("name")
    return list(regions if running.national else regions.filter(pk__in=running.region_ids))


@transaction.atomic
def notice_reissue(*, notice: MarketNotice, region: Region, actor: User) -> MarketNotice:
    require(region in can_reissue(actor, notice))
    return notice_send(
        region=region,
        subject=notice.subject,
        body=notice.body,
        reissue_of=notice,
        actor=actor,
    )


@transaction.atomic
def notice_acknowledge(*, notice: MarketNotice, actor: User) -> NoticeRecipient:
    receipt = (
        NoticeRecipient.objects.select_for_update().filter(notice=notice, person=actor).first()
    )
    if receipt is None:  # the notice did not go to them
        raise PermissionDenied
    if receipt.acknowledged_at is None:
        receipt.acknowledged_at = timezone.now()
        receipt.save(update_fields=["acknowledged_at"])
    return receipt


def notices_remind(*, as_of: datetime.date, dry_run: bool = False) -> list[str]:
    """Remind each MSP contact who has not acknowledged a notice sent at least
    NOTICE_REMINDER_WORKING_DAYS working days before, once (claimed by `reminded_on`)."""
    sent = []
    waiting = (
        NoticeRecipient.objects.filter(
            acknowledged_at__isnull=True, reminded_on__isnull=True, person__is_active=True
        )
        .select_related("notice__region", "person")
        .order_by("notice__sent_at", "pk")
    )
    for receipt in waiting:
        sent_on = timezone.localtime(receipt.notice.sent_at).date()
        if add_working_days(sent_on, NOTICE_REMINDER_WORKING_DAYS) > as_of:
            continue
        label = f"{receipt.person.email}: {receipt.notice}"
        if dry_run:
            sent.append(label)
            continue
        with transaction.atomic():
            claimed = NoticeRecipient.objects.filter(
                pk=receipt.pk, reminded_on__isnull=True, acknowledged_at__isnull=True
            ).update(reminded_on=as_of)
            if not claimed:
                continue
            _notice_email(receipt.notice, [receipt.person.email], reminder=True)
        sent.append(label)
    return sent


# Issues raised between meetings ------------------------------------------------------------------


def parties_of(user: User) -> list[tuple[Region, LocalAuthority | None, MSP | None]]:
    """For whom the person may raise an issue: each LA they hold a role at, in its region, and
    their MSP in each region it serves today."""
    access = access_for(user)
    found: list[tuple[Region, LocalAuthority | None, MSP | None]] = []
    for membership in access.memberships:
        la = membership.local_authority
        if la is not None:
            found.append((la.region, la, None))
    msp_ids = access.msp_ids(Capability.ACT_FOR_MSP)
    if msp_ids:
        regions = {r.pk: r for r in Region.objects.all()}
        served = suppliers.regions(set(msp_ids))
        for msp in MSP.objects.filter(pk__in=msp_ids).order_by("name"):
            for region_id in sorted(served.get(msp.pk, frozenset())):
                found.append((regions[region_id], None, msp))
    return found


def handlers(region: Region) -> list[User]:
    """Who an issue goes to: the region's single point of contact, else its leads."""
    contact = EscalationContact.objects.filter(region=region).select_related("person").first()
    if contact is not None and contact.person.is_active:
        return [contact.person]
    return list(people_with(Capability.RECEIVE_REGION_NOTICES, region_id=region.pk))


def can_handle(user: User, region_id: int) -> bool:
    return access_for(user).can(Capability.RUN_GOVERNANCE, region_id=region_id) or (
        EscalationContact.objects.filter(region_id=region_id, person=user).exists()
    )


def _issue_email(issue: RaisedIssue, to: list[str], opening: str) -> None:
    send_each(
        subject=f"Issue raised in {issue.region.name}: {issue.subject}",
        template="governance/email/issue",
        context={
            "issue": issue,
            "opening": opening,
            "link": portal_link(reverse("governance:issue", args=[issue.pk])),
            "portal_name": settings.PORTAL_NAME,
        },
        to=to,
    )


@transaction.atomic
def issue_raise(
    *,
    region: Region,
    subject: str,
    description: str,
    local_authority: LocalAuthority | None = None,
    msp: MSP | None = None,
    actor: User,
) -> RaisedIssue:
    """A party to the MOU raises an issue outside meetings; it goes to the region's single
    point of contact."""
    if (region, local_authority, msp) not in parties_of(actor):
        raise ValidationError({"party": "Choose whom you raise it for"})
    errors = {}
    if not subject.strip():
        errors["subject"] = "Enter a subject"
    if not description.strip():
        errors["description"] = "Describe the issue"
    if errors:
        raise ValidationError(errors)
    issue = RaisedIssue.objects.create(
        region=region,
        raised_by=actor,
        local_authority=local_authority,
        msp=msp,
        subject=subject.strip(),
        description=description.strip(),
    )
    IssueStep.objects.create(issue=issue, kind=IssueState.OPEN, actor=actor)
    to = sorted({p.email for p in handlers(region)})
    _issue_email(issue, to, f"{actor} raised an issue for {issue.raised_for}.")
    return issue


def _step(issue: RaisedIssue, kind: str, note: str, actor: User) -> None:
    now = timezone.now()
    IssueStep.objects.create(issue=issue, kind=kind, note=note, actor=actor, at=now)
    issue.state = kind
    if issue.first_response_at is None:
        issue.first_response_at = now
    issue.save()
    _issue_email(
        issue,
        [issue.raised_by.email],
        f"Your issue is now: {IssueState(kind).label.lower()}.",
    )


def _locked(issue: RaisedIssue, actor: User) -> RaisedIssue:
    issue = (
        RaisedIssue.objects.select_for_update(of=("self",))
        .select_related("region", "raised_by")
        .get(pk=issue.pk)
    )
    require(can_handle(actor, issue.region_id))
    return issue


@transaction.atomic
def issue_answer(*, issue: RaisedIssue, answer: str, actor: User) -> RaisedIssue:
    issue = _locked(issue, actor)
    if not answer.strip():
        raise ValidationError({"answer": "Enter the answer"})
    _step(issue, IssueState.ANSWERED, answer.strip(), actor)
    return issue


@transaction.atomic
def issue_to_agenda(*, issue: RaisedIssue, meeting: Meeting, actor: User) -> AgendaItem:
    """Add the issue to a coming meeting of one of the region's groups."""
    issue = _locked(issue, actor)
    if meeting.group.region_id != issue.region_id or meeting.starts_at < timezone.now():
        raise ValidationError({"meeting": "Choose a coming meeting of one of the region's groups"})
    item = item_add(meeting=meeting, title=f"Issue raised: {issue.subject}", actor=actor)
    issue.agenda_item = item
    _step(issue, IssueState.ON_AGENDA, f"{meeting}", actor)
    return item


@transaction.atomic
def issue_to_breach(*, issue: RaisedIssue, breach: Breach, actor: User) -> RaisedIssue:
    """Link the breach logged from the issue (breaches.services.breach_log, pre-filled)."""
    issue = _locked(issue, actor)
    if issue.breach_id is not None:
        raise ValidationError("This issue is already a breach")
    issue.breach = breach
    _step(issue, IssueState.BREACH, breach.reference, actor)
    return issue
