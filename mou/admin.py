from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin_site import ScopedAdmin
from mou.models import LocalAuthority, Region


@admin.register(Region)
class RegionAdmin(ScopedAdmin, SimpleHistoryAdmin):
    list_display = ["name", "code", "riia_name"]
    search_fields = ["name", "code", "riia_name"]

    def scope_queryset(self, request, queryset):
        return queryset.filter(pk__in=Region.objects.visible_to(request.user).values("pk"))


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(ScopedAdmin, SimpleHistoryAdmin):
    list_display = ["name", "la_code", "ons_code", "region"]
    list_filter = ["region"]
    search_fields = ["name", "la_code", "ons_code"]
    list_select_related = ["region"]

    def scope_queryset(self, request, queryset):
        visible = LocalAuthority.objects.visible_to(request.user)
        return queryset.filter(pk__in=visible.values("pk"))
