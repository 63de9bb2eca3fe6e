"""Demo breaches for `seed_demo`: over 60 in London, in every state and at every level, some
overdue, with evidence and timelines, made through the real services and workflow; and two years
of resolved history in every region for the dashboards."""

import datetime
import random
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import User
from breaches import services
from breaches.models import (
    Breach,
    BreachEvent,
    BreachParty,
    BreachState,
    BreachType,
    EventKind,
    Outcome,
    ReferenceCounter,
    rule_kind_for,
)
from breaches.workflow import breach_act
from kernel.working_days import add_working_days, working_days_between
from mou.models import MOUVersion, Region
from msp.models import Agency

# (how many, what happens after logging)
PLAN = [
    (10, []),  # reported, awaiting triage (the older ones are overdue)
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


def seed(*, stdout) -> None:
    london = Region.objects.get(code="LDN")
    if Breach.objects.filter(region=london).exists():
        return
    lead = User.objects.get(email="regional.lead@example.org")
    dcs = User.objects.get(email="dcs.camden@example.org")
    las = list(london.local_authorities.order_by("name"))
    camden = next(la for la in las if la.la_code == "202")
    agencies = list(Agency.objects.order_by("pk")[:12])
    today = timezone.localdate()
    n = 0
    for count, steps in PLAN:
        for _ in range(count):
            n += 1
            occurred = today - datetime.timedelta(days=20 + 3 * n)
            version = MOUVersion.objects.in_force_in_region(london, on=occurred)
            if version is None:
                raise RuntimeError(f"The demo needs a London MOU in force on {occurred}")
            breach_type = TYPES[n % len(TYPES)]
            la = camden if n % 4 == 0 else las[n % len(las)]
            new = services.NewBreach(
                region=london,
                breach_type=breach_type,
                occurred_on=occurred,
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
                    on=occurred,
                )
                if cap is None:
                    raise RuntimeError("The demo needs London's cap for a social worker")
                new.rate_paid, new.job_type, new.engagement_type = (
                    cap.max_hourly_rate + Decimal("6.50"),
                    "social_worker",
                    "limited_company_umbrella",
                )
            breach = services.breach_log(
                new=new, actor=lead, evidence=_evidence(n) if n % 2 else None
            )
            started = today - datetime.timedelta(days=60 - (n % 40))
            Breach.objects.filter(pk=breach.pk).update(
                reported_at=timezone.make_aware(
                    datetime.datetime.combine(started, datetime.time(10))
                ),
                due_on=started + datetime.timedelta(days=7),
            )
            breach.refresh_from_db()
            day = started
            for step in steps:
                day += datetime.timedelta(days=3)
                kwargs: dict[str, Any] = {"today": day, "note": "Demo note."}
                if step == "request_reply":
                    kwargs["party"] = breach.parties.first()
                    kwargs["reply_due_on"] = day + datetime.timedelta(days=14)
                if step == "resolve":
                    kwargs |= {
                        "outcome": "upheld" if n % 2 else "not_upheld",
                        "outcome_actions": ["advice"],
                    }
                actor = dcs if step == "reply" and la == camden else lead
                breach = breach_act(breach=breach, action=step, actor=actor, **kwargs)
    stdout.write(f"Demo breaches: {n} in London across every state and level")


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
            MOUVersion.objects.filter(mou__region=region, status__in=["active", "superseded"])
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
