from __future__ import annotations

from typing import Any, TypedDict

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.http import FileResponse, Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_filters.views import FilterView

from accounts.selectors import organisations
from breaches import services, workflow
from breaches.filters import BreachFilter
from breaches.forms import ActionForm, CommentForm, EvidenceForm, LogBreachForm
from breaches.models import Breach, BreachParty, BreachState, EventKind
from breaches.permissions import (
    BREACH_RELATED,
    breaches_visible_to,
    can_log_somewhere,
    get_breach_for_user,
    loggable_regions,
)
from breaches.tables import BREACH_COLUMNS, breach_rows
from breaches.workflow import ACTIONS, allowed_actions
from cap_exceptions.models import CapException
from kernel.exports import csv_response
from kernel.forms import add_service_errors
from kernel.http import AuthenticatedHttpRequest
from kernel.tables import SortedPage
from kernel.uploads import upload_response
from kernel.working_days import working_days_between
from mou.models import LocalAuthority
from msp.models import MSP


@require_http_methods(["GET", "POST"])
def log_breach(request: AuthenticatedHttpRequest) -> HttpResponse:
    regions = loggable_regions(request.user)
    if not regions.exists():
        raise PermissionDenied
    form = LogBreachForm(
        request.POST or None, request.FILES or None, regions=regions, user=request.user
    )
    if form.is_valid():
        try:
            breach = services.breach_log(
                new=form.new_breach(),
                actor=request.user,
                evidence=form.cleaned_data["evidence"],
            )
        except ValidationError as error:
            add_service_errors(
                form, error, rename={"local_authorities": "local_authority", "msps": "msp"}
            )
        else:
            messages.success(
                request, f"Breach {breach.reference} logged. The regional leads have been told."
            )
            return redirect(breach)
    return render(request, "breaches/log.html", {"form": form})


def _visible_las(request: AuthenticatedHttpRequest):
    regions = loggable_regions(request.user)
    return LocalAuthority.objects.filter(region__in=regions).order_by("name")


_PARTIES = BreachParty.objects.select_related("local_authority", "agency", "msp")


def _list_queryset(request: AuthenticatedHttpRequest):
    """The person's breaches, most urgent first, with what the list and the CSV show."""
    return (
        breaches_visible_to(request.user)
        .most_urgent_first(on=timezone.localdate())
        .select_related("level", "rule")
        .prefetch_related(Prefetch("parties", queryset=_PARTIES))
    )


class BreachListView(FilterView):
    filterset_class = BreachFilter
    template_name = "breaches/list.html"

    def get_queryset(self):
        return _list_queryset(self.request)

    def get_filterset_kwargs(self, filterset_class):
        return {
            **super().get_filterset_kwargs(filterset_class),
            # Always bound, so the default (open breaches) applies to a bare /breaches/ too.
            "data": self.request.GET,
            "local_authorities": _visible_las(self.request),
            "msps": MSP.objects.visible_to(self.request.user),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Rows drawn by the page's own template: the busiest list (docs/adr/0015).
        table = SortedPage(self.object_list, BREACH_COLUMNS, self.request.GET, per_page=25)
        context["table"] = table
        context["rows"] = breach_rows(table.page, today=timezone.localdate())
        context["can_log"] = can_log_somewhere(self.request.user)
        context["export_query"] = self.request.GET.urlencode()
        return context


@require_GET
def breach_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Exactly the filtered rows the person may see, as CSV."""
    breaches = BreachFilter(
        request.GET,
        request=request,
        queryset=_list_queryset(request),
        local_authorities=_visible_las(request),
        msps=MSP.objects.visible_to(request.user),
    ).qs
    today = timezone.localdate()
    header = [
        "Reference",
        "Type",
        "Rule",
        "Local authorities",
        "Agencies",
        "MSPs",
        "Happened",
        "Reported",
        "State",
        "Level",
        "Next deadline",
        "Overdue",
        "Rate paid (£ an hour)",
        "Cap (£ an hour)",
        "Over the cap (£ an hour)",
    ]
    rows = []
    for b in breaches:
        parties = list(b.parties.all())
        rows.append(
            [
                b.reference,
                b.get_breach_type_display(),
                str(b.rule),
                "; ".join(str(p) for p in parties if p.local_authority_id),
                "; ".join(str(p) for p in parties if p.agency_id),
                "; ".join(str(p) for p in parties if p.msp_id),
                b.occurred_on,
                timezone.localtime(b.reported_at).date(),
                b.get_state_display(),
                f"{b.level.order}: {b.level.name}" if b.level is not None else "",
                b.next_deadline or "",
                "Yes" if b.is_overdue(on=today) else "No",
                b.rate_paid if b.rate_paid is not None else "",
                b.cap_rate if b.cap_rate is not None else "",
                b.excess if b.excess is not None else "",
            ]
        )
    return csv_response("breaches", header, rows)


@require_GET
def breach_detail(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    # The party asked to reply is one of the parties read below: joining it again cost the
    # breach's query two thirds of its planning time on PostgreSQL.
    related = tuple(name for name in BREACH_RELATED if name != "awaiting_party")
    breach = get_breach_for_user(request.user, reference, related=related)
    # Prefetched, so who may act (an LA's DCS at the LA level) reads them from here too.
    prefetch_related_objects([breach], Prefetch("parties", queryset=_PARTIES))
    parties = list(breach.parties.all())
    if breach.awaiting_party_id:
        awaiting = [p for p in parties if p.pk == breach.awaiting_party_id]
        if awaiting:
            breach.awaiting_party = awaiting[0]
    return render(
        request,
        "breaches/detail.html",
        {
            "breach": breach,
            "parties": parties,
            "evidence": breach.evidence.all(),
            "events": timeline(breach.events.all()),
            "comment_form": CommentForm(),
            "evidence_form": EvidenceForm(),
            "actions": [
                {"slug": a.slug, "label": workflow.label_for(request.user, breach, a)}
                for a in allowed_actions(request.user, breach)
            ],
            "not_now": workflow.unavailable_reasons(request.user, breach),
            "deadline": deadline_in_words(breach),
            "overdue": breach.is_overdue(on=timezone.localdate()),
            "overridden_exception": CapException.objects.visible_to(request.user)
            .filter(pk=breach.overridden_exception_id)
            .first()
            if breach.overridden_exception_id
            else None,
        },
    )


class TimelineEntry(TypedDict):
    """A dict, not an object: the template engine tries a key before an attribute, so dicts are
    its quickest lookups (each failed key lookup on an object raises and catches an error)."""

    title: str  # what happened: "Escalated"
    change: str  # ": Under review to resolved (level 2)", or ""
    when: str  # "5 Mar 2026, 14:05", London time
    who: str
    note: str


KIND_LABELS = dict(EventKind.choices)
STATE_LABELS = dict(BreachState.choices)


def timeline(events) -> list[TimelineEntry]:
    """The breach's events worded for its page. Worded here rather than in the template, from
    plain values rather than model instances: a timeline runs to dozens of events, and template
    lookups per event were most of the page's rendering time."""
    entries = []
    rows = list(
        events.values(
            "kind",
            "from_state",
            "to_state",
            "to_level",
            "created_at",
            "note",
            "actor_id",
            "actor__name",
            "actor__email",
        )
    )
    organisation = organisations(e["actor_id"] for e in rows if e["actor_id"])
    for e in rows:
        change = ""
        if e["to_state"] and e["from_state"] and e["from_state"] != e["to_state"]:
            before = STATE_LABELS.get(e["from_state"], e["from_state"])
            after = STATE_LABELS.get(e["to_state"], e["to_state"])
            change = f": {before} to {after.lower()}"
        if e["to_level"]:
            change += f" (level {e['to_level']})"
        when = timezone.localtime(e["created_at"])
        entries.append(
            TimelineEntry(
                title=KIND_LABELS.get(e["kind"], e["kind"]),  # as get_kind_display would
                change=change,
                when=f"{when.day} {when:%b %Y, %H:%M}",  # "5 Mar 2026, 14:05"
                who=_who(e, organisation),
                note=e["note"],
            )
        )
    return entries


def _who(event: dict[str, Any], organisation: dict[int, str]) -> str:
    """ "Ann Smith (Camden)": the person and their organisation, or the portal itself."""
    name = event["actor__name"] or event["actor__email"]
    if not name:
        return "the portal"
    where = organisation.get(event["actor_id"])
    return f"{name} ({where})" if where else name


def deadline_in_words(breach: Breach) -> str:
    """'Due in 3 working days', 'Overdue by 2 working days', or why the clock is stopped."""
    today = timezone.localdate()
    if breach.state == BreachState.AWAITING_RESPONSE and breach.reply_due_on:
        if breach.reply_due_on < today:
            return (
                f"Reply overdue: {breach.awaiting_party} was asked to reply by "
                f"{breach.reply_due_on:%-d %B %Y}. The clock is stopped until the reply is "
                "recorded or the review continues."
            )
        return (
            f"Clock stopped: awaiting a reply from {breach.awaiting_party} until "
            f"{breach.reply_due_on:%-d %B %Y}"
        )
    if breach.due_on is None:
        return ""
    if breach.state == BreachState.REPORTED:
        stage = "Triage"
    elif breach.level:
        stage = f"Level {breach.level.order} ({breach.level.name})"
    else:
        stage = "Stage"
    if breach.due_on >= today:
        days = working_days_between(today, breach.due_on)
        return f"{stage}: due in {days} working day{'s' if days != 1 else ''}, by {breach.due_on:%-d %B %Y}"
    days = working_days_between(breach.due_on, today)
    if days == 0:  # due on the last working day, and today is not one
        return f"{stage}: overdue (was due {breach.due_on:%-d %B %Y})"
    return f"{stage}: overdue by {days} working day{'s' if days != 1 else ''} (was due {breach.due_on:%-d %B %Y})"


@require_POST
def breach_comment(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    breach = get_breach_for_user(request.user, reference)
    form = CommentForm(request.POST)
    if form.is_valid():
        services.breach_comment(breach=breach, text=form.cleaned_data["text"], actor=request.user)
        messages.success(request, "Comment added")
        return redirect(breach)
    return render(request, "breaches/comment_error.html", {"breach": breach, "form": form})


@require_POST
def breach_evidence_add(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    breach = get_breach_for_user(request.user, reference)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        services.breach_evidence_add(
            breach=breach, upload=form.cleaned_data["file"], actor=request.user
        )
        messages.success(request, "Evidence added")
        return redirect(breach)
    return render(
        request, "breaches/comment_error.html", {"breach": breach, "form": form, "upload": True}
    )


@require_GET
def breach_evidence(request: AuthenticatedHttpRequest, reference: str, pk: int) -> FileResponse:
    breach = get_breach_for_user(request.user, reference)
    item = get_object_or_404(breach.evidence.all(), pk=pk)
    return upload_response(item.file, download_name=item.name, kind=item.kind or None)


ACTIONS_BY_SLUG = {spec.slug: spec for spec in ACTIONS.values()}


@require_http_methods(["GET", "POST"])
def breach_action(request: AuthenticatedHttpRequest, reference: str, action: str) -> HttpResponse:
    breach = get_breach_for_user(request.user, reference)
    if action not in ACTIONS_BY_SLUG and action.replace("_", "-") in ACTIONS_BY_SLUG:
        # The address before hyphens (/request_reply/), which emails already sent link to.
        target = reverse("breaches:action", args=[breach.reference, action.replace("_", "-")])
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(f"{target}?{query}" if query else target)
    spec = ACTIONS_BY_SLUG.get(action)
    if spec is None:
        raise Http404
    action = spec.name
    if spec not in allowed_actions(request.user, breach) and request.method == "GET":
        raise PermissionDenied
    form = ActionForm(
        request.POST or None, initial={"version": breach.version}, action=spec, breach=breach
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            breach = workflow.breach_act(
                breach=breach,
                action=action,
                actor=request.user,
                note=data.get("note", ""),
                expected_version=data["version"],
                **form.action_fields(),
            )
        except ValidationError as error:
            add_service_errors(form, error, rename={"local_authorities": "local_authority"})
        else:
            messages.success(request, workflow.done_message(spec, breach))
            return redirect(breach)
    next_level = (
        workflow.escalation_target(breach, today=timezone.localdate())
        if spec.name == "escalate"
        else None
    )
    return render(
        request,
        "breaches/action.html",
        {
            "breach": breach,
            "form": form,
            "spec": spec,
            "label": workflow.label_for(request.user, breach, spec),
            "target": next_level,
        },
    )
