from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from accounts.roles import Capability, Role
from accounts.scope import access_for


def portal(request: HttpRequest) -> dict:
    """The portal's name and the navigation the signed-in person's roles allow."""
    return {
        "portal_name": settings.PORTAL_NAME,
        "navigation": _navigation(request),
        "require_2fa": settings.REQUIRE_2FA,
    }


def _navigation(request: HttpRequest) -> list[dict]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    access = access_for(user)
    items = [
        ("Home", "home", ("home",)),
        ("MOUs", "mou:mou_list", ("mou:mou_", "mou:version_", "mou:part_", "mou:signator")),
        ("MSPs", "msp:msp_list", ("msp:msp_", "msp:contract_", "msp:chain_")),
        ("Agencies", "msp:agency_list", ("msp:agency_", "msp:standing_", "msp:review_")),
        ("Regions", "mou:region_list", ("mou:region_", "msp:escalation_")),
        ("Local authorities", "mou:local_authority_list", ("mou:local_authority_",)),
    ]
    if access.roles() - {Role.OBSERVER}:
        items.insert(1, ("Breaches", "breaches:list", ("breaches:",)))
    if access.roles() & {Role.ADMIN, Role.REGIONAL_LEAD, Role.DCS, Role.OBSERVER}:
        items.insert(1, ("Dashboard", "dashboards:home", ("dashboards:",)))
    if access.roles() & {Role.ADMIN, Role.REGIONAL_LEAD, Role.DCS, Role.LA_WORKFORCE_LEAD}:
        items.insert(
            3 if access.roles() - {Role.OBSERVER} else 2,
            ("Cap exceptions", "cap_exceptions:register", ("cap_exceptions:",)),
        )
    if access.can(Capability.MANAGE_PEOPLE):
        items.append(("People", "accounts:person_list", ("accounts:person_",)))
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match else ""
    return [
        {
            "text": text,
            "href": reverse(url_name),
            "current": any(
                current == p or (p.endswith("_") and current.startswith(p)) for p in prefixes
            ),
        }
        for text, url_name, prefixes in items
    ]
