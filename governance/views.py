"""Governance pages: the groups a person sees, a group with its terms and members, the
region's representation, and for those who run it adding groups and members."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from governance import agenda, calendar, permissions, selectors, services
from governance import structure as governance_structure
from governance.forms import (
    ActionForm,
    AttendanceForm,
    CancelForm,
    DecisionForm,
    GroupForm,
    MeetingForm,
    MemberEndForm,
    MemberForm,
    MoveForm,
)
from governance.models import (
    Action,
    CalendarFeed,
    Declaration,
    Group,
    Meeting,
    MeetingState,
)
from governance.quorum import members_at, quorum
from kernel.forms import add_service_errors
from kernel.http import AuthenticatedHttpRequest
from mou.models import Region


def _region(request: AuthenticatedHttpRequest, code: str) -> Region:
    return get_object_or_404(Region.objects.visible_to(request.user), code=code)


@require_GET
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The groups the person sees, by region, and the regions they run governance for."""
    if not permissions.can_use_governance(request.user):
        raise PermissionDenied
    groups = list(
        Group.objects.visible_to(request.user)
        .select_related("region", "chair")
        .order_by("region__name", "kind", "name")
    )
    running = [
        region
        for region in Region.objects.visible_to(request.user).order_by("name")
        if permissions.can_run(request.user, region)
    ]
    return render(
        request,
        "governance/home.html",
        {
            "groups": groups,
            "running": running,
            "regions": sorted({g.region for g in groups} | set(running), key=lambda r: r.name),
            "today": timezone.localdate(),
        },
    )


@require_GET
def group_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    group = permissions.get_group_for_user(request.user, pk)
    today = timezone.localdate()
    members = list(
        group.members.select_related("person", "deputy", "local_authority", "msp").order_by(
            "local_authority__name", "msp__name", "from_date"
        )
    )
    meetings = list(group.meetings.order_by("-starts_at")[:20])
    now = timezone.now()
    return render(
        request,
        "governance/group_detail.html",
        {
            "group": group,
            "upcoming": [m for m in meetings if m.starts_at >= now][::-1],
            "past": [m for m in meetings if m.starts_at < now],
            "local_authorities": list(group.local_authorities.order_by("name")),
            "current": [m for m in members if m.is_member_on(today)],
            "former": [m for m in members if not m.is_member_on(today)],
            "messages_sent": list(group.messages.select_related("sender")[:20]),
            "can_run": permissions.can_run(request.user, group.region),
            "can_record": permissions.can_record(request.user, group),
        },
    )


@require_http_methods(["GET", "POST"])
def group_new(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    region = _region(request, code)
    if not permissions.can_run(request.user, region):
        raise PermissionDenied
    form = GroupForm(request.POST or None, region=region)
    if form.is_valid():
        try:
            group = services.group_create(
                region=region,
                fields=form.group_fields(),
                local_authorities=form.cleaned_data["local_authorities"],
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{group.name} added")
            return redirect("governance:group", pk=group.pk)
    return render(request, "governance/group_form.html", {"form": form, "region": region})


@require_http_methods(["GET", "POST"])
def group_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    group = permissions.get_group_for_user(request.user, pk)
    if not permissions.can_run(request.user, group.region):
        raise PermissionDenied
    form = GroupForm(request.POST or None, instance=group, region=group.region)
    if form.is_valid():
        try:
            services.group_update(
                group=group,
                fields=form.group_fields(),
                local_authorities=form.cleaned_data["local_authorities"],
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{group.name} changed")
            return redirect("governance:group", pk=group.pk)
    return render(
        request,
        "governance/group_form.html",
        {"form": form, "region": group.region, "group": group},
    )


@require_http_methods(["GET", "POST"])
def member_end(request: AuthenticatedHttpRequest, pk: int, member_pk: int) -> HttpResponse:
    """A member leaves the group from a date (their seat and attendance stay on record)."""
    group = permissions.get_group_for_user(request.user, pk)
    if not permissions.can_run(request.user, group.region):
        raise PermissionDenied
    member = get_object_or_404(
        group.members.select_related("person", "local_authority", "msp"),
        pk=member_pk,
        until_date__isnull=True,
    )
    form = MemberEndForm(request.POST or None)
    if form.is_valid():
        try:
            services.member_end(
                member=member, until_date=form.cleaned_data["until_date"], actor=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{member.person} no longer sits on {group.name}")
            return redirect("governance:group", pk=group.pk)
    return render(
        request, "governance/member_end.html", {"form": form, "group": group, "member": member}
    )


@require_http_methods(["GET", "POST"])
def member_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    group = permissions.get_group_for_user(request.user, pk)
    if not permissions.can_run(request.user, group.region):
        raise PermissionDenied
    form = MemberForm(request.POST or None, group=group)
    if form.is_valid():
        data = form.cleaned_data
        seat = {
            "group": group,
            "local_authority": data["local_authority"],
            "msp": data.get("msp"),
            "delegated_authority": data["delegated_authority"],
            "deputy": data["deputy"],
            "from_date": data["from_date"],
            "actor": request.user,
        }
        try:
            if data["person"]:
                member = services.member_add(person=data["person"], **seat)
            else:
                member = services.member_invite(
                    email=data["new_email"], name=data["new_name"], **seat
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"{member.person} sits on {group.name} for {member.represents}"
            )
            return redirect("governance:group", pk=group.pk)
    return render(request, "governance/member_form.html", {"form": form, "group": group})


@require_GET
def representation(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """Each LA's representation at a glance, for those who run the region's governance."""
    region = _region(request, code)
    if not permissions.can_run(request.user, region):
        raise PermissionDenied
    today = timezone.localdate()
    rows = selectors.representation(region, on=today, mou_owners=selectors.mou_owners(region))
    return render(
        request,
        "governance/representation.html",
        {"region": region, "rows": rows, "flagged": sum(r.flags for r in rows)},
    )


@require_GET
def structure(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """How the region governs, drawn and tabled: for everyone in the region who takes part in
    governance (its groups' names and chairs are not confidential within the region)."""
    region = _region(request, code)
    if not permissions.takes_part_in(request.user, region):
        raise Http404
    drawn = governance_structure.drawing(region, timezone.localdate())
    return render(request, "governance/structure.html", {"region": region, "d": drawn})


WHEN_FIELDS = {"ends_at": "ends", "starts_at": "starts"}


def _meeting(request: AuthenticatedHttpRequest, pk: int) -> Meeting:
    return get_object_or_404(
        Meeting.objects.visible_to(request.user).select_related("group__region"), pk=pk
    )


def _run_by(user, group: Group) -> bool:
    return permissions.can_run(user, group.region)


def _meeting_to_change(
    request: AuthenticatedHttpRequest,
    pk: int,
    *,
    allowed: Callable[..., bool],
    scheduled_only: bool = True,
) -> Meeting:
    """A meeting the person sees (404 otherwise) and may change (`allowed(user, group)`),
    still scheduled unless `scheduled_only` is off (403 otherwise)."""
    meeting = _meeting(request, pk)
    if not allowed(request.user, meeting.group):
        raise PermissionDenied
    if scheduled_only and meeting.state == MeetingState.CANCELLED:
        raise PermissionDenied
    return meeting


@require_http_methods(["GET", "POST"])
def meeting_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    group = permissions.get_group_for_user(request.user, pk)
    if not permissions.can_run(request.user, group.region):
        raise PermissionDenied
    form = MeetingForm(request.POST or None)
    if form.is_valid():
        starts_at, ends_at = form.when()
        try:
            meeting = services.meeting_schedule(
                group=group,
                starts_at=starts_at,
                ends_at=ends_at,
                place=form.cleaned_data["place"],
                online_link=form.cleaned_data["online_link"],
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error, rename=WHEN_FIELDS)
        else:
            messages.success(request, f"Meeting scheduled for {meeting.starts_at:%-d %B %Y}")
            return redirect("governance:meeting", pk=meeting.pk)
    return render(
        request, "governance/meeting_form.html", {"form": form, "group": group, "new": True}
    )


@require_GET
def meeting_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(
        Meeting.objects.visible_to(request.user).select_related(
            "group__region", "minutes__approved_by", "minutes__approved_at_meeting"
        ),
        pk=pk,
    )
    members = members_at(
        meeting, list(meeting.group.members.select_related("person", "local_authority", "msp"))
    )
    statuses = {a.member_id: a.status for a in meeting.attendance.all()}
    items = list(
        meeting.items.select_related("presenter").prefetch_related(
            "papers", Prefetch("declarations", Declaration.objects.select_related("person"))
        )
    )
    links = agenda.linked_records(items, request.user)
    minutes = getattr(meeting, "minutes", None)  # read with the meeting
    return render(
        request,
        "governance/meeting_detail.html",
        {
            "meeting": meeting,
            "group": meeting.group,
            "attendance": [(m, statuses.get(m.pk)) for m in members],
            "quorum": quorum(meeting.group, members, statuses),
            "items": [(item, links[item.pk]) for item in items],
            "carried": list(agenda.carried_actions(meeting)),
            "papers_due": agenda.due_label(meeting, timezone.localdate()),
            "missing": agenda.papers_missing(items),
            "minutes": minutes,
            "packs": list(meeting.packs.select_related("generated_by")),
            "decisions": list(meeting.decisions.select_related("item")),
            "actions": list(meeting.actions.select_related("owner")),
            "can_run": permissions.can_run(request.user, meeting.group.region),
            "can_record": permissions.can_record(request.user, meeting.group),
            "is_chair": meeting.group.chair_id == request.user.pk,
        },
    )


@require_http_methods(["GET", "POST"])
def meeting_move(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_to_change(request, pk, allowed=_run_by)
    form = MoveForm(request.POST or None, meeting=meeting)
    if form.is_valid():
        starts_at, ends_at = form.when()
        try:
            services.meeting_move(
                meeting=meeting,
                starts_at=starts_at,
                ends_at=ends_at,
                place=form.cleaned_data["place"],
                online_link=form.cleaned_data["online_link"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error, rename=WHEN_FIELDS)
        else:
            messages.success(request, "Meeting moved")
            return redirect("governance:meeting", pk=meeting.pk)
    return render(
        request,
        "governance/meeting_form.html",
        {"form": form, "group": meeting.group, "meeting": meeting},
    )


@require_http_methods(["GET", "POST"])
def meeting_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_to_change(request, pk, allowed=_run_by)
    form = CancelForm(request.POST or None)
    if form.is_valid():
        try:
            services.meeting_cancel(
                meeting=meeting, reason=form.cleaned_data["reason"], actor=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Meeting cancelled")
            return redirect("governance:meeting", pk=meeting.pk)
    return render(request, "governance/meeting_cancel.html", {"form": form, "meeting": meeting})


def _ics(body: bytes, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.ics"'
    return response


@require_GET
def meeting_invitation(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The meeting's invitation as an iCalendar file: emails link here (GOV.UK Notify sends
    no attachments)."""
    meeting = _meeting(request, pk)
    return _ics(calendar.invitation(meeting), f"meeting-{meeting.starts_at:%Y-%m-%d}")


FEED_DAYS_BACK = 90


@require_http_methods(["GET", "POST"])
def calendar_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The person's own feed address: make one, replace it (the old one stops working) or
    turn it off."""
    if not permissions.can_use_governance(request.user):
        raise PermissionDenied
    if request.method == "POST":
        if request.POST.get("action") == "off":
            services.calendar_feed_off(person=request.user)
            messages.success(request, "Your calendar feed is off: its address no longer works")
        else:
            services.calendar_feed_new(person=request.user)
            messages.success(request, "Your calendar feed has a new address")
        return redirect("governance:calendar")
    feed = CalendarFeed.objects.filter(person=request.user).first()
    url = request.build_absolute_uri(reverse("governance:feed", args=[feed.token])) if feed else ""
    return render(request, "governance/calendar.html", {"feed": feed, "url": url})


@login_not_required
@require_GET
def calendar_feed(request, token: str) -> HttpResponse:
    """A person's feed, at its secret address: the meetings of the groups they see, from 90
    days back, as titles, times and places. 404 for an unknown or replaced address."""
    feed = get_object_or_404(
        CalendarFeed.objects.select_related("person"), token=token, person__is_active=True
    )
    since = timezone.now() - datetime.timedelta(days=FEED_DAYS_BACK)
    meetings = (
        Meeting.objects.visible_to(feed.person)
        .filter(starts_at__gte=since)
        .select_related("group")
        .order_by("starts_at")
    )
    response = _ics(calendar.feed(meetings), "governance-meetings")
    response["Content-Disposition"] = 'inline; filename="governance-meetings.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
def attendance(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_to_change(request, pk, allowed=permissions.can_record)
    members = members_at(
        meeting,
        list(meeting.group.members.select_related("person", "deputy", "local_authority", "msp")),
    )
    recorded = {a.member_id: a.status for a in meeting.attendance.all()}
    form = AttendanceForm(request.POST or None, members=members, recorded=recorded)
    if form.is_valid():
        try:
            services.attendance_record(
                meeting=meeting, statuses=form.statuses(), actor=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Attendance recorded")
            return redirect("governance:meeting", pk=meeting.pk)
    return render(request, "governance/attendance_form.html", {"form": form, "meeting": meeting})


@require_http_methods(["GET", "POST"])
def decision_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_to_change(request, pk, allowed=permissions.can_record, scheduled_only=False)
    form = DecisionForm(request.POST or None, meeting=meeting)
    if form.is_valid():
        try:
            services.decision_record(
                meeting=meeting,
                text=form.cleaned_data["text"],
                item=form.cleaned_data["item"],
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Decision recorded")
            return redirect(reverse("governance:meeting", args=[meeting.pk]) + "#decisions")
    return render(request, "governance/decision_form.html", {"form": form, "meeting": meeting})


@require_http_methods(["GET", "POST"])
def action_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_to_change(request, pk, allowed=permissions.can_record, scheduled_only=False)
    form = ActionForm(request.POST or None, owners=services.possible_owners(meeting.group))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.action_add(
                meeting=meeting,
                text=data["text"],
                owner=data["owner"],
                due_on=data["due_on"],
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Action recorded")
            return redirect(reverse("governance:meeting", args=[meeting.pk]) + "#actions")
    return render(request, "governance/action_form.html", {"form": form, "meeting": meeting})


@require_POST
def action_done(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(
        Action.objects.visible_to(request.user).select_related("meeting", "answer"), pk=pk
    )
    try:
        services.action_done(action=action, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Action marked done")
    if action.answer is not None:
        return redirect(reverse("governance:review", args=[action.answer.review_id]) + "#actions")
    return redirect(reverse("governance:meeting", args=[action.meeting_id]) + "#actions")
