from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse


def portal(request: HttpRequest) -> dict:
    """The portal's name and the navigation the signed-in person's roles allow."""
    navigation = _navigation(request)
    return {
        "portal_name": settings.PORTAL_NAME,
        "navigation": navigation,
        "navigation_html": _navigation_html(
            tuple((item["text"], item["href"], item["current"]) for item in navigation)
        ),
        "require_2fa": settings.REQUIRE_2FA,
        "header_links": header_links(),
    }


# The header's links (templates/components/header.html), by the name the template uses.
HEADER_LINKS = {
    "home": "home",
    "search": "search",
    "account": "accounts:account",
    "logout": "logout",
}


@lru_cache(maxsize=512)
def _navigation_html(items: tuple[tuple[str, str, bool], ...]) -> str:
    """The navigation's items as HTML, rendered once per process for each set of items (a few
    dozen: the roles' combinations times the current section), as on every page they are the
    same for everyone with those items."""
    return render_to_string(
        "components/navigation_items.html",
        {"navigation": [{"text": t, "href": h, "current": c} for t, h, c in items]},
    )


def header_links() -> dict[str, str]:
    return {key: _href(name) for key, name in HEADER_LINKS.items()}


def _href(url_name: str) -> str:
    """A page's address, worked out once per process (for this URL configuration and prefix)
    rather than on every page: the header and navigation are on every page."""
    return _reverse(url_name, get_urlconf(), get_script_prefix())


@lru_cache(maxsize=256)
def _reverse(url_name: str, urlconf: str | None, prefix: str) -> str:
    return reverse(url_name, urlconf=urlconf)


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
            "href": _href(url_name),
            "current": any(
                current == p or (p.endswith(("_", ":")) and current.startswith(p)) for p in prefixes
            ),
        }
        for text, url_name, prefixes in items
    ]
