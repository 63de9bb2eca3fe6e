from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from datasharing import dictionary, export, permissions, selectors, services
from datasharing.checks import Severity, run_checks
from datasharing.forms import (
    ConfirmForm,
    DeputyForm,
    ExplanationForm,
    FiguresForm,
    JointStartForm,
    PeriodDatesForm,
    PeriodForm,
    ReopenForm,
    ReturnFileForm,
    StatementForm,
)
from datasharing.models import (
    AuthorisationDeputy,
    DataReturn,
    ReturnCoverage,
    ReturnPeriod,
    Revision,
    RevisionState,
)
from datasharing.national_return import current_layout, layout_of
from datasharing.rates import as_percentage, rates_of
from datasharing.template_file import HEADER, lines_and_rates, read_return_file, template_rows
from kernel.exports import csv_response, xlsx_response
from kernel.forms import add_service_errors
from kernel.http import AuthenticatedHttpRequest
from mou.models import LocalAuthority, Region

RETURN_RELATED = ("period__region",)


def _require_returns(request: AuthenticatedHttpRequest) -> None:
    if not permissions.can_use_returns(request.user):
        raise PermissionDenied


def _get_return(request: AuthenticatedHttpRequest, pk: int) -> tuple[DataReturn, Revision]:
    data_return, revisions = _get_return_and_revisions(request, pk)
    return data_return, revisions[-1]


def _get_return_and_revisions(
    request: AuthenticatedHttpRequest, pk: int
) -> tuple[DataReturn, list[Revision]]:
    """The return (404 outside the person's scope) and its revisions, oldest first."""
    data_return = permissions.get_return_for_user(request.user, pk, related=RETURN_RELATED)
    revisions = list(
        data_return.revisions.select_related(
            "submitted_by", "authorised_by", "reopened_by", "holdings_confirmed_by"
        ).order_by("number")
    )
    return data_return, revisions


def return_url(data_return: DataReturn) -> str:
    return reverse("datasharing:detail", args=[data_return.pk])


@require_GET
def returns_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The periods of the person's regions, latest first: for each, their LAs' returns (or a
    button to start one) and, for the region's leads, the tracker."""
    _require_returns(request)
    today = timezone.localdate()
    las = permissions.las_for_returns(request.user)
    periods = list(
        ReturnPeriod.objects.visible_to(request.user)
        .filter(opens_on__lte=today)
        .select_related("region")
        .order_by("-year", "-quarter", "region__name")[:24]
    )
    returns = selectors.returns_with_latest(
        ReturnCoverage.objects.filter(period__in=periods, local_authority__in=las)
    )
    rows = []
    for period in periods:
        mine = []
        for la in las:
            if la.region_id != period.region_id:
                continue
            data_return, latest = returns.get((period.pk, la.pk), (None, None))
            mine.append(
                {
                    "la": la,
                    "data_return": data_return,
                    "state": selectors.state_of(latest),
                    "late": selectors.is_late(period, latest, today),
                }
            )
        tracks = permissions.can_track(request.user, period.region)
        if mine or tracks:
            rows.append(
                {
                    "period": period,
                    "mine": mine,
                    "tracks": tracks,
                    "joint": sum(item["data_return"] is None for item in mine) >= 2,
                }
            )
    deputy_las = [la for la in las if permissions.can_name_deputies(request.user, la)]
    regions = list(Region.objects.visible_to(request.user).order_by("name"))
    return render(
        request,
        "datasharing/home.html",
        {
            "rows": rows,
            "today": today,
            "deputy_las": deputy_las,
            "period_regions": [
                region for region in regions if permissions.can_manage_periods(request.user, region)
            ],
            "regions": regions,
        },
    )


@require_GET
def period_tracker(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    period = get_object_or_404(
        ReturnPeriod.objects.visible_to(request.user).select_related("region"), pk=pk
    )
    if not permissions.can_track(request.user, period.region):
        raise PermissionDenied
    rows = selectors.tracker(period, today=timezone.localdate())
    counts = {
        "not_submitted": sum(r.state in ("not_started", "draft", "reopened") for r in rows),
        "awaiting": sum(r.state == "submitted" for r in rows),
        "late": sum(r.late for r in rows),
    }
    return render(
        request,
        "datasharing/tracker.html",
        {
            "candidates": list(
                period.candidates.select_related("local_authority", "data_return", "breach")
            ),
            "period": period,
            "rows": rows,
            "counts": counts,
            "can_manage": permissions.can_manage_periods(request.user, period.region),
        },
    )


@require_GET
def period_export(request: AuthenticatedHttpRequest, pk: int, kind: str) -> HttpResponse:
    """The period's authorised returns in full (docs/data-dictionary.md's layout): for the
    region's leads and admins, who run the collection."""
    if kind not in ("csv", "xlsx"):
        raise Http404
    period = get_object_or_404(
        ReturnPeriod.objects.visible_to(request.user).select_related("region"), pk=pk
    )
    if not permissions.can_track(request.user, period.region):
        raise PermissionDenied
    respond = csv_response if kind == "csv" else xlsx_response
    return respond(
        f"data-returns-{period.region.code}-{period.code}",
        export.HEADER,
        export.export_rows(period),
    )


@require_GET
def data_dictionary(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What each figure, rate, check, statement question and export column means: generated
    from their declarations (the same as docs/data-dictionary.md)."""
    return render(request, "datasharing/data_dictionary.html", {"sections": dictionary.sections()})


@require_POST
def return_start(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    period = get_object_or_404(
        ReturnPeriod.objects.visible_to(request.user).select_related("region"), pk=pk
    )
    las = {la.la_code: la for la in permissions.las_for_returns(request.user)}
    la = las.get(request.POST.get("local_authority", ""))
    if la is None:
        raise Http404
    try:
        data_return = services.return_start(
            period=period, local_authorities=[la], actor=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("datasharing:home")
    return redirect("datasharing:edit", pk=data_return.pk)


@require_http_methods(["GET", "POST"])
def joint_start(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One return covering LAs that report jointly: those of the person's LAs in the period's
    region with no return yet."""
    period = get_object_or_404(
        ReturnPeriod.objects.visible_to(request.user).select_related("region"), pk=pk
    )
    taken = set(
        ReturnCoverage.objects.filter(period=period).values_list("local_authority_id", flat=True)
    )
    open_las = {
        la.la_code: la
        for la in permissions.las_for_returns(request.user)
        if la.region_id == period.region_id and la.pk not in taken
    }
    if len(open_las) < 2:
        raise Http404
    form = JointStartForm(
        request.POST or None, choices=[(code, la.name) for code, la in open_las.items()]
    )
    if form.is_valid():
        try:
            data_return = services.return_start(
                period=period,
                local_authorities=[open_las[c] for c in form.cleaned_data["local_authorities"]],
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error, fields=False)
        else:
            return redirect("datasharing:edit", pk=data_return.pk)
    return render(request, "datasharing/joint_start.html", {"form": form, "period": period})


@require_GET
def return_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    data_return, revisions = _get_return_and_revisions(request, pk)
    revision = revisions[-1]
    draft = revision.state == RevisionState.DRAFT
    prefetch_related_objects([revision], "lines", "rates", "explanations", "compliance_answers")
    las = services.covered_las(data_return)
    lines = {line.job_type: line for line in revision.lines.all()}
    outcome = services.revision_check(revision) if draft else None
    explanations = {e.key: e for e in revision.explanations.all()}
    figure_rows = [
        {
            "line": line,
            "rates": {
                slug: as_percentage(value)
                for slug, value in rates_of(services.line_values(line)).items()
            },
        }
        for line in lines.values()
    ]
    queries = (
        [{"finding": f, "explanation": explanations.get(f.key)} for f in outcome.queries]
        if outcome
        else []
    )
    return render(
        request,
        "datasharing/detail.html",
        {
            "data_return": data_return,
            "period": data_return.period,
            "las": las,
            "revision": revision,
            "revisions": revisions[::-1],
            "lines": lines,
            "figure_rows": figure_rows,
            "queries": queries,
            # Once submitted, what the LA said of each query, for the DCS who authorises.
            "explanations": [] if draft else list(explanations.values()),
            "rates": list(revision.rates.all()),
            "outcome": outcome,
            "can_edit": revision.state == RevisionState.DRAFT
            and permissions.can_prepare(request.user, las),
            "can_submit": revision.state == RevisionState.DRAFT
            and permissions.can_submit(request.user, las),
            "can_authorise": revision.state == RevisionState.SUBMITTED
            and permissions.can_authorise(request.user, las),
            "can_reopen": revision.state in (RevisionState.SUBMITTED, RevisionState.AUTHORISED)
            and permissions.can_reopen(request.user, data_return),
            "state": selectors.state_of(revision),
            # A draft lists what the portal holds on its statement page, where the LA confirms
            # it; once submitted, here (the page's queries stay within budget either way).
            "prefill": None if outcome else selectors.prefill(request.user, data_return, las),
            "statement": _statement(revision),
            "candidates": list(data_return.candidates.select_related("breach", "local_authority")),
            "can_decide": permissions.can_track(request.user, data_return.period.region),
            "can_state": revision.state == RevisionState.DRAFT
            and permissions.can_make_statement(request.user, las),
        },
    )


def _statement(revision: Revision) -> dict:
    """The statement's questions in the revision's layout, each with its answer (or None)."""
    layout = layout_of(revision.statement_layout)
    given = {a.question: a for a in revision.compliance_answers.all()}
    return {
        "layout": layout,
        "answers": given,
        "rows": [{"question": q, "answer": given.get(q.key)} for q in layout.questions],
    }


@require_http_methods(["GET", "POST"])
def figures_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    data_return, revision = _get_return(request, pk)
    las = services.covered_las(data_return)
    if not permissions.can_prepare(request.user, las):
        raise PermissionDenied
    if revision.state != RevisionState.DRAFT:
        messages.info(
            request,
            f"Revision {revision.number} is {revision.get_state_display().lower()}: only a draft changes",
        )
        return redirect(return_url(data_return))
    form = FiguresForm(request.POST or None, revision=revision)
    if form.is_valid():
        try:
            services.revision_save(
                revision=revision,
                lines=form.lines(),
                rates=form.rates(),
                total_monthly_agency_cost=form.cleaned_data["total_monthly_agency_cost"],
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Figures saved. Check them below before you submit.")
            return redirect(return_url(data_return))
    return render(
        request,
        "datasharing/figures_form.html",
        {"form": form, "data_return": data_return, "period": data_return.period, "las": las},
    )


@require_http_methods(["GET", "POST"])
def statement_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The national return's statement: compliance with each rule, and the LA's confirmation of
    what the portal holds for the quarter."""
    data_return, revision = _get_return(request, pk)
    las = services.covered_las(data_return)
    if not permissions.can_make_statement(request.user, las):
        raise PermissionDenied
    if revision.state != RevisionState.DRAFT:
        messages.info(
            request,
            f"Revision {revision.number} is {revision.get_state_display().lower()}: only a draft changes",
        )
        return redirect(return_url(data_return))
    layout = current_layout()
    form = StatementForm(request.POST or None, layout=layout, revision=revision)
    if form.is_valid():
        try:
            services.statement_save(
                revision=revision,
                answers=form.answers(),
                other_agencies=form.cleaned_data["other_agencies"],
                holdings_confirmed=form.cleaned_data["holdings_confirmed"],
                holdings_correction=form.cleaned_data["holdings_correction"],
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Statement saved")
            return redirect(return_url(data_return) + "#statement")
    return render(
        request,
        "datasharing/statement_form.html",
        {
            "form": form,
            "layout": layout,
            "data_return": data_return,
            "period": data_return.period,
            "las": las,
            "prefill": selectors.prefill(request.user, data_return, las),
        },
    )


@require_POST
def explain(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    data_return, revision = _get_return(request, pk)
    form = ExplanationForm(request.POST)
    if form.is_valid():
        try:
            services.explanation_save(revision=revision, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Explanation saved")
    else:
        messages.error(request, "Enter why the figure is right")
    return redirect(return_url(data_return))


def _confirm(request, pk, *, action, allowed, template, form_class=ConfirmForm, done):
    """A confirmation page for an action on the return's latest revision; `allowed(user,
    data_return)` says who may take it."""
    data_return, revision = _get_return(request, pk)
    if not allowed(request.user, data_return):
        raise PermissionDenied
    form = form_class(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            action(revision=revision, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done(data_return))
            return redirect(return_url(data_return))
    return render(
        request,
        template,
        {
            "form": form,
            "data_return": data_return,
            "revision": revision,
            "period": data_return.period,
        },
    )


@require_http_methods(["GET", "POST"])
def submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _confirm(
        request,
        pk,
        action=services.return_submit,
        allowed=lambda user, r: permissions.can_submit(user, services.covered_las(r)),
        template="datasharing/submit.html",
        done=lambda r: f"{r.reference} submitted. Your DCS has been asked to authorise it.",
    )


@require_http_methods(["GET", "POST"])
def authorise(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _confirm(
        request,
        pk,
        action=services.return_authorise,
        allowed=lambda user, r: permissions.can_authorise(user, services.covered_las(r)),
        template="datasharing/authorise.html",
        done=lambda r: f"{r.reference} authorised",
    )


@require_http_methods(["GET", "POST"])
def reopen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _confirm(
        request,
        pk,
        action=services.return_reopen,
        allowed=permissions.can_reopen,
        template="datasharing/reopen.html",
        form_class=ReopenForm,
        done=lambda r: f"{r.reference} reopened: a new draft revision has started",
    )


@require_GET
def template_download(request: AuthenticatedHttpRequest, pk: int, kind: str) -> HttpResponse:
    """The template for this return, pre-filled with the LA's code, the period and the job
    types (one file per LA of a joint return: the first here, each LA's rows alike)."""
    if kind not in ("csv", "xlsx"):
        raise Http404
    data_return, _ = _get_return(request, pk)
    las = services.covered_las(data_return)
    rows = [row for la in las for row in template_rows(la, data_return.period)]
    name = f"data-return-{data_return.reference}"
    respond = xlsx_response if kind == "xlsx" else csv_response
    return respond(name, HEADER, rows)


@require_http_methods(["GET", "POST"])
def upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Upload the filled-in template: a preview of every row's errors and queries, saved only
    when the person confirms and only when it has no errors (through the figures form)."""
    data_return, revision = _get_return(request, pk)
    las = services.covered_las(data_return)
    if not permissions.can_prepare(request.user, las):
        raise PermissionDenied
    if revision.state != RevisionState.DRAFT:
        return redirect(return_url(data_return))
    form = ReturnFileForm(request.POST or None, request.FILES or None)
    preview = None
    if form.is_valid():
        upload_file = form.cleaned_data["file"]
        read = read_return_file(
            upload_file.read(), upload_file.upload_kind, las=las, period=data_return.period
        )
        if read.problems:
            for problem in read.problems[:20]:
                form.add_error("file", problem)
        else:
            lines, rates = lines_and_rates(read.values)
            findings = run_checks(services.figures_of(revision, lines=lines, rates=rates))
            preview = {
                "findings": findings,
                "errors": [f for f in findings if f.severity is Severity.ERROR],
                "queries": [f for f in findings if f.severity is Severity.QUERY],
                # Posted on to the figures form, which saves them as typed values would be.
                "hidden": [
                    (name, "" if value is None else str(getattr(value, "raw", value)))
                    for name, value in read.values.items()
                ],
                "rows": len(lines),
            }
    return render(
        request,
        "datasharing/upload.html",
        {
            "form": form,
            "preview": preview,
            "data_return": data_return,
            "period": data_return.period,
            "las": las,
        },
    )


@require_http_methods(["GET", "POST"])
def deputies(request: AuthenticatedHttpRequest, la_code: str) -> HttpResponse:
    """The LA's DCS names, and takes back, deputies who authorise its returns in their place."""
    la = get_object_or_404(
        LocalAuthority.objects.visible_to(request.user).select_related("region"), la_code=la_code
    )
    if not permissions.can_name_deputies(request.user, la):
        raise PermissionDenied
    named = list(
        AuthorisationDeputy.objects.filter(local_authority=la).select_related("person", "named_by")
    )
    people = (
        permissions.possible_deputies(la)
        .exclude(pk=request.user.pk)
        .exclude(pk__in=[d.person_id for d in named])
    )
    if request.method == "POST" and "remove" in request.POST:
        deputy = next((d for d in named if str(d.pk) == request.POST["remove"]), None)
        if deputy is None:
            raise Http404
        services.deputy_remove(deputy=deputy, actor=request.user)
        messages.success(request, f"{deputy.person} no longer authorises {la}'s returns")
        return redirect("datasharing:deputies", la_code=la.la_code)
    form = DeputyForm(request.POST if request.method == "POST" else None, people=people)
    if form.is_valid():
        try:
            deputy = services.deputy_name(
                local_authority=la, person=form.cleaned_data["person"], actor=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{deputy.person} may now authorise {la}'s returns")
            return redirect("datasharing:deputies", la_code=la.la_code)
    return render(
        request,
        "datasharing/deputies.html",
        {"la": la, "named": named, "form": form, "has_people": people.exists()},
    )


@require_http_methods(["GET", "POST"])
def period_new(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    region = get_object_or_404(Region.objects.visible_to(request.user), code=code)
    if not permissions.can_manage_periods(request.user, region):
        raise PermissionDenied
    form = PeriodForm(request.POST or None)
    if form.is_valid():
        try:
            period = services.period_create(region=region, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"{period.label}: open from {period.opens_on:%-d %B %Y}, due "
                f"{period.due_on:%-d %B %Y}, closes {period.closes_on:%-d %B %Y}",
            )
            return redirect("datasharing:tracker", pk=period.pk)
    return render(request, "datasharing/period_new.html", {"form": form, "region": region})


@require_http_methods(["GET", "POST"])
def period_dates(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    period = get_object_or_404(
        ReturnPeriod.objects.visible_to(request.user).select_related("region"), pk=pk
    )
    if not permissions.can_manage_periods(request.user, period.region):
        raise PermissionDenied
    form = PeriodDatesForm(
        request.POST or None,
        initial={
            "opens_on": period.opens_on,
            "due_on": period.due_on,
            "closes_on": period.closes_on,
        },
    )
    if form.is_valid():
        try:
            services.period_change_dates(period=period, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"The dates of {period.label} are changed")
            return redirect("datasharing:tracker", pk=period.pk)
    return render(request, "datasharing/period_dates.html", {"form": form, "period": period})


def region_returns_section(
    request: AuthenticatedHttpRequest, region: Region
) -> tuple[str, dict] | None:
    """The region's latest return periods and their trackers, on the region's page
    (mou.views.region_sections), for the region's leads."""
    if not permissions.can_track(request.user, region):
        return None
    periods = list(
        ReturnPeriod.objects.filter(region=region, opens_on__lte=timezone.localdate()).order_by(
            "-year", "-quarter"
        )[:4]
    )
    return ("datasharing/_region_returns.html", {"region": region, "periods": periods})
