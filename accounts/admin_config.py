from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    """Django's admin, on the portal's own admin site (admins only, scoped)."""

    default_site = "accounts.admin_site.PortalAdminSite"
