"""The email outbox: every email the portal sends is first a row (`OutboxEmail`), one per
address, written in the same transaction as the change that causes it, so a change that rolls
back sends nothing and one that commits loses nothing. After commit the rows are queued for a
Celery worker (kernel/tasks.py; in the process when no broker is configured), which delivers
them through OUTBOX_DELIVERY_BACKEND (SMTP, GOV.UK Notify, the console). A row is claimed
before it is sent and marked sent after, so it is never sent twice by two senders. A failed
delivery waits and is retried with backoff (1, 2, 4 ... up to 60 minutes) by `send_outbox`
(beat runs it every minute), which also sends any row left unsent: a crash after commit, or a
broker that was down when the change committed.

A crash between the mail server accepting a message and its row being marked sent can send it
twice: docs/operations.md says so.

`EMAIL_BACKEND = "kernel.outbox.OutboxBackend"` puts every path through it, Django's own
password reset included."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kernel.logs import request_id
from kernel.models import OutboxEmail

logger = logging.getLogger(__name__)
CLAIM_EXPIRES = datetime.timedelta(minutes=10)  # a sender that died lets go after this
MAX_BACKOFF_MINUTES = 60


class OutboxBackend(BaseEmailBackend):
    """Writes each message as rows, delivered after commit."""

    def send_messages(self, email_messages) -> int:
        ids: list[int] = []
        for message in email_messages:
            if message.attachments:
                raise ValueError("The portal's emails carry no attachments (GOV.UK Notify)")
            html = next(
                (
                    content
                    for content, mimetype in getattr(message, "alternatives", [])
                    if mimetype == "text/html"
                ),
                "",
            )
            for address in message.recipients():
                row = OutboxEmail.objects.create(
                    to=address,
                    from_email=message.from_email or settings.DEFAULT_FROM_EMAIL,
                    reply_to=list(message.reply_to),
                    subject=str(message.subject)[:255],
                    body=str(message.body),
                    html=str(html),
                    request_id=request_id.get(),
                )
                ids.append(row.pk)
        if ids:
            transaction.on_commit(partial(queue, ids), robust=True)
        return len(email_messages)


def queue(ids: list[int]) -> None:
    """Hand the rows to a worker. If the broker cannot take them they wait: `send_outbox`
    sends them within the minute, so the change that wrote them never fails for it."""
    from kernel.tasks import send_emails

    try:
        send_emails.apply_async(args=[ids], retry=False)
    except Exception as error:  # the broker down or refusing: nothing is lost
        logger.warning(
            "%s emails wait for send_outbox: the broker did not take them (%s)",
            len(ids),
            type(error).__name__,
            extra={"task": "outbox"},
        )


def _message(row: OutboxEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=row.subject,
        body=row.body,
        from_email=row.from_email,
        to=[row.to],
        reply_to=row.reply_to or None,
    )
    if row.html:
        message.attach_alternative(row.html, "text/html")
    return message


def _claim(row_id: int, now: datetime.datetime) -> bool:
    return bool(
        OutboxEmail.objects.filter(pk=row_id, sent_at__isnull=True)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_EXPIRES))
        .update(claimed_at=now)
    )


def deliver(ids: Iterable[int] | None = None) -> int:
    """Send the rows given (or every row due), each at most once. Returns how many were sent."""
    now = timezone.now()
    rows = OutboxEmail.objects.filter(sent_at__isnull=True)
    rows = rows.filter(pk__in=list(ids)) if ids is not None else rows.filter(next_try_at__lte=now)
    sent = 0
    connection = get_connection(settings.OUTBOX_DELIVERY_BACKEND)
    for row in rows.order_by("pk"):
        if not _claim(row.pk, now):
            continue  # another sender has it, or it went already
        try:
            connection.send_messages([_message(row)])
        except Exception as error:  # any failure of the mail service: the row waits
            attempts = row.attempts + 1
            OutboxEmail.objects.filter(pk=row.pk).update(
                claimed_at=None,
                attempts=attempts,
                next_try_at=now
                + datetime.timedelta(minutes=min(2 ** (attempts - 1), MAX_BACKOFF_MINUTES)),
                last_error=type(error).__name__[:200],
            )
            logger.warning(
                "Email %s not sent (attempt %s): %s",
                row.key,
                attempts,
                type(error).__name__,
                extra={"task": "outbox"},
            )
            continue
        OutboxEmail.objects.filter(pk=row.pk).update(sent_at=timezone.now(), claimed_at=None)
        sent += 1
    return sent
