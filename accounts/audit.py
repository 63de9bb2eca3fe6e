"""Sign-in events, recorded from Django's and django-axes' signals (connected in apps.py).

Signals are the only hook those libraries give; the receivers only record, they decide nothing.
"""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from accounts.models import AccountEvent, AccountEventKind, User
from kernel.security import client_ip


def account_event_record(
    *,
    kind: str,
    request: HttpRequest | None,
    user: User | None = None,
    email: str = "",
    actor: User | None = None,
) -> AccountEvent:
    """Record a sign-in or two-factor event with the time, the address and the browser."""
    ip = client_ip(request) if request is not None else None
    agent = request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else ""
    if user is not None and not email:
        email = user.email
    return AccountEvent.objects.create(
        user=user, email=email[:254], kind=kind, ip_address=ip, user_agent=agent, actor=actor
    )


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs) -> None:
    account_event_record(kind=AccountEventKind.SIGNED_IN, request=request, user=user)


@receiver(user_logged_out)
def _signed_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        account_event_record(kind=AccountEventKind.SIGNED_OUT, request=request, user=user)


@receiver(user_login_failed)
def _sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    email = str(credentials.get("username") or "")
    user = User.objects.filter(email__iexact=email.strip()).first() if email else None
    account_event_record(
        kind=AccountEventKind.SIGN_IN_FAILED, request=request, user=user, email=email
    )


def _locked_out(sender, request, username, ip_address, **kwargs) -> None:
    user = User.objects.filter(email__iexact=(username or "").strip()).first()
    account_event_record(
        kind=AccountEventKind.LOCKED_OUT, request=request, user=user, email=username or ""
    )


def connect() -> None:
    from axes.signals import user_locked_out

    user_locked_out.connect(_locked_out, dispatch_uid="accounts.audit.locked_out")
