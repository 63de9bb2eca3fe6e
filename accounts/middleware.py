"""Session lifetime and two-factor sign-in, enforced on every request."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.models import Device

from accounts.models import AccountEventKind

SIGNED_IN_AT = "portal_signed_in_at"
LAST_SEEN_AT = "portal_last_seen_at"
# Writing the session on every request is wasteful; a minute's precision is plenty.
LAST_SEEN_PRECISION = 60


class SessionTimeoutMiddleware:
    """Signs a person out after SESSION_IDLE_TIMEOUT without activity, and after
    SESSION_ABSOLUTE_TIMEOUT however active they are."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            signed_in_at = session.setdefault(SIGNED_IN_AT, now)
            last_seen_at = session.get(LAST_SEEN_AT, now)
            if (
                now - last_seen_at > settings.SESSION_IDLE_TIMEOUT
                or now - signed_in_at > settings.SESSION_ABSOLUTE_TIMEOUT
            ):
                from accounts.audit import account_event_record

                user = request.user
                logout(request)
                account_event_record(
                    kind=AccountEventKind.SESSION_EXPIRED, request=request, user=user
                )
                messages.info(request, "You were signed out because your session expired")
                return redirect(f"{reverse('login')}?next={request.get_full_path()}")
            if now - last_seen_at >= LAST_SEEN_PRECISION or LAST_SEEN_AT not in session:
                session[LAST_SEEN_AT] = now
        return self.get_response(request)


class TwoFactorStateMiddleware:
    """What django-otp's OTPMiddleware does, in its place: `request.user.otp_device` is the
    device the person signed in with (None if they have not used one), and
    `request.user.is_verified()` says whether there is one. django-otp's sign-in
    (`django_otp.login`) keeps the device's persistent id in the session; this checks it is a
    confirmed device of the person's.

    With the shared cache (settings.ROLES_CACHE) the check needs no query: the person's
    confirmed devices are read with their roles (accounts.scope.confirmed_device_ids), and a
    device added, changed or removed gives the person a new stamp (accounts/apps.py), so a
    removed device stops verifying on the very next request. The device itself is loaded only
    if a page asks for it. Without the shared cache the device is read, as django-otp does."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None:
            # A lazy person, as AuthenticationMiddleware sets it.
            request.user = SimpleLazyObject(partial(_with_device, request, user))  # type: ignore[assignment]
        return self.get_response(request)


def _is_verified(user) -> bool:
    return user.otp_device is not None


def _with_device(request: HttpRequest, user):
    user.otp_device = None
    user.is_verified = partial(_is_verified, user)
    persistent_id = request.session.get(DEVICE_ID_SESSION_KEY) if user.is_authenticated else None
    if persistent_id:
        user.otp_device = _session_device(user, str(persistent_id))
        if user.otp_device is None:
            del request.session[DEVICE_ID_SESSION_KEY]
    return user


def _session_device(user, persistent_id: str):
    from accounts.scope import access_for

    confirmed = access_for(user).confirmed_device_ids
    if confirmed is not None:  # read with the person's roles: no query
        if persistent_id not in confirmed:
            return None
        return SimpleLazyObject(partial(Device.from_persistent_id, persistent_id))
    device = Device.from_persistent_id(persistent_id)
    if device is None or device.user_id != user.pk or not device.confirmed:
        return None
    return device


# Pages a signed-in person may reach before finishing two-factor sign-in.
TWO_FACTOR_OPEN_URL_NAMES = frozenset(
    {
        "logout",
        "accounts:two_factor_verify",
        "accounts:two_factor_setup",
        "accounts:recovery_codes",
        "accessibility",
        "healthz",
    }
)


class TwoFactorMiddleware:
    """After their password, a person with a device must enter a code; a person whose role
    requires two-factor sign-in and has no device is taken to set one up."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        match = request.resolver_match
        if match is None or match.view_name in TWO_FACTOR_OPEN_URL_NAMES:
            return None
        if not getattr(view_func, "login_required", True):  # public pages stay public
            return None
        from accounts.two_factor import has_confirmed_device, two_factor_required

        next_part = f"?next={request.get_full_path()}"
        if has_confirmed_device(user):
            return redirect(reverse("accounts:two_factor_verify") + next_part)
        if two_factor_required(user):
            return redirect(reverse("accounts:two_factor_setup") + next_part)
        return None
