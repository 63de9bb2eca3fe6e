"""Pages of the region's data sharing agreement: its versions, their parties, and for the
region's leads and admins drafting, publishing, and recording who joined and who left."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from datasharing import agreements, permissions
from datasharing.forms import AgreementForm, ConfirmForm, LeaveForm, PartyForm
from datasharing.models import AgreementParty, SharingAgreement
from kernel.forms import add_service_errors
from kernel.http import AuthenticatedHttpRequest
from kernel.uploads import upload_response
from mou.models import Region, VersionState
from msp.models import MSP


def _region(request: AuthenticatedHttpRequest, code: str) -> Region:
    return get_object_or_404(Region.objects.visible_to(request.user), code=code)


def _agreement(request: AuthenticatedHttpRequest, pk: int) -> SharingAgreement:
    return get_object_or_404(
        SharingAgreement.objects.visible_to(request.user).select_related("region"), pk=pk
    )


def _require_manager(request: AuthenticatedHttpRequest, region: Region) -> None:
    if not permissions.can_manage_sharing(request.user, region):
        raise PermissionDenied


@require_GET
def region_agreement(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """The region's agreement: the version in force today (else the latest) with its parties,
    and every version the person may see."""
    region = _region(request, code)
    versions = list(
        SharingAgreement.objects.visible_to(request.user)
        .filter(region=region)
        .order_by("-effective_from", "-pk")
    )
    today = timezone.localdate()
    current = next((v for v in versions if v.state_on(today) == VersionState.IN_FORCE), None)
    return render(
        request,
        "datasharing/agreement_region.html",
        {
            "region": region,
            "versions": versions,
            "current": current,
            "can_manage": permissions.can_manage_sharing(request.user, region),
        },
    )


@require_GET
def agreement_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    parties = list(
        agreement.parties.select_related("local_authority", "msp").order_by(
            "local_authority__name", "msp__name"
        )
    )
    today = timezone.localdate()
    return render(
        request,
        "datasharing/agreement_detail.html",
        {
            "agreement": agreement,
            "region": agreement.region,
            "state": agreement.state_on(today),
            "parties": parties,
            "current_parties": sum(p.is_party_on(today) for p in parties),
            "can_manage": permissions.can_manage_sharing(request.user, agreement.region),
        },
    )


@require_http_methods(["GET", "POST"])
def agreement_new(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    region = _region(request, code)
    _require_manager(request, region)
    form = AgreementForm(request.POST or None, with_document=False)
    if form.is_valid():
        try:
            agreement = agreements.agreement_create(
                region=region, fields=form.agreement_fields(), actor=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Draft version {agreement.label} created")
            return redirect(agreement)
    return render(
        request, "datasharing/agreement_form.html", {"form": form, "region": region, "new": True}
    )


@require_http_methods(["GET", "POST"])
def agreement_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    _require_manager(request, agreement.region)
    if not agreement.is_draft:
        raise PermissionDenied
    form = AgreementForm(request.POST or None, request.FILES or None, instance=agreement)
    if form.is_valid():
        try:
            agreements.agreement_update(
                agreement=agreement,
                fields=form.agreement_fields(),
                document=form.cleaned_data.get("document"),
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Version {agreement.label} saved")
            return redirect(agreement)
    return render(
        request,
        "datasharing/agreement_form.html",
        {"form": form, "region": agreement.region, "agreement": agreement},
    )


@require_http_methods(["GET", "POST"])
def agreement_publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    _require_manager(request, agreement.region)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            agreements.agreement_publish(agreement=agreement, actor=request.user)
        except ValidationError as error:
            add_service_errors(form, error, fields=False)
        else:
            messages.success(
                request,
                f"Version {agreement.label} published: it governs sharing from "
                f"{agreement.effective_from:%-d %B %Y}",
            )
            return redirect(agreement)
    return render(
        request, "datasharing/agreement_publish.html", {"form": form, "agreement": agreement}
    )


@require_http_methods(["GET", "POST"])
def party_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    _require_manager(request, agreement.region)
    joined = agreement.parties.values("local_authority_id")
    form = PartyForm(
        request.POST or None,
        request.FILES or None,
        las=agreement.region.local_authorities.exclude(pk__in=joined).order_by("name"),
        msps=MSP.objects.exclude(pk__in=agreement.parties.values("msp_id")).order_by("name"),
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            party = agreements.party_join(
                agreement=agreement,
                local_authority=data["local_authority"],
                msp=data["msp"],
                signed_on=data["signed_on"],
                signed_by_name=data["signed_by_name"],
                evidence=data.get("evidence"),
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{party.name} joined version {agreement.label}")
            return redirect(agreement)
    return render(request, "datasharing/party_form.html", {"form": form, "agreement": agreement})


def _party(request: AuthenticatedHttpRequest, pk: int) -> AgreementParty:
    return get_object_or_404(
        AgreementParty.objects.filter(
            agreement__in=SharingAgreement.objects.visible_to(request.user)
        ).select_related("agreement__region", "local_authority", "msp"),
        pk=pk,
    )


@require_http_methods(["GET", "POST"])
def party_leave(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    party = _party(request, pk)
    _require_manager(request, party.agreement.region)
    if party.left_on is not None:
        raise Http404
    form = LeaveForm(request.POST or None)
    if form.is_valid():
        try:
            agreements.party_leave(
                party=party,
                left_on=form.cleaned_data["left_on"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{party.name} left version {party.agreement.label}")
            return redirect(party.agreement)
    return render(request, "datasharing/party_leave.html", {"form": form, "party": party})


@require_GET
def agreement_document(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    agreement = _agreement(request, pk)
    if not agreement.document:
        raise Http404
    return upload_response(
        agreement.document,
        download_name=agreement.document_name or "agreement",
        kind=agreement.document_kind or None,
    )


@require_GET
def party_evidence(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    party = _party(request, pk)
    _require_manager(request, party.agreement.region)  # signatures: for those who keep them
    if not party.evidence:
        raise Http404
    return upload_response(
        party.evidence,
        download_name=party.evidence_name or "evidence",
        kind=party.evidence_kind or None,
    )
