"""Demo data returns for `seed_demo`: London's last four quarters, every LA with a return. The
three older quarters are authorised (a few late); the latest is mixed: authorised, submitted,
in draft or not started. Camden's latest is a draft with a query to explain. Figures are
made up (illustrative), steady from quarter to quarter; dates are the days they would have
happened, not the day the demo was seeded."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from datasharing import services
from datasharing.candidates import propose_from_revision
from datasharing.models import (
    AgreementParty,
    Compliance,
    ComplianceAnswer,
    DataReturn,
    RateLine,
    ReturnCoverage,
    ReturnPeriod,
    Revision,
    RevisionState,
    SharingAgreement,
    WorkforceLine,
    quarter_dates,
)
from datasharing.national_return import current_layout
from mou.models import EngagementType, JobType, LocalAuthority, Region, VersionStatus

# Each job type's share of an LA's social workers (illustrative).
SHARES = {
    JobType.SOCIAL_WORKER: Decimal("0.55"),
    JobType.SENIOR_SOCIAL_WORKER: Decimal("0.2"),
    JobType.ADVANCED_PRACTITIONER: Decimal("0.1"),
    JobType.TEAM_MANAGER: Decimal("0.1"),
    JobType.IRO_CP_CHAIR: Decimal("0.05"),
}
BASE_RATES = {
    JobType.SOCIAL_WORKER: Decimal("38"),
    JobType.SENIOR_SOCIAL_WORKER: Decimal("41"),
    JobType.ADVANCED_PRACTITIONER: Decimal("44"),
    JobType.TEAM_MANAGER: Decimal("48"),
    JobType.IRO_CP_CHAIR: Decimal("45"),
}


def last_quarters(today: datetime.date, count: int) -> list[tuple[int, int]]:
    """The `count` quarters ended before today, oldest first."""
    year, quarter = today.year, (today.month - 1) // 3 + 1
    out = []
    for _ in range(count):
        quarter -= 1
        if quarter == 0:
            year, quarter = year - 1, 4
        out.append((year, quarter))
    return out[::-1]


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 20)))
    return min(moment, timezone.now())


def made_up_figures(
    revision: Revision, rng: random.Random, size: int, agency_pct: int
) -> tuple[list[WorkforceLine], list[RateLine]]:
    """Illustrative figures for a revision (unsaved): an LA of `size` social workers, about
    `agency_pct`% agency workers. The demo and the benchmark both use them."""
    lines, rates = [], []
    for job_type, share in SHARES.items():
        inpost = max(1, int(size * share))
        agency = max(1, int(inpost * Decimal(agency_pct + rng.randint(-1, 1)) / 100))
        vacancies = agency + rng.randint(0, 3)
        leavers = rng.randint(0, max(1, inpost // 10))
        lines.append(
            WorkforceLine(
                revision=revision,
                job_type=job_type,
                agency_headcount=agency,
                agency_fte=Decimal(agency) - Decimal("0.5") * (agency > 2),
                inpost_headcount=inpost,
                inpost_fte=Decimal(inpost) - Decimal("0.5") * (inpost // 5),
                vacancy_fte=Decimal(vacancies),
                agency_cover_fte=Decimal(min(agency, vacancies)),
                starters_headcount=leavers,
                starters_fte=Decimal(leavers),
                leavers_headcount=leavers,
                leavers_fte=Decimal(leavers),
                project_team_workers=0,
                above_cap_workers=0,
                above_cap_under_exception=0,
            )
        )
        if agency:
            base = BASE_RATES[job_type]
            rates.append(
                RateLine(
                    revision=revision,
                    job_type=job_type,
                    engagement_type=EngagementType.LIMITED_COMPANY_UMBRELLA,
                    rate_min=base - 2,
                    rate_median=base,
                    rate_max=base + 1,
                )
            )
    return lines, rates


def seed(*, stdout) -> None:
    london = Region.objects.get(code="LDN")
    if ReturnPeriod.objects.filter(region=london).exists():
        return
    today = timezone.localdate()
    lead = User.objects.filter(email="workforce.camden@example.org").first()
    dcs = User.objects.filter(email="dcs.camden@example.org").first()
    quarters = last_quarters(today, 4)
    las = list(LocalAuthority.objects.filter(region=london).order_by("name"))
    for index, (year, quarter) in enumerate(quarters):
        latest = index == len(quarters) - 1
        period = services.period_create(region=london, year=year, quarter=quarter, actor=None)
        for n, la in enumerate(las):
            rng = random.Random(f"{la.la_code}-{year}-{quarter}")  # noqa: S311  # nosec B311
            steady = random.Random(la.la_code)  # noqa: S311  # nosec B311
            size, agency_pct = 40 + steady.randint(0, 160), steady.randint(10, 25)
            camden = la.la_code == "202"
            state = _latest_state(n, camden) if latest else RevisionState.AUTHORISED
            if state is None:
                continue  # not started
            data_return = DataReturn.objects.create(
                period=period,
                reference=f"{london.code}-{period.code}-{la.la_code}",
                created_by=lead if camden else None,
                created_at=_at(period.opens_on, 9),
            )
            ReturnCoverage.objects.create(
                data_return=data_return, period=period, local_authority=la
            )
            late = n % 9 == 4
            submitted = state != RevisionState.DRAFT
            submitted_on = period.due_on + datetime.timedelta(days=3 if late else -2)
            revision = Revision.objects.create(
                data_return=data_return,
                number=1,
                state=state,
                prepared_by=lead if camden else None,
                submitted_by=lead if camden and state != RevisionState.DRAFT else None,
                submitted_at=_at(submitted_on, 11) if state != RevisionState.DRAFT else None,
                submitted_late=late and state != RevisionState.DRAFT,
                authorised_by=dcs if camden and state == RevisionState.AUTHORISED else None,
                authorised_at=_at(submitted_on + datetime.timedelta(days=2), 15)
                if state == RevisionState.AUTHORISED
                else None,
                total_monthly_agency_cost=Decimal(size * 900),
                # Submitted ones made their statement and confirmed the portal's holdings.
                statement_layout=current_layout().version if submitted else "",
                holdings_confirmed_by=lead if camden and submitted else None,
                holdings_confirmed_at=_at(submitted_on, 10) if submitted else None,
            )
            if submitted:
                ComplianceAnswer.objects.bulk_create(made_up_answers(revision, rng))
            lines, rates = made_up_figures(revision, rng, size, agency_pct)
            WorkforceLine.objects.bulk_create(lines)
            RateLine.objects.bulk_create(rates)
            if camden and latest:  # a rate above the cap, for the demo's checks
                RateLine.objects.filter(revision=revision, job_type=JobType.TEAM_MANAGER).update(
                    rate_max=Decimal("60.00")
                )
    start, end = quarter_dates(*quarters[0])[0], quarter_dates(*quarters[-1])[1]
    stdout.write(
        f"Demo data returns: London, {start:%B %Y} to {end:%B %Y}, {len(las)} local authorities"
    )
    _sharing(london, las, start, stdout=stdout)


def _sharing(london: Region, las: list[LocalAuthority], start: datetime.date, *, stdout) -> None:
    """London's data sharing agreement, in force since the first demo quarter; every LA but
    a few is a party (their rows read "not shared" to others). One rate above the cap in the
    previous quarter, proposed as a candidate breach for the region's leads to decide."""
    lead = User.objects.filter(email="regional.lead@example.org").first()
    agreement = SharingAgreement.objects.create(
        region=london,
        label="2025.1",
        purpose="So London's partners can discuss agency use openly, quarter by quarter",
        lawful_basis="Public task (UK GDPR article 6(1)(e)); the figures hold no personal data",
        data_categories="Quarterly agency workforce and pay-rate returns",
        retention="6 years after the quarter",
        effective_from=start,
        review_due=start + datetime.timedelta(days=365 * 2),
        status=VersionStatus.PUBLISHED,
        published_at=_at(start - datetime.timedelta(days=7), 10),
        published_by=lead,
    )
    if lead is None:
        return
    AgreementParty.objects.bulk_create(
        [
            AgreementParty(
                agreement=agreement,
                local_authority=la,
                signed_on=start + datetime.timedelta(days=n % 20),
                signed_by_name=f"Director of Children's Services, {la.name}",
                recorded_by=lead,
            )
            for n, la in enumerate(las)
            if n % 8 != 5
        ]
    )
    previous = (
        Revision.objects.filter(
            state=RevisionState.AUTHORISED,
            data_return__period__region=london,
            data_return__coverage__local_authority__la_code="204",
        )
        .order_by("-data_return__period__year", "-data_return__period__quarter")
        .first()
    )
    if previous is not None:
        RateLine.objects.filter(revision=previous, job_type=JobType.SOCIAL_WORKER).update(
            rate_max=Decimal("58.00")
        )
        propose_from_revision(previous, services.figures_of(previous))
    stdout.write(f"Demo data sharing: {agreement}, {agreement.parties.count()} parties")


def made_up_answers(revision: Revision, rng: random.Random) -> list[ComplianceAnswer]:
    """A submitted revision's compliance answers (illustrative): every rule complied with, now
    and then one not, with what happened."""
    layout = current_layout()
    missed = rng.choice([None, None, None, *layout.questions])
    return [
        ComplianceAnswer(
            revision=revision,
            question=q.key,
            answer=Compliance.NOT_COMPLIED if q == missed else Compliance.COMPLIED,
            explanation="A legacy contract kept its own terms until it ended in the quarter"
            if q == missed
            else "",
        )
        for q in layout.questions
    ]


def _latest_state(n: int, camden: bool) -> str | None:
    """The latest quarter's mix: Camden in draft; others authorised, submitted, in draft or not
    started."""
    if camden:
        return RevisionState.DRAFT
    return (
        RevisionState.AUTHORISED,
        RevisionState.SUBMITTED,
        RevisionState.AUTHORISED,
        RevisionState.DRAFT,
        None,
    )[n % 5]
