"""Emails about breaches, written to the outbox with the change and sent once it commits."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from accounts.roles import Capability
from accounts.selectors import people_with
from breaches.models import Breach, BreachParty, EventKind, party_reached_by_msp
from breaches.permissions import RESPONSIBLE_CAPABILITY
from kernel.mail import portal_link, send_each

if TYPE_CHECKING:
    from accounts.models import User

SUBJECTS = {
    "logged": "Breach {ref} logged: {type}",
    "accepted": "Breach {ref} accepted for review",
    "reply_requested": "Breach {ref}: a reply is needed by {reply_due}",
    "replied": "Breach {ref}: reply received",
    "escalated": "Breach {ref} escalated to {level}",
    "resolved": "Breach {ref} resolved",
    "reminder": "Reminder: breach {ref} is due on {due}",
    "overdue": "Breach {ref} is overdue at the top level",
}
MESSAGES = {
    "logged": "A breach of the {region} MOU has been logged by {reporter}.",
    "accepted": "The regional leads have accepted breach {ref} for review.",
    "reply_requested": "{party} is asked to reply to breach {ref} by {reply_due}.",
    "replied": "A reply to breach {ref} has been received; the review continues.",
    "escalated": "Breach {ref} is now at level {level}.",
    "resolved": "Breach {ref} has been resolved: {outcome}.",
    "reminder": "Breach {ref} is due on {due}.",
    "overdue": "Breach {ref} is overdue at the top of the escalation ladder.",
}


def recipients(kind: str, breach: Breach) -> list[str]:
    """The reporter, the region's regional leads, the people responsible at the level, an LA
    asked to reply, and the contacts of each MSP that answers for a party
    (`party_reached_by_msp`: a contract in the region and the agency in its chain on the day)."""
    from msp.models import ChainMembership

    people = [
        breach.reported_by,
        *people_with(Capability.RECEIVE_REGION_NOTICES, region_id=breach.region_id),
    ]
    parties = list(breach.parties.all())
    people += responsible_people(breach, parties)
    if (
        kind == "reply_requested"
        and breach.awaiting_party
        and breach.awaiting_party.local_authority_id
    ):
        la_id = breach.awaiting_party.local_authority_id
        people += people_with(
            Capability.ACT_FOR_LA, local_authority_id=la_id, region_id=breach.region_id
        )
    candidates = {p.msp_id for p in parties if p.msp_id} | set(
        ChainMembership.objects.filter(
            agency_id__in=[p.agency_id for p in parties if p.agency_id]
        ).values_list("msp_id", flat=True)
    )
    for msp_id in sorted(candidates):
        if breach.parties.filter(party_reached_by_msp(msp_id)).exists():
            people += people_with(Capability.ACT_FOR_MSP, msp_id=msp_id)
    return sorted({p.email for p in people if p.is_active})


def responsible_people(breach: Breach, parties: Iterable[BreachParty]) -> list[User]:
    """The people responsible at the breach's current level."""
    from mou.models import Responsible

    level = breach.level
    if level is None or level.responsible == Responsible.REGIONAL_LEADS:
        return []  # the region's leads are told of every step already
    capability = RESPONSIBLE_CAPABILITY[Responsible(level.responsible)]
    if level.responsible == Responsible.LA_DCS:
        people: list[User] = []
        for la_id in [p.local_authority_id for p in parties if p.local_authority_id]:
            people += people_with(capability, local_authority_id=la_id)
        return people
    return list(people_with(capability, region_id=breach.region_id))


def notify(kind: str, *, breach_id: int) -> None:
    breach = Breach.objects.select_related(
        "region", "reported_by", "rule", "level", "awaiting_party"
    ).get(pk=breach_id)
    to = recipients(kind, breach)
    if not to:
        return
    words = {
        "ref": breach.reference,
        "type": breach.get_breach_type_display().lower(),
        "region": breach.region.name,
        "reporter": breach.reported_by,
        "party": breach.awaiting_party or "A party",
        "reply_due": f"{breach.reply_due_on:%-d %B %Y}" if breach.reply_due_on else "",
        "level": f"level {breach.level.order}: {breach.level.name}" if breach.level else "",
        "outcome": breach.get_outcome_display().lower() if breach.outcome else "",
        "due": f"{breach.due_on:%-d %B %Y}" if breach.due_on else "",
    }
    context = {
        "kind": kind,
        "breach": breach,
        "message": MESSAGES[kind].format(**words),
        "question": _question_asked(breach) if kind == "reply_requested" else "",
        "link": portal_link(breach.get_absolute_url()),
    }
    send_each(
        subject=SUBJECTS[kind].format(**words),
        template="breaches/email/notice",
        context=context,
        to=to,
    )


def _question_asked(breach: Breach) -> str:
    """What the party was asked, as the request for a reply put it."""
    event = (
        breach.events.filter(kind=EventKind.REPLY_REQUESTED).order_by("-created_at", "-pk").first()
    )
    return event.note if event is not None else ""
