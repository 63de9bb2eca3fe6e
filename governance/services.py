"""Writes for governance groups and their members. Each checks the actor runs governance for
the group's region and runs in a transaction; rules broken are explained beside the field."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable, Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, User
from accounts.roles import Role
from accounts.scope import suppliers
from accounts.services import person_invite
from governance import invitations
from governance.models import (
    Action,
    ActionState,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    CalendarFeed,
    Decision,
    Group,
    GroupKind,
    GroupMember,
    Meeting,
    MeetingState,
    Minutes,
    MinutesState,
)
from governance.permissions import can_record, can_run, require
from governance.quorum import members_at
from mou.models import LocalAuthority, Region
from msp.models import MSP

GROUP_FIELDS = (
    "name",
    "kind",
    "chair",
    "reports_to",
    "purpose",
    "may_decide",
    "quorum",
    "meets",
    "starts_on",
    "ends_on",
)


def _check_group(group: Group, local_authorities: list[LocalAuthority]) -> None:
    errors: dict[str, str] = {}
    outside = [la for la in local_authorities if la.region_id != group.region_id]
    if outside:
        errors["local_authorities"] = f"{outside[0]} is not in {group.region.name}"
    if Group.objects.filter(region=group.region, name=group.name).exclude(pk=group.pk).exists():
        errors["name"] = f"{group.region.name} already has a group called {group.name}"
    if group.reports_to is not None and (
        group.reports_to.region_id != group.region_id or group.reports_to.pk == group.pk
    ):
        errors["reports_to"] = "Choose another group of the region"
    if group.ends_on is not None and group.ends_on <= group.starts_on:
        errors["ends_on"] = "The end date must be after the start date"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def group_create(
    *,
    region: Region,
    fields: Mapping[str, object],
    local_authorities: Iterable[LocalAuthority] = (),
    actor: User,
) -> Group:
    require(can_run(actor, region))
    group = Group(region=region, **fields)
    las = list(local_authorities)
    _check_group(group, las)
    group.save()
    group.local_authorities.set(las)
    return group


@transaction.atomic
def group_update(
    *,
    group: Group,
    fields: Mapping[str, object],
    local_authorities: Iterable[LocalAuthority] | None = None,
    actor: User,
) -> Group:
    group = Group.objects.select_for_update().select_related("region").get(pk=group.pk)
    require(can_run(actor, group.region))
    for name, value in fields.items():
        setattr(group, name, value)
    las = list(local_authorities) if local_authorities is not None else None
    _check_group(group, las if las is not None else list(group.local_authorities.all()))
    group.save()
    if las is not None:
        group.local_authorities.set(las)
    return group


def _holds_role_at(person: User, local_authority: LocalAuthority | None, msp: MSP | None) -> bool:
    if local_authority is not None:
        return Membership.objects.filter(user=person, local_authority=local_authority).exists()
    return Membership.objects.filter(user=person, msp=msp).exists()


@transaction.atomic
def member_add(
    *,
    group: Group,
    person: User,
    local_authority: LocalAuthority | None = None,
    msp: MSP | None = None,
    delegated_authority: bool = False,
    deputy: User | None = None,
    from_date: datetime.date,
    actor: User,
) -> GroupMember:
    """A person joins a group to represent an LA it covers (or, on a supplier forum, an MSP);
    they and their deputy hold a role there."""
    group = Group.objects.select_for_update().select_related("region").get(pk=group.pk)
    require(can_run(actor, group.region))
    if (local_authority is None) == (msp is None):
        raise ValidationError(
            {"local_authority": "Choose the local authority or the MSP represented"}
        )
    errors: dict[str, str] = {}
    represented = local_authority or msp
    if (
        local_authority is not None
        and not group.local_authorities.filter(pk=local_authority.pk).exists()
    ):
        errors["local_authority"] = f"{group.name} does not cover {local_authority}"
    if msp is not None and group.kind != GroupKind.SUPPLIER_FORUM:
        errors["msp"] = "Only an MSP and agency forum has MSP members"
    elif (
        msp is not None and not suppliers.operating_in([group.region_id]).filter(pk=msp.pk).exists()
    ):
        errors["msp"] = f"{msp} does not serve {group.region.name} today"
    if not _holds_role_at(person, local_authority, msp):
        errors["person"] = f"{person} has no role at {represented}"
    if deputy is not None and (
        deputy.pk == person.pk or not _holds_role_at(deputy, local_authority, msp)
    ):
        errors["deputy"] = f"Choose someone else with a role at {represented}"
    if group.members.filter(person=person, until_date__isnull=True).exists():
        errors["person"] = f"{person} already sits on {group.name}"
    if errors:
        raise ValidationError(errors)
    return GroupMember.objects.create(
        group=group,
        person=person,
        local_authority=local_authority,
        msp=msp,
        delegated_authority=delegated_authority,
        deputy=deputy,
        from_date=from_date,
    )


@transaction.atomic
def member_invite(
    *,
    group: Group,
    email: str,
    name: str,
    local_authority: LocalAuthority | None = None,
    msp: MSP | None = None,
    delegated_authority: bool = False,
    deputy: User | None = None,
    from_date: datetime.date,
    actor: User,
) -> GroupMember:
    """Someone with no account yet joins a group: an account with the "group member" role at
    the LA (or MSP) they represent, which opens only their groups, and an invitation to set a
    password."""
    require(can_run(actor, group.region))
    if not name.strip():
        raise ValidationError({"new_name": "Enter the new member's full name"})
    if (
        local_authority is not None
        and not group.local_authorities.filter(pk=local_authority.pk).exists()
    ):
        raise ValidationError({"local_authority": f"{group.name} does not cover {local_authority}"})
    membership = Membership(role=Role.GROUP_MEMBER, local_authority=local_authority, msp=msp)
    try:
        person = person_invite(email=email, name=name.strip(), membership=membership, actor=actor)
    except ValidationError as error:
        raise ValidationError({"new_email": error.messages}) from error
    except PermissionDenied as error:
        raise ValidationError(
            {"msp": f"{msp} also works outside {group.region.name}: ask a national admin"}
        ) from error
    return member_add(
        group=group,
        person=person,
        local_authority=local_authority,
        msp=msp,
        delegated_authority=delegated_authority,
        deputy=deputy,
        from_date=from_date,
        actor=actor,
    )


@transaction.atomic
def member_end(*, member: GroupMember, until_date: datetime.date, actor: User) -> GroupMember:
    member = (
        GroupMember.objects.select_for_update().select_related("group__region").get(pk=member.pk)
    )
    require(can_run(actor, member.group.region))
    if member.until_date is not None:
        raise ValidationError(
            f"{member.person} left {member.group} on {member.until_date:%-d %B %Y}"
        )
    if until_date < member.from_date:
        raise ValidationError({"until_date": "The date they leave must be on or after they joined"})
    member.until_date = until_date
    member.save(update_fields=["until_date"])
    return member


def _check_when_and_where(
    starts_at: datetime.datetime, ends_at: datetime.datetime, place: str, online_link: str
) -> None:
    errors: dict[str, str] = {}
    if ends_at <= starts_at:
        errors["ends_at"] = "The meeting must end after it starts"
    if not place.strip() and not online_link.strip():
        errors["place"] = "Enter where it meets, or an online link"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def meeting_schedule(
    *,
    group: Group,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    place: str = "",
    online_link: str = "",
    actor: User,
) -> Meeting:
    require(can_run(actor, group.region))
    _check_when_and_where(starts_at, ends_at, place, online_link)
    meeting = Meeting.objects.create(
        group=group,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place.strip(),
        online_link=online_link.strip(),
        created_by=actor,
    )
    invitations.send(meeting.pk, "scheduled")
    return meeting


def locked_meeting(meeting: Meeting) -> Meeting:
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("group__region")
        .get(pk=meeting.pk)
    )


@transaction.atomic
def meeting_move(
    *,
    meeting: Meeting,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    place: str = "",
    online_link: str = "",
    reason: str,
    actor: User,
) -> Meeting:
    """Move a scheduled meeting (its time or place), with a reason: invitations update."""
    meeting = locked_meeting(meeting)
    require(can_run(actor, meeting.group.region))
    if meeting.state == MeetingState.CANCELLED:
        raise ValidationError("A cancelled meeting does not move: schedule another")
    _check_when_and_where(starts_at, ends_at, place, online_link)
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the meeting moves"})
    meeting.starts_at, meeting.ends_at = starts_at, ends_at
    meeting.place, meeting.online_link = place.strip(), online_link.strip()
    meeting.moved_reason = reason.strip()
    meeting.sequence += 1
    meeting.save()
    invitations.send(meeting.pk, "moved")
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, reason: str, actor: User) -> Meeting:
    meeting = locked_meeting(meeting)
    require(can_run(actor, meeting.group.region))
    if meeting.state == MeetingState.CANCELLED:
        raise ValidationError("This meeting is already cancelled")
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the meeting is cancelled"})
    meeting.state, meeting.cancelled_reason = MeetingState.CANCELLED, reason.strip()
    meeting.sequence += 1
    meeting.save()
    invitations.send(meeting.pk, "cancelled")
    return meeting


@transaction.atomic
def calendar_feed_new(*, person: User) -> CalendarFeed:
    """A new secret address for the person's feed: any earlier address stops working."""
    feed, _ = CalendarFeed.objects.update_or_create(
        person=person, defaults={"token": secrets.token_urlsafe(32)}
    )
    return feed


def calendar_feed_off(*, person: User) -> None:
    CalendarFeed.objects.filter(person=person).delete()


@transaction.atomic
def attendance_record(
    *, meeting: Meeting, statuses: Mapping[int, str], actor: User
) -> list[Attendance]:
    """Record who was at the meeting: a status per member on the meeting's day (member id ->
    status). A deputy may stand in only for a member who has one."""
    meeting = locked_meeting(meeting)
    require(can_record(actor, meeting.group))
    if meeting.state == MeetingState.CANCELLED:
        raise ValidationError("A cancelled meeting has no attendance")
    members = {m.pk: m for m in members_at(meeting, list(meeting.group.members.all()))}
    errors: dict[str, str] = {}
    for member_id, status in statuses.items():
        member = members.get(member_id)
        if member is None:
            raise ValidationError("Record attendance for the group's members on the day only")
        if status not in AttendanceStatus.values:
            errors[f"member_{member_id}"] = "Choose whether they were there"
        elif status == AttendanceStatus.DEPUTY and member.deputy_id is None:
            errors[f"member_{member_id}"] = f"{member.person} has no deputy"
    if errors:
        raise ValidationError(errors)
    recorded = []
    for member_id, status in statuses.items():
        row, _ = Attendance.objects.update_or_create(
            meeting=meeting,
            member_id=member_id,
            defaults={"status": status, "recorded_by": actor},
        )
        recorded.append(row)
    return recorded


@transaction.atomic
def decision_record(
    *, meeting: Meeting, text: str, item: AgendaItem | None = None, actor: User
) -> Decision:
    meeting = locked_meeting(meeting)
    require(can_record(actor, meeting.group))
    if not text.strip():
        raise ValidationError({"text": "Enter the decision"})
    if item is not None and item.meeting_id != meeting.pk:
        raise ValidationError({"item": "Choose an item of this meeting's agenda"})
    if Minutes.objects.filter(meeting=meeting).exclude(state=MinutesState.DRAFT).exists():
        raise ValidationError(
            {"text": "The minutes are approved: record it at the group's next meeting"}
        )
    return Decision.objects.create(
        meeting=meeting,
        item=item,
        text=text.strip(),
        decided_on=timezone.localtime(meeting.starts_at).date(),
        recorded_by=actor,
    )


def possible_owners(group: Group) -> list[User]:
    """Who may own a group's action: its chair, its members and their deputies, today."""
    today = timezone.localdate()
    people = {group.chair_id} if group.chair_id else set()
    for member in group.members.all():
        if member.is_member_on(today):
            people |= {member.person_id, *([member.deputy_id] if member.deputy_id else [])}
    return list(User.objects.filter(pk__in=people, is_active=True).order_by("name"))


@transaction.atomic
def action_add(
    *, meeting: Meeting, text: str, owner: User, due_on: datetime.date, actor: User
) -> Action:
    meeting = locked_meeting(meeting)
    require(can_record(actor, meeting.group))
    errors: dict[str, str] = {}
    if not text.strip():
        errors["text"] = "Enter the action"
    if owner not in possible_owners(meeting.group):
        errors["owner"] = "Choose the chair, a member or a deputy of the group"
    if due_on < timezone.localtime(meeting.starts_at).date():
        errors["due_on"] = "The due date must be on or after the meeting"
    if errors:
        raise ValidationError(errors)
    return Action.objects.create(
        meeting=meeting, text=text.strip(), owner=owner, due_on=due_on, recorded_by=actor
    )


def can_change_action(user: User, action: Action) -> bool:
    """Who records an action's progress besides its owner: whoever records the meeting's
    group, or, for a review's action, those who run the region's governance."""
    if action.meeting is not None:
        return can_record(user, action.meeting.group)
    return action.answer is not None and can_run(user, action.answer.review.region)


@transaction.atomic
def action_done(*, action: Action, actor: User) -> Action:
    """Its owner, or whoever records the group's meetings, marks an action done."""
    action = (
        Action.objects.select_for_update(of=("self",))
        .select_related("meeting__group__region", "answer__review__region")
        .get(pk=action.pk)
    )
    require(action.owner_id == actor.pk or can_change_action(actor, action))
    if action.state == ActionState.DONE:
        raise ValidationError("This action is already done")
    action.state, action.done_on = ActionState.DONE, timezone.localdate()
    action.save(update_fields=["state", "done_on"])
    return action
