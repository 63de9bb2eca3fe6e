"""A meeting's pack, generated from the portal's own data since the group's last meeting for
the LAs it covers, then frozen (`Pack.content`): breaches logged, escalated, resolved and
overdue; cap exceptions approved and expiring; signatory changes; data returns' state and the
agency rate (through the dashboards' disclosure step, as for a reader who does not run the
collection: the pack is circulated to every member); supplier reviews and their open actions;
this group's open actions.

Counts are shown for every LA it covers. Records are stored by kind and id and listed to a
reader only where that record's own `visible_to` lets them open it (`records_for`): one query
per kind of record, whatever the pack's size."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.utils import timezone

from accounts.models import User
from breaches.models import OPEN_STATES, Breach, BreachEvent, BreachParty, EventKind, overdue_q
from cap_exceptions.models import EXPIRY_NOTICE_WORKING_DAYS, CapException, ExceptionStatus
from dashboards.figures import Selection, region_authorities
from dashboards.periods import Period, quarter_start
from dashboards.returns import ReturnsData, agency_rate_by_la, latest_period
from datasharing.models import ReturnState
from datasharing.selectors import tracker
from governance.agenda import record_url
from governance.models import Action, ActionState, Meeting, MeetingState, Pack
from governance.permissions import can_run, require
from governance.services import locked_meeting
from kernel.working_days import add_working_days
from mou.models import Signatory
from msp.models import RelationshipReview, ReviewAction

RECORD_MODELS: dict[str, Any] = {
    "breach": Breach,
    "cap_exception": CapException,
    "supplier_review": RelationshipReview,
}
RETURN_STATES = dict(ReturnState.choices)


def since_for(meeting: Meeting) -> datetime.date:
    """The day of the group's last meeting before this one that went ahead (or the group's
    start): the pack covers what happened from then."""
    last = (
        Meeting.objects.filter(
            group_id=meeting.group_id,
            starts_at__lt=meeting.starts_at,
            state=MeetingState.SCHEDULED,
        )
        .order_by("-starts_at")
        .first()
    )
    return last.day if last is not None else meeting.group.starts_on


def _between(field: str, since: datetime.date, until: datetime.date) -> Q:
    """A datetime field from the start of `since` to the end of `until` (UK days)."""
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(since, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(
        until + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
    )
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


def _breaches(la_ids: list[int], since, until, today) -> dict:
    escalated = BreachEvent.objects.filter(
        _between("created_at", since, until), breach=OuterRef("breach"), kind=EventKind.ESCALATED
    )
    parties = BreachParty.objects.filter(local_authority_id__in=la_ids).annotate(
        escalated=Exists(escalated)
    )
    logged = _between("breach__reported_at", since, until)
    resolved = _between("breach__resolved_at", since, until)
    overdue = overdue_q(today, prefix="breach__")
    counts = {
        row["local_authority_id"]: row
        for row in parties.values("local_authority_id")
        .annotate(
            logged=Count("breach", filter=logged, distinct=True),
            escalated_n=Count("breach", filter=Q(escalated=True), distinct=True),
            resolved=Count("breach", filter=resolved, distinct=True),
            overdue=Count("breach", filter=overdue, distinct=True),
        )
        .order_by()
    }
    listed = (
        parties.filter(logged | resolved | Q(escalated=True) | overdue)
        .values_list("breach_id", flat=True)
        .distinct()
    )
    records = list(
        Breach.objects.filter(pk__in=listed)
        .order_by("reported_at", "pk")
        .values("pk", "reference", "state", "occurred_on")
    )
    return {
        "counts": {
            la: [c["logged"], c["escalated_n"], c["resolved"], c["overdue"]]
            for la, c in counts.items()
        },
        "records": [
            {
                "pk": r["pk"],
                "label": r["reference"],
                "detail": f"{r['state'].replace('_', ' ').capitalize()}"
                + (", open" if r["state"] in OPEN_STATES else ""),
            }
            for r in records
        ],
    }


def _cap_exceptions(la_ids: list[int], since, until, today) -> dict:
    soon = add_working_days(today, EXPIRY_NOTICE_WORKING_DAYS)
    approved = _between("dcs_approved_at", since, until) & Q(dcs_approved_at__isnull=False)
    expiring = Q(status=ExceptionStatus.APPROVED, expires_on__gte=today, expires_on__lte=soon)
    exceptions = CapException.objects.filter(local_authority_id__in=la_ids)
    counts = {
        row["local_authority_id"]: [row["approved"], row["expiring"]]
        for row in exceptions.values("local_authority_id")
        .annotate(approved=Count("pk", filter=approved), expiring=Count("pk", filter=expiring))
        .order_by()
    }
    records = [
        {
            "pk": e.pk,
            "label": e.reference,
            "detail": f"expires {e.expires_on:%-d %B %Y}",
        }
        for e in exceptions.filter(approved | expiring).order_by("expires_on", "pk")
    ]
    return {"counts": counts, "records": records}


def _signatories(la_ids: list[int], region_id: int, since, until) -> list[dict]:
    changed = (
        Signatory.objects.filter(
            _between("updated_at", since, until),
            local_authority_id__in=la_ids,
            version__mou__region_id=region_id,
        )
        .select_related("local_authority", "version")
        .order_by("local_authority__name", "version__effective_from")
    )
    return [
        {
            "local_authority": s.local_authority.name,
            "version": s.version.label,
            "status": s.get_status_display(),
            "on": s.updated_at.date().isoformat(),
        }
        for s in changed
    ]


def _returns(meeting: Meeting, las, today) -> dict:
    region = meeting.group.region
    period = latest_period(region, today)
    status = []
    if period is not None:
        for row in tracker(period, today=today, authorities=las):
            status.append(
                [row.local_authority.name, RETURN_STATES[row.state], "Late" if row.late else ""]
            )
    quarter = quarter_start(today)
    selection = Selection(
        region=region,
        period=Period(quarter, quarter),
        today=today,
        authorities=las,
        full_returns=False,  # circulated to every member: shared and suppressed
    )
    rate = agency_rate_by_la(ReturnsData(selection))
    names = {la.name for la in las}
    return {
        "period": period.label if period is not None else "",
        "status": status,
        "rate_columns": rate.columns,
        # Rows of the covered LAs only: the figure has no totals, so leaving rows out gives
        # nothing away; values already passed the disclosure step (present()).
        "rate_rows": [
            [str(v) if v is not None else "" for v in row] for row in rate.rows if row[0] in names
        ],
        "rate_note": rate.note,
    }


def _reviews(la_ids: list[int], region_id: int, since, until) -> list[dict]:
    reviews = (
        RelationshipReview.objects.filter(region_id=region_id, held_on__gte=since)
        .filter(Q(local_authority__isnull=True) | Q(local_authority_id__in=la_ids))
        .filter(held_on__lte=until)
        .select_related("msp", "agency")
        .order_by("held_on", "pk")
    )
    open_actions: dict[int, list[dict]] = defaultdict(list)
    for action in ReviewAction.objects.filter(
        review__in=reviews, done_on__isnull=True
    ).select_related("owner_person"):
        open_actions[action.review_id].append(
            {
                "text": action.description,
                "owner": str(action.owner_person or action.owner),
                "due": action.due_on.isoformat(),
            }
        )
    return [
        {"pk": r.pk, "label": str(r), "detail": "", "actions": open_actions[r.pk]} for r in reviews
    ]


def _group_actions(meeting: Meeting) -> list[dict]:
    actions = (
        Action.objects.filter(meeting__group_id=meeting.group_id, state=ActionState.OPEN)
        .select_related("owner")
        .order_by("due_on", "pk")
    )
    return [{"text": a.text, "owner": str(a.owner), "due": a.due_on.isoformat()} for a in actions]


def build(meeting: Meeting, today: datetime.date) -> tuple[datetime.date, dict]:
    """What the pack says, as of `today`: plain data, stored as it is."""
    since = since_for(meeting)
    covered = set(meeting.group.local_authorities.values_list("pk", flat=True))
    las = [la for la in region_authorities(meeting.group.region, on=today) if la.pk in covered]
    la_ids = [la.pk for la in las]
    region_id = meeting.group.region_id
    breaches = _breaches(la_ids, since, today, today)
    exceptions = _cap_exceptions(la_ids, since, today, today)
    return since, {
        "local_authorities": [la.name for la in las],
        "breaches": {
            "columns": ["Logged", "Escalated", "Resolved", "Overdue today"],
            "rows": [[la.name, *breaches["counts"].get(la.pk, [0, 0, 0, 0])] for la in las],
            "records": breaches["records"],
        },
        "cap_exceptions": {
            "columns": ["Approved", "Expiring soon"],
            "rows": [[la.name, *exceptions["counts"].get(la.pk, [0, 0])] for la in las],
            "records": exceptions["records"],
        },
        "signatories": _signatories(la_ids, region_id, since, today),
        "returns": _returns(meeting, las, today),
        "supplier_reviews": _reviews(la_ids, region_id, since, today),
        "actions": _group_actions(meeting),
    }


@transaction.atomic
def pack_generate(*, meeting: Meeting, actor: User) -> Pack:
    """Generate the pack and freeze it as the meeting's next numbered version."""
    meeting = locked_meeting(meeting)
    require(can_run(actor, meeting.group.region))
    today = timezone.localdate()
    since, content = build(meeting, today)
    number = (meeting.packs.aggregate(n=Max("number"))["n"] or 0) + 1
    return Pack.objects.create(
        meeting=meeting,
        number=number,
        since=since,
        generated_on=today,
        generated_by=actor,
        content=content,
    )


@dataclass(frozen=True)
class Listed:
    label: str
    detail: str
    url: str
    actions: list[dict]


def records_for(pack: Pack, user: User) -> dict[str, list[Listed]]:
    """The pack's records the reader may open, by kind (one query per kind)."""
    content = pack.content
    stored = {
        "breach": content["breaches"]["records"],
        "cap_exception": content["cap_exceptions"]["records"],
        "supplier_review": content["supplier_reviews"],
    }
    listed: dict[str, list[Listed]] = {}
    for kind, records in stored.items():
        wanted = [r["pk"] for r in records]
        model = RECORD_MODELS[kind]
        openable = (
            {r.pk: r for r in model.objects.visible_to(user).filter(pk__in=wanted)}
            if wanted
            else {}
        )
        listed[kind] = [
            Listed(
                r["label"],
                r.get("detail", ""),
                record_url(kind, openable[r["pk"]]),
                r.get("actions", []),
            )
            for r in records
            if r["pk"] in openable
        ]
    return listed


def sheet_rows(pack: Pack) -> list[list[Any]]:
    """The pack's figures as one sheet's rows (counts for every LA it covers; no records, whose
    listing depends on the reader)."""
    content = pack.content
    rows: list[list[Any]] = []

    def table(title: str, columns: list[str], body: list[list[Any]]) -> None:
        rows.append([title])
        rows.append(["Local authority", *columns])
        rows.extend(body)
        rows.append([])

    table("Breaches", content["breaches"]["columns"], content["breaches"]["rows"])
    table("Cap exceptions", content["cap_exceptions"]["columns"], content["cap_exceptions"]["rows"])
    returns = content["returns"]
    table(f"Data returns {returns['period']}", ["State", "Late"], returns["status"])
    if returns["rate_rows"]:
        table("Agency rate (% of FTE)", returns["rate_columns"][1:], returns["rate_rows"])
    table(
        "Signatory changes",
        ["Version", "Status", "On"],
        [
            [s["local_authority"], s["version"], s["status"], s["on"]]
            for s in content["signatories"]
        ],
    )
    rows.append(["Open actions of the group"])
    rows.append(["Action", "Owner", "Due"])
    rows.extend([a["text"], a["owner"], a["due"]] for a in content["actions"])
    return rows
