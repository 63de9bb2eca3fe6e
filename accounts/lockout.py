"""Sign-in lockout (django-axes), keyed on the account and the address together."""

from __future__ import annotations

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone

from accounts.audit import account_event_record
from accounts.models import AccountEventKind, User
from accounts.permissions import can_change_account


def lockout_username(request: HttpRequest, credentials: dict | None) -> str:
    """The account part of the lockout key, normalised like sign-in itself, so changing the case
    of an email address does not buy more attempts."""
    value = (credentials or {}).get(settings.AXES_USERNAME_FORM_FIELD)
    if value is None:
        value = request.POST.get(settings.AXES_USERNAME_FORM_FIELD, "")
    return User.objects.normalize_email(str(value))


def is_locked_out(person: User) -> bool:
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(
        username=person.email,
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
        attempt_time__gte=since,
    ).exists()


def sign_in_unlock(*, request: HttpRequest, person: User, actor: User) -> int:
    """An admin lets a locked-out person try again, from any address."""
    if not can_change_account(actor, person):
        raise PermissionDenied
    cleared = reset(username=person.email)
    account_event_record(kind=AccountEventKind.UNLOCKED, request=request, user=person, actor=actor)
    return cleared
