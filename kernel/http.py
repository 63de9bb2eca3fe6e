"""The request a signed-in view is given.

Every page needs sign-in (LoginRequiredMiddleware), so a view's ``request.user`` is a
``User``, never ``AnonymousUser``; views that are open (``login_not_required``) take a
plain ``HttpRequest``. The kernel imports no app at run time: ``User`` is named for type
checking only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """An ``HttpRequest`` whose ``user`` is signed in. For annotations only: Django never
    builds one, it hands views the ordinary request."""

    user: User
