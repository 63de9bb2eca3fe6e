from django.contrib import admin
from django.contrib.auth.models import Group
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.admin_site import ScopedAdmin
from accounts.models import Membership, User
from accounts.roles import Capability
from accounts.scope import access_for


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["region", "local_authority", "msp"]

    def get_queryset(self, request):
        # A person in scope may also hold roles elsewhere: show only those in the admin's scope.
        scope = access_for(request.user).capability_scope(Capability.MANAGE_PEOPLE)
        return (
            super()
            .get_queryset(request)
            .filter(pk__in=Membership.objects.within(scope).values("pk"))
        )


@admin.register(User)
class UserAdmin(ScopedAdmin):
    list_display = ["name", "email", "is_active", "last_login"]
    list_filter = ["is_active", "memberships__role"]
    search_fields = ["name", "email"]
    fields = ["name", "email", "is_active", "last_login", "date_joined"]
    readonly_fields = ["last_login", "date_joined"]
    inlines = [MembershipInline]

    def scope_queryset(self, request, queryset):
        return queryset.filter(pk__in=User.objects.visible_to(request.user).values("pk"))


@admin.register(Membership)
class MembershipAdmin(ScopedAdmin):
    list_display = ["user", "role", "region", "local_authority", "msp"]
    list_filter = ["role", "region"]
    search_fields = ["user__name", "user__email"]
    list_select_related = ["user", "region", "local_authority", "msp"]
    autocomplete_fields = ["user", "region", "local_authority", "msp"]

    def scope_queryset(self, request, queryset):
        scope = access_for(request.user).capability_scope(Capability.MANAGE_PEOPLE)
        return queryset.filter(pk__in=Membership.objects.within(scope).values("pk"))


# Roles are memberships (accounts/roles.py), not Django groups.
admin.site.unregister(Group)
# Authenticator apps and recovery codes hold secrets and are national rows: they are set up by
# their owner and reset by an admin from the person's page, never edited here.
admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)
