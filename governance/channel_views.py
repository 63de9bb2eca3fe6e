"""The region's channels: its contact directory (and CSV), messages to a group, market notices
to the MSPs serving it, and issues raised between meetings."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from breaches.forms import LogBreachForm
from breaches.services import breach_log
from governance import channels, permissions
from governance.forms import (
    IssueAgendaForm,
    IssueAnswerForm,
    IssueForm,
    MessageForm,
    NoticeForm,
)
from governance.models import MarketNotice, Meeting, MeetingState, RaisedIssue
from governance.views import _region
from kernel.exports import csv_response
from kernel.forms import add_service_errors
from kernel.http import AuthenticatedHttpRequest
from mou.models import Region


def _directory(request: AuthenticatedHttpRequest, code: str):
    region = _region(request, code)
    level = channels.directory_access(request.user, region)
    if level is None:
        raise Http404
    return region, level, channels.directory(region, full=level == "full")


@require_GET
def directory(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    region, level, entries = _directory(request, code)
    return render(
        request,
        "governance/directory.html",
        {"region": region, "entries": entries, "full": level == "full"},
    )


@require_GET
def directory_csv(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    region, _level, entries = _directory(request, code)
    return csv_response(
        f"{region.code}-contacts",
        ["Name", "Email address", "Roles", "Groups"],
        ([e.person.name, e.person.email, "; ".join(e.roles), "; ".join(e.groups)] for e in entries),
    )


@require_http_methods(["GET", "POST"])
def message_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    group = permissions.get_group_for_user(request.user, pk)
    if not permissions.can_record(request.user, group):
        raise PermissionDenied
    form = MessageForm(request.POST or None)
    if form.is_valid():
        try:
            sent = channels.message_send(
                group=group,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Message sent to {sent.recipients} people")
            return redirect("governance:group", pk=group.pk)
    return render(request, "governance/message_form.html", {"form": form, "group": group})


@require_GET
def notices(request: AuthenticatedHttpRequest) -> HttpResponse:
    found = list(
        MarketNotice.objects.visible_to(request.user)
        .select_related("region", "sent_by")
        .order_by("-sent_at")[:100]
    )
    running = [
        r
        for r in Region.objects.visible_to(request.user).order_by("name")
        if permissions.can_run(request.user, r)
    ]
    if not found and not running and not permissions.can_use_governance(request.user):
        raise PermissionDenied
    return render(request, "governance/notices.html", {"notices": found, "running": running})


@require_http_methods(["GET", "POST"])
def notice_new(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    region = _region(request, code)
    if not permissions.can_run(request.user, region):
        raise PermissionDenied
    form = NoticeForm(request.POST or None)
    if form.is_valid():
        data = form.cleaned_data
        try:
            notice = channels.notice_send(
                region=region,
                subject=data["subject"],
                body=data["body"],
                shared=data["shared"],
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Notice sent to {notice.recipients.count()} MSP contacts")
            return redirect("governance:notice", pk=notice.pk)
    contacts = channels.msp_contacts_in(region).count()
    return render(
        request,
        "governance/notice_form.html",
        {"form": form, "region": region, "contacts": contacts},
    )


def _notice(request: AuthenticatedHttpRequest, pk: int) -> MarketNotice:
    return get_object_or_404(
        MarketNotice.objects.visible_to(request.user).select_related(
            "region", "sent_by", "reissue_of__region"
        ),
        pk=pk,
    )


@require_GET
def notice(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    found = _notice(request, pk)
    own = permissions.can_run(request.user, found.region)
    receipts = list(found.recipients.select_related("person", "msp")) if own else []
    mine = found.recipients.filter(person=request.user).first()
    return render(
        request,
        "governance/notice.html",
        {
            "notice": found,
            "own": own,
            "receipts": receipts,
            "waiting": [r for r in receipts if r.acknowledged_at is None],
            "mine": mine,
            "reissue_in": channels.can_reissue(request.user, found),
        },
    )


@require_POST
def notice_acknowledge(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    found = _notice(request, pk)
    channels.notice_acknowledge(notice=found, actor=request.user)
    messages.success(request, "Notice acknowledged")
    return redirect("governance:notice", pk=found.pk)


@require_POST
def notice_reissue(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    found = _notice(request, pk)
    regions = {str(r.pk): r for r in channels.can_reissue(request.user, found)}
    region = regions.get(request.POST.get("region", ""))
    if region is None:
        raise PermissionDenied
    try:
        reissued = channels.notice_reissue(notice=found, region=region, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("governance:notice", pk=found.pk)
    messages.success(request, f"Notice re-issued to the MSPs serving {region.name}")
    return redirect("governance:notice", pk=reissued.pk)


@require_GET
def issues(request: AuthenticatedHttpRequest) -> HttpResponse:
    found = list(
        RaisedIssue.objects.visible_to(request.user)
        .select_related("region", "raised_by", "local_authority", "msp")
        .order_by("-raised_at")[:100]
    )
    parties = channels.parties_of(request.user)
    if not found and not parties:
        raise PermissionDenied
    regions = sorted({region for region, _la, _msp in parties}, key=lambda r: r.name)
    return render(
        request,
        "governance/issues.html",
        {"issues": found, "can_raise": bool(parties), "regions": regions},
    )


@require_http_methods(["GET", "POST"])
def issue_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    parties = channels.parties_of(request.user)
    if not parties:
        raise PermissionDenied
    form = IssueForm(request.POST or None, parties=parties)
    if form.is_valid():
        region, la, msp = form.chosen()
        try:
            issue = channels.issue_raise(
                region=region,
                local_authority=la,
                msp=msp,
                subject=form.cleaned_data["subject"],
                description=form.cleaned_data["description"],
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Issue raised with the region's single point of contact")
            return redirect("governance:issue", pk=issue.pk)
    return render(request, "governance/issue_form.html", {"form": form})


def _issue(request: AuthenticatedHttpRequest, pk: int) -> RaisedIssue:
    return get_object_or_404(
        RaisedIssue.objects.visible_to(request.user).select_related(
            "region", "raised_by", "local_authority", "msp", "breach", "agenda_item__meeting"
        ),
        pk=pk,
    )


def _coming_meetings(issue: RaisedIssue):
    """The region's meetings in the coming year (a form's choices: not sliced, as a choice
    is checked against the queryset)."""
    now = timezone.now()
    return (
        Meeting.objects.filter(
            group__region_id=issue.region_id,
            state=MeetingState.SCHEDULED,
            starts_at__gte=now,
            starts_at__lt=now + datetime.timedelta(days=366),
        )
        .select_related("group")
        .order_by("starts_at")
    )


@require_GET
def issue(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    found = _issue(request, pk)
    handles = channels.can_handle(request.user, found.region_id)
    return render(
        request,
        "governance/issue.html",
        {
            "issue": found,
            "steps": list(found.steps.select_related("actor")),
            "handles": handles,
            "runs": permissions.can_run(request.user, found.region),
            "answer_form": IssueAnswerForm(),
            "agenda_form": IssueAgendaForm(meetings=_coming_meetings(found)) if handles else None,
        },
    )


def _handled(request: AuthenticatedHttpRequest, pk: int) -> RaisedIssue:
    found = _issue(request, pk)
    if not channels.can_handle(request.user, found.region_id):
        raise PermissionDenied
    return found


@require_http_methods(["GET", "POST"])
def issue_answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    found = _handled(request, pk)
    form = IssueAnswerForm(request.POST or None)
    if form.is_valid():
        try:
            channels.issue_answer(
                issue=found, answer=form.cleaned_data["answer"], actor=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Answer sent")
            return redirect("governance:issue", pk=found.pk)
    return render(
        request, "governance/issue_step.html", {"form": form, "issue": found, "step": "answer"}
    )


@require_http_methods(["GET", "POST"])
def issue_agenda(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    found = _handled(request, pk)
    form = IssueAgendaForm(request.POST or None, meetings=_coming_meetings(found))
    if form.is_valid():
        try:
            channels.issue_to_agenda(
                issue=found, meeting=form.cleaned_data["meeting"], actor=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Issue added to the meeting's agenda")
            return redirect("governance:issue", pk=found.pk)
    return render(
        request, "governance/issue_step.html", {"form": form, "issue": found, "step": "agenda"}
    )


@require_http_methods(["GET", "POST"])
def issue_breach(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Log a breach from the issue: the breaches app's own form and service, pre-filled; the
    issue keeps the link."""
    found = _handled(request, pk)
    if found.breach_id is not None:
        raise PermissionDenied
    form = LogBreachForm(
        request.POST or None,
        request.FILES or None,
        regions=Region.objects.filter(pk=found.region_id),
        user=request.user,
        initial={
            "region": found.region_id,
            "local_authority": found.local_authority_id,
            "description": f"Raised by {found.raised_by} for {found.raised_for}: "
            f"{found.subject}. {found.description}",
        },
    )
    if form.is_valid():
        try:
            with transaction.atomic():
                breach = breach_log(
                    new=form.new_breach(),
                    actor=request.user,
                    evidence=form.cleaned_data["evidence"],
                )
                channels.issue_to_breach(issue=found, breach=breach, actor=request.user)
        except ValidationError as error:
            add_service_errors(
                form, error, rename={"local_authorities": "local_authority", "msps": "msp"}
            )
        else:
            messages.success(request, f"Breach {breach.reference} logged from the issue")
            return redirect(breach)
    return render(request, "governance/issue_breach.html", {"form": form, "issue": found})
