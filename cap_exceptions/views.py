from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from cap_exceptions import permissions, services
from cap_exceptions.filters import CapExceptionFilter
from cap_exceptions.forms import DecisionForm, EndEarlyForm, RequestForm
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
    return CapException.objects.visible_to(request.user).select_related("local_authority", "agency")


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
        request.GET, queryset=_visible(request), local_authorities=_register_las(request)
    ).qs
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
        ]
        for e in exceptions
    ]
    return csv_response("cap-exceptions", header, rows)


def _request_data(form: RequestForm) -> services.Request:
    data = form.cleaned_data
    return services.Request(**{name: data[name] for name in services.Request.__dataclass_fields__})


@require_http_methods(["GET", "POST"])
def request_new(request: AuthenticatedHttpRequest, renew_pk: int | None = None) -> HttpResponse:
    renewal_of = get_exception_for_user(request, renew_pk) if renew_pk else None
    local_authorities = _requestable_las(request)
    if renewal_of is not None:
        if renewal_of.status not in (ExceptionStatus.APPROVED, ExceptionStatus.EXPIRED):
            raise PermissionDenied
        local_authorities = local_authorities.filter(pk=renewal_of.local_authority_id)
    if not local_authorities.exists():
        raise PermissionDenied
    initial = {}
    if renewal_of is not None:
        initial = {
            name: getattr(renewal_of, name)
            for name in (
                "job_type",
                "engagement_type",
                "agency",
                "msp",
                "engagement_reference",
                "rate",
                "exit_plan",
            )
        }
        initial["local_authority"] = renewal_of.local_authority_id
    form = RequestForm(
        request.POST or None,
        initial=initial,
        local_authorities=local_authorities,
        user=request.user,
    )
    if form.is_valid():
        try:
            exception = services.exception_request(
                request=_request_data(form), actor=request.user, renewal_of=renewal_of
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{exception.reference} sent to the DCS for a decision")
            return redirect(exception)
    return render(
        request, "cap_exceptions/request_form.html", {"form": form, "renewal_of": renewal_of}
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
            "renewals": exception.renewals.all(),
            "can_decide": permissions.can_decide(request.user, exception),
            "can_end": can_request and exception.status == ExceptionStatus.APPROVED,
            "can_renew": can_request
            and exception.status in (ExceptionStatus.APPROVED, ExceptionStatus.EXPIRED),
            "needs_second": permissions.needs_second_approval(exception),
        },
    )


@require_http_methods(["GET", "POST"])
def decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    exception = get_exception_for_user(request, pk)
    if not permissions.can_decide(request.user, exception) and request.method == "GET":
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
def end_early(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    exception = get_exception_for_user(request, pk)
    if not permissions.can_request(request.user, exception.local_authority):
        raise PermissionDenied
    form = EndEarlyForm(request.POST or None)
    if form.is_valid():
        try:
            services.exception_end_early(
                exception=exception, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{exception.reference} ended early")
            return redirect(exception)
    return render(request, "cap_exceptions/end_early.html", {"form": form, "exception": exception})
