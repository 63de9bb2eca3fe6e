"""Dashboard figures as tables. The dashboards app owns no data: it reads the other apps' models
through aggregate queries, each figure in a fixed number of queries.

Every figure passes through `present()` before it is shown or exported, the one place where a
suppression step for figures about numbers of workers will be applied (breach and exception
counts are about organisations and are shown as they are).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from breaches.models import OPEN_STATES, Breach, BreachParty, BreachState
from mou.models import LocalAuthority, MOUVersion, Region, Signatory, SignatoryStatus, VersionStatus


@dataclass
class Figure:
    slug: str
    title: str
    columns: list[str]
    rows: list[list]
    highlight: str | None = None  # the row label to highlight (the DCS's own LA)
    outstanding: list[str] = field(default_factory=list)  # coverage: who has not signed


def present(figure: Figure) -> Figure:
    """The single step every figure passes through before display or export."""
    return figure


def quarter_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def previous_quarter(start: datetime.date) -> datetime.date:
    return quarter_start(start - datetime.timedelta(days=1))


def quarter_label(start: datetime.date) -> str:
    return f"{start.year} Q{(start.month - 1) // 3 + 1}"


def coverage(region: Region) -> Figure:
    """Signatory coverage of the region's active MOU version (two queries)."""
    version = MOUVersion.objects.filter(mou__region=region, status=VersionStatus.ACTIVE).first()
    signed = set()
    if version is not None:
        signed = set(
            Signatory.objects.filter(version=version, status=SignatoryStatus.SIGNED).values_list(
                "local_authority__name", flat=True
            )
        )
    names = list(
        LocalAuthority.objects.filter(region=region).order_by("name").values_list("name", flat=True)
    )
    outstanding = [n for n in names if n not in signed]
    rows = [
        ["Signed", len(signed)],
        ["Outstanding", len(outstanding)],
        ["Local authorities", len(names)],
    ]
    figure = Figure(
        "coverage", "Signatory coverage of the active MOU version", ["", "Local authorities"], rows
    )
    figure.outstanding = outstanding
    figure.version = version
    return present(figure)


def open_by_state(region: Region) -> Figure:
    counts = dict(
        Breach.objects.filter(region=region, state__in=OPEN_STATES)
        .values_list("state")
        .annotate(n=Count("pk"))
    )
    rows = [[BreachState(s).label, counts.get(s, 0)] for s in OPEN_STATES]
    return present(Figure("open-by-state", "Open breaches by state", ["State", "Breaches"], rows))


def open_by_level(region: Region) -> Figure:
    counts = (
        Breach.objects.filter(region=region, state__in=OPEN_STATES)
        .values_list("level__order", "level__name")
        .annotate(n=Count("pk"))
        .order_by("level__order")
    )
    rows = [[f"{order}. {name}" if order else "Not yet triaged", n] for order, name, n in counts]
    return present(
        Figure("open-by-level", "Open breaches by escalation level", ["Level", "Breaches"], rows)
    )


def deadlines(region: Region, today: datetime.date | None = None) -> Figure:
    today = today or timezone.localdate()
    week_end = today + datetime.timedelta(days=(4 - today.weekday()) % 7)
    late_stage = Q(state__in=[BreachState.REPORTED, BreachState.UNDER_REVIEW], due_on__lt=today)
    late_reply = Q(state=BreachState.AWAITING_RESPONSE, reply_due_on__lt=today)
    due_week = Q(
        state__in=[BreachState.REPORTED, BreachState.UNDER_REVIEW],
        due_on__gte=today,
        due_on__lte=week_end,
    )
    counts = Breach.objects.filter(region=region).aggregate(
        overdue=Count("pk", filter=late_stage | late_reply), due=Count("pk", filter=due_week)
    )
    rows = [["Overdue", counts["overdue"]], ["Due this week", counts["due"]]]
    return present(Figure("deadlines", "Deadlines", ["", "Breaches"], rows))


def per_local_authority(
    region: Region, *, highlight: str | None = None, today: datetime.date | None = None
) -> Figure:
    """Breaches concerning each LA of the region logged this quarter and last quarter (counts
    only: one query)."""
    this_q = quarter_start(today or timezone.localdate())
    last_q = previous_quarter(this_q)
    in_this = Q(breach__reported_at__date__gte=this_q)
    in_last = Q(breach__reported_at__date__gte=last_q, breach__reported_at__date__lt=this_q)
    counts = {
        row["local_authority_id"]: row
        for row in BreachParty.objects.filter(breach__region=region, local_authority__isnull=False)
        .values("local_authority_id")
        .annotate(
            this_q=Count("breach", filter=in_this, distinct=True),
            last_q=Count("breach", filter=in_last, distinct=True),
        )
    }
    rows = [
        [la.name, counts.get(la.pk, {}).get("this_q", 0), counts.get(la.pk, {}).get("last_q", 0)]
        for la in LocalAuthority.objects.filter(region=region).order_by("name")
    ]
    return present(
        Figure(
            "per-la",
            "Breaches concerning each local authority",
            ["Local authority", quarter_label(this_q), quarter_label(last_q)],
            rows,
            highlight,
        )
    )


def region_figures(region: Region, *, highlight: str | None = None) -> list[Figure]:
    return [
        coverage(region),
        open_by_state(region),
        open_by_level(region),
        deadlines(region),
        per_local_authority(region, highlight=highlight),
    ]
