from django.apps import AppConfig


class GovernancePortalConfig(AppConfig):
    """The project package as an app, so its template tags and project-wide commands load."""

    name = "governance_portal"
    verbose_name = "Portal"
