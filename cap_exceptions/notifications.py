"""Emails about cap exceptions, sent only after the change is committed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings

from accounts.roles import Capability
from accounts.selectors import people_with
from cap_exceptions.models import CapException
from kernel.mail import portal_link, send_each

if TYPE_CHECKING:
    from accounts.models import User

SUBJECTS = {
    "requested": "Cap exception {ref} needs your decision",
    "second_approval": "Cap exception {ref} needs a regional lead's approval",
    "approved": "Cap exception {ref} approved for {la}",
    "refused": "Cap exception {ref} refused",
    "reminder": "Cap exception {ref} expires on {expires}",
}


def _recipients(kind: str, exception: CapException) -> list[str]:
    la = exception.local_authority
    people: Iterable[User]
    if kind == "requested":
        people = people_with(
            Capability.DECIDE_CAP_EXCEPTIONS, local_authority_id=la.pk, region_id=la.region_id
        )
    elif kind == "second_approval":
        people = people_with(Capability.SECOND_APPROVE_CAP_EXCEPTIONS, region_id=la.region_id)
    elif kind == "approved":
        people = [
            *people_with(Capability.RECEIVE_REGION_NOTICES, region_id=la.region_id),
            exception.requested_by,
        ]
    elif kind == "refused":
        people = [exception.requested_by]
    else:  # reminder
        people = people_with(
            Capability.ACT_FOR_LA, local_authority_id=la.pk, region_id=la.region_id
        )
    return sorted({p.email for p in people if p.is_active})


def notify(kind: str, *, exception_id: int) -> None:
    exception = CapException.objects.select_related(
        "local_authority__region", "agency", "requested_by"
    ).get(pk=exception_id)
    to = _recipients(kind, exception)
    if not to:
        return
    context = {
        "kind": kind,
        "exception": exception,
        "link": portal_link(exception.get_absolute_url()),
        "portal_name": settings.PORTAL_NAME,
    }
    subject = SUBJECTS[kind].format(
        ref=exception.reference,
        la=exception.local_authority.name,
        expires=f"{exception.expires_on:%-d %B %Y}",
    )
    send_each(subject=subject, template="cap_exceptions/email/notice", context=context, to=to)
