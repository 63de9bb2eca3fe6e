from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_filters.views import FilterView

from accounts.roles import Capability
from accounts.scope import access_for
from accounts.selectors import people_with
from kernel.exports import csv_response
from kernel.forms import add_service_errors
from kernel.http import AuthenticatedHttpRequest
from kernel.tables import SortedPage
from mou.models import LocalAuthority, Region
from msp import services
from msp.filters import AgencyFilter
from msp.forms import (
    AgencyForm,
    ChainMembershipForm,
    ContractForm,
    EscalationContactForm,
    MSPForm,
    ReviewActionForm,
    ReviewForm,
    StandingForm,
)
from msp.models import (
    MSP,
    Agency,
    AgencyStanding,
    ChainMembership,
    EscalationContact,
    MSPContract,
    RelationshipReview,
    ReviewAction,
    StandingStatus,
    supplier_label,
)
from msp.permissions import (
    can_edit_suppliers,
    can_manage_region,
    can_review_somewhere,
    can_see_region_contact,
    get_agency_for_user,
    get_msp_for_user,
    get_review_for_user,
    managed_region_ids,
    require_region_manager,
    require_supplier_editor,
)
from msp.tables import AGENCY_COLUMNS, STANDING_COLUMN, agency_rows, standing_tag


def _open_actions(reviews) -> list[ReviewAction]:
    return list(
        ReviewAction.objects.filter(review__in=reviews, done_on__isnull=True)
        .select_related("review__region", "owner_person")
        .order_by("due_on")
    )


# The choosers' suggestions (docs/adr/0013-choosers.md): at most CHOICES_SHOWN of the suppliers
# the person sees, by part of the name or the start of the Companies House number.

CHOICES_SHOWN = 20


def _choices(suppliers, request: AuthenticatedHttpRequest) -> JsonResponse:
    text = " ".join(request.GET.get("q", "").split())[:100]
    found = suppliers.search(text)[:CHOICES_SHOWN] if text else []
    return JsonResponse(
        {
            "results": [
                {
                    "label": supplier_label(s),
                    "name": s.name,
                    "company_number": s.company_number or "",
                }
                for s in found
            ]
        }
    )


@require_GET
def agency_choices(request: AuthenticatedHttpRequest) -> JsonResponse:
    return _choices(Agency.objects.visible_to(request.user), request)


@require_GET
def msp_choices(request: AuthenticatedHttpRequest) -> JsonResponse:
    return _choices(MSP.objects.visible_to(request.user), request)


# MSPs.


@require_GET
def msp_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    msps = MSP.objects.visible_to(request.user).prefetch_related(
        Prefetch(
            "contracts",
            queryset=MSPContract.objects.current().select_related("local_authority__region"),
            to_attr="current_contracts",
        )
    )
    return render(
        request, "msp/msp_list.html", {"msps": msps, "can_edit": can_edit_suppliers(request.user)}
    )


@require_GET
def msp_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    msp = get_msp_for_user(request.user, pk)
    scope = access_for(request.user).scope
    contracts = msp.contracts.select_related("local_authority__region").order_by(
        "local_authority__name"
    )
    if not scope.national:
        contracts = contracts.filter(local_authority__region_id__in=scope.region_ids)
    reviews = (
        RelationshipReview.objects.visible_to(request.user)
        .filter(msp=msp)
        .select_related("region", "local_authority")
    )
    context = {
        "msp": msp,
        "contracts": contracts,
        "chain": msp.chain_memberships.select_related("agency").order_by("tier", "agency__name"),
        "reviews": reviews,
        "open_actions": _open_actions(reviews),
        "can_edit": can_edit_suppliers(request.user),
        "can_review": can_review_somewhere(request.user),
    }
    return render(request, "msp/msp_detail.html", context)


@require_http_methods(["GET", "POST"])
def msp_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    msp = get_msp_for_user(request.user, pk) if pk else MSP()
    require_supplier_editor(request.user)
    form = MSPForm(request.POST or None, instance=msp)
    if form.is_valid():
        try:
            msp = services.msp_save(msp=form.instance, actor=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{msp.name} saved")
            return redirect(msp)
    return render(request, "msp/msp_form.html", {"form": form, "msp": msp if pk else None})


@require_http_methods(["GET", "POST"])
def contract_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    msp = get_msp_for_user(request.user, pk)
    local_authorities = services.local_authorities_managed_by(request.user)
    if not local_authorities.exists():
        raise PermissionDenied
    form = ContractForm(
        request.POST or None, instance=MSPContract(msp=msp), local_authorities=local_authorities
    )
    if form.is_valid():
        try:
            contract = services.contract_save(contract=form.instance, actor=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Contract with {contract.local_authority} added")
            return redirect(msp)
    return render(request, "msp/contract_form.html", {"form": form, "msp": msp})


@require_http_methods(["GET", "POST"])
def chain_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    msp = get_msp_for_user(request.user, pk)
    require_supplier_editor(request.user)
    form = ChainMembershipForm(request.POST or None, instance=ChainMembership(msp=msp))
    if form.is_valid():
        try:
            membership = services.chain_membership_save(
                membership=form.instance, actor=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{membership.agency} added to {msp}'s chain")
            return redirect(msp)
    return render(request, "msp/chain_form.html", {"form": form, "msp": msp})


# Agencies.


def _agency_queryset(request: AuthenticatedHttpRequest):
    """Agencies the person sees, with current chain memberships, and their standing in the chosen
    region (or the person's own region when they have only one)."""
    regions = Region.objects.visible_to(request.user)
    code = request.GET.get("region") or ""
    region = regions.filter(code=code).first() if code else None
    scope = access_for(request.user).scope
    if region is None and not code and not scope.national and len(scope.region_ids) == 1:
        region = regions.first()
    queryset = Agency.objects.visible_to(request.user).prefetch_related(
        Prefetch(
            "chain_memberships",
            queryset=ChainMembership.objects.current().select_related("msp"),
            to_attr="current_memberships",
        )
    )
    if region is not None:
        queryset = queryset.with_standing(region.pk)
    return queryset, region, regions


class AgencyListView(FilterView):
    filterset_class = AgencyFilter
    template_name = "msp/agency_list.html"

    def get_queryset(self):
        queryset, self.region, self.regions = _agency_queryset(self.request)
        return queryset

    def get_filterset_kwargs(self, filterset_class):
        return {
            **super().get_filterset_kwargs(filterset_class),
            "regions": self.regions,
            "msps": MSP.objects.visible_to(self.request.user),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Rows drawn by the page's own template: a long, busy list (docs/adr/0015).
        with_standing = self.region is not None
        columns = [*AGENCY_COLUMNS, STANDING_COLUMN] if with_standing else AGENCY_COLUMNS
        table = SortedPage(self.object_list, columns, self.request.GET, per_page=50)
        context["table"] = table
        context["rows"] = agency_rows(table.page, with_standing=with_standing)
        context["region"] = self.region
        context["can_edit"] = can_edit_suppliers(self.request.user)
        context["export_query"] = self.request.GET.urlencode()
        return context


@require_GET
def agency_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The filtered agency list as CSV (the same filters as the page)."""
    queryset, region, regions = _agency_queryset(request)
    agencies = AgencyFilter(
        request.GET, queryset=queryset, regions=regions, msps=MSP.objects.visible_to(request.user)
    ).qs
    header = ["Agency", "Companies House number", "MSPs (tier)"]
    if region is not None:
        header.append(f"Standing in {region.name}")
    rows = []
    for agency in agencies:
        row = [
            agency.name,
            agency.company_number,
            "; ".join(f"{m.msp.name} ({m.tier})" for m in agency.current_memberships),
        ]
        if region is not None:
            row.append(StandingStatus(agency.standing or StandingStatus.ACTIVE).label)
        rows.append(row)
    return csv_response("agencies", header, rows)


@require_GET
def agency_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    agency = get_agency_for_user(request.user, pk)
    scope = access_for(request.user).scope
    regions = Region.objects.visible_to(request.user)
    standings = AgencyStanding.objects.filter(agency=agency, region__in=regions).select_related(
        "region", "decided_by"
    )
    by_region: dict[int, list[AgencyStanding]] = {}
    for standing in standings:
        by_region.setdefault(standing.region_id, []).append(standing)
    region_rows = [
        {
            "region": region,
            "current": by_region[region.pk][0] if by_region.get(region.pk) else None,
            "history": by_region.get(region.pk, []),
            "can_set": can_manage_region(request.user, region.pk),
        }
        for region in regions
        if region.pk in by_region
        or can_manage_region(request.user, region.pk)
        or not scope.national
    ]
    reviews = (
        RelationshipReview.objects.visible_to(request.user)
        .filter(agency=agency)
        .select_related("region", "local_authority")
    )
    context = {
        "agency": agency,
        "region_rows": region_rows,
        "chain": agency.chain_memberships.select_related("msp").order_by("-from_date"),
        "reviews": reviews,
        "open_actions": _open_actions(reviews),
        "can_edit": can_edit_suppliers(request.user),
        "can_review": can_review_somewhere(request.user),
        "standing_tag": standing_tag,
    }
    return render(request, "msp/agency_detail.html", context)


@require_http_methods(["GET", "POST"])
def agency_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    agency = get_agency_for_user(request.user, pk) if pk else Agency()
    require_supplier_editor(request.user)
    form = AgencyForm(request.POST or None, instance=agency)
    if form.is_valid():
        try:
            agency = services.agency_save(agency=form.instance, actor=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{agency.name} saved")
            return redirect(agency)
    return render(request, "msp/agency_form.html", {"form": form, "agency": agency if pk else None})


@require_http_methods(["GET", "POST"])
def standing_set(request: AuthenticatedHttpRequest, pk: int, code: str) -> HttpResponse:
    agency = get_agency_for_user(request.user, pk)
    region = get_object_or_404(Region.objects.visible_to(request.user), code=code)
    require_region_manager(request.user, region.pk)
    form = StandingForm(request.POST or None)
    if form.is_valid():
        try:
            standing = services.standing_set(
                agency=agency, region=region, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"{agency} is now {standing.get_status_display().lower()} in {region}"
            )
            return redirect(agency)
    return render(
        request, "msp/standing_form.html", {"form": form, "agency": agency, "region": region}
    )


# Reviews.


@require_http_methods(["GET", "POST"])
def review_add(request: AuthenticatedHttpRequest, pk: int, subject: str) -> HttpResponse:
    target = (
        get_msp_for_user(request.user, pk)
        if subject == "msp"
        else get_agency_for_user(request.user, pk)
    )
    region_ids = managed_region_ids(request.user)
    regions = (
        Region.objects.all() if region_ids is None else Region.objects.filter(pk__in=region_ids)
    )
    if not regions.exists():
        raise PermissionDenied
    local_authorities = LocalAuthority.objects.filter(region__in=regions).order_by("name")
    review = RelationshipReview(**{subject: target})
    form = ReviewForm(
        request.POST or None, instance=review, regions=regions, local_authorities=local_authorities
    )
    if form.is_valid():
        try:
            review = services.review_record(review=form.instance, actor=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Review recorded. Add the actions agreed.")
            return redirect(review)
    return render(request, "msp/review_form.html", {"form": form, "subject": target})


@require_GET
def review_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_review_for_user(request.user, pk)
    return render(
        request,
        "msp/review_detail.html",
        {
            "review": review,
            "actions": review.actions.select_related("owner_person"),
            "can_manage": can_manage_region(request.user, review.region_id),
        },
    )


@require_http_methods(["GET", "POST"])
def review_action_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = get_review_for_user(request.user, pk)
    require_region_manager(request.user, review.region_id)
    form = ReviewActionForm(
        request.POST or None,
        instance=ReviewAction(review=review),
        people=people_with(Capability.READ_CASE_RECORDS, region_id=review.region_id),
    )
    if form.is_valid():
        services.review_action_add(review=review, action=form.instance, actor=request.user)
        messages.success(request, "Action added")
        return redirect(review)
    return render(request, "msp/action_form.html", {"form": form, "review": review})


@require_POST
def review_action_done(request: AuthenticatedHttpRequest, pk: int, action_pk: int) -> HttpResponse:
    review = get_review_for_user(request.user, pk)
    action = get_object_or_404(review.actions.all(), pk=action_pk)
    require_region_manager(request.user, review.region_id)
    services.review_action_done(action=action, actor=request.user)
    messages.success(request, "Action marked done")
    return redirect(review)


# The region's single point of contact for MSP and agency escalations.


@require_http_methods(["GET", "POST"])
def escalation_contact_edit(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    region = get_object_or_404(Region.objects.visible_to(request.user), code=code)
    require_region_manager(request.user, region.pk)
    current = EscalationContact.objects.filter(region=region).select_related("person").first()
    people = services.people_in_region(region).order_by("name")
    form = EscalationContactForm(
        request.POST or None, people=people, initial={"person": current.person if current else None}
    )
    if form.is_valid():
        try:
            services.escalation_contact_set(
                region=region, person=form.cleaned_data["person"], actor=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"{form.cleaned_data['person']} is the single point of contact for {region}",
            )
            return redirect(region)
    return render(
        request,
        "msp/escalation_contact_form.html",
        {"form": form, "region": region, "current": current},
    )


def region_contact_section(
    request: AuthenticatedHttpRequest, region: Region
) -> tuple[str, dict] | None:
    """The region's single point of contact, on the region's page (mou.views.region_sections)."""
    if not can_see_region_contact(request.user, region.pk):
        return None
    contact = EscalationContact.objects.filter(region=region).select_related("person").first()
    return (
        "msp/_region_contact.html",
        {
            "region": region,
            "contact": contact,
            "can_set": can_manage_region(request.user, region.pk),
        },
    )
