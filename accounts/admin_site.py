"""Django's admin as a back office for admins only, with the same scoping as the portal's pages.

The everyday work happens in the GOV.UK pages; this site is for occasional corrections.
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from accounts.roles import Capability
from accounts.scope import access_for


class PortalAdminSite(admin.AdminSite):
    site_header = "Agency MOU governance portal: back office"
    site_title = "Back office"
    index_title = "Records"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        verified = user.is_verified() if settings.REQUIRE_2FA else True
        return user.is_active and verified and access_for(user).can(Capability.USE_ADMIN_SITE)

    def admin_view(self, view, cacheable=False):
        """A signed-in person who is not an admin gets 403, not a second sign-in page."""
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied
            return inner(request, *args, **kwargs)

        return guarded

    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        """One sign-in page for the whole portal."""
        return redirect_to_login(
            request.GET.get(REDIRECT_FIELD_NAME, self.index_url()) or "/admin/"
        )

    def index_url(self) -> str:
        from django.urls import reverse

        return reverse("admin:index", current_app=self.name)


class ScopedAdmin(admin.ModelAdmin):
    """Regional admins see only their regions' rows and may only look; national admins may
    change what the model's admin allows."""

    def scope_queryset(self, request: HttpRequest, queryset):
        raise NotImplementedError

    def get_queryset(self, request: HttpRequest):
        return self.scope_queryset(request, super().get_queryset(request))

    def _national(self, request: HttpRequest) -> bool:
        return access_for(request.user).capability_scope(Capability.USE_ADMIN_SITE).national

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.admin_site.has_permission(request)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.admin_site.has_permission(request)

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.admin_site.has_permission(request) and self._national(request)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.admin_site.has_permission(request) and self._national(request)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # records are deactivated or withdrawn in the portal, never deleted here
