"""A meeting's agenda: its items in order, each with a presenter, papers (through the upload
helper), declarations of interest and links to records the portal holds; the open actions of
earlier meetings carried onto it; and when its papers are due.

The links a reader is shown are only those they may open: each record's own `visible_to`
decides, asked once per kind of record for the whole agenda (`linked_records`)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import Capability
from accounts.selectors import people_with
from breaches.models import Breach
from cap_exceptions.models import CapException
from datasharing.models import DataReturn
from governance.models import (
    Action,
    ActionState,
    AgendaItem,
    Declaration,
    Meeting,
    MeetingState,
    Minutes,
    MinutesState,
    Paper,
)
from governance.permissions import can_record, require
from governance.services import locked_meeting, possible_owners
from kernel.uploads import safe_download_name
from msp.models import RelationshipReview

PAPER_KINDS = ["pdf", "docx", "xlsx", "csv"]


@dataclass(frozen=True)
class LinkKind:
    """A kind of record an agenda item may link to: its field, label, how a reader names it
    and the records of a region (`in_region`)."""

    field: str
    label: str
    model: Any  # a model with a `visible_to` queryset

    def in_region(self, region_id: int) -> QuerySet:
        filters = {
            "breach": Q(region_id=region_id),
            "cap_exception": Q(local_authority__region_id=region_id),
            "supplier_review": Q(region_id=region_id),
            "data_return": Q(period__region_id=region_id),
        }
        return self.model.objects.filter(filters[self.field])


LINK_KINDS = (
    LinkKind("breach", "Breach", Breach),
    LinkKind("cap_exception", "Cap exception", CapException),
    LinkKind("supplier_review", "Supplier review", RelationshipReview),
    LinkKind("data_return", "Data return", DataReturn),
)


def record_url(field: str, record) -> str:
    if field == "data_return":
        return reverse("datasharing:detail", args=[record.pk])
    return record.get_absolute_url()


@dataclass(frozen=True)
class Link:
    label: str
    name: str
    url: str


def linked_records(items: Iterable[AgendaItem], user: User) -> dict[int, list[Link]]:
    """Each item's links the reader may open (item id -> links): one query per kind of record
    linked, whatever the number of items."""
    items = list(items)
    links: dict[int, list[Link]] = {item.pk: [] for item in items}
    for kind in LINK_KINDS:
        wanted = {getattr(item, f"{kind.field}_id") for item in items} - {None}
        if not wanted:
            continue
        openable = {r.pk: r for r in kind.model.objects.visible_to(user).filter(pk__in=wanted)}
        for item in items:
            record = openable.get(getattr(item, f"{kind.field}_id"))
            if record is not None:
                links[item.pk].append(Link(kind.label, str(record), record_url(kind.field, record)))
    return links


def possible_presenters(meeting: Meeting) -> list[User]:
    """The chair, members and deputies, and those who run the region's governance."""
    running = people_with(Capability.RUN_GOVERNANCE, region_id=meeting.group.region_id)
    people = {u.pk: u for u in possible_owners(meeting.group)}
    people |= {u.pk: u for u in running.filter(is_active=True)}
    return sorted(people.values(), key=lambda u: (u.name, u.pk))


def _check_links(meeting: Meeting, links: Mapping[str, Any], actor: User) -> dict[str, Any]:
    """The records the item links to, each in the meeting's region and openable by whoever
    adds it (a link is not a way to learn that a record exists)."""
    errors: dict[str, str] = {}
    found: dict[str, Any] = {}
    for kind in LINK_KINDS:
        record = links.get(kind.field)
        if record is None:
            continue
        region_records = kind.in_region(meeting.group.region_id)
        if not kind.model.objects.visible_to(actor).filter(pk=record.pk).exists() or (
            not region_records.filter(pk=record.pk).exists()
        ):
            errors[kind.field] = f"Choose a {kind.label.lower()} of {meeting.group.region.name}"
        found[kind.field] = record
    if errors:
        raise ValidationError(errors)
    return found


@transaction.atomic
def item_add(
    *,
    meeting: Meeting,
    title: str,
    presenter: User | None = None,
    confidential: bool = False,
    links: Mapping[str, Any] | None = None,
    actor: User,
) -> AgendaItem:
    """An item at the end of the agenda."""
    meeting = locked_meeting(meeting)
    require(can_record(actor, meeting.group))
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = "Enter the item's title"
    if presenter is not None and presenter not in possible_presenters(meeting):
        errors["presenter"] = "Choose a member, a deputy, the chair or the region's lead"
    if errors:
        raise ValidationError(errors)
    found = _check_links(meeting, links or {}, actor)
    last = meeting.items.aggregate(last=Max("position"))["last"] or 0
    return AgendaItem.objects.create(
        meeting=meeting,
        position=last + 1,
        title=title.strip(),
        presenter=presenter,
        confidential=confidential,
        **found,
    )


@transaction.atomic
def item_move(*, item: AgendaItem, up: bool, actor: User) -> None:
    """Swap the item with the one before (or after) it."""
    meeting = locked_meeting(item.meeting)
    require(can_record(actor, meeting.group))
    items = list(meeting.items.order_by("position", "pk"))
    at = next(i for i, it in enumerate(items) if it.pk == item.pk)
    other = at - 1 if up else at + 1
    if not 0 <= other < len(items):
        return
    items[at], items[other] = items[other], items[at]
    for position, it in enumerate(items, start=1):
        if it.position != position:
            it.position = position
            it.save(update_fields=["position"])


@transaction.atomic
def item_minute(*, item: AgendaItem, minute: str, actor: User) -> AgendaItem:
    """What was discussed under the item, for the draft minutes."""
    meeting = locked_meeting(item.meeting)
    require(can_record(actor, meeting.group))
    minutes, _ = Minutes.objects.get_or_create(meeting=meeting)
    if minutes.state != MinutesState.DRAFT:
        raise ValidationError("The minutes are approved: they no longer change")
    item.minute = minute.strip()
    item.save(update_fields=["minute"])
    return item


def can_add_paper(user: User, item: AgendaItem) -> bool:
    return item.presenter_id == user.pk or can_record(user, item.meeting.group)


@transaction.atomic
def paper_add(*, item: AgendaItem, upload: UploadedFile, actor: User) -> Paper:
    """A paper for the item (checked by UploadField): its presenter's, or whoever records the
    meeting."""
    require(can_add_paper(actor, item))
    return Paper.objects.create(
        item=item,
        file=upload,
        name=safe_download_name(upload.name, "paper"),
        kind=getattr(upload, "upload_kind", ""),
        added_by=actor,
    )


@transaction.atomic
def declaration_record(
    *, item: AgendaItem, person: User, interest: str, actor: User
) -> Declaration:
    """Someone at the meeting declares an interest in an item."""
    meeting = locked_meeting(item.meeting)
    require(can_record(actor, meeting.group))
    errors: dict[str, str] = {}
    if not interest.strip():
        errors["interest"] = "Enter the interest declared"
    if person not in possible_presenters(meeting):
        errors["person"] = "Choose someone at the meeting"
    if errors:
        raise ValidationError(errors)
    return Declaration.objects.create(
        item=item, person=person, interest=interest.strip(), recorded_by=actor
    )


def carried_actions(meeting: Meeting) -> QuerySet[Action]:
    """The open actions from the group's earlier meetings as they stood on this meeting's day:
    they appear on its agenda by themselves (one done since still shows on an earlier
    meeting's agenda, as it was open then)."""
    day = meeting.day
    return (
        Action.objects.filter(
            meeting__group_id=meeting.group_id, meeting__starts_at__lt=meeting.starts_at
        )
        .filter(Q(state=ActionState.OPEN) | Q(done_on__gte=day))
        .select_related("owner", "meeting")
        .order_by("due_on", "pk")
    )


def papers_missing(items: Iterable[AgendaItem]) -> list[AgendaItem]:
    """Items with a presenter and no papers yet (of items read with their papers)."""
    return [item for item in items if item.presenter_id and not item.papers.all()]


def due_label(meeting: Meeting, today: datetime.date) -> str:
    due = meeting.papers_due_on
    if today > due:
        return f"Papers were due on {due:%-d %B %Y}"
    return f"Papers are due by {due:%-d %B %Y}"


def next_meeting(meeting: Meeting) -> Meeting | None:
    """The group's next meeting that is not cancelled: where its minutes are approved."""
    return (
        Meeting.objects.filter(
            group_id=meeting.group_id,
            starts_at__gt=meeting.starts_at,
            state=MeetingState.SCHEDULED,
        )
        .order_by("starts_at")
        .first()
    )


@transaction.atomic
def minutes_approve(*, meeting: Meeting, actor: User) -> Minutes:
    """The chair approves the minutes at the group's next meeting (once it has begun)."""
    meeting = locked_meeting(meeting)
    require(meeting.group.chair_id == actor.pk)
    minutes, _ = Minutes.objects.get_or_create(meeting=meeting)
    if minutes.state != MinutesState.DRAFT:
        raise ValidationError("These minutes are already approved")
    at = next_meeting(meeting)
    if at is None or at.starts_at > timezone.now():
        raise ValidationError("Minutes are approved at the group's next meeting")
    minutes.state, minutes.approved_by, minutes.approved_at_meeting = (
        MinutesState.APPROVED,
        actor,
        at,
    )
    minutes.save()
    return minutes


@transaction.atomic
def minutes_publish(*, meeting: Meeting, actor: User) -> Minutes:
    """Approved minutes go to the region: readable by the members of its other groups, without
    their confidential items."""
    meeting = locked_meeting(meeting)
    require(can_record(actor, meeting.group))
    minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
    if minutes is None or minutes.state == MinutesState.DRAFT:
        raise ValidationError("The chair approves the minutes before they are published")
    if minutes.state == MinutesState.PUBLISHED:
        raise ValidationError("These minutes are already published")
    minutes.state, minutes.published_on, minutes.published_by = (
        MinutesState.PUBLISHED,
        timezone.localdate(),
        actor,
    )
    minutes.save()
    return minutes
