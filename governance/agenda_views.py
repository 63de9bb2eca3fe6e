"""A meeting's agenda, papers, declarations, minutes and pack: the pages that change them, and
the region's shared register of published minutes and decisions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from governance import agenda, pack, permissions
from governance.forms import DeclarationForm, ItemForm, MinuteForm, PaperForm
from governance.models import AgendaItem, Decision, Minutes, MinutesState, Pack
from governance.views import _meeting, _meeting_to_change, _region
from kernel.exports import xlsx_response
from kernel.forms import add_service_errors
from kernel.http import AuthenticatedHttpRequest
from kernel.uploads import upload_response


def _back(meeting_pk: int, anchor: str = "agenda") -> HttpResponse:
    return redirect(reverse("governance:meeting", args=[meeting_pk]) + f"#{anchor}")


def _item(request: AuthenticatedHttpRequest, pk: int, item_pk: int) -> AgendaItem:
    meeting = _meeting(request, pk)
    return get_object_or_404(meeting.items.select_related("meeting__group__region"), pk=item_pk)


@require_http_methods(["GET", "POST"])
def item_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_to_change(request, pk, allowed=permissions.can_record)
    form = ItemForm(
        request.POST or None,
        meeting=meeting,
        presenters=agenda.possible_presenters(meeting),
        actor=request.user,
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            agenda.item_add(
                meeting=meeting,
                title=data["title"],
                presenter=data["presenter"],
                confidential=data["confidential"],
                links=form.links(),
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Item added to the agenda")
            return _back(meeting.pk)
    return render(request, "governance/item_form.html", {"form": form, "meeting": meeting})


@require_POST
def item_move(request: AuthenticatedHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = _item(request, pk, item_pk)
    if not permissions.can_record(request.user, item.meeting.group):
        raise PermissionDenied
    agenda.item_move(item=item, up=request.POST.get("direction") == "up", actor=request.user)
    return _back(item.meeting_id)


@require_http_methods(["GET", "POST"])
def item_minute(request: AuthenticatedHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = _item(request, pk, item_pk)
    if not permissions.can_record(request.user, item.meeting.group):
        raise PermissionDenied
    form = MinuteForm(request.POST or None, initial={"minute": item.minute})
    if form.is_valid():
        try:
            agenda.item_minute(item=item, minute=form.cleaned_data["minute"], actor=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Minute saved")
            return _back(item.meeting_id)
    return render(request, "governance/minute_form.html", {"form": form, "item": item})


@require_http_methods(["GET", "POST"])
def paper_new(request: AuthenticatedHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = _item(request, pk, item_pk)
    if not agenda.can_add_paper(request.user, item):
        raise PermissionDenied
    form = PaperForm(request.POST or None, request.FILES or None)
    if form.is_valid():
        agenda.paper_add(item=item, upload=form.cleaned_data["file"], actor=request.user)
        messages.success(request, "Paper added")
        return _back(item.meeting_id)
    return render(
        request,
        "governance/paper_form.html",
        {"form": form, "item": item, "due": agenda.due_label(item.meeting, timezone.localdate())},
    )


@require_GET
def paper(request: AuthenticatedHttpRequest, pk: int, item_pk: int, paper_pk: int) -> FileResponse:
    item = _item(request, pk, item_pk)
    found = get_object_or_404(item.papers.all(), pk=paper_pk)
    return upload_response(found.file, download_name=found.name, kind=found.kind or None)


@require_http_methods(["GET", "POST"])
def declaration_new(request: AuthenticatedHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = _item(request, pk, item_pk)
    if not permissions.can_record(request.user, item.meeting.group):
        raise PermissionDenied
    form = DeclarationForm(request.POST or None, people=agenda.possible_presenters(item.meeting))
    if form.is_valid():
        try:
            agenda.declaration_record(
                item=item,
                person=form.cleaned_data["person"],
                interest=form.cleaned_data["interest"],
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Declaration of interest recorded")
            return _back(item.meeting_id)
    return render(request, "governance/declaration_form.html", {"form": form, "item": item})


@require_POST
def minutes_approve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    if meeting.group.chair_id != request.user.pk:
        raise PermissionDenied
    try:
        agenda.minutes_approve(meeting=meeting, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Minutes approved")
    return _back(meeting.pk, "minutes")


@require_POST
def minutes_publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    if not permissions.can_record(request.user, meeting.group):
        raise PermissionDenied
    try:
        agenda.minutes_publish(meeting=meeting, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Minutes published to the region")
    return _back(meeting.pk, "minutes")


@require_POST
def pack_generate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_to_change(request, pk, allowed=permissions.can_run_group)
    generated = pack.pack_generate(meeting=meeting, actor=request.user)
    messages.success(request, f"Pack {generated.number} generated")
    return redirect("governance:pack", pk=meeting.pk, number=generated.number)


def _pack(request: AuthenticatedHttpRequest, pk: int, number: int) -> Pack:
    meeting = _meeting(request, pk)
    return get_object_or_404(
        Pack.objects.select_related("meeting__group__region", "generated_by"),
        meeting=meeting,
        number=number,
    )


@require_GET
def pack_page(request: AuthenticatedHttpRequest, pk: int, number: int) -> HttpResponse:
    """The pack as circulated (`?print=1`: the printable page, without the portal's header)."""
    found = _pack(request, pk, number)
    return render(
        request,
        "governance/pack_print.html" if request.GET.get("print") else "governance/pack.html",
        {
            "pack": found,
            "meeting": found.meeting,
            "group": found.meeting.group,
            "content": found.content,
            "records": pack.records_for(found, request.user),
        },
    )


@require_GET
def pack_sheet(request: AuthenticatedHttpRequest, pk: int, number: int) -> HttpResponse:
    found = _pack(request, pk, number)
    rows = pack.sheet_rows(found)
    title = f"{found.meeting.group.name} pack {found.number}"
    return xlsx_response(title, [title], rows)


@require_GET
def shared_minutes(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """The region's published minutes and decisions register, for everyone who takes part in
    its governance: confidential items never."""
    region = _region(request, code)
    minutes = list(
        Minutes.objects.shared_with(request.user)
        .filter(meeting__group__region=region)
        .select_related("meeting__group")
        .order_by("-meeting__starts_at")[:50]
    )
    if not minutes and not permissions.can_use_governance(request.user):
        raise PermissionDenied
    meeting_ids = [m.meeting_id for m in minutes]
    items = list(
        AgendaItem.objects.filter(meeting_id__in=meeting_ids, confidential=False).order_by(
            "meeting_id", "position", "pk"
        )
    )
    decisions = list(
        Decision.objects.filter(meeting_id__in=meeting_ids)
        .exclude(item__confidential=True)
        .select_related("meeting__group")
        .order_by("-decided_on", "pk")
    )
    by_meeting: dict[int, list[AgendaItem]] = {}
    for item in items:
        by_meeting.setdefault(item.meeting_id, []).append(item)
    return render(
        request,
        "governance/shared_minutes.html",
        {
            "region": region,
            "entries": [(m, by_meeting.get(m.meeting_id, [])) for m in minutes],
            "decisions": decisions,
            "published": MinutesState.PUBLISHED,
        },
    )
