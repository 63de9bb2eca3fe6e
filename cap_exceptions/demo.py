"""Demo cap exceptions for `seed_demo`: a handful in London, some expiring soon, one refused."""

import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from cap_exceptions import services
from cap_exceptions.models import CapException
from mou.models import EngagementType, JobType, LocalAuthority, PriceCap
from msp.models import Agency

# (job type, days since start, days until expiry, amount over the cap, decision)
DEMO = [
    (JobType.TEAM_MANAGER, 120, 12, Decimal("4.50"), "approve"),
    (JobType.SENIOR_SOCIAL_WORKER, 60, 25, Decimal("2.00"), "approve"),
    (JobType.IRO_CP_CHAIR, 30, 140, Decimal("3.25"), "approve"),
    (JobType.SOCIAL_WORKER, 10, 80, Decimal("6.00"), "refuse"),
    (JobType.ADVANCED_PRACTITIONER, 5, 90, Decimal("1.50"), None),
]


def seed(*, stdout) -> None:
    if CapException.objects.exists():
        return
    camden = LocalAuthority.objects.get(la_code="202")
    lead = User.objects.get(email="workforce.camden@example.org")
    dcs = User.objects.get(email="dcs.camden@example.org")
    agencies = list(Agency.objects.order_by("pk")[:5])
    today = timezone.localdate()
    for n, (job_type, since, until, over, decision) in enumerate(DEMO):
        starts = today - datetime.timedelta(days=since)
        cap = PriceCap.objects.in_force(
            region=camden.region,
            job_type=job_type,
            engagement_type=EngagementType.LIMITED_COMPANY_UMBRELLA,
            on=starts,
        )
        if cap is None:
            raise RuntimeError(f"The demo needs a {job_type} cap in Camden's region")
        exception = services.exception_request(
            request=services.Request(
                local_authority=camden,
                job_type=job_type,
                engagement_type=EngagementType.LIMITED_COMPANY_UMBRELLA,
                agency=agencies[n],
                msp=None,
                engagement_reference=f"CAM-BK-{4100 + n}",
                rate=cap.max_hourly_rate + over,
                reason="No candidate at the capped rate after three rounds of sourcing (demo).",
                starts_on=starts,
                expires_on=today + datetime.timedelta(days=until),
                exit_plan="Recruit to the permanent post; the engagement ends when the new starter is in post (demo).",
            ),
            actor=lead,
        )
        if decision == "approve":
            services.exception_approve(
                exception=exception, actor=dcs, note="Agreed for continuity of casework (demo)."
            )
        elif decision == "refuse":
            services.exception_refuse(
                exception=exception,
                actor=dcs,
                reason="A candidate is available at the capped rate (demo).",
            )
    stdout.write("Demo cap exceptions: 5 for Camden (3 approved, 1 refused, 1 awaiting the DCS)")
