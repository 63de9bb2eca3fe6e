"""Reminders to presenters whose papers are missing, from `manage.py remind_meeting_papers`
(daily): from GOVERNANCE_PAPERS_REMINDER_DAYS before a meeting's papers are due until they
are, once per item (claimed by setting `AgendaItem.papers_reminded_on`, so running twice, or
twice at once, sends nothing twice)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from governance.models import AgendaItem, MeetingState
from kernel.mail import portal_link, send_each


def papers_remind(*, as_of: datetime.date, dry_run: bool = False) -> list[str]:
    """Remind the presenters of items without papers whose meeting's papers fall due within
    the reminder window. Returns what was (or would be) sent, as "item, meeting"."""
    clear = settings.GOVERNANCE_PAPERS_CLEAR_DAYS
    ahead = settings.GOVERNANCE_PAPERS_REMINDER_DAYS
    # papers due on day D for a meeting on D + clear + 1; remind from D - ahead to D
    first_day = as_of + datetime.timedelta(days=clear + 1)
    last_day = first_day + datetime.timedelta(days=ahead)
    tz = timezone.get_current_timezone()
    candidates = (
        AgendaItem.objects.filter(
            meeting__state=MeetingState.SCHEDULED,
            meeting__starts_at__gte=datetime.datetime.combine(first_day, datetime.time.min, tz),
            meeting__starts_at__lt=datetime.datetime.combine(
                last_day + datetime.timedelta(days=1), datetime.time.min, tz
            ),
            presenter__isnull=False,
            presenter__is_active=True,
            papers__isnull=True,
            papers_reminded_on__isnull=True,
        )
        .select_related("presenter", "meeting__group")
        .order_by("meeting__starts_at", "position", "pk")
    )
    sent = []
    for item in candidates:
        label = f"{item.title}, {item.meeting}"
        if dry_run:
            sent.append(label)
            continue
        with transaction.atomic():
            claimed = AgendaItem.objects.filter(pk=item.pk, papers_reminded_on__isnull=True).update(
                papers_reminded_on=as_of
            )
            if not claimed:
                continue
            _send(item)
        sent.append(label)
    return sent


def _send(item: AgendaItem) -> None:
    meeting, presenter = item.meeting, item.presenter
    if presenter is None:
        return
    send_each(
        subject=f"Papers for {meeting.group.name} due on {meeting.papers_due_on:%-d %B %Y}",
        template="governance/email/papers_reminder",
        context={
            "item": item,
            "meeting": meeting,
            "due": meeting.papers_due_on,
            "link": portal_link(reverse("governance:paper_new", args=[meeting.pk, item.pk])),
            "portal_name": settings.PORTAL_NAME,
        },
        to=[presenter.email],
    )
