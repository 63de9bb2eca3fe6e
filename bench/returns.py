"""Ten years of quarterly data returns for every LA: a period per region and quarter with the
default dates, and for each LA an authorised return (a few submitted late, the latest quarter
mixed), with the demo's illustrative figures and, once submitted, compliance answers
(datasharing.demo)."""

from __future__ import annotations

import datetime
import random
from typing import TYPE_CHECKING

from datasharing.demo import last_quarters, made_up_answers, made_up_figures
from datasharing.models import (
    AgreementParty,
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
from datasharing.services import period_defaults
from mou.models import VersionStatus

if TYPE_CHECKING:
    from bench.registry import Registry

QUARTERS = 40


def add_data_returns(registry: Registry) -> None:
    rng = registry.rng
    quarters = last_quarters(registry.today, QUARTERS)
    periods = []
    for region in registry.regions:
        for year, quarter in quarters:
            opens, due, closes = period_defaults(year, quarter)
            periods.append(
                ReturnPeriod(
                    region=region,
                    year=year,
                    quarter=quarter,
                    opens_on=opens,
                    due_on=due,
                    closes_on=closes,
                )
            )
    periods = ReturnPeriod.objects.bulk_create(periods, batch_size=2000)
    by_region: dict[int, list[ReturnPeriod]] = {}
    for period in periods:
        by_region.setdefault(period.region_id, []).append(period)
    returns, revisions_planned = [], []
    for la in registry.las:
        size, agency_pct = 40 + rng.randint(0, 160), rng.randint(10, 25)
        region_periods = by_region[la.region_id]
        for n, period in enumerate(region_periods):
            latest = n == len(region_periods) - 1
            state = (
                rng.choice(
                    [RevisionState.AUTHORISED, RevisionState.SUBMITTED, RevisionState.DRAFT, None]
                )
                if latest
                else RevisionState.AUTHORISED
            )
            if state is None:
                continue
            returns.append(
                DataReturn(
                    period=period,
                    reference=f"{la.region.code}-{period.code}-{la.la_code}",
                    created_at=registry.at(period.opens_on, 9),
                )
            )
            revisions_planned.append((la, period, state, size, agency_pct))
    returns = DataReturn.objects.bulk_create(returns, batch_size=2000)
    ReturnCoverage.objects.bulk_create(
        [
            ReturnCoverage(data_return=r, period=plan[1], local_authority=plan[0])
            for r, plan in zip(returns, revisions_planned, strict=True)
        ],
        batch_size=2000,
    )
    revisions = []
    layout = current_layout().version
    for data_return, (la, period, state, _, _) in zip(returns, revisions_planned, strict=True):
        late = rng.random() < 0.1
        submitted_on = period.due_on + datetime.timedelta(days=3 if late else -2)
        workforce: list[int | None] = [*registry.people.workforce.get(la.pk, []), None]
        submitted = state != RevisionState.DRAFT
        revisions.append(
            Revision(
                data_return=data_return,
                number=1,
                state=state,
                prepared_by_id=workforce[0],
                submitted_by_id=workforce[0] if submitted else None,
                submitted_at=registry.at(submitted_on, 11) if submitted else None,
                submitted_late=late and submitted,
                authorised_by_id=registry.people.dcs.get(la.pk)
                if state == RevisionState.AUTHORISED
                else None,
                authorised_at=registry.at(submitted_on + datetime.timedelta(days=2), 15)
                if state == RevisionState.AUTHORISED
                else None,
                statement_layout=layout if submitted else "",
                holdings_confirmed_by_id=workforce[0] if submitted else None,
                holdings_confirmed_at=registry.at(submitted_on, 10) if submitted else None,
            )
        )
    revisions = Revision.objects.bulk_create(revisions, batch_size=2000)
    lines, rates, answers = [], [], []
    for revision, (la, period, state, size, agency_pct) in zip(
        revisions, revisions_planned, strict=True
    ):
        figures_rng = random.Random(f"{la.la_code}-{period.code}")  # noqa: S311  # nosec B311
        some_lines, some_rates = made_up_figures(revision, figures_rng, size, agency_pct)
        lines += some_lines
        rates += some_rates
        if state != RevisionState.DRAFT:
            answers += made_up_answers(revision, figures_rng)
    WorkforceLine.objects.bulk_create(lines, batch_size=5000)
    RateLine.objects.bulk_create(rates, batch_size=5000)
    ComplianceAnswer.objects.bulk_create(answers, batch_size=5000)
    _sharing_agreements(registry, quarters[0])
    registry.count("return periods", len(periods))
    registry.count("data returns", len(returns))
    registry.count("return lines", len(lines))


def _sharing_agreements(registry: Registry, first: tuple[int, int]) -> None:
    """Each region's data sharing agreement, in force since the first quarter, every LA a
    party but about one in eight (their rows read "not shared" to others)."""
    start = quarter_dates(*first)[0]
    recorder = registry.people.national_admins[0]
    agreements = SharingAgreement.objects.bulk_create(
        [
            SharingAgreement(
                region=region,
                label="2016.1",
                purpose="Open discussion of agency use between the region's partners",
                lawful_basis="Public task",
                data_categories="Quarterly agency workforce and pay-rate returns",
                retention="6 years",
                effective_from=start,
                review_due=registry.today + datetime.timedelta(days=180),
                status=VersionStatus.PUBLISHED,
            )
            for region in registry.regions
        ]
    )
    by_region = {a.region_id: a for a in agreements}
    AgreementParty.objects.bulk_create(
        [
            AgreementParty(
                agreement=by_region[la.region_id],
                local_authority=la,
                signed_on=start,
                signed_by_name="DCS",
                recorded_by_id=recorder,
            )
            for n, la in enumerate(registry.las)
            if n % 8 != 5
        ],
        batch_size=2000,
    )
