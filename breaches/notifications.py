"""Emails about breaches, sent only after the change is committed."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from accounts.roles import Role
from accounts.selectors import people_holding
from breaches.models import Breach

SUBJECTS = {"logged": "Breach {ref} logged: {type}"}


def recipients(kind: str, breach: Breach) -> list[str]:
    """The reporter, the region's regional leads, and the MSP contacts of an MSP that is a party
    or whose chain holds an agency that is a party."""
    from msp.models import ChainMembership

    people = [breach.reported_by, *people_holding(Role.REGIONAL_LEAD, region_id=breach.region_id)]
    parties = list(breach.parties.all())
    msp_ids = {p.msp_id for p in parties if p.msp_id}
    agency_ids = {p.agency_id for p in parties if p.agency_id}
    msp_ids |= set(
        ChainMembership.objects.current()
        .filter(agency_id__in=agency_ids)
        .values_list("msp_id", flat=True)
    )
    for msp_id in msp_ids:
        people += list(people_holding(Role.MSP_CONTACT).filter(memberships__msp_id=msp_id))
    return sorted({p.email for p in people if p.is_active})


def notify(kind: str, *, breach_id: int) -> None:
    breach = Breach.objects.select_related("region", "reported_by", "rule").get(pk=breach_id)
    to = recipients(kind, breach)
    if not to:
        return
    context = {
        "kind": kind,
        "breach": breach,
        "link": settings.PORTAL_BASE_URL.rstrip("/") + breach.get_absolute_url(),
    }
    message = EmailMultiAlternatives(
        subject=SUBJECTS[kind].format(
            ref=breach.reference, type=breach.get_breach_type_display().lower()
        ),
        body=render_to_string("breaches/email/notice.txt", context),
        to=to,
    )
    message.attach_alternative(render_to_string("breaches/email/notice.html", context), "text/html")
    message.send()
