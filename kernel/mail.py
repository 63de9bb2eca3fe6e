"""Emails from the portal: each recipient gets a message of their own, so nobody sees who else
was told (people of other organisations among them), and every link is built from
PORTAL_BASE_URL, never from a request's Host header: emails are also sent by commands."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string


def portal_link(path: str) -> str:
    """An absolute address of a portal page, for an email."""
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def send_each(
    *,
    subject: str,
    template: str,
    context: dict[str, Any],
    to: Iterable[str],
    reply_to: Iterable[str] = (),
) -> int:
    """Send `template`.txt and `template`.html to each address on its own, over one connection
    (replies to `reply_to` when given). Returns the number of messages sent."""
    body = render_to_string(f"{template}.txt", context)
    html = render_to_string(f"{template}.html", context)
    messages = []
    for address in sorted(set(to)):
        message = EmailMultiAlternatives(
            subject=subject, body=body, to=[address], reply_to=list(reply_to)
        )
        message.attach_alternative(html, "text/html")
        messages.append(message)
    if not messages:
        return 0
    return get_connection().send_messages(messages) or 0
