"""Demo breaches for `seed_demo`: over 60 in London, in every state and at every level, with
evidence and timelines, made through the real services and workflow; and two years of resolved
history in every region for the dashboards.

London's cases read like a real region's on the day the demo is seeded: each happened before it
was reported, each step of its timeline is dated on the working day it was taken (and its
deadlines follow from those days, by the workflow's own rules), and the open ones are spread
across overdue, due this week and on time. Their dates are worked back from that spread.
"""

import datetime
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from breaches import services, transitions
from breaches.models import (
    Breach,
    BreachEvent,
    BreachEvidence,
    BreachParty,
    BreachState,
    BreachType,
    EventKind,
    Outcome,
    ReferenceCounter,
    rule_kind_for,
)
from breaches.workflow import breach_act
from kernel.working_days import add_working_days, is_working_day, working_days_between
from mou.models import EscalationLevel, LocalAuthority, MOUVersion, Region, VersionStatus
from msp.models import Agency

# (how many, what happens after logging)
PLAN = [
    (10, []),  # reported, awaiting triage
    (6, ["close_not_breach"]),
    (4, ["withdraw"]),
    (8, ["accept", "request_reply"]),
    (10, ["accept"]),
    (6, ["accept", "escalate"]),
    (4, ["accept", "escalate", "escalate"]),
    (3, ["accept", "escalate", "escalate", "escalate"]),
    (8, ["accept", "request_reply", "reply", "resolve"]),
    (5, ["accept", "resolve", "close"]),
]
# Steps after which a case is no longer open.
FINAL_STEPS = frozenset({"close_not_breach", "withdraw", "resolve", "close"})
# Where the open cases' next deadlines fall, in turn (as the home page counts them).
OVERDUE, DUE_THIS_WEEK, ON_TIME = "overdue", "due this week", "on time"
SPREAD = (OVERDUE, DUE_THIS_WEEK, ON_TIME)
TYPES = [
    BreachType.NOTICE,
    BreachType.NON_ENGAGEMENT,
    BreachType.REFERENCES,
    BreachType.HEADHUNTING,
    BreachType.ADVERTISING,
    BreachType.PQE,
    BreachType.RATE_ABOVE_CAP,
]


class _DemoEvidence(ContentFile):
    upload_kind = "pdf"  # what UploadField would have found in it


def _evidence(n: int) -> ContentFile:
    return _DemoEvidence(b"%PDF-1.4\n% demo evidence\n%%EOF\n", name=f"evidence-{n:02d}.pdf")


def _week_end(today: datetime.date) -> datetime.date:
    """The Friday that "due this week" runs to (next Friday at a weekend), as the home page has it."""
    return today + datetime.timedelta(days=(4 - today.weekday()) % 7)


@dataclass(frozen=True)
class _Case:
    """When one London case happened, was reported and had each step taken (working days)."""

    n: int
    steps: tuple[str, ...]
    occurred: datetime.date
    reported: datetime.date
    days: tuple[datetime.date, ...]  # one per step
    reply_due: datetime.date | None  # asked for in a last "request_reply"


def _gap(step: str, n: int) -> int:
    """Working days between a step and the one before it (logging, for the first)."""
    return {
        "accept": 1 + n % 3,
        "close_not_breach": 1 + n % 3,
        "withdraw": 1 + n % 4,
        "escalate": 3 + n % 4,  # before the level's deadline: a lead escalating early
        "request_reply": 2 + n % 2,
        "reply": 3 + n % 5,  # within the 10 working days a reply is due in
        "resolve": 2 + n % 4,
        "close": 2 + n % 3,
    }[step]


def _target(spread: str, n: int, today: datetime.date, latest: datetime.date) -> datetime.date:
    """The next deadline an open case should have on `today`."""
    if spread == OVERDUE:
        return add_working_days(latest, -(1 + n % 6))
    end = _week_end(today)
    if spread == DUE_THIS_WEEK:
        days = [
            today + datetime.timedelta(days=d)
            for d in range((end - today).days + 1)
            if is_working_day(today + datetime.timedelta(days=d))
        ]
        return days[n % len(days)] if days else today
    return add_working_days(end, 1 + n % 5)


def _plan(
    n: int,
    steps: tuple[str, ...],
    spread: str | None,
    *,
    today: datetime.date,
    ladder_days: list[int],
) -> _Case:
    """Work a case's dates back from its last step: for an open case, from the next deadline
    its spread asks for (the last stage's working days before it, and never after the latest
    working day); for a closed one, from a recent working day."""
    latest = today if is_working_day(today) else add_working_days(today, -1)
    reply_due = None
    if spread is None:
        last = add_working_days(latest, -(n % 15))
    else:
        due = _target(spread, n, today, latest)
        if steps and steps[-1] == "request_reply":
            reply_due = due
            stage_days = transitions.REPLY_WORKING_DAYS
        elif steps:
            # Accepting reaches the first level, each escalation the next.
            stage_days = ladder_days[len(steps) - 1]
        else:
            stage_days = services.TRIAGE_WORKING_DAYS
        last = min(add_working_days(due, -stage_days), latest)
    days = [last]
    for i, step in reversed(list(enumerate(steps))):
        days.append(add_working_days(days[-1], -_gap(step, n + i)))
    days.reverse()
    reported = days[0]
    return _Case(
        n=n,
        steps=steps,
        occurred=reported - datetime.timedelta(days=1 + (7 * n) % 24),
        reported=reported,
        days=tuple(days[1:]),
        reply_due=reply_due,
    )


def _at(day: datetime.date, n: int, step: int) -> datetime.datetime:
    """A time in office hours on `day` (never later than now)."""
    at = datetime.datetime.combine(
        day, datetime.time(9 + (n + 3 * step) % 8, (11 * n + 7 * step) % 60)
    )
    return min(timezone.make_aware(at), timezone.now())


@contextmanager
def _written_at(at: datetime.datetime) -> Iterator[None]:
    """The timeline events and evidence written inside carry `at`, the time of what they record
    (the services stamp the time they run)."""
    last_event = BreachEvent.objects.aggregate(last=Max("pk"))["last"] or 0
    last_evidence = BreachEvidence.objects.aggregate(last=Max("pk"))["last"] or 0
    yield
    BreachEvent.objects.filter(pk__gt=last_event).update(created_at=at)
    BreachEvidence.objects.filter(pk__gt=last_evidence).update(uploaded_at=at)


def seed(*, stdout, today: datetime.date | None = None) -> None:
    """London's cases as they stand on `today` (the real today unless a test asks for another)."""
    london = Region.objects.get(code="LDN")
    if Breach.objects.filter(region=london).exists():
        return
    lead = User.objects.get(email="regional.lead@example.org")
    dcs = User.objects.get(email="dcs.camden@example.org")
    las = list(london.local_authorities.order_by("name"))
    camden = next(la for la in las if la.la_code == "202")
    agencies = list(Agency.objects.order_by("pk")[:12])
    today = today or timezone.localdate()
    current = MOUVersion.objects.in_force_in_region(london, on=today)
    if current is None:
        raise RuntimeError(f"The demo needs a London MOU in force on {today}")
    # Planned on today's ladder; every case has a local authority party, so every level applies.
    ladder_days = [
        level.deadline_working_days
        for level in EscalationLevel.objects.filter(version=current).order_by("order")
        if transitions.level_applies(level, has_la_party=True)
    ]
    cases: list[_Case] = []
    opened = 0
    for count, steps in PLAN:
        for _ in range(count):
            spread = None
            if not FINAL_STEPS.intersection(steps):
                spread, opened = SPREAD[opened % len(SPREAD)], opened + 1
            n = len(cases) + 1
            cases.append(_plan(n, tuple(steps), spread, today=today, ladder_days=ladder_days))
    # Logged in the order they were reported, so references run with the dates.
    for case in sorted(cases, key=lambda c: (_at(c.reported, c.n, 0), c.n)):
        _replay(case, london=london, las=las, camden=camden, agencies=agencies, lead=lead, dcs=dcs)
    stdout.write(
        f"Demo breaches: {len(cases)} in London across every state and level, the open ones "
        "overdue, due this week or on time"
    )


def _replay(
    case: _Case,
    *,
    london: Region,
    las: list[LocalAuthority],
    camden: LocalAuthority,
    agencies: list[Agency],
    lead: User,
    dcs: User,
) -> None:
    """Log the case and take its steps through the real workflow, each on its own day."""
    n = case.n
    version = MOUVersion.objects.in_force_in_region(london, on=case.occurred)
    if version is None:
        raise RuntimeError(f"The demo needs a London MOU in force on {case.occurred}")
    breach_type = TYPES[n % len(TYPES)]
    la = camden if n % 4 == 0 else las[n % len(las)]
    new = services.NewBreach(
        region=london,
        breach_type=breach_type,
        occurred_on=case.occurred,
        description=f"Demo case {n}: reported at the workforce group (demo).",
        worker_reference=f"ASG-{7000 + n}",
        local_authorities=[la],
        agencies=[agencies[n % len(agencies)]] if n % 3 else [],
    )
    if breach_type == BreachType.RATE_ABOVE_CAP:
        cap = services.cap_for(
            london,
            job_type="social_worker",
            engagement_type="limited_company_umbrella",
            on=case.occurred,
        )
        if cap is None:
            raise RuntimeError("The demo needs London's cap for a social worker")
        new.rate_paid, new.job_type, new.engagement_type = (
            cap.max_hourly_rate + Decimal("6.50"),
            "social_worker",
            "limited_company_umbrella",
        )
    reported_at = _at(case.reported, n, 0)
    with _written_at(reported_at):
        breach = services.breach_log(new=new, actor=lead, evidence=_evidence(n) if n % 2 else None)
    # The service dates what it writes today: the case was reported on its own day.
    Breach.objects.filter(pk=breach.pk).update(
        reported_at=reported_at,
        due_on=add_working_days(case.reported, services.TRIAGE_WORKING_DAYS),
    )
    for i, (step, day) in enumerate(zip(case.steps, case.days, strict=True), start=1):
        kwargs: dict[str, Any] = {"today": day, "note": "Demo note."}
        if step == "request_reply":
            kwargs["party"] = breach.parties.first()
            kwargs["reply_due_on"] = case.reply_due  # None: the usual 10 working days
        if step == "resolve":
            kwargs |= {
                "outcome": "upheld" if n % 2 else "not_upheld",
                "outcome_actions": ["advice"],
            }
        actor = dcs if step == "reply" and la == camden else lead
        at = _at(day, n, i)
        with _written_at(at):
            breach = breach_act(breach=breach, action=step, actor=actor, **kwargs)
        if step == "resolve":
            Breach.objects.filter(pk=breach.pk).update(resolved_at=at)


def seed_history(*, stdout) -> None:
    """Resolved breaches over the past two years in every region, so the dashboards' trends and
    the national view have something to show. Written in bulk (each breach with its parties and
    a timeline: logged, accepted, escalated, resolved, closed); the working days are the real
    working days between logging and resolution."""
    if Breach.objects.filter(description__startswith="Demo history").exists():
        return
    # Demo data, not security: a seeded generator so every demo shows the same history.
    rng = random.Random(2026)  # noqa: S311  # nosec B311
    lead = User.objects.get(email="regional.lead@example.org")
    agencies = list(Agency.objects.order_by("pk")[:20])
    today = timezone.localdate()
    last_day = today - datetime.timedelta(days=90)  # before the live demo cases
    made = 0
    for region in Region.objects.prefetch_related("local_authorities").order_by("code"):
        versions = list(
            MOUVersion.objects.filter(mou__region=region, status=VersionStatus.PUBLISHED)
            .prefetch_related("rules", "escalation_levels")
            .order_by("effective_from")
        )
        if not versions:
            continue
        first_day = max(versions[0].effective_from, today - datetime.timedelta(days=730))
        las = list(region.local_authorities.all())
        planned = []
        for _ in range(2 * len(las)):
            reported = first_day + datetime.timedelta(
                days=rng.randrange(max((last_day - first_day).days, 1))
            )
            version = next(v for v in reversed(versions) if v.effective_from <= reported)
            planned.append((reported, version))
        planned.sort(key=lambda p: p[0])
        made += _bulk_history(region, planned, las, agencies, lead, rng)
    stdout.write(f"Demo history: {made} resolved breaches over two years, in every region")


def _bulk_history(region, planned, las, agencies, lead, rng) -> int:
    counters: dict[int, ReferenceCounter] = {}
    breaches, parties, events = [], [], []
    for reported, version in planned:
        counter = counters.get(reported.year)
        if counter is None:
            counter, _ = ReferenceCounter.objects.get_or_create(region=region, year=reported.year)
            counters[reported.year] = counter
        counter.last += 1
        breach_type = rng.choice(TYPES)
        levels = sorted(version.escalation_levels.all(), key=lambda level: level.order)
        rules = {rule.kind: rule for rule in version.rules.all()}
        top = rng.choices([1, 2, 3], weights=[6, 3, 1])[0]
        days = rng.randint(3, 12) * top + rng.randint(0, 8)
        resolved = add_working_days(reported, days)
        outcome = rng.choices(
            [Outcome.UPHELD, Outcome.NOT_UPHELD, Outcome.NO_FURTHER_ACTION], weights=[11, 6, 3]
        )[0]
        reported_at = timezone.make_aware(datetime.datetime.combine(reported, datetime.time(10)))
        resolved_at = timezone.make_aware(datetime.datetime.combine(resolved, datetime.time(15)))
        breach = Breach(
            reference=f"{region.code}-{reported.year}-{counter.last:04d}",
            region=region,
            mou_version=version,
            rule=rules[rule_kind_for(breach_type, rate_given=False)],
            breach_type=breach_type,
            occurred_on=reported - datetime.timedelta(days=rng.randint(1, 20)),
            description=f"Demo history: a {breach_type.label.lower()} case, resolved.",
            state=BreachState.CLOSED if rng.random() < 0.4 else BreachState.RESOLVED,
            level=levels[top - 1],
            outcome=outcome,
            outcome_actions="advice",
            working_days_taken=working_days_between(reported, resolved),
            reported_by=lead,
            reported_at=reported_at,
            resolved_at=resolved_at,
        )
        breaches.append(breach)
        la = rng.choice(las)
        parties.append([la, rng.choice(agencies) if agencies and rng.random() < 0.7 else None])
        timeline = [(EventKind.LOGGED, reported_at, None), (EventKind.ACCEPTED, reported_at, 1)]
        for level in range(2, top + 1):
            step = reported + (resolved - reported) * (level - 1) / top
            at = timezone.make_aware(datetime.datetime.combine(step, datetime.time(12)))
            timeline.append((EventKind.ESCALATED, at, level))
        timeline.append((EventKind.RESOLVED, resolved_at, top))
        events.append(timeline)
    Breach.objects.bulk_create(breaches)
    BreachParty.objects.bulk_create(
        BreachParty(breach=breach, **{field: value})
        for breach, (la, agency) in zip(breaches, parties, strict=True)
        for field, value in (("local_authority", la), ("agency", agency))
        if value is not None
    )
    BreachEvent.objects.bulk_create(
        BreachEvent(breach=breach, kind=kind, created_at=at, to_level=level, actor=lead)
        for breach, timeline in zip(breaches, events, strict=True)
        for kind, at, level in timeline
    )
    ReferenceCounter.objects.bulk_update(counters.values(), ["last"])
    return len(breaches)
