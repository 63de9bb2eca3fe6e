"""Reminders about data returns, from `manage.py remind_data_returns` (daily): to the LA's
workforce leads and DCS 5 working days before the due date, on it, and once when late, for a
return not yet authorised; and one summary of those LAs to the region's leads. Each is claimed
by inserting its ReturnReminder row, so running twice, or twice at once, sends nothing twice."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.roles import Capability
from accounts.selectors import people_with
from datasharing import selectors
from datasharing.models import (
    ReminderKind,
    ReturnPeriod,
    ReturnReminder,
    ReturnState,
)
from kernel.mail import portal_link, send_each
from kernel.working_days import add_working_days

SOON_WORKING_DAYS = 5

OPENINGS = {
    ReminderKind.DUE_SOON: "{la}'s data return for {period} is due on {due}.",
    ReminderKind.DUE_TODAY: "{la}'s data return for {period} is due today, {due}.",
    ReminderKind.LATE: "{la}'s data return for {period} was due on {due} and is late.",
}
SUBJECTS = {
    ReminderKind.DUE_SOON: "Data return for {period} due on {due}",
    ReminderKind.DUE_TODAY: "Data return for {period} due today",
    ReminderKind.LATE: "Data return for {period} is late",
}


def kind_on(period: ReturnPeriod, day: datetime.date) -> ReminderKind | None:
    """Which reminder a day calls for: from 5 working days before the due date, "due soon"; on
    it, "due today"; after it (while the period is open or closed), "late"."""
    if day > period.due_on:
        return ReminderKind.LATE
    if day == period.due_on:
        return ReminderKind.DUE_TODAY
    if day >= add_working_days(period.due_on, -SOON_WORKING_DAYS) and day >= period.opens_on:
        return ReminderKind.DUE_SOON
    return None


@dataclass
class ReminderRun:
    reminded: list[str] = field(default_factory=list)  # "LDN 2026-Q3 Camden: due soon"
    summaries: list[str] = field(default_factory=list)


def _claim(period: ReturnPeriod, kind: str, day: datetime.date, la_id: int | None) -> bool:
    try:
        with transaction.atomic():
            ReturnReminder.objects.create(
                period=period, local_authority_id=la_id, kind=kind, sent_on=day
            )
    except IntegrityError:
        return False
    return True


def _send(*, subject: str, opening: str, to: list[str], lines: list[str], link: str) -> None:
    send_each(
        subject=subject,
        template="datasharing/email/reminder",
        context={
            "opening": opening,
            "lines": lines,
            "link": link,
            "portal_name": settings.PORTAL_NAME,
        },
        to=to,
    )


def returns_remind(*, as_of: datetime.date, dry_run: bool = False) -> ReminderRun:
    run = ReminderRun()
    periods = ReturnPeriod.objects.filter(
        opens_on__lte=as_of, due_on__gte=add_working_days(as_of, -60)
    ).select_related("region")
    for period in periods:
        kind = kind_on(period, as_of)
        if kind is None:
            continue
        words = {
            "period": period.label,
            "due": f"{period.due_on:%-d %B %Y}",
        }
        outstanding = [
            row
            for row in selectors.tracker(period, today=as_of)
            if row.state != ReturnState.AUTHORISED
        ]
        for row in outstanding:
            la = row.local_authority
            label = f"{period.region.code} {period.code} {la.name}: {kind.label.lower()}"
            if dry_run:
                run.reminded.append(label)
                continue
            if not _claim(period, kind, as_of, la.pk):
                continue
            people = people_with(
                Capability.ACT_FOR_LA, local_authority_id=la.pk, region_id=la.region_id
            )
            link = portal_link(
                reverse("datasharing:detail", args=[row.data_return.pk])
                if row.data_return
                else reverse("datasharing:home")
            )
            _send(
                subject=SUBJECTS[kind].format(**words),
                opening=OPENINGS[kind].format(la=la.name, **words),
                to=sorted({p.email for p in people if p.is_active}),
                lines=[f"Its state: {ReturnState(row.state).label.lower()}."],
                link=link,
            )
            run.reminded.append(label)
        if not outstanding:
            continue
        label = f"{period.region.code} {period.code}: {len(outstanding)} not yet authorised"
        if dry_run:
            run.summaries.append(label)
            continue
        if not _claim(period, kind, as_of, None):
            continue
        leads = people_with(Capability.RECEIVE_REGION_NOTICES, region_id=period.region_id)
        lines = [
            f"{row.local_authority.name}: {ReturnState(row.state).label.lower()}"
            for row in outstanding
        ]
        _send(
            subject=SUBJECTS[kind].format(**words),
            opening=f"{len(lines)} of {period.region.name}'s local authorities have not had "
            f"their return for {period.label} authorised (due {words['due']}).",
            to=sorted({p.email for p in leads if p.is_active}),
            lines=lines,
            link=portal_link(reverse("datasharing:tracker", args=[period.pk])),
        )
        run.summaries.append(label)
    return run
