from django.contrib import admin

from accounts.admin_site import ScopedAdmin
from mou.models import MOU, LocalAuthority, MOUVersion, Region, Signatory


@admin.register(Region)
class RegionAdmin(ScopedAdmin):
    list_display = ["name", "code", "riia_name"]
    search_fields = ["name", "code", "riia_name"]

    def scope_queryset(self, request, queryset):
        return queryset.filter(pk__in=Region.objects.visible_to(request.user).values("pk"))


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(ScopedAdmin):
    list_display = ["name", "la_code", "ons_code", "region"]
    list_filter = ["region"]
    search_fields = ["name", "la_code", "ons_code"]
    list_select_related = ["region"]

    def scope_queryset(self, request, queryset):
        visible = LocalAuthority.objects.visible_to(request.user)
        return queryset.filter(pk__in=visible.values("pk"))


@admin.register(MOU)
class MOUAdmin(ScopedAdmin):
    list_display = ["title", "region"]
    list_select_related = ["region"]

    def scope_queryset(self, request, queryset):
        return queryset.filter(pk__in=MOU.objects.visible_to(request.user).values("pk"))


@admin.register(MOUVersion)
class MOUVersionAdmin(ScopedAdmin):
    list_display = ["mou", "label", "status", "effective_from", "effective_to"]
    list_filter = ["status", "mou__region"]
    list_select_related = ["mou"]
    exclude = ["document"]

    def scope_queryset(self, request, queryset):
        return queryset.filter(mou__in=MOU.objects.visible_to(request.user))


@admin.register(Signatory)
class SignatoryAdmin(ScopedAdmin):
    list_display = ["local_authority", "version", "status", "signed_on"]
    list_filter = ["status", "version__mou__region"]
    list_select_related = ["local_authority", "version__mou"]
    exclude = ["evidence"]

    def scope_queryset(self, request, queryset):
        return queryset.filter(version__mou__in=MOU.objects.visible_to(request.user))
