from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from cap_exceptions import guidance, permissions, services
from cap_exceptions.filters import CapExceptionFilter
from cap_exceptions.forms import (
    RENEWAL_FIXED,
    DecisionForm,
    EndEarlyForm,
    RequestForm,
    WithdrawForm,
)
from cap_exceptions.models import CapException, ExceptionStatus
from cap_exceptions.permissions import requestable_local_authorities, require_register
from cap_exceptions.tables import CapExceptionTable, status_tag
from kernel.exports import csv_response
from kernel.forms import add_service_errors
from kernel.http import AuthenticatedHttpRequest
from mou.models import LocalAuthority

DETAIL_RELATED = (
    "local_authority__region",
    "agency",
    "msp",
    "mou_version",
    "requested_by",
    "dcs_approved_by",
    "second_approved_by",
    "refused_by",
    "renewal_of",
)


def _visible(request: AuthenticatedHttpRequest):
    return CapException.objects.visible_to(request.user).select_related(
        "local_authority", "agency", "msp"
    )


def _register_las(request: AuthenticatedHttpRequest):
    return LocalAuthority.objects.filter(
        pk__in=_visible(request).values("local_authority_id")
    ).order_by("name")


def _requestable_las(request: AuthenticatedHttpRequest):
    return requestable_local_authorities(request.user)


def get_exception_for_user(request: AuthenticatedHttpRequest, pk: int) -> CapException:
    return permissions.get_exception_for_user(request.user, pk, related=DETAIL_RELATED)


def _require_register(request: AuthenticatedHttpRequest) -> None:
    require_register(request.user)


class RegisterView(SingleTableMixin, FilterView):
    table_class = CapExceptionTable
    filterset_class = CapExceptionFilter
    template_name = "cap_exceptions/register.html"
    paginate_by = 50

    def dispatch(self, request, *args, **kwargs):
        _require_register(request)
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return _visible(self.request)

    def get_filterset_kwargs(self, filterset_class):
        return {
            **super().get_filterset_kwargs(filterset_class),
            "local_authorities": _register_las(self.request),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_request"] = _requestable_las(self.request).exists()
        context["export_query"] = self.request.GET.urlencode()
        return context


@require_GET
def register_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_register(request)
    exceptions = CapExceptionFilter(
        request.GET,
        queryset=_visible(request).select_related(
            "requested_by", "dcs_approved_by", "second_approved_by"
        ),
        local_authorities=_register_las(request),
    ).qs

    def day(at):
        """The day in London of a moment (a decision, a report), or blank."""
        return timezone.localdate(at) if at is not None else None

    def name(person):
        return str(person) if person is not None else ""

    header = [
        "Reference",
        "Local authority",
        "Job type",
        "Engagement type",
        "Agency",
        "Engagement reference",
        "Rate (£)",
        "Cap (£)",
        "Over cap (£)",
        "Starts",
        "Expires",
        "State",
        "Renewal number",
        "MSP",
        "Ended early on",
        "End reason",
        "Requested by",
        "Requested on",
        "DCS approval by",
        "DCS approved on",
        "Second approval by",
        "Second approved on",
        "Reported to the region on",
        "Refused on",
        "Reason",
        "Exit plan",
        "Recorded after the fact because",
    ]
    rows = [
        [
            e.reference,
            e.local_authority.name,
            e.get_job_type_display(),
            e.get_engagement_type_display(),
            e.agency.name,
            e.engagement_reference,
            e.rate,
            e.cap_rate,
            e.excess,
            e.starts_on,
            e.expires_on,
            e.get_status_display(),
            e.renewal_number,
            e.msp.name if e.msp is not None else "",
            e.ended_on,
            e.end_reason,
            name(e.requested_by),
            day(e.requested_at),
            name(e.dcs_approved_by),
            day(e.dcs_approved_at),
            name(e.second_approved_by),
            day(e.second_approved_at),
            day(e.reported_to_region_at),
            day(e.refused_at),
            e.reason,
            e.exit_plan,
            e.recorded_late_reason,
        ]
        for e in exceptions
    ]
    return csv_response("cap-exceptions", header, rows)


def _request_data(form: RequestForm, renewal_of: CapException | None) -> services.Request:
    """What the form asks, and for a renewal what it keeps: the same engagement, running on
    from the day after the current exception expires."""
    data = dict(form.cleaned_data)
    if renewal_of is not None:
        data |= {name: getattr(renewal_of, name) for name in RENEWAL_FIXED}
        data["starts_on"] = services.renewal_start(renewal_of)
    return services.Request(**{name: data[name] for name in services.Request.__dataclass_fields__})


def _renewal_of(request: AuthenticatedHttpRequest, pk: int) -> CapException:
    """The exception to renew. One the person may not renew is 403; one that cannot be renewed
    now (a renewal already asked for, expired, ending early) goes back to its page, which says
    why."""
    current = get_exception_for_user(request, pk)
    if not permissions.can_request(request.user, current.local_authority):
        raise PermissionDenied
    return current


@require_http_methods(["GET", "POST"])
def request_new(request: AuthenticatedHttpRequest, renew_pk: int | None = None) -> HttpResponse:
    renewal_of = _renewal_of(request, renew_pk) if renew_pk else None
    if renewal_of is not None and (refusal := services.renewal_refusal(renewal_of)):
        messages.info(request, refusal)
        return redirect(renewal_of)
    local_authorities = _requestable_las(request)
    if renewal_of is None and not local_authorities.exists():
        raise PermissionDenied
    initial = {}
    if renewal_of is not None:
        initial = {
            name: getattr(renewal_of, name)
            for name in ("msp", "engagement_reference", "rate", "exit_plan")
        }
    form = RequestForm(
        request.POST or None,
        initial=initial,
        local_authorities=local_authorities,
        user=request.user,
        renewing=renewal_of is not None,
    )
    if form.is_valid():
        try:
            exception = services.exception_request(
                request=_request_data(form, renewal_of), actor=request.user, renewal_of=renewal_of
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{exception.reference} sent to the DCS for a decision")
            return redirect(exception)
    return render(
        request,
        "cap_exceptions/request_form.html",
        {
            "form": form,
            "renewal_of": renewal_of,
            "guidance": guidance.for_renewal(renewal_of)
            if renewal_of is not None
            else guidance.for_request(local_authorities, on=timezone.localdate()),
        },
    )


@require_GET
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    exception = get_exception_for_user(request, pk)
    can_request = permissions.can_request(request.user, exception.local_authority)
    return render(
        request,
        "cap_exceptions/detail.html",
        {
            "exception": exception,
            "status_tag": status_tag(exception),
            "events": exception.events.select_related("actor"),
            "renewals": [(r, status_tag(r)) for r in exception.renewals.all()],
            "can_decide": permissions.can_decide(request.user, exception),
            "can_end": can_request
            and exception.status == ExceptionStatus.APPROVED
            and exception.ended_on is None,
            "can_renew": can_request and services.renewal_refusal(exception) is None,
            "can_withdraw": can_request and exception.status == ExceptionStatus.REQUESTED,
            "needs_second": permissions.needs_second_approval(exception),
        },
    )


def decided(exception: CapException) -> str:
    """What has been decided, for someone who opens the decision page of an exception whose
    decision (or whose stage of it) is made."""
    if exception.status == ExceptionStatus.REFUSED:
        return f"{exception.reference} was refused by {exception.refused_by} on {exception.refused_at:%-d %B %Y}"
    if exception.status == ExceptionStatus.WITHDRAWN:
        return f"{exception.reference} was withdrawn: there is nothing to decide"
    if exception.status == ExceptionStatus.REQUESTED and exception.dcs_approved_at:
        return (
            f"{exception.reference} was approved by {exception.dcs_approved_by} on "
            f"{exception.dcs_approved_at:%-d %B %Y} and is with a regional lead for the second approval"
        )
    if exception.status == ExceptionStatus.REQUESTED:
        return f"{exception.reference} is waiting for the DCS of {exception.local_authority}"
    approved_by = exception.second_approved_by or exception.dcs_approved_by
    approved_at = exception.second_approved_at or exception.dcs_approved_at
    return f"{exception.reference} was approved by {approved_by} on {approved_at:%-d %B %Y}"


@require_http_methods(["GET", "POST"])
def decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    exception = get_exception_for_user(request, pk)
    if not permissions.can_decide(request.user, exception):
        if exception.status != ExceptionStatus.REQUESTED or exception.dcs_approved_at:
            messages.info(request, decided(exception))
            return redirect(exception)
        if request.method == "GET":
            raise PermissionDenied
    form = DecisionForm(request.POST or None)
    if form.is_valid():
        note = form.cleaned_data["note"]
        try:
            if form.cleaned_data["decision"] == "approve":
                exception = services.exception_approve(
                    exception=exception, actor=request.user, note=note
                )
            else:
                exception = services.exception_refuse(
                    exception=exception, actor=request.user, reason=note
                )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, f"{exception.reference}: {status_label(exception)}")
            return redirect(exception)
    return render(request, "cap_exceptions/decide.html", {"form": form, "exception": exception})


def status_label(exception: CapException) -> str:
    if exception.awaiting_second_approval:
        return "approved by the DCS, now with a regional lead for the second approval"
    return exception.get_status_display().lower()


@require_http_methods(["GET", "POST"])
def withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    exception = get_exception_for_user(request, pk)
    if not permissions.can_request(request.user, exception.local_authority):
        raise PermissionDenied
    if exception.status != ExceptionStatus.REQUESTED:
        messages.info(request, decided(exception))
        return redirect(exception)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            services.exception_withdraw(exception=exception, actor=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{exception.reference} withdrawn")
            return redirect(exception)
    return render(request, "cap_exceptions/withdraw.html", {"form": form, "exception": exception})


@require_http_methods(["GET", "POST"])
def end_early(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    exception = get_exception_for_user(request, pk)
    if not permissions.can_request(request.user, exception.local_authority):
        raise PermissionDenied
    if exception.status != ExceptionStatus.APPROVED or exception.ended_on:
        messages.info(
            request,
            f"{exception.reference} ends early on {exception.ended_on:%-d %B %Y}"
            if exception.ended_on
            else f"{exception.reference} is {exception.get_status_display().lower()}: only an "
            "approved exception can be ended early",
        )
        return redirect(exception)
    form = EndEarlyForm(request.POST or None)
    if form.is_valid():
        try:
            exception = services.exception_end_early(
                exception=exception, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"{exception.reference} ends early: its last day is {exception.ended_on:%-d %B %Y}",
            )
            return redirect(exception)
    return render(request, "cap_exceptions/end_early.html", {"form": form, "exception": exception})
