"""Django's admin as a back office for admins only, with the same scoping as the portal's pages.

The everyday work happens in the GOV.UK pages; this site is for occasional corrections.
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path

from accounts.roles import Capability
from accounts.scope import access_for


class PortalAdminSite(admin.AdminSite):
    site_header = "Agency MOU governance portal: back office"
    site_title = "Back office"
    index_title = "Records"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        if not user.is_authenticated:
            return False
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

    def get_urls(self) -> list[URLPattern | URLResolver]:
        """Django's "view on site" link redirects to any object's page, whatever the person's
        scope (a breach's reference included); here it answers only for rows the model's admin
        would show the person."""
        urls = super().get_urls()
        for index, pattern in enumerate(urls):
            if getattr(pattern, "name", None) == "view_on_site":
                urls[index] = path(
                    "r/<int:content_type_id>/<path:object_id>/",
                    self.admin_view(self.scoped_view_on_site),
                    name="view_on_site",
                )
        return urls

    def scoped_view_on_site(
        self, request: HttpRequest, content_type_id: int, object_id: str
    ) -> HttpResponse:
        content_type = ContentType.objects.filter(pk=content_type_id).first()
        model = content_type.model_class() if content_type else None
        if model is None or not self.is_registered(model):
            raise Http404
        try:
            visible = self.get_model_admin(model).get_queryset(request).filter(pk=object_id)
            found = visible.exists()
        except (ValueError, ValidationError):
            found = False
        if not found:
            raise Http404
        return shortcut(request, content_type_id, object_id)


class ScopedAdmin(admin.ModelAdmin):
    """Regional admins see only their regions' rows and may only look; national admins may
    change what the model's admin allows.

    Every URL of an object outside the person's scope answers 404 (change, delete, history):
    the object is looked up in the scoped queryset only. Change history is shown on the
    portal's own pages, not here: django-simple-history's admin pages fall back to history rows
    outside this queryset and save without asking for change permission (docs/security.md).
    """

    view_on_site = False

    def scope_queryset(self, request: HttpRequest, queryset):
        raise NotImplementedError

    def get_queryset(self, request: HttpRequest):
        return self.scope_queryset(request, super().get_queryset(request))

    def get_urls(self) -> list[URLPattern]:
        """Django's unnamed catch-all (`<id>/` redirecting to `<id>/change/`) is left out, so
        any path under an object that is not one of the named views answers 404."""
        return [pattern for pattern in super().get_urls() if pattern.name]

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None):
        """404, not Django's redirect with "does not exist", for a row outside the scope."""
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    def _national(self, request: HttpRequest) -> bool:
        user = request.user
        if not user.is_authenticated:  # the site lets no one else in (has_permission)
            return False
        return access_for(user).capability_scope(Capability.USE_ADMIN_SITE).national

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
