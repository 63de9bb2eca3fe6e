"""Sending the outbox's emails from a Celery worker (kernel/outbox.py decides what is sent)."""

from __future__ import annotations

from celery import shared_task

from kernel.outbox import deliver


@shared_task(name="kernel.tasks.send_emails", ignore_result=True)
def send_emails(ids: list[int]) -> int:
    """Send these outbox rows (queued when the change that wrote them committed)."""
    return deliver(ids)
