from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse


def portal(request: HttpRequest) -> dict:
    """The portal's name and the navigation the signed-in person's roles allow."""
    return {
        "portal_name": settings.PORTAL_NAME,
        "navigation": _navigation(request),
        "require_2fa": settings.REQUIRE_2FA,
    }


def _navigation(request: HttpRequest) -> list[dict]:
    """Each app says whether its pages are the person's to open; shown only when they are."""
    from accounts.permissions import can_manage_people
    from breaches.permissions import can_open_breach_list
    from cap_exceptions.permissions import can_use_register
    from dashboards.permissions import has_dashboard
    from datasharing.permissions import can_use_returns
    from governance.permissions import can_use_governance

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    everyone = True
    candidates = [
        ("Home", "home", ("home",), everyone),
        ("Dashboard", "dashboards:home", ("dashboards:",), has_dashboard(user)),
        ("Breaches", "breaches:list", ("breaches:",), can_open_breach_list(user)),
        (
            "Cap exceptions",
            "cap_exceptions:register",
            ("cap_exceptions:",),
            can_use_register(user),
        ),
        ("Data returns", "datasharing:home", ("datasharing:",), can_use_returns(user)),
        ("Governance", "governance:home", ("governance:",), can_use_governance(user)),
        (
            "MOUs",
            "mou:mou_list",
            ("mou:mou_", "mou:version_", "mou:part_", "mou:signator"),
            everyone,
        ),
        ("MSPs", "msp:msp_list", ("msp:msp_", "msp:contract_", "msp:chain_"), everyone),
        (
            "Agencies",
            "msp:agency_list",
            ("msp:agency_", "msp:standing_", "msp:review_"),
            everyone,
        ),
        ("Regions", "mou:region_list", ("mou:region_", "msp:escalation_"), everyone),
        ("Local authorities", "mou:local_authority_list", ("mou:local_authority_",), everyone),
        ("People", "accounts:person_list", ("accounts:person_",), can_manage_people(user)),
    ]
    items = [(text, url, prefixes) for text, url, prefixes, shown in candidates if shown]
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
