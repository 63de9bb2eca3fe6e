"""The region's leads decide candidate breaches proposed from returns: confirm one by logging
the breach (the breaches app's own form and service, pre-filled) or dismiss it with a reason."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from breaches.forms import LogBreachForm
from breaches.models import BreachType
from breaches.services import breach_log
from datasharing import candidates, permissions
from datasharing.forms import DismissForm
from datasharing.models import CandidateBreach, CandidateKind, CandidateState, ReturnPeriod
from kernel.forms import add_service_errors
from kernel.http import AuthenticatedHttpRequest
from mou.models import Region


def _candidate(request: AuthenticatedHttpRequest, pk: int) -> CandidateBreach:
    """A candidate of a period the person sees (404 otherwise); theirs to decide, or 403."""
    candidate = get_object_or_404(
        CandidateBreach.objects.filter(
            period__in=ReturnPeriod.objects.visible_to(request.user)
        ).select_related("period__region", "local_authority", "data_return"),
        pk=pk,
    )
    if not permissions.can_track(request.user, candidate.period.region):
        raise PermissionDenied
    if candidate.state != CandidateState.OPEN:
        raise PermissionDenied
    return candidate


def _back(candidate: CandidateBreach) -> str:
    return reverse("datasharing:tracker", args=[candidate.period_id]) + "#candidates"


def _initial(candidate: CandidateBreach) -> dict:
    rate = candidate.kind == CandidateKind.RATE_ABOVE_CAP
    source = (
        f"data return {candidate.data_return.reference}" if candidate.data_return else "no return"
    )
    return {
        "region": candidate.period.region_id,
        "occurred_on": candidate.occurred_on,
        "breach_type": BreachType.RATE_ABOVE_CAP
        if candidate.kind != CandidateKind.RETURN_LATE
        else BreachType.DATA_RETURN,
        "local_authority": candidate.local_authority_id,
        "description": f"Proposed from {source} for {candidate.period.label}: {candidate.summary}.",
        "rate_paid": candidate.rate if rate else None,
        "job_type": candidate.job_type,
        "engagement_type": candidate.engagement_type,
    }


@require_http_methods(["GET", "POST"])
def candidate_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    candidate = _candidate(request, pk)
    form = LogBreachForm(
        request.POST or None,
        request.FILES or None,
        regions=Region.objects.filter(pk=candidate.period.region_id),
        user=request.user,
        initial=_initial(candidate),
    )
    if form.is_valid():
        try:
            with transaction.atomic():
                breach = breach_log(
                    new=form.new_breach(),
                    actor=request.user,
                    evidence=form.cleaned_data["evidence"],
                )
                candidates.candidate_confirmed(
                    candidate=candidate, breach=breach, actor=request.user
                )
        except ValidationError as error:
            add_service_errors(
                form, error, rename={"local_authorities": "local_authority", "msps": "msp"}
            )
        else:
            messages.success(request, f"Breach {breach.reference} logged from the candidate")
            return redirect(breach)
    return render(
        request,
        "datasharing/candidate_confirm.html",
        {"form": form, "candidate": candidate, "back": _back(candidate)},
    )


@require_http_methods(["GET", "POST"])
def candidate_dismiss(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    candidate = _candidate(request, pk)
    form = DismissForm(request.POST or None)
    if form.is_valid():
        try:
            candidates.candidate_dismiss(
                candidate=candidate, reason=form.cleaned_data["reason"], actor=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Candidate dismissed: the reason is kept with the return")
            return redirect(_back(candidate))
    return render(
        request,
        "datasharing/candidate_dismiss.html",
        {"form": form, "candidate": candidate, "back": _back(candidate)},
    )
