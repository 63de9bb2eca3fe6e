"""Sign-in lockout (django-axes), keyed on the account and the address together."""

from __future__ import annotations

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone

from accounts.audit import account_event_record
from accounts.models import AccountEventKind, User, sign_in_key
from accounts.permissions import can_change_account


def lockout_username(request: HttpRequest, credentials: dict | None) -> str:
    """The account part of the lockout key: the stored email of the account the address names,
    so no other form of it (case, a look-alike with a dotless i, U+0131) buys more attempts.

    The account is found as sign-in finds it; an address the database matches only
    case-insensitively still counts against that account (it can never sign in to it). An
    address with no account is keyed on its normalised form (NFKC, casefolded)."""
    value = (credentials or {}).get(settings.AXES_USERNAME_FORM_FIELD)
    if value is None:
        value = request.POST.get(settings.AXES_USERNAME_FORM_FIELD, "")
    value = str(value)
    try:
        return User.objects.get_by_natural_key(value).email
    except User.DoesNotExist:
        pass
    look_alike = User.objects.sign_in_candidates(value).values_list("email", flat=True).first()
    return look_alike or sign_in_key(value)


def _recent_attempts(person: User):
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(username=person.email, attempt_time__gte=since)


def is_locked_out(person: User) -> bool:
    return (
        _recent_attempts(person)
        .filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
        .exists()
    )


def failed_sign_in_count(person: User) -> int:
    """Recent failed sign-ins to this account, from every address and with any form of the
    email (attempts are keyed on the stored email)."""
    total = _recent_attempts(person).aggregate(total=Sum("failures_since_start"))["total"]
    return total or 0


def sign_in_unlock(*, request: HttpRequest, person: User, actor: User) -> int:
    """An admin lets a locked-out person try again, from any address."""
    if not can_change_account(actor, person):
        raise PermissionDenied
    cleared = reset(username=person.email)
    account_event_record(kind=AccountEventKind.UNLOCKED, request=request, user=person, actor=actor)
    return cleared
