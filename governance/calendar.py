"""Meetings as iCalendar (RFC 5545), with the icalendar library: a meeting's invitation
(REQUEST; CANCEL once cancelled), whose UID stays and whose SEQUENCE counts the moves, so a
calendar updates the event it holds; and a person's feed (PUBLISH) listing only titles, times
and places."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from governance.models import Meeting, MeetingState

PRODID = "-//Agency MOU Governance Portal//Governance meetings//EN"


def _calendar(method: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    return calendar


def _event(meeting: Meeting, *, now: datetime.datetime, full: bool) -> Event:
    event = Event()
    event.add("uid", f"{meeting.uid}@{settings.PORTAL_CALENDAR_DOMAIN}")
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", now)
    event.add("dtstart", meeting.starts_at.astimezone(datetime.UTC))
    event.add("dtend", meeting.ends_at.astimezone(datetime.UTC))
    event.add("summary", f"{meeting.group.name} meeting")
    if meeting.place:
        event.add("location", meeting.place)
    cancelled = meeting.state == MeetingState.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if full and meeting.online_link:
        event.add("url", meeting.online_link)
    return event


def invitation(meeting: Meeting) -> bytes:
    """The meeting's invitation: a calendar that adds it, updates it (a higher SEQUENCE) or,
    once cancelled, removes it."""
    cancelled = meeting.state == MeetingState.CANCELLED
    calendar = _calendar("CANCEL" if cancelled else "REQUEST")
    calendar.add_component(_event(meeting, now=timezone.now(), full=True))
    return calendar.to_ical()


def feed(meetings: Iterable[Meeting]) -> bytes:
    """A feed of meetings: titles, times and places only (the address is secret but a feed
    may be shared with a calendar service)."""
    calendar = _calendar("PUBLISH")
    calendar.add("x-wr-calname", "Governance meetings")
    now = timezone.now()
    for meeting in meetings:
        calendar.add_component(_event(meeting, now=now, full=False))
    return calendar.to_ical()
