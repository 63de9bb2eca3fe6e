"""Dashboards: the national view for national people, a region view for everyone else who has
one. Scope: a region a person may not see is 404; roles without a dashboard are 403. Every number
on a region dashboard is about that region; observers never get links to individual breaches."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias, TypedDict, cast
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.scope import access_for
from breaches.selectors import home_queues
from dashboards.cache import cached, current_token, token_subquery
from dashboards.charts import bar_chart
from dashboards.figures import (
    NATIONAL_FIGURES,
    REGION_FIGURES,
    Figure,
    Headline,
    Selection,
    region_authorities,
    region_figure,
    region_headlines,
)
from dashboards.forms import DashboardFilterForm
from dashboards.permissions import (
    can_manage_suppliers_in,
    can_open_breaches,
    own_local_authority,
    require_dashboard,
    sees_national_figures,
)
from dashboards.returns import RETURN_FIGURES, ReturnsData, regions_returns
from datasharing.permissions import sees_all_returns_in_full, sees_returns_in_full
from kernel.exports import csv_response
from kernel.http import AuthenticatedHttpRequest
from mou.models import LocalAuthority, Region


class _FiguresToken(TypedDict):
    figures_token: str | None  # the data token, read with the region (token_subquery)


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    TokenedRegion: TypeAlias = WithAnnotations[Region, _FiguresToken]


@dataclass(frozen=True)
class Section:
    """A part of the region dashboard with its own heading, listed under "On this page"."""

    id: str
    title: str
    slugs: tuple[str, ...]
    side_by_side: bool = False  # short tables, three to a row


# The region dashboard after its headline figures, in page order. Every figure is in one.
REGION_SECTIONS = (
    Section(
        "open-breaches",
        "Open breaches today",
        ("deadlines", "open-by-state", "open-by-level"),
        side_by_side=True,
    ),
    Section("breaches-logged", "Breaches logged", ("logged", "per-type", "per-la")),
    Section(
        "escalation-and-resolution",
        "Escalation and resolution",
        ("escalations", "median-days", "agencies-upheld"),
    ),
    Section("signatories", "MOU signatories", ("coverage",)),
    Section("supplier-reviews", "Supplier reviews", ("reviews-overdue",)),
)
# Every figure of the region dashboard, by slug.
ALL_REGION_FIGURES = {**REGION_FIGURES, **RETURN_FIGURES}
QUEUES = Section("breaches-that-need-you", "Breaches that need you", ())
HEADLINES = "headlines"  # cached with the figures, under this name


def _require_dashboard(request: AuthenticatedHttpRequest) -> None:
    require_dashboard(request.user)


def _with_charts(figures):
    return [(figure, bar_chart(figure) if figure.chart else None) for figure in figures]


def _query(form: DashboardFilterForm, **extra) -> str:
    params = {**form.period.query(), **{k: v for k, v in extra.items() if v}}
    return urlencode(params)


# --- National --------------------------------------------------------------------------------


def _national_form(request: AuthenticatedHttpRequest) -> DashboardFilterForm:
    return DashboardFilterForm(request.GET, today=timezone.localdate())


@require_GET
def dashboard_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The national view for national people; others go to their region's dashboard."""
    _require_dashboard(request)
    regions = Region.objects.visible_to(request.user)
    if not sees_national_figures(request.user):
        first = regions.order_by("name").first()
        if first is None:
            raise PermissionDenied
        return redirect("dashboards:region", code=first.code)
    form = _national_form(request)
    figures = list(
        _national_figures(
            regions, form, NATIONAL_FIGURES, full=sees_all_returns_in_full(request.user)
        ).values()
    )
    query = _query(form)
    for figure in figures:
        figure.links = [f"{reverse('dashboards:region', args=[k])}?{query}" for k in figure.keys]
    return render(
        request,
        "dashboards/national.html",
        {"form": form, "figures": _with_charts(figures), "query": query},
    )


@require_GET
def national_csv(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    if not sees_national_figures(request.user) or slug not in NATIONAL_SLUGS:
        raise Http404  # national figures are out of scope for everyone else
    _require_dashboard(request)
    form = _national_form(request)
    figure = _national_figures(
        Region.objects.visible_to(request.user),
        form,
        [slug],
        full=sees_all_returns_in_full(request.user),
    )[slug]
    return csv_response(f"national-{slug}", figure.columns, figure.rows)


NATIONAL_SLUGS = (*NATIONAL_FIGURES, "regions-returns")


def _national_figures(
    regions, form: DashboardFilterForm, slugs, *, full: bool
) -> dict[str, Figure]:
    """Only national people reach these, and they see every region: the key needs no regions,
    only whether the returns' figures are in full (national admins) or shared (observers)."""
    today = timezone.localdate()
    period = form.period

    def compute(slug: str) -> Figure:
        if slug == "regions-returns":
            return regions_returns(regions, today, full=full)
        return NATIONAL_FIGURES[slug](regions, period, today)

    return cached(
        current_token(),
        ("national", today, period.first, period.last, "full" if full else "shared"),
        slugs,
        compute,
    )


# --- Region ----------------------------------------------------------------------------------


def _region_selection(
    request: AuthenticatedHttpRequest, region: Region, *, by_la: bool = True
) -> tuple[DashboardFilterForm, Selection, LocalAuthority | None]:
    """The filters and what they select; `by_la`: whether one LA may be chosen (not for the
    returns' figures, which show every LA's row)."""
    today = timezone.localdate()
    scope = access_for(request.user).scope
    authorities = region_authorities(region, on=today)
    form = DashboardFilterForm(
        request.GET,
        today=today,
        # A region to choose only for people who see more than one.
        regions=list(Region.objects.visible_to(request.user).order_by("name"))
        if scope.national or len(scope.region_ids) > 1
        else None,
        local_authorities=authorities if by_la else None,
    )
    selection = Selection(
        region=region,
        period=form.period,
        today=today,
        authorities=authorities,
        local_authority=form.local_authority,
        full_returns=sees_returns_in_full(request.user, region),
    )
    return form, selection, own_local_authority(request.user, region)


def _region_switch(
    request: AuthenticatedHttpRequest, region: Region, *, page: str = "dashboards:region"
) -> HttpResponse | None:
    """Choosing another region in the filters opens that region's dashboard (same period)."""
    code = request.GET.get("region")
    if not code or code == region.code:
        return None
    other = Region.objects.visible_to(request.user).filter(code=code).first()
    if other is None:
        return None  # the form explains it beside the field
    params = {k: request.GET[k] for k in ("start", "end") if request.GET.get(k)}
    url = reverse(page, args=[other.code])
    return redirect(f"{url}?{urlencode(params)}" if params else url)


def _region(request: AuthenticatedHttpRequest, code: str) -> TokenedRegion:
    """The region, 404 outside the person's scope; read with the data token."""
    regions = Region.objects.visible_to(request.user).annotate(figures_token=token_subquery())
    # The stubs' annotated type does not match a declared one; the row has the token.
    return cast("TokenedRegion", get_object_or_404(regions, code=code))


def _about(selection: Selection) -> tuple:
    """What a region's figures depend on besides the data: part of their cache key."""
    la = selection.local_authority
    return (
        selection.today,
        selection.region.pk,
        selection.period.first,
        selection.period.last,
        la.pk if la else "all",
        "full" if selection.full_returns else "shared",
    )


def _region_figures(
    region: TokenedRegion, selection: Selection, slugs, *, highlight: str | None = None
) -> dict[str, Figure]:
    returns = ReturnsData(selection)  # read only by figures from returns, once a page
    figures = cached(
        region.figures_token,
        _about(selection),
        slugs,
        lambda slug: (
            RETURN_FIGURES[slug](returns)
            if slug in RETURN_FIGURES
            else region_figure(slug, selection)
        ),
    )
    if "per-la" in figures:
        figures["per-la"].highlight = highlight  # per person: not part of what is cached
    return figures


def _region_headlines(region: TokenedRegion, selection: Selection) -> list[Headline]:
    return cached(
        region.figures_token,
        _about(selection),
        [HEADLINES],
        lambda _slug: region_headlines(selection),
    )[HEADLINES]


@require_GET
def region_dashboard(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    region = _region(request, code)  # 404 first
    _require_dashboard(request)
    switch = _region_switch(request, region)
    if switch is not None:
        return switch
    form, selection, own_la = _region_selection(request, region)
    highlighted = selection.local_authority or own_la
    highlight = highlighted.name if highlighted else None
    headlines = _region_headlines(region, selection)
    figures = _region_figures(region, selection, REGION_FIGURES, highlight=highlight)
    queues = home_queues(request.user)
    sections = [
        (section, _with_charts(figures[slug] for slug in section.slugs))
        for section in REGION_SECTIONS
    ]
    in_page_order = [pair for _section, pairs in sections for pair in pairs]
    la_code = selection.local_authority.la_code if selection.local_authority else ""
    return render(
        request,
        "dashboards/region.html",
        {
            "region": region,
            "form": form,
            "selection": selection,
            "own_la": own_la,
            "headlines": headlines,
            "figures": in_page_order,
            "sections": sections,
            "contents": [section for section, _figures in sections] + ([QUEUES] if queues else []),
            "queues_section": QUEUES,
            "query": _query(form, la=la_code),
            "queues": queues,
            "can_open_breaches": can_open_breaches(request.user),
            "overdue_url": _overdue_url(la_code),
            "can_manage_suppliers": can_manage_suppliers_in(request.user, region),
        },
    )


@require_GET
def national_returns(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Data returns by region: national people only (their own page, so each dashboard page
    keeps within its query budget)."""
    _require_dashboard(request)
    if not sees_national_figures(request.user):
        raise Http404
    form = _national_form(request)
    regions = Region.objects.visible_to(request.user)
    figures = list(
        _national_figures(
            regions, form, ["regions-returns"], full=sees_all_returns_in_full(request.user)
        ).values()
    )
    query = _query(form)
    for figure in figures:
        figure.links = [
            f"{reverse('dashboards:region_returns', args=[k])}?{query}" for k in figure.keys
        ]
    return render(
        request,
        "dashboards/returns.html",
        {"form": form, "figures": _with_charts(figures), "query": query, "region": None},
    )


@require_GET
def region_returns(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """The region's figures from data returns, shared and suppressed as the agreement and the
    disclosure rules say (in full for those who run the collection)."""
    region = _region(request, code)  # 404 first
    _require_dashboard(request)
    switch = _region_switch(request, region, page="dashboards:region_returns")
    if switch is not None:
        return switch
    form, selection, _own_la = _region_selection(request, region, by_la=False)
    figures = _region_figures(region, selection, RETURN_FIGURES)
    return render(
        request,
        "dashboards/returns.html",
        {
            "region": region,
            "form": form,
            "selection": selection,
            "figures": _with_charts(figures.values()),
            "query": _query(form),
        },
    )


def _overdue_url(la_code: str) -> str:
    params = {"overdue": "yes", **({"local_authority": la_code} if la_code else {})}
    return f"{reverse('breaches:list')}?{urlencode(params)}"


@require_GET
def figure_csv(request: AuthenticatedHttpRequest, code: str, slug: str) -> HttpResponse:
    region = _region(request, code)
    _require_dashboard(request)
    if slug not in ALL_REGION_FIGURES:
        raise Http404
    _form, selection, _own = _region_selection(request, region)
    figure = _region_figures(region, selection, [slug])[slug]
    return csv_response(f"{region.code}-{slug}", figure.columns, figure.rows)
