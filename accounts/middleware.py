"""Session lifetime and two-factor sign-in, enforced on every request."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

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
