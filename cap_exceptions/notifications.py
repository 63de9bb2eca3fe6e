"""Emails about cap exceptions, written to the outbox with the change and sent once it commits: a table of notices,
each with its subject, its opening sentence and who is told."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings

from accounts.roles import Capability
from accounts.selectors import people_with
from cap_exceptions.models import CapException, EventKind
from kernel.mail import portal_link, send_each

if TYPE_CHECKING:
    from accounts.models import User


def _deciders(exception: CapException) -> Iterable[User]:
    """Whoever decides the request at its stage: the LA's DCS, then (where the MOU version asks)
    the region's second approvers."""
    la = exception.local_authority
    if exception.dcs_approved_at is None:
        return people_with(
            Capability.DECIDE_CAP_EXCEPTIONS, local_authority_id=la.pk, region_id=la.region_id
        )
    return people_with(Capability.SECOND_APPROVE_CAP_EXCEPTIONS, region_id=la.region_id)


def _la(exception: CapException) -> Iterable[User]:
    """The LA's own people: its DCS and workforce leads."""
    la = exception.local_authority
    return people_with(Capability.ACT_FOR_LA, local_authority_id=la.pk, region_id=la.region_id)


def _region(exception: CapException) -> Iterable[User]:
    return people_with(
        Capability.RECEIVE_REGION_NOTICES, region_id=exception.local_authority.region_id
    )


def _region_and_la(exception: CapException) -> Iterable[User]:
    return [*_region(exception), *_la(exception)]


def _requester(exception: CapException) -> Iterable[User]:
    return [exception.requested_by]


@dataclass(frozen=True)
class Notice:
    subject: str
    opening: str
    recipients: Callable[[CapException], Iterable[User]]


# {ref}, {la}, {expires}, {ended}, {renews}, {requester}, {refusal} are filled from the exception.
NOTICES: dict[str, Notice] = {
    "requested": Notice(
        "Cap exception {ref} needs your decision",
        "{requester} has asked for an exception to the price cap for {la}. As the director of "
        "children's services, please approve or refuse it.",
        _deciders,
    ),
    "renewal_requested": Notice(
        "Renewal of cap exception {renews} needs your decision",
        "{requester} has asked to renew cap exception {renews} for {la}, from the day after it "
        "expires. As the director of children's services, please approve or refuse the renewal.",
        _deciders,
    ),
    "second_approval": Notice(
        "Cap exception {ref} needs a regional lead's approval",
        "The DCS of {la} has approved an exception to the price cap. Under the region's MOU a "
        "regional lead must approve it too.",
        _deciders,
    ),
    "approved": Notice(
        "Cap exception {ref} approved for {la}",
        "An exception to the price cap for {la} has been approved and is reported to the region.",
        lambda exception: [*_region(exception), exception.requested_by],
    ),
    "refused": Notice(
        "Cap exception {ref} refused",
        "Your request for an exception to the price cap was refused: {refusal}",
        _requester,
    ),
    "withdrawn": Notice(
        "Cap exception {ref} withdrawn",
        "{la} has withdrawn its request for cap exception {ref}: there is nothing to decide.",
        _deciders,
    ),
    "reminder": Notice(
        "Cap exception {ref} expires on {expires}",
        "An exception to the price cap for {la} expires on {expires}. Check the exit plan is on "
        "track, or ask for a renewal.",
        _la,
    ),
    "expired": Notice(
        "Cap exception {ref} for {la} has expired",
        "An exception to the price cap for {la} expired on {expires}. From now on the "
        "engagement is paid within the cap, or it is a breach.",
        _region_and_la,
    ),
    "ended_early": Notice(
        "Cap exception {ref} for {la} ends early on {ended}",
        "An exception to the price cap for {la} ends early: its last day is {ended}, not "
        "{expires}.",
        _region_and_la,
    ),
}

_APPROVAL_EVENTS = (EventKind.DCS_APPROVED, EventKind.APPROVED)


def _notes(exception: CapException) -> list[tuple[str, str]]:
    """The approvers' notes, the DCS's first, for the approval email."""
    return [
        (str(event.actor), event.note)
        for event in exception.events.filter(kind__in=_APPROVAL_EVENTS)
        .exclude(note="")
        .select_related("actor")
    ]


def notify(kind: str, *, exception_id: int) -> None:
    exception = CapException.objects.select_related(
        "local_authority__region", "agency", "requested_by", "renewal_of"
    ).get(pk=exception_id)
    if kind == "requested" and exception.renewal_of_id:
        kind = "renewal_requested"
    notice = NOTICES[kind]
    to = sorted({p.email for p in notice.recipients(exception) if p.is_active})
    if not to:
        return
    fill = {
        "ref": exception.reference,
        "la": exception.local_authority.name,
        "expires": f"{exception.expires_on:%-d %B %Y}",
        "ended": f"{exception.ended_on:%-d %B %Y}" if exception.ended_on else "",
        "renews": exception.renewal_of.reference if exception.renewal_of else "",
        "requester": str(exception.requested_by),
        "refusal": exception.refusal_reason,
    }
    context = {
        "opening": notice.opening.format(**fill),
        "exception": exception,
        "notes": _notes(exception) if kind == "approved" else [],
        "link": portal_link(exception.get_absolute_url()),
        "portal_name": settings.PORTAL_NAME,
    }
    send_each(
        subject=notice.subject.format(**fill),
        template="cap_exceptions/email/notice",
        context=context,
        to=to,
    )
