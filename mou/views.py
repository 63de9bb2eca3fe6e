from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Model, Prefetch, Q, prefetch_related_objects
from django.forms import ModelForm
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from accounts.forms import ConfirmForm
from kernel.exports import csv_response
from kernel.forms import add_service_errors
from kernel.http import AuthenticatedHttpRequest
from kernel.uploads import upload_response
from mou import services
from mou.filters import LocalAuthorityFilter
from mou.forms import (
    CarryOverForm,
    CompareForm,
    EscalationLevelForm,
    MarkSignedForm,
    PriceCapForm,
    PublishForm,
    RuleForm,
    SignatoryForm,
    VersionForm,
)
from mou.models import (
    MOU,
    EscalationLevel,
    LocalAuthority,
    MOURule,
    MOUVersion,
    PriceCap,
    Region,
    Signatory,
    SignatoryStatus,
    VersionState,
)
from mou.permissions import (
    can_manage_mou,
    can_read_case_records,
    get_mou_for_user,
    get_version_for_user,
    require_mou_manager,
)
from mou.selectors import (
    caps_by_job_type,
    compare_versions,
    default_comparison,
    mou_changes,
    signatory_matrix,
)
from mou.tables import LocalAuthorityTable


@require_GET
def region_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    regions = Region.objects.visible_to(request.user).annotate(
        local_authority_count=Count("local_authorities")
    )
    return render(request, "mou/region_list.html", {"regions": regions})


# Sections the apps above this one add to a region's page, registered in their
# AppConfig.ready(): each returns (template, context), or None to show nothing to this person.
RegionSection = Callable[[AuthenticatedHttpRequest, Region], "tuple[str, dict] | None"]
region_sections: list[RegionSection] = []


@require_GET
def region_detail(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    region = get_object_or_404(Region.objects.visible_to(request.user), code=code)
    sections = [section(request, region) for section in region_sections]
    return render(
        request,
        "mou/region_detail.html",
        {
            "region": region,
            "local_authorities": region.local_authorities.all(),
            "sections": [section for section in sections if section is not None],
        },
    )


class LocalAuthorityListView(SingleTableMixin, FilterView):
    table_class = LocalAuthorityTable
    filterset_class = LocalAuthorityFilter
    template_name = "mou/local_authority_list.html"
    paginate_by = 50

    def get_queryset(self):
        return LocalAuthority.objects.visible_to(self.request.user).select_related("region")

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "user": self.request.user}


@require_GET
def local_authority_detail(request: AuthenticatedHttpRequest, la_code: str) -> HttpResponse:
    local_authority = get_object_or_404(
        LocalAuthority.objects.visible_to(request.user).select_related("region"), la_code=la_code
    )
    return render(request, "mou/local_authority_detail.html", {"local_authority": local_authority})


# The MOU registry.


@require_GET
def mou_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    mous = list(
        MOU.objects.visible_to(request.user)
        .select_related("region")
        .annotate(local_authority_count=Count("region__local_authorities", distinct=True))
    )
    # The version in force today in each region, and how many LAs have signed it: two queries.
    in_force = {
        v.mou_id: v
        for v in MOUVersion.objects.in_force(on=today)
        .filter(mou__in=mous)
        .annotate(
            signed_count=Count("signatories", filter=Q(signatories__status=SignatoryStatus.SIGNED))
        )
    }
    rows = [{"mou": mou, "in_force": in_force.get(mou.pk)} for mou in mous]
    return render(request, "mou/mou_list.html", {"rows": rows})


def _version_context(request: AuthenticatedHttpRequest, version: MOUVersion) -> dict:
    return {
        "version": version,
        "rules": version.rules.all(),
        "ladder": version.escalation_levels.all(),
        "caps": caps_by_job_type(version),
        "matrix": signatory_matrix(version),
        "can_manage": can_manage_mou(request.user, version.mou),
        "can_read_evidence": can_read_case_records(request.user, version.mou.region_id),
    }


@require_GET
def mou_detail(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    mou = get_mou_for_user(request.user, code)
    # Read once, with who published each: the page and the change history both use them.
    readable = MOUVersion.objects.visible_to(request.user).select_related("published_by")
    prefetch_related_objects([mou], Prefetch("versions", queryset=readable))
    versions = list(mou.versions.all())
    for v in versions:
        v.mou = mou
    # The version in force today, or else the newest the person may read.
    today = timezone.localdate()
    shown = next((v for v in versions if v.is_in_force_on(today)), None)
    shown = shown or (versions[0] if versions else None)
    context = {"mou": mou, "versions": versions, "can_manage": can_manage_mou(request.user, mou)}
    if shown is not None:
        context |= _version_context(request, shown)
    if context["can_manage"]:
        context["changes"] = mou_changes(mou)
    return render(request, "mou/mou_detail.html", context)


@require_GET
def version_detail(request: AuthenticatedHttpRequest, code: str, pk: int) -> HttpResponse:
    version = get_version_for_user(request.user, code, pk)
    return render(
        request,
        "mou/version_detail.html",
        {"mou": version.mou, **_version_context(request, version)},
    )


@require_GET
def version_compare(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    mou = get_mou_for_user(request.user, code)
    versions = list(MOUVersion.objects.visible_to(request.user).filter(mou=mou))
    form = CompareForm(request.GET or None, versions=versions)
    pair = None
    if form.is_bound:
        if form.is_valid():
            pair = (form.cleaned_data["a"], form.cleaned_data["b"])
    else:  # the version in force against the one coming, chosen in the form
        pair = default_comparison(versions, today=timezone.localdate())
        if pair is not None:
            form.initial = {"a": pair[0].pk, "b": pair[1].pk}
    return render(
        request,
        "mou/version_compare.html",
        {
            "mou": mou,
            "form": form,
            "pair": pair,
            "comparison": compare_versions(*pair) if pair else None,
        },
    )


@require_GET
def version_document(request: AuthenticatedHttpRequest, code: str, pk: int) -> FileResponse:
    version = get_version_for_user(request.user, code, pk)
    if not version.document:
        raise Http404
    return upload_response(
        version.document,
        download_name=version.document_name or "mou",
        kind=version.document_kind or None,
    )


@require_http_methods(["GET", "POST"])
def version_create(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    mou = get_mou_for_user(request.user, code)
    require_mou_manager(request.user, mou)
    form = VersionForm(request.POST or None, with_document=False)
    if form.is_valid():
        try:
            version = services.mou_version_create_draft(
                mou=mou,
                actor=request.user,
                **{
                    k: form.cleaned_data[k]
                    for k in ("label", "effective_from", "review_due", "summary_of_changes")
                },
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Draft version {version.label} created")
            return redirect(version)
    return render(request, "mou/version_form.html", {"mou": mou, "form": form, "creating": True})


@require_http_methods(["GET", "POST"])
def version_edit(request: AuthenticatedHttpRequest, code: str, pk: int) -> HttpResponse:
    version = get_version_for_user(request.user, code, pk)
    require_mou_manager(request.user, version.mou)
    if not version.is_draft:
        raise PermissionDenied
    form = VersionForm(request.POST or None, request.FILES or None, instance=version)
    if form.is_valid():
        changes = {
            k: form.cleaned_data[k]
            for k in (
                "label",
                "effective_from",
                "review_due",
                "summary_of_changes",
                "exception_max_months",
                "exception_second_approver",
            )
        }
        try:
            services.mou_version_update(
                version=version,
                changes=changes,
                document=form.cleaned_data.get("document"),
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Version {version.label} saved")
            return redirect(version)
    return render(
        request, "mou/version_form.html", {"mou": version.mou, "version": version, "form": form}
    )


@require_http_methods(["GET", "POST"])
def version_publish(request: AuthenticatedHttpRequest, code: str, pk: int) -> HttpResponse:
    version = get_version_for_user(request.user, code, pk)
    require_mou_manager(request.user, version.mou)
    if not version.is_draft:
        raise PermissionDenied
    warnings = services.mou_version_publish_warnings(version)
    form = PublishForm(request.POST if request.method == "POST" else None, warnings=warnings)
    if request.method == "POST" and form.is_valid():
        try:
            services.mou_version_publish(version=version, actor=request.user)
        except ValidationError as error:
            add_service_errors(form, error, fields=False)
        else:
            messages.success(request, _published_message(version))
            return redirect(version.mou)
    # The version this one will end: the published one that is open-ended now.
    ending = version.mou.versions.published().filter(effective_to__isnull=True).first()
    return render(
        request,
        "mou/version_publish.html",
        {
            "mou": version.mou,
            "version": version,
            "ending": ending,
            "form": form,
            "warnings": warnings,
            "scheduled": version.effective_from > timezone.localdate(),
        },
    )


def _published_message(version: MOUVersion) -> str:
    if version.effective_from > timezone.localdate():
        return (
            f"Version {version.label} is published and scheduled: it takes effect on "
            f"{version.effective_from:%-d %B %Y}"
        )
    return f"Version {version.label} is published and in force"


@require_http_methods(["GET", "POST"])
def version_withdraw(request: AuthenticatedHttpRequest, code: str, pk: int) -> HttpResponse:
    version = get_version_for_user(request.user, code, pk)
    require_mou_manager(request.user, version.mou)
    if version.state != VersionState.SCHEDULED:
        raise PermissionDenied
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.mou_version_withdraw(version=version, actor=request.user)
        except ValidationError as error:
            add_service_errors(form, error, fields=False)
        else:
            messages.success(request, f"Version {version.label} is withdrawn: it is a draft again")
            return redirect(version)
    return render(
        request, "mou/version_withdraw.html", {"mou": version.mou, "version": version, "form": form}
    )


# Rules, escalation levels and price caps of a draft: one add/change/remove page each.

# part -> (model, related name on the version, form, save service, remove service, the
# services' keyword for the object, what people call it)
_Part = tuple[
    type[Model],
    str,
    Callable[..., ModelForm],
    Callable[..., object],
    Callable[..., None],
    str,
    str,
]
PARTS: dict[str, _Part] = {
    "rule": (
        MOURule,
        "rules",
        RuleForm,
        services.mou_rule_save,
        services.mou_rule_remove,
        "rule",
        "rule",
    ),
    "level": (
        EscalationLevel,
        "escalation_levels",
        EscalationLevelForm,
        services.escalation_level_save,
        services.escalation_level_remove,
        "level",
        "escalation level",
    ),
    "cap": (
        PriceCap,
        "price_caps",
        PriceCapForm,
        services.price_cap_save,
        services.price_cap_remove,
        "cap",
        "price cap",
    ),
}


@require_http_methods(["GET", "POST"])
def version_part_edit(
    request: AuthenticatedHttpRequest, code: str, pk: int, part: str, part_pk: int | None = None
) -> HttpResponse:
    model, related, form_class, save, remove, keyword, noun = PARTS[part]
    version = get_version_for_user(request.user, code, pk)
    instance = (
        get_object_or_404(getattr(version, related).all(), pk=part_pk)
        if part_pk
        else model(version=version)
    )
    require_mou_manager(request.user, version.mou)
    if not version.is_draft:
        raise PermissionDenied
    extra = {"version": version} if form_class is RuleForm else {}
    form = form_class(request.POST or None, instance=instance, **extra)
    if request.method == "POST" and "remove" in request.POST and part_pk:
        try:
            remove(**{keyword: instance, "actor": request.user})
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(request.path)
        else:
            messages.success(request, f"The {noun} was removed")
            return redirect(version)
    elif form.is_valid():
        try:
            save(version=version, actor=request.user, **{keyword: form.instance})
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"The {noun} was saved")
            return redirect(version)
    return render(
        request,
        "mou/part_form.html",
        {
            "mou": version.mou,
            "version": version,
            "form": form,
            "noun": noun,
            "part": part,
            "instance": instance if part_pk else None,
        },
    )


# Signatories.


@require_http_methods(["GET", "POST"])
def signatory_edit(
    request: AuthenticatedHttpRequest, code: str, pk: int, la_code: str
) -> HttpResponse:
    version = get_version_for_user(request.user, code, pk)
    local_authority = get_object_or_404(
        LocalAuthority.objects.filter(region_id=version.mou.region_id), la_code=la_code
    )
    require_mou_manager(request.user, version.mou)
    signatory = Signatory.objects.filter(version=version, local_authority=local_authority).first()
    signatory = signatory or Signatory(version=version, local_authority=local_authority)
    form = SignatoryForm(
        request.POST or None,
        request.FILES or None,
        instance=signatory,
        owners=services.possible_mou_owners(local_authority),
    )
    if form.is_valid():
        try:
            services.signatory_save(
                version=version,
                signatory=form.instance,
                evidence=form.cleaned_data.get("evidence"),
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"{local_authority}: {form.instance.get_status_display().lower()}"
            )
            return redirect(version)
    return render(
        request,
        "mou/signatory_form.html",
        {
            "mou": version.mou,
            "version": version,
            "local_authority": local_authority,
            "signatory": signatory,
            "form": form,
        },
    )


@require_GET
def signatory_evidence(
    request: AuthenticatedHttpRequest, code: str, pk: int, la_code: str
) -> FileResponse:
    version = get_version_for_user(request.user, code, pk)
    if not can_read_case_records(request.user, version.mou.region_id):
        raise Http404
    signatory = get_object_or_404(
        Signatory.objects.filter(version=version).select_related("local_authority"),
        local_authority__la_code=la_code,
    )
    if not signatory.evidence:
        raise Http404
    return upload_response(
        signatory.evidence,
        download_name=signatory.evidence_name or "evidence",
        kind=signatory.evidence_kind or None,
    )


@require_http_methods(["GET", "POST"])
def signatories_carry_over(request: AuthenticatedHttpRequest, code: str, pk: int) -> HttpResponse:
    version = get_version_for_user(request.user, code, pk)
    require_mou_manager(request.user, version.mou)
    form = CarryOverForm(request.POST or None, version=version)
    if form.is_valid():
        created = services.signatories_carry_over(
            from_version=form.cleaned_data["source"],
            to_version=version,
            keep_signatures=form.cleaned_data["keep_signatures"],
            actor=request.user,
        )
        messages.success(
            request, f"{created} local authorit{'y' if created == 1 else 'ies'} carried over"
        )
        return redirect(version)
    return render(
        request, "mou/carry_over.html", {"mou": version.mou, "version": version, "form": form}
    )


@require_http_methods(["GET", "POST"])
def signatories_mark_signed(request: AuthenticatedHttpRequest, code: str, pk: int) -> HttpResponse:
    version = get_version_for_user(request.user, code, pk)
    require_mou_manager(request.user, version.mou)
    unsigned = [
        row.local_authority
        for row in signatory_matrix(version).rows
        if row.status != SignatoryStatus.SIGNED
    ]
    form = MarkSignedForm(request.POST or None, request.FILES or None, local_authorities=unsigned)
    if form.is_valid():
        try:
            count = services.signatories_mark_signed(
                version=version,
                signed_on=form.cleaned_data["signed_on"],
                signed_by_role=form.cleaned_data["signed_by_role"],
                signers=form.signers(),
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"{count} local authorit{'y' if count == 1 else 'ies'} marked signed"
            )
            return redirect(version)
    return render(
        request,
        "mou/mark_signed.html",
        {"mou": version.mou, "version": version, "form": form, "unsigned": unsigned},
    )


@require_GET
def signatories_csv(request: AuthenticatedHttpRequest, code: str, pk: int) -> HttpResponse:
    version = get_version_for_user(request.user, code, pk)
    matrix = signatory_matrix(version)
    people = can_read_case_records(request.user, version.mou.region_id)
    rows = [
        [
            row.local_authority.la_code,
            row.local_authority.name,
            row.status_label,
            row.signatory.signed_on if row.signatory else None,
            row.signatory.signed_by_name if row.signatory else "",
            row.signatory.signed_by_role if row.signatory else "",
            row.signatory.withdrawn_on if row.signatory else None,
            # A person: named only to those who read the region's case records (not observers).
            str(row.signatory.mou_owner)
            if people and row.signatory and row.signatory.mou_owner
            else "",
        ]
        for row in matrix.rows
    ]
    header = [
        "DfE LA code",
        "Local authority",
        "Status",
        "Signed on",
        "Signed by",
        "Role",
        "Withdrawn on",
        "MOU owner",
    ]
    return csv_response(f"{version.mou.region.code}-MOU-{version.label}-signatories", header, rows)


@require_GET
def price_caps_csv(request: AuthenticatedHttpRequest, code: str, pk: int) -> HttpResponse:
    version = get_version_for_user(request.user, code, pk)
    rows = [
        [
            cap.get_job_type_display(),
            cap.get_engagement_type_display(),
            cap.max_hourly_rate,
            "yes" if cap.includes_hourly_pay else "no",
            "yes" if cap.includes_employer_ni else "no",
            "yes" if cap.includes_apprenticeship_levy else "no",
            "yes" if cap.includes_holiday_pay else "no",
            "illustrative, not official" if cap.illustrative else "",
        ]
        for cap in version.price_caps.all()
    ]
    header = [
        "Job type",
        "Engagement type",
        "Maximum hourly rate (£)",
        "Includes hourly pay",
        "Includes employer NI",
        "Includes apprenticeship levy",
        "Includes holiday pay",
        "Note",
    ]
    return csv_response(f"{version.mou.region.code}-MOU-{version.label}-price-caps", header, rows)
