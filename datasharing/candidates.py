"""Candidate breaches from returns: proposed when a return is authorised (a rate above the cap
in force on the quarter's last day; workers above the cap that approved exceptions do not
cover) and, daily, for returns not authorised by the period's close. The region's leads confirm
one, logging the breach through the breaches app's own service, or dismiss it with a reason.
Each is made once (`CandidateBreach`'s unique key): re-authorising proposes nothing new."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from breaches.models import Breach
from datasharing.checks import CHECKS, Figures
from datasharing.models import (
    CandidateBreach,
    CandidateKind,
    CandidateState,
    ReturnCoverage,
    ReturnPeriod,
    Revision,
)
from datasharing.permissions import can_track, require
from datasharing.selectors import counted_revisions


def _propose(**fields) -> CandidateBreach | None:
    """Make a candidate unless its key exists already (whatever its state)."""
    key = {
        name: fields.pop(name)
        for name in ("period", "local_authority", "kind", "job_type", "engagement_type")
    }
    try:
        with transaction.atomic():
            candidate, made = CandidateBreach.objects.get_or_create(**key, defaults=fields)
    except IntegrityError:  # made at the same moment by another run
        return None
    return candidate if made else None


def propose_from_revision(revision: Revision, figures: Figures) -> list[CandidateBreach]:
    """What an authorised revision suggests, given its checked figures (`services.figures_of`):
    the candidate concerns the first LA the return covers."""
    data_return = revision.data_return
    period = data_return.period
    la = data_return.local_authorities[0]
    made = []
    # A rate above the cap is the registry's query DR102: the same rule, asked once.
    for finding in CHECKS["DR102"].test(figures):
        key = (finding.job_type, finding.engagement_type)
        made.append(
            _propose(
                period=period,
                local_authority=la,
                kind=CandidateKind.RATE_ABOVE_CAP,
                job_type=finding.job_type,
                engagement_type=finding.engagement_type,
                data_return=data_return,
                rate=figures.rates[key]["rate_max"],
                cap=figures.caps[key],
                occurred_on=period.ends_on,
            )
        )
    for job_type, line in figures.lines.items():
        above = line.get("above_cap_workers")
        if not isinstance(above, Decimal):
            continue  # an authorised revision's figures are all numbers
        uncovered = int(above) - figures.exceptions.get(job_type, 0)
        if uncovered > 0:
            rates = [
                high
                for (job, _e), r in figures.rates.items()
                if job == job_type and isinstance(high := r.get("rate_max"), Decimal)
            ]
            highest = max(rates, default=None)
            made.append(
                _propose(
                    period=period,
                    local_authority=la,
                    kind=CandidateKind.UNCOVERED_ABOVE_CAP,
                    job_type=job_type,
                    engagement_type="",
                    data_return=data_return,
                    rate=highest,
                    workers=uncovered,
                    occurred_on=period.ends_on,
                )
            )
    return [c for c in made if c is not None]


def propose_late(today: datetime.date, *, dry_run: bool = False) -> list[CandidateBreach]:
    """For every period closed before `today`: each LA of its region whose return was not
    authorised by the close (none, or authorised only after it). Safe to run twice. A dry run
    saves nothing and returns what it would propose."""
    made = []
    for period in ReturnPeriod.objects.filter(closes_on__lt=today).select_related("region"):
        authorised_in_time = set(
            ReturnCoverage.objects.filter(
                period=period,
                data_return__revisions__in=counted_revisions().filter(
                    authorised_at__date__lte=period.closes_on
                ),
            ).values_list("local_authority_id", flat=True)
        )
        for la in period.region.local_authorities.exclude(pk__in=authorised_in_time):
            coverage = ReturnCoverage.objects.filter(period=period, local_authority=la).first()
            if dry_run:
                exists = CandidateBreach.objects.filter(
                    period=period, local_authority=la, kind=CandidateKind.RETURN_LATE
                ).exists()
                if not exists:
                    made.append(
                        CandidateBreach(
                            period=period,
                            local_authority=la,
                            kind=CandidateKind.RETURN_LATE,
                            occurred_on=period.closes_on,
                        )
                    )
                continue
            candidate = _propose(
                period=period,
                local_authority=la,
                kind=CandidateKind.RETURN_LATE,
                job_type="",
                engagement_type="",
                data_return=coverage.data_return if coverage else None,
                occurred_on=period.closes_on,
            )
            if candidate is not None:
                made.append(candidate)
    return made


def _locked(candidate: CandidateBreach) -> CandidateBreach:
    return (
        CandidateBreach.objects.select_for_update(of=("self",))
        .select_related("period__region", "local_authority")
        .get(pk=candidate.pk)
    )


@transaction.atomic
def candidate_dismiss(*, candidate: CandidateBreach, reason: str, actor: User) -> CandidateBreach:
    candidate = _locked(candidate)
    require(can_track(actor, candidate.period.region))
    if candidate.state != CandidateState.OPEN:
        raise ValidationError(f"This candidate is already {candidate.get_state_display().lower()}")
    if not reason.strip():
        raise ValidationError({"reason": "Enter why it is not a breach"})
    candidate.state, candidate.reason = CandidateState.DISMISSED, reason.strip()
    candidate.decided_by, candidate.decided_at = actor, timezone.now()
    candidate.save()
    return candidate


@transaction.atomic
def candidate_confirmed(
    *, candidate: CandidateBreach, breach: Breach, actor: User
) -> CandidateBreach:
    """Link the breach logged from a candidate back to it."""
    candidate = _locked(candidate)
    require(can_track(actor, candidate.period.region))
    if candidate.state != CandidateState.OPEN:
        raise ValidationError(f"This candidate is already {candidate.get_state_display().lower()}")
    candidate.state, candidate.breach = CandidateState.CONFIRMED, breach
    candidate.decided_by, candidate.decided_at = actor, timezone.now()
    candidate.save()
    return candidate
