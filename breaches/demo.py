"""Demo breaches for `seed_demo`: over 60 in London, in every state and at every level, some
overdue, with evidence and timelines. Made through the real services and workflow."""

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import User
from breaches import services
from breaches.models import Breach, BreachType
from breaches.workflow import breach_act
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
RULE_FOR = {
    BreachType.NOTICE: "notice_weeks",
    BreachType.NON_ENGAGEMENT: "non_engagement_months",
    BreachType.REFERENCES: "references_required",
    BreachType.HEADHUNTING: "no_headhunting",
    BreachType.ADVERTISING: "no_headhunting",
    BreachType.PQE: "min_pqe_years",
    BreachType.RATE_ABOVE_CAP: "notice_weeks",
}


def _evidence(n: int) -> ContentFile:
    upload = ContentFile(b"%PDF-1.4\n% demo evidence\n%%EOF\n", name=f"evidence-{n:02d}.pdf")
    upload.upload_kind = "pdf"
    return upload


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
            breach_type = TYPES[n % len(TYPES)]
            la = camden if n % 4 == 0 else las[n % len(las)]
            new = services.NewBreach(
                rule=version.rules.get(kind=RULE_FOR[breach_type]),
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
                kwargs = {"today": day, "note": "Demo note."}
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
