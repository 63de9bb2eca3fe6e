from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from accounts.roles import Role
from accounts.scope import access_for
from dashboards.figures import region_figures
from governance_portal.exports import csv_response
from mou.models import Region

DASHBOARD_ROLES = {Role.ADMIN, Role.REGIONAL_LEAD, Role.DCS, Role.OBSERVER}


def _require_dashboard(request: HttpRequest) -> None:
    if not access_for(request.user).roles() & DASHBOARD_ROLES:
        raise PermissionDenied


def _own_la_name(request: HttpRequest, region: Region) -> str | None:
    for m in access_for(request.user).memberships:
        if m.role == Role.DCS and m.local_authority.region_id == region.pk:
            return m.local_authority.name
    return None


@require_GET
def dashboard_home(request: HttpRequest) -> HttpResponse:
    """Each person's own region, or the list of regions for national people."""
    _require_dashboard(request)
    regions = Region.objects.visible_to(request.user)
    if regions.count() == 1:
        return redirect("dashboards:region", code=regions.get().code)
    return render(request, "dashboards/regions.html", {"regions": regions})


@require_GET
def region_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    region = get_object_or_404(Region.objects.visible_to(request.user), code=code)  # 404 first
    _require_dashboard(request)
    figures = region_figures(region, highlight=_own_la_name(request, region))
    return render(request, "dashboards/region.html", {"region": region, "figures": figures})


@require_GET
def figure_csv(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    region = get_object_or_404(Region.objects.visible_to(request.user), code=code)
    _require_dashboard(request)
    figure = next((f for f in region_figures(region) if f.slug == slug), None)
    if figure is None:
        raise Http404
    return csv_response(f"{region.code}-{slug}", figure.columns, figure.rows)
