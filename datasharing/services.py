"""Writes for data returns. Each checks the actor's role for the LAs the return covers, runs in
a transaction and records who did what when. Checking is `datasharing.checks`; this module
only asks it."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from cap_exceptions.models import APPROVED_STATES, CapException
from datasharing.candidates import propose_from_revision
from datasharing.checks import (
    CHECKS,
    STATEMENT_CHECKS,
    Figures,
    Finding,
    Severity,
    Statement,
    Value,
    run_checks,
)
from datasharing.models import (
    LINE_FIELDS,
    AuthorisationDeputy,
    Compliance,
    ComplianceAnswer,
    DataReturn,
    Explanation,
    RateLine,
    ReturnCoverage,
    ReturnPeriod,
    Revision,
    RevisionState,
    WorkforceLine,
    quarter_dates,
)
from datasharing.national_return import Layout, current_layout, layout_of
from datasharing.permissions import (
    can_authorise,
    can_make_statement,
    can_manage_periods,
    can_name_deputies,
    can_prepare,
    can_reopen,
    can_submit,
    possible_deputies,
    require,
)
from datasharing.selectors import counted_revisions
from kernel.working_days import add_working_days, is_working_day
from mou.models import LocalAuthority, PriceCap, Region

# A period's defaults, in working days (admins change a period's dates).
DUE_AFTER_OPENING = 20
CLOSES_AFTER_OPENING = 40


def period_defaults(year: int, quarter: int) -> tuple[datetime.date, datetime.date, datetime.date]:
    """Opens the first working day after the quarter ends; due 20 working days later; closes 40
    working days after opening."""
    opens = quarter_dates(year, quarter)[1] + datetime.timedelta(days=1)
    while not is_working_day(opens):
        opens += datetime.timedelta(days=1)
    return (
        opens,
        add_working_days(opens, DUE_AFTER_OPENING),
        add_working_days(opens, CLOSES_AFTER_OPENING),
    )


def _period_errors(opens: datetime.date, due: datetime.date, closes: datetime.date) -> dict:
    errors = {}
    if due < opens:
        errors["due_on"] = "The due date must be on or after the day returns open"
    if closes < due:
        errors["closes_on"] = "The closing date must be on or after the due date"
    return errors


@transaction.atomic
def period_create(
    *,
    region: Region,
    year: int,
    quarter: int,
    actor: User | None,
    dates: tuple[datetime.date, datetime.date, datetime.date] | None = None,
) -> ReturnPeriod:
    """A region's period for a quarter, with the default dates unless given. actor=None is the
    system (seeding)."""
    if actor is not None:
        require(can_manage_periods(actor, region))
    opens, due, closes = dates or period_defaults(year, quarter)
    if errors := _period_errors(opens, due, closes):
        raise ValidationError(errors)
    if ReturnPeriod.objects.filter(region=region, year=year, quarter=quarter).exists():
        raise ValidationError(f"{region.name} already has a period for {year} quarter {quarter}")
    return ReturnPeriod.objects.create(
        region=region, year=year, quarter=quarter, opens_on=opens, due_on=due, closes_on=closes
    )


@transaction.atomic
def period_change_dates(
    *,
    period: ReturnPeriod,
    opens_on: datetime.date,
    due_on: datetime.date,
    closes_on: datetime.date,
    actor: User,
) -> ReturnPeriod:
    """An admin of the region moves a period's dates (a late quarter, a holiday)."""
    require(can_manage_periods(actor, period.region))
    if errors := _period_errors(opens_on, due_on, closes_on):
        raise ValidationError(errors)
    if opens_on <= period.ends_on:
        raise ValidationError(
            {"opens_on": f"Returns open after the quarter ends ({period.ends_on:%-d %B %Y})"}
        )
    period.opens_on, period.due_on, period.closes_on = opens_on, due_on, closes_on
    period.save(update_fields=["opens_on", "due_on", "closes_on"])
    return period


@transaction.atomic
def return_start(
    *, period: ReturnPeriod, local_authorities: Sequence[LocalAuthority], actor: User
) -> DataReturn:
    """Start a return for one LA, or for LAs that report jointly: its first revision, a draft.
    The actor prepares returns for every LA it covers (once started, any one is enough to work
    on it): no one starts a return in another LA's name."""
    if not local_authorities:
        raise ValueError("A return covers at least one local authority")
    require(all(can_prepare(actor, [la]) for la in local_authorities))
    outside = [la for la in local_authorities if la.region_id != period.region_id]
    if outside:
        raise ValidationError(f"{outside[0]} is not in {period.region.name}")
    taken = ReturnCoverage.objects.filter(
        period=period, local_authority__in=local_authorities
    ).select_related("local_authority", "data_return")
    if taken:
        first = taken[0]
        raise ValidationError(
            f"{first.local_authority} already has a return for {period.label}: "
            f"{first.data_return.reference}"
        )
    codes = "-".join(sorted(la.la_code for la in local_authorities))
    data_return = DataReturn.objects.create(
        period=period,
        reference=f"{period.region.code}-{period.code}-{codes}",
        created_by=actor,
    )
    try:
        with transaction.atomic():
            ReturnCoverage.objects.bulk_create(
                [
                    ReturnCoverage(data_return=data_return, period=period, local_authority=la)
                    for la in local_authorities
                ]
            )
    except IntegrityError as error:  # another person started one at the same moment
        raise ValidationError("A return for this local authority was started just now") from error
    Revision.objects.create(data_return=data_return, number=1, prepared_by=actor)
    return data_return


def covered_las(data_return: DataReturn) -> list[LocalAuthority]:
    return data_return.local_authorities


def _locked(revision: Revision) -> Revision:
    return (
        Revision.objects.select_for_update(of=("self",))
        .select_related("data_return__period__region")
        .get(pk=revision.pk)
    )


@dataclass
class RateFigures:
    job_type: str
    engagement_type: str
    rate_min: Decimal
    rate_median: Decimal
    rate_max: Decimal


@transaction.atomic
def revision_save(
    *,
    revision: Revision,
    lines: Mapping[str, Mapping[str, Decimal | None]],
    rates: Iterable[RateFigures] = (),
    total_monthly_agency_cost: Decimal | None = None,
    actor: User,
) -> Revision:
    """Replace a draft's figures: a line per job type given (values are numbers or None, not
    given), and its rate lines. Checks run at submission; a draft may be incomplete."""
    revision = _locked(revision)
    require(can_prepare(actor, covered_las(revision.data_return)))
    if revision.state != RevisionState.DRAFT:
        raise ValidationError(
            f"Revision {revision.number} is {revision.get_state_display().lower()}: only a draft "
            "can change"
        )
    revision.lines.all().delete()
    WorkforceLine.objects.bulk_create(
        [
            WorkforceLine(
                revision=revision,
                job_type=job_type,
                **{name: values.get(name) for name in LINE_FIELDS},
            )
            for job_type, values in lines.items()
        ]
    )
    revision.rates.all().delete()
    RateLine.objects.bulk_create([RateLine(revision=revision, **vars(rate)) for rate in rates])
    revision.total_monthly_agency_cost = total_monthly_agency_cost
    revision.prepared_by = actor
    revision.save(update_fields=["total_monthly_agency_cost", "prepared_by"])
    return revision


@transaction.atomic
def explanation_save(*, revision: Revision, key: str, text: str, actor: User) -> Explanation:
    revision = _locked(revision)
    require(can_prepare(actor, covered_las(revision.data_return)))
    if revision.state != RevisionState.DRAFT:
        raise ValidationError("Only a draft's queries can be explained")
    if not text.strip():
        raise ValidationError({"text": "Enter why the figure is right"})
    explanation, _ = Explanation.objects.update_or_create(
        revision=revision, key=key, defaults={"text": text.strip(), "written_by": actor}
    )
    return explanation


def counted_revision(data_return: DataReturn) -> Revision | None:
    """The revision every figure reads: the latest authorised one (`counted_revisions`)."""
    return counted_revisions().filter(data_return=data_return).first()


def line_values(line: WorkforceLine) -> dict[str, Decimal | None]:
    """A saved line's figures as the checks read them: numbers as Decimals (headcounts are
    stored as integers), None where not given."""
    values = {name: getattr(line, name) for name in LINE_FIELDS}
    return {name: None if v is None else Decimal(v) for name, v in values.items()}


def figures_of(
    revision: Revision,
    *,
    lines: Mapping[str, Mapping[str, Value]] | None = None,
    rates: Mapping[tuple[str, str], Mapping[str, Value]] | None = None,
) -> Figures:
    """A revision's figures (or `lines` and `rates` given, like a file's, checked against the
    same context) and what its queries compare with: the LAs' latest authorised previous
    quarter, the caps in force on the quarter's last day, and the approved cap exceptions in
    force during the quarter."""
    data_return = revision.data_return
    period = data_return.period
    las = covered_las(data_return)
    saved_lines = (
        {line.job_type: line_values(line) for line in revision.lines.all()}
        if lines is None
        else lines
    )
    saved_rates = (
        {
            (r.job_type, r.engagement_type): {
                "rate_min": r.rate_min,
                "rate_median": r.rate_median,
                "rate_max": r.rate_max,
            }
            for r in revision.rates.all()
        }
        if rates is None
        else rates
    )
    year, quarter = (
        (period.year, period.quarter - 1) if period.quarter > 1 else (period.year - 1, 4)
    )
    before = (
        Revision.objects.filter(
            state=RevisionState.AUTHORISED,
            data_return__period__region_id=period.region_id,
            data_return__period__year=year,
            data_return__period__quarter=quarter,
            data_return__coverage__local_authority__in=las,
        )
        .order_by("-number")
        .values("pk")[:1]
    )
    previous = {
        line.job_type: line_values(line)
        for line in WorkforceLine.objects.filter(revision__in=before)
    }
    caps = {
        (cap.job_type, cap.engagement_type): cap.max_hourly_rate
        for cap in PriceCap.objects.filter(
            Q(version__effective_to__isnull=True) | Q(version__effective_to__gt=period.ends_on),
            version__mou__region_id=period.region_id,
            version__status="published",
            version__effective_from__lte=period.ends_on,
        )
    }
    exceptions: dict[str, int] = {}
    in_quarter = CapException.objects.filter(
        Q(ended_on__isnull=True, expires_on__gte=period.starts_on)
        | Q(ended_on__gte=period.starts_on),
        status__in=APPROVED_STATES,
        local_authority__in=las,
        starts_on__lte=period.ends_on,
    )
    for job_type in in_quarter.values_list("job_type", flat=True):
        exceptions[job_type] = exceptions.get(job_type, 0) + 1
    return Figures(
        lines=saved_lines,
        rates=saved_rates,
        previous=previous,
        caps=caps,
        exceptions=exceptions,
        statement=statement_of(revision) if lines is None else None,
    )


def statement_of(revision: Revision) -> Statement:
    """A revision's national return statement as the checks read it, in the layout it was
    answered in."""
    layout = layout_of(revision.statement_layout)
    return Statement(
        questions=tuple((q.key, q.label) for q in layout.questions),
        answers={a.question: (a.answer, a.explanation) for a in revision.compliance_answers.all()},
        holdings_confirmed=revision.holdings_confirmed_at is not None,
    )


def statement_answers(
    layout: Layout, answers: Mapping[str, tuple[str, str]]
) -> dict[str, tuple[str, str]]:
    """The answers a layout asks for, each (answer, explanation); an explanation is kept only
    where the LA did not comply (what was typed under another answer was hidden)."""
    return {
        key: (answer, explanation.strip() if answer == Compliance.NOT_COMPLIED else "")
        for key, (answer, explanation) in answers.items()
        if layout.question(key) is not None and answer in Compliance.values
    }


def statement_problems(layout: Layout, answers: Mapping[str, tuple[str, str]]) -> dict[str, str]:
    """What stops a statement being saved, by where it is (`<key>`: a question unanswered;
    `<key>_explanation`: what happened is missing), from the registry's checks DR009 and DR010.
    DR011 (the holdings confirmed) stops a submission, not a save."""
    statement = Statement(
        questions=tuple((q.key, q.label) for q in layout.questions),
        answers=answers,
        holdings_confirmed=True,
    )
    figures = Figures(lines={}, statement=statement)
    return {
        (f.subject if f.code == "DR009" else f"{f.subject}_explanation"): f.message
        for code in ("DR009", "DR010")
        for f in CHECKS[code].test(figures)
    }


@transaction.atomic
def statement_save(
    *,
    revision: Revision,
    answers: Mapping[str, tuple[str, str]],
    other_agencies: str = "",
    holdings_confirmed: bool = False,
    holdings_correction: str = "",
    actor: User,
) -> Revision:
    """Save a draft's statement in the current layout: an answer to every compliance question
    (what happened, where the LA did not comply), agencies the LA adds, and its confirmation of
    what the portal holds. Errors are keyed by question (`<key>`, `<key>_explanation`)."""
    revision = _locked(revision)
    require(can_make_statement(actor, covered_las(revision.data_return)))
    if revision.state != RevisionState.DRAFT:
        raise ValidationError(
            f"Revision {revision.number} is {revision.get_state_display().lower()}: only a draft "
            "can change"
        )
    layout = current_layout()
    given = statement_answers(layout, answers)
    problems = statement_problems(layout, given)
    if problems:
        raise ValidationError(problems)
    revision.compliance_answers.all().delete()
    ComplianceAnswer.objects.bulk_create(
        [
            ComplianceAnswer(revision=revision, question=key, answer=answer, explanation=text)
            for key, (answer, text) in given.items()
        ]
    )
    revision.statement_layout = layout.version
    revision.other_agencies = other_agencies.strip()
    revision.holdings_correction = holdings_correction.strip()
    if not holdings_confirmed:
        revision.holdings_confirmed_by, revision.holdings_confirmed_at = None, None
    elif revision.holdings_confirmed_at is None:
        revision.holdings_confirmed_by, revision.holdings_confirmed_at = actor, timezone.now()
    revision.save()
    return revision


@dataclass
class Outcome:
    """What a revision's checks found: errors block, queries need an explanation."""

    findings: list[Finding]
    explained: set[str]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def figure_errors(self) -> list[Finding]:
        return [f for f in self.errors if f.code not in STATEMENT_CHECKS]

    @property
    def statement_errors(self) -> list[Finding]:
        return [f for f in self.errors if f.code in STATEMENT_CHECKS]

    @property
    def queries(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.QUERY]

    @property
    def unexplained(self) -> list[Finding]:
        return [f for f in self.queries if f.key not in self.explained]

    @property
    def can_submit(self) -> bool:
        return not self.errors and not self.unexplained


def revision_check(revision: Revision) -> Outcome:
    return Outcome(
        run_checks(figures_of(revision)),
        {e.key for e in revision.explanations.all()},
    )


@transaction.atomic
def return_submit(*, revision: Revision, actor: User) -> Revision:
    """Submit a draft for the DCS's authorisation: no errors, every query explained. Late when
    after the period's due date (a closed period still takes a return, marked late)."""
    revision = _locked(revision)
    require(can_submit(actor, covered_las(revision.data_return)))
    if revision.state != RevisionState.DRAFT:
        raise ValidationError(
            f"Revision {revision.number} is already {revision.get_state_display().lower()}"
        )
    outcome = revision_check(revision)
    if outcome.errors:
        raise ValidationError(
            [f"{f.where}: {f.message}" if f.where else f.message for f in outcome.errors]
        )
    if outcome.unexplained:
        raise ValidationError([f"Explain: {f.where}: {f.message}" for f in outcome.unexplained])
    revision.state = RevisionState.SUBMITTED
    revision.submitted_by, revision.submitted_at = actor, timezone.now()
    revision.submitted_late = timezone.localdate() > revision.data_return.period.due_on
    revision.save()
    return revision


@transaction.atomic
def return_authorise(*, revision: Revision, actor: User) -> Revision:
    """The DCS authorises a submitted revision: from now on it counts in every figure."""
    revision = _locked(revision)
    require(can_authorise(actor, covered_las(revision.data_return)))
    if revision.state != RevisionState.SUBMITTED:
        raise ValidationError(
            f"Revision {revision.number} is {revision.get_state_display().lower()}: only a "
            "submitted return can be authorised"
        )
    revision.state = RevisionState.AUTHORISED
    revision.authorised_by, revision.authorised_at = actor, timezone.now()
    revision.save()
    # What the counted figures suggest, for the region's leads to confirm or dismiss.
    propose_from_revision(revision, figures_of(revision))
    return revision


@transaction.atomic
def return_reopen(*, revision: Revision, actor: User, reason: str) -> Revision:
    """Reopen a submitted or authorised revision: the next revision starts as a draft copied
    from it. An authorised one keeps counting until the next is authorised; a submitted one is
    sent back. Returns the new draft."""
    revision = _locked(revision)
    require(can_reopen(actor, revision.data_return))
    if revision.replaced_by_id:
        raise ValidationError(f"Revision {revision.number} is already reopened")
    if revision.state not in (RevisionState.SUBMITTED, RevisionState.AUTHORISED):
        raise ValidationError("Only a submitted or authorised return can be reopened")
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the return is reopened"})
    if revision.state == RevisionState.SUBMITTED:
        revision.state = RevisionState.SENT_BACK
    revision.reopened_by, revision.reopened_at = actor, timezone.now()
    revision.reopen_reason = reason.strip()
    revision.save()  # no longer open, before the next revision opens
    draft = Revision.objects.create(
        data_return=revision.data_return,
        number=revision.number + 1,
        prepared_by=actor,
        total_monthly_agency_cost=revision.total_monthly_agency_cost,
        # The statement carries over; the LA confirms the portal's holdings again (they may
        # have changed since).
        statement_layout=revision.statement_layout,
        other_agencies=revision.other_agencies,
        holdings_correction=revision.holdings_correction,
    )
    revision.replaced_by = draft
    revision.save(update_fields=["replaced_by"])
    WorkforceLine.objects.bulk_create(
        [
            WorkforceLine(
                revision=draft,
                job_type=line.job_type,
                **{name: getattr(line, name) for name in LINE_FIELDS},
            )
            for line in revision.lines.all()
        ]
    )
    RateLine.objects.bulk_create(
        [
            RateLine(
                revision=draft,
                job_type=r.job_type,
                engagement_type=r.engagement_type,
                rate_min=r.rate_min,
                rate_median=r.rate_median,
                rate_max=r.rate_max,
            )
            for r in revision.rates.all()
        ]
    )
    Explanation.objects.bulk_create(
        [
            Explanation(revision=draft, key=e.key, text=e.text, written_by=e.written_by)
            for e in revision.explanations.all()
        ]
    )
    ComplianceAnswer.objects.bulk_create(
        [
            ComplianceAnswer(
                revision=draft, question=a.question, answer=a.answer, explanation=a.explanation
            )
            for a in revision.compliance_answers.all()
        ]
    )
    return draft


@transaction.atomic
def deputy_name(
    *, local_authority: LocalAuthority, person: User, actor: User
) -> AuthorisationDeputy:
    """The LA's DCS names a deputy to authorise its returns: a person with a role at the LA."""
    require(can_name_deputies(actor, local_authority))
    if not possible_deputies(local_authority).filter(pk=person.pk).exists():
        raise ValidationError({"person": f"Choose someone with a role at {local_authority}"})
    if person.pk == actor.pk:
        raise ValidationError({"person": "You authorise already: choose someone else"})
    deputy, _ = AuthorisationDeputy.objects.get_or_create(
        local_authority=local_authority, person=person, defaults={"named_by": actor}
    )
    return deputy


@transaction.atomic
def deputy_remove(*, deputy: AuthorisationDeputy, actor: User) -> None:
    require(can_name_deputies(actor, deputy.local_authority))
    deputy.delete()
