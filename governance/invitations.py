"""Emails inviting a group's people to its meetings: sent when a meeting is scheduled, moved or
cancelled, to its chair, members and deputies on the day. GOV.UK Notify sends no attachments,
so each email links to the meeting's invitation (`invitation.ics`), which a calendar updates
(a moved meeting keeps its UID with a higher SEQUENCE) or cancels (METHOD CANCEL)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from governance.models import Meeting
from governance.quorum import members_at
from kernel.mail import portal_link, send_each

SUBJECTS = {
    "scheduled": "{group}: meeting on {day}",
    "moved": "{group}: meeting moved to {day}",
    "cancelled": "{group}: meeting on {day} cancelled",
}


def recipients(meeting: Meeting) -> list[str]:
    group = meeting.group
    members = members_at(meeting, list(group.members.select_related("person", "deputy")))
    people = [group.chair] if group.chair else []
    for member in members:
        people += [member.person, *([member.deputy] if member.deputy else [])]
    return sorted({p.email for p in people if p is not None and p.is_active})


def send(meeting_id: int, change: str) -> int:
    """Email the meeting's invitation (to the outbox, with the change; sent once it commits)."""
    meeting = Meeting.objects.select_related("group__chair").get(pk=meeting_id)
    day = f"{meeting.starts_at:%-d %B %Y}"
    return send_each(
        subject=SUBJECTS[change].format(group=meeting.group.name, day=day),
        template="governance/email/invitation",
        context={
            "meeting": meeting,
            "change": change,
            "page": portal_link(reverse("governance:meeting", args=[meeting.pk])),
            "ics": portal_link(reverse("governance:meeting_invitation", args=[meeting.pk])),
            "portal_name": settings.PORTAL_NAME,
        },
        to=recipients(meeting),
    )
