"""The email outbox (kernel/outbox.py): every email the portal sends is a row first."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone


class OutboxEmail(models.Model):
    """One email to one address, written in the transaction of the change that causes it,
    delivered after commit, and marked sent once (never sent again)."""

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)  # idempotency
    to = models.EmailField(max_length=254)
    from_email = models.CharField(max_length=254)
    reply_to = models.JSONField(default=list, blank=True)
    subject = models.CharField(max_length=255)
    body = models.TextField()
    html = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    request_id = models.CharField(max_length=64, blank=True)  # the request that caused it
    # Delivery
    claimed_at = models.DateTimeField(null=True, blank=True)  # a sender has it
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_try_at = models.DateTimeField(default=timezone.now)
    last_error = models.CharField(max_length=200, blank=True)  # the error's kind, no content

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(
                fields=["next_try_at"],
                condition=Q(sent_at__isnull=True),
                name="outbox_unsent_by_next_try",
            )
        ]

    def __str__(self) -> str:
        return f"Email {self.key} ({'sent' if self.sent_at else 'waiting'})"
