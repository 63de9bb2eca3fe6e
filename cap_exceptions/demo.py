"""Demo cap exceptions for `seed_demo`: a handful in London, some expiring soon, one refused, two
awaiting the DCS (one of them a renewal of the exception expiring first). Each was requested about a week before it starts (the one awaiting the DCS, two
working days ago) and decided two working days after; its timeline and times carry those days,
not the day the demo was seeded."""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from cap_exceptions import services
from cap_exceptions.models import CapException, CapExceptionEvent
from kernel.working_days import add_working_days
from mou.models import EngagementType, JobType, LocalAuthority, PriceCap
from msp.models import Agency

# (job type, days since it started (negative: it starts later), days until expiry, amount over
# the cap, decision)
DEMO = [
    (JobType.TEAM_MANAGER, 120, 12, Decimal("4.50"), "approve"),
    (JobType.SENIOR_SOCIAL_WORKER, 60, 25, Decimal("2.00"), "approve"),
    (JobType.IRO_CP_CHAIR, 30, 140, Decimal("3.25"), "approve"),
    (JobType.SOCIAL_WORKER, 10, 80, Decimal("6.00"), "refuse"),
    (JobType.ADVANCED_PRACTITIONER, -8, 90, Decimal("1.50"), None),
]

# The times a decision sets (a DCS's approval, a second approval, the report to the region, a
# refusal).
DECISION_TIMES = ("dcs_approved_at", "second_approved_at", "reported_to_region_at", "refused_at")


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 15)))
    return min(at, timezone.now())


@contextmanager
def _written_at(at: datetime.datetime) -> Iterator[None]:
    """The timeline events written inside carry `at`, the time of what they record (the
    services stamp the time they run)."""
    last = CapExceptionEvent.objects.aggregate(last=Max("pk"))["last"] or 0
    yield
    CapExceptionEvent.objects.filter(pk__gt=last).update(created_at=at)


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
        requested_on = min(add_working_days(starts, -5), add_working_days(today, -2))
        requested_at, decided_at = (
            _at(requested_on, 10 + n),
            _at(add_working_days(requested_on, 2), 11 + n),
        )
        cap = PriceCap.objects.in_force(
            region=camden.region,
            job_type=job_type,
            engagement_type=EngagementType.LIMITED_COMPANY_UMBRELLA,
            on=starts,
        )
        if cap is None:
            raise RuntimeError(f"The demo needs a {job_type} cap in Camden's region")
        with _written_at(requested_at):
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
        CapException.objects.filter(pk=exception.pk).update(requested_at=requested_at)
        if decision is None:
            continue
        with _written_at(decided_at):
            if decision == "approve":
                exception = services.exception_approve(
                    exception=exception, actor=dcs, note="Agreed for continuity of casework (demo)."
                )
            else:
                exception = services.exception_refuse(
                    exception=exception,
                    actor=dcs,
                    reason="A candidate is available at the capped rate (demo).",
                )
        # The times the services stamped on the decision are the decision's day too.
        CapException.objects.filter(pk=exception.pk).update(
            **{field: decided_at for field in DECISION_TIMES if getattr(exception, field)}
        )
    _renewal(first=CapException.objects.order_by("pk").first(), lead=lead)
    stdout.write(
        "Demo cap exceptions: 6 for Camden (3 approved, 1 refused, 2 awaiting the DCS, one of "
        "them a renewal)"
    )


def _renewal(*, first: CapException | None, lead: User) -> None:
    """The first exception, expiring within days, asked to be renewed two working days ago."""
    if first is None:
        return
    requested_at = _at(add_working_days(timezone.localdate(), -2), 9)
    starts = services.renewal_start(first)
    with _written_at(requested_at):
        renewal = services.exception_request(
            request=services.Request(
                local_authority=first.local_authority,
                job_type=first.job_type,
                engagement_type=first.engagement_type,
                agency=first.agency,
                msp=first.msp,
                engagement_reference=first.engagement_reference,
                rate=first.rate,
                reason="The permanent appointment starts later than planned (demo).",
                starts_on=starts,
                expires_on=starts + datetime.timedelta(days=60),
                exit_plan="The new team manager starts in two months (demo).",
            ),
            actor=lead,
            renewal_of=first,
        )
    CapException.objects.filter(pk=renewal.pk).update(requested_at=requested_at)
