"""The checks a data return must pass: one registry, each check with a stable code, a type
(an error blocks submission; a query needs an explanation), a plain-English message and the
fields it concerns. Messages, tests and the data dictionary all come from here (the pattern of
DfE's children in need validator).

A check reads plain values: a line is a mapping of field to Decimal, None (not given) or
`Invalid` (what an upload held that is not a number), so the same checks run on a saved
revision, a form and an uploaded file's preview.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from datasharing.models import FTE_FIELDS, HEADCOUNT_FIELDS, LINE_FIELDS, LINE_LABELS
from datasharing.rates import rates_of
from mou.models import EngagementType, JobType


class Severity(StrEnum):
    ERROR = "error"  # blocks submission
    QUERY = "query"  # needs an explanation before submission


@dataclass(frozen=True)
class Invalid:
    """A value given that is not a number."""

    raw: str


Value = Decimal | None | Invalid
Line = Mapping[str, Value]

RATE_FIELDS = ("rate_min", "rate_median", "rate_max")
RATE_LABELS = {
    "rate_min": "Lowest hourly rate",
    "rate_median": "Median hourly rate",
    "rate_max": "Highest hourly rate",
}
JOB_LABELS = dict(JobType.choices)
ENGAGEMENT_LABELS = dict(EngagementType.choices)

# A change on the previous quarter is queried when it is more than this share and at least
# CHANGE_MIN_ABSOLUTE (small numbers move by whole people).
CHANGE_SHARE = Decimal("0.25")
CHANGE_MIN_ABSOLUTE = Decimal("2")
AGENCY_RATE_QUERY = Decimal("0.5")


def parse_value(raw: object) -> Value:
    """A figure as given in a form or a file: blank is None, a number is a Decimal."""
    if raw is None:
        return None
    if isinstance(raw, Decimal):
        return raw
    if isinstance(raw, bool):
        return Invalid(str(raw))
    if isinstance(raw, int | float):
        number = Decimal(str(raw))
        return number if number.is_finite() else Invalid(str(raw))
    text = str(raw).strip().replace(",", "")
    if text == "":
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return Invalid(str(raw))
    return value if value.is_finite() else Invalid(str(raw))


@dataclass
class Statement:
    """The national return's statement as the checks read it: the layout's questions (key,
    label), the answers given (key: (answer, explanation)), and whether the LA confirmed what
    the portal holds for the quarter."""

    questions: tuple[tuple[str, str], ...]
    answers: Mapping[str, tuple[str, str]]
    holdings_confirmed: bool


@dataclass
class Figures:
    """What the checks read: the return's lines by job type and its rate lines by (job type,
    engagement type), and the context the queries compare with."""

    lines: Mapping[str, Line]
    rates: Mapping[tuple[str, str], Line] = field(default_factory=dict)
    # The LA's latest authorised previous quarter, by job type (empty when there is none).
    previous: Mapping[str, Mapping[str, Decimal | None]] = field(default_factory=dict)
    # The cap in force on the quarter's last day, by (job type, engagement type).
    caps: dict[tuple[str, str], Decimal] = field(default_factory=dict)
    # Approved cap exceptions in force during the quarter, by job type.
    exceptions: dict[str, int] = field(default_factory=dict)
    # The national return's statement; None where there is none to check (a file's preview:
    # the template holds the figures only).
    statement: Statement | None = None


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    message: str
    job_type: str = ""
    engagement_type: str = ""
    fields: tuple[str, ...] = ()
    # What else the finding concerns (a statement's question key) and how to name it.
    subject: str = ""
    subject_label: str = ""

    @property
    def key(self) -> str:
        """Where the finding is, stable across saves: explanations are kept against it."""
        parts = (self.code, self.job_type, self.engagement_type, self.subject)
        return ":".join(part for part in parts if part)

    @property
    def where(self) -> str:
        parts = [
            JOB_LABELS.get(self.job_type, ""),
            ENGAGEMENT_LABELS.get(self.engagement_type, ""),
            self.subject_label,
        ]
        return ", ".join(p for p in parts if p)


Test = Callable[[Figures], Iterator[Finding]]


@dataclass(frozen=True)
class Check:
    code: str
    severity: Severity
    title: str  # what the check is about, for the data dictionary
    fields: tuple[str, ...]
    test: Test


CHECKS: dict[str, Check] = {}


def check(code: str, severity: Severity, title: str, fields: tuple[str, ...]):
    """Register a check: the function yields a Finding for each place it fails."""

    def register(test: Test) -> Test:
        if code in CHECKS:
            raise ValueError(f"Check {code} is declared twice")
        CHECKS[code] = Check(code, severity, title, fields, test)
        return test

    return register


def _numbers(line: Line) -> Iterator[tuple[str, Decimal]]:
    for name, value in line.items():
        if isinstance(value, Decimal):
            yield name, value


def _show(value: Decimal) -> str:
    """A figure as people write it: 11, 4.5 (not 11.00 or 1E+2)."""
    return format(value.normalize(), "f")


def _label(name: str) -> str:
    return LINE_LABELS.get(name) or RATE_LABELS[name]


# Errors -----------------------------------------------------------------------------------------


@check("DR001", Severity.ERROR, "Every core job type has a line", ())
def _every_job_type(figures: Figures) -> Iterator[Finding]:
    for job_type in JobType.values:
        if job_type not in figures.lines:
            yield Finding(
                "DR001",
                Severity.ERROR,
                f"Give the figures for {JOB_LABELS[job_type].lower()}s (0 where there are none)",
                job_type=job_type,
            )


@check("DR002", Severity.ERROR, "Figures are numbers", LINE_FIELDS + RATE_FIELDS)
def _numbers_only(figures: Figures) -> Iterator[Finding]:
    for (job_type, engagement), line in _all_lines(figures):
        for name, value in line.items():
            if isinstance(value, Invalid):
                yield Finding(
                    "DR002",
                    Severity.ERROR,
                    f"{_label(name)} must be a number, like 12 or 4.5 (not “{value.raw[:20]}”)",
                    job_type=job_type,
                    engagement_type=engagement,
                    fields=(name,),
                )


@check("DR003", Severity.ERROR, "Figures are not negative", LINE_FIELDS + RATE_FIELDS)
def _not_negative(figures: Figures) -> Iterator[Finding]:
    for (job_type, engagement), line in _all_lines(figures):
        for name, value in _numbers(line):
            if value < 0:
                yield Finding(
                    "DR003",
                    Severity.ERROR,
                    f"{_label(name)} cannot be negative",
                    job_type=job_type,
                    engagement_type=engagement,
                    fields=(name,),
                )


@check("DR004", Severity.ERROR, "Every figure of a line is given", LINE_FIELDS)
def _all_given(figures: Figures) -> Iterator[Finding]:
    for job_type, line in figures.lines.items():
        for name in LINE_FIELDS:
            if line.get(name) is None:
                yield Finding(
                    "DR004",
                    Severity.ERROR,
                    f"Enter {_label(name).lower()} (0 where there are none)",
                    job_type=job_type,
                    fields=(name,),
                )


@check("DR005", Severity.ERROR, "Headcounts are whole numbers", HEADCOUNT_FIELDS)
def _whole(figures: Figures) -> Iterator[Finding]:
    for job_type, line in figures.lines.items():
        for name, value in _numbers(line):
            if name in HEADCOUNT_FIELDS and value != value.to_integral_value():
                yield Finding(
                    "DR005",
                    Severity.ERROR,
                    f"{_label(name)} counts people: enter a whole number",
                    job_type=job_type,
                    fields=(name,),
                )


FTE_OF_HEADCOUNT = {
    "agency_fte": "agency_headcount",
    "inpost_fte": "inpost_headcount",
    "starters_fte": "starters_headcount",
    "leavers_fte": "leavers_headcount",
}


@check(
    "DR006",
    Severity.ERROR,
    "FTE is at most the headcount",
    tuple(FTE_OF_HEADCOUNT) + tuple(FTE_OF_HEADCOUNT.values()),
)
def _fte_within_headcount(figures: Figures) -> Iterator[Finding]:
    for job_type, line in figures.lines.items():
        for fte, headcount in FTE_OF_HEADCOUNT.items():
            a, b = line.get(fte), line.get(headcount)
            if isinstance(a, Decimal) and isinstance(b, Decimal) and a > b:
                yield Finding(
                    "DR006",
                    Severity.ERROR,
                    f"{_label(fte)} ({_show(a)}) is more than {_label(headcount).lower()} ({_show(b)}): "
                    "each person is at most 1 FTE",
                    job_type=job_type,
                    fields=(fte, headcount),
                )


@check("DR007", Severity.ERROR, "Rates are in order: lowest, median, highest", RATE_FIELDS)
def _rates_in_order(figures: Figures) -> Iterator[Finding]:
    for (job_type, engagement), line in figures.rates.items():
        low, mid, high = (line.get(name) for name in RATE_FIELDS)
        if not all(isinstance(v, Decimal) for v in (low, mid, high)):
            continue
        if not (low <= mid <= high):  # type: ignore[operator]
            yield Finding(
                "DR007",
                Severity.ERROR,
                f"The rates must be in order: lowest (£{low}) at most the median (£{mid}), the "
                f"median at most the highest (£{high})",
                job_type=job_type,
                engagement_type=engagement,
                fields=RATE_FIELDS,
            )


@check(
    "DR008",
    Severity.ERROR,
    "No more workers above the cap than agency workers",
    ("above_cap_workers", "agency_headcount", "above_cap_under_exception"),
)
def _above_cap_within_agency(figures: Figures) -> Iterator[Finding]:
    for job_type, line in figures.lines.items():
        above, agency, excepted = (
            line.get("above_cap_workers"),
            line.get("agency_headcount"),
            line.get("above_cap_under_exception"),
        )
        if isinstance(above, Decimal) and isinstance(agency, Decimal) and above > agency:
            yield Finding(
                "DR008",
                Severity.ERROR,
                f"{_show(above)} workers paid above the cap is more than the {_show(agency)} "
                "agency workers",
                job_type=job_type,
                fields=("above_cap_workers", "agency_headcount"),
            )
        if isinstance(above, Decimal) and isinstance(excepted, Decimal) and excepted > above:
            yield Finding(
                "DR008",
                Severity.ERROR,
                f"{_show(excepted)} under an approved cap exception is more than the "
                f"{_show(above)} paid above the cap",
                job_type=job_type,
                fields=("above_cap_under_exception", "above_cap_workers"),
            )


# The national return's statement: checked on a saved revision (a file holds figures only).

NOT_COMPLIED = "not_complied"
STATEMENT_CHECKS = ("DR009", "DR010", "DR011")


@check("DR009", Severity.ERROR, "Each compliance question is answered", ("compliance",))
def _every_question_answered(figures: Figures) -> Iterator[Finding]:
    if figures.statement is None:
        return
    for key, label in figures.statement.questions:
        if key not in figures.statement.answers:
            yield Finding(
                "DR009",
                Severity.ERROR,
                "Say whether the local authority complied with this rule in the quarter",
                fields=("compliance",),
                subject=key,
                subject_label=label,
            )


@check(
    "DR010",
    Severity.ERROR,
    "Each rule not complied with says what happened",
    ("compliance", "explanation"),
)
def _non_compliance_explained(figures: Figures) -> Iterator[Finding]:
    if figures.statement is None:
        return
    for key, label in figures.statement.questions:
        answer, explanation = figures.statement.answers.get(key, ("", ""))
        if answer == NOT_COMPLIED and not explanation.strip():
            yield Finding(
                "DR010",
                Severity.ERROR,
                "Say what happened where the local authority did not comply, and what it is "
                "doing about it",
                fields=("explanation",),
                subject=key,
                subject_label=label,
            )


@check(
    "DR011",
    Severity.ERROR,
    "What the portal holds for the quarter is confirmed",
    ("holdings_confirmed",),
)
def _holdings_confirmed(figures: Figures) -> Iterator[Finding]:
    if figures.statement is not None and not figures.statement.holdings_confirmed:
        yield Finding(
            "DR011",
            Severity.ERROR,
            "Confirm the cap exceptions and breaches the portal holds for the quarter against "
            "the local authority's records",
            fields=("holdings_confirmed",),
        )


# Queries ----------------------------------------------------------------------------------------


@check(
    "DR101",
    Severity.QUERY,
    "A big change on the previous quarter",
    HEADCOUNT_FIELDS[:2] + FTE_FIELDS[:2],
)
def _big_change(figures: Figures) -> Iterator[Finding]:
    watched = ("agency_headcount", "agency_fte", "inpost_headcount", "inpost_fte")
    for job_type, line in figures.lines.items():
        before = figures.previous.get(job_type)
        if not before:
            continue
        for name in watched:
            now, then = line.get(name), before.get(name)
            if not (isinstance(now, Decimal) and isinstance(then, Decimal)):
                continue
            change = abs(now - then)
            if change >= CHANGE_MIN_ABSOLUTE and (then == 0 or change / then > CHANGE_SHARE):
                yield Finding(
                    "DR101",
                    Severity.QUERY,
                    f"{_label(name)} changed from {_show(then)} to {_show(now)} since the previous "
                    "quarter: "
                    "explain the change",
                    job_type=job_type,
                    fields=(name,),
                )


@check("DR102", Severity.QUERY, "A rate above the cap", ("rate_max",))
def _above_cap(figures: Figures) -> Iterator[Finding]:
    for (job_type, engagement), line in figures.rates.items():
        cap = figures.caps.get((job_type, engagement))
        high = line.get("rate_max")
        if cap is not None and isinstance(high, Decimal) and high > cap:
            yield Finding(
                "DR102",
                Severity.QUERY,
                f"The highest rate, £{high}, is above the cap of £{cap} in force on the "
                "quarter's last day: explain it (a cap exception, or a breach)",
                job_type=job_type,
                engagement_type=engagement,
                fields=("rate_max",),
            )


@check("DR103", Severity.QUERY, "An agency rate above 50%", ("agency_fte", "inpost_fte"))
def _agency_rate(figures: Figures) -> Iterator[Finding]:
    for job_type, line in figures.lines.items():
        values = {k: v for k, v in line.items() if isinstance(v, Decimal)}
        rate = rates_of(values)["agency_rate_fte"]
        if rate is not None and rate > AGENCY_RATE_QUERY:
            yield Finding(
                "DR103",
                Severity.QUERY,
                f"Agency workers are {rate * 100:.1f}% of the FTE: explain why more than half "
                "are agency workers",
                job_type=job_type,
                fields=("agency_fte", "inpost_fte"),
            )


@check(
    "DR104",
    Severity.QUERY,
    "More workers above the cap than approved cap exceptions cover",
    ("above_cap_under_exception",),
)
def _exceptions_cover(figures: Figures) -> Iterator[Finding]:
    for job_type, line in figures.lines.items():
        excepted = line.get("above_cap_under_exception")
        approved = figures.exceptions.get(job_type, 0)
        if isinstance(excepted, Decimal) and excepted > approved:
            yield Finding(
                "DR104",
                Severity.QUERY,
                f"{_show(excepted)} workers under a cap exception, but the portal holds {approved} "
                "approved for the quarter: explain the difference",
                job_type=job_type,
                fields=("above_cap_under_exception",),
            )


def _all_lines(figures: Figures) -> Iterator[tuple[tuple[str, str], Line]]:
    for job_type, line in figures.lines.items():
        yield (job_type, ""), line
    yield from figures.rates.items()


def run_checks(figures: Figures) -> list[Finding]:
    """Every finding of every check, errors first, in the registry's order."""
    findings = [finding for c in CHECKS.values() for finding in c.test(figures)]
    return sorted(findings, key=lambda f: f.severity != Severity.ERROR)
