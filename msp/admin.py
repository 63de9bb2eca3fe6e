from django.contrib import admin

from accounts.admin_site import ScopedAdmin
from accounts.scope import access_for
from msp.models import MSP, MSPContract


def _region_scope(request):
    return access_for(request.user).scope


@admin.register(MSP)
class MSPAdmin(ScopedAdmin):
    list_display = ["name"]
    search_fields = ["name"]

    def scope_queryset(self, request, queryset):
        scope = _region_scope(request)
        if scope.national:
            return queryset
        return queryset.filter(pk__in=MSP.objects.operating_in(scope.region_ids).values("pk"))


@admin.register(MSPContract)
class MSPContractAdmin(ScopedAdmin):
    list_display = ["msp", "local_authority", "starts_on", "ends_on"]
    list_filter = ["msp"]
    list_select_related = ["msp", "local_authority"]
    autocomplete_fields = ["msp", "local_authority"]

    def scope_queryset(self, request, queryset):
        scope = _region_scope(request)
        if scope.national:
            return queryset
        return queryset.filter(local_authority__region_id__in=scope.region_ids)
