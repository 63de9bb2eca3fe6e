"""Each check of a data return: its code, type, message and fields come from one registry, and
each fails where it should and only there."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from datasharing.checks import CHECKS, Figures, Invalid, Severity, parse_value, run_checks
from datasharing.models import LINE_FIELDS
from mou.models import EngagementType, JobType

D = Decimal
SW, TM = JobType.SOCIAL_WORKER, JobType.TEAM_MANAGER
LTD = EngagementType.LIMITED_COMPANY_UMBRELLA

GOOD_LINE = {
    "agency_headcount": D(10),
    "agency_fte": D("9.5"),
    "inpost_headcount": D(40),
    "inpost_fte": D("38.2"),
    "vacancy_fte": D("6"),
    "agency_cover_fte": D("5"),
    "starters_headcount": D(3),
    "starters_fte": D("3"),
    "leavers_headcount": D(2),
    "leavers_fte": D("1.5"),
    "project_team_workers": D(0),
    "above_cap_workers": D(2),
    "above_cap_under_exception": D(1),
}
GOOD_RATES = {"rate_min": D("38.00"), "rate_median": D("41.50"), "rate_max": D("45.00")}


def _figures(**changes) -> Figures:
    """A clean return: every job type with GOOD_LINE, one rate line; `changes` maps a job type
    to the fields that differ (None removes the line)."""
    lines = {job: dict(GOOD_LINE) for job in JobType.values}
    for job, fields in changes.pop("lines", {}).items():
        if fields is None:
            del lines[job]
        else:
            lines[job] |= fields
    rates = {(SW, LTD): dict(GOOD_RATES) | changes.pop("rates", {})}
    return Figures(
        lines=lines,
        rates=rates,
        exceptions=changes.pop("exceptions", dict.fromkeys(JobType.values, 1)),
        caps={(SW, LTD): D("45.00")},
        **changes,
    )


def _codes(figures: Figures) -> list[str]:
    return [f.code for f in run_checks(figures)]


def test_a_clean_return_has_no_findings():
    assert run_checks(_figures()) == []


def test_every_check_has_a_stable_code_a_type_a_title_and_its_fields():
    assert list(CHECKS) == sorted(CHECKS)
    for code, check in CHECKS.items():
        assert code == check.code
        assert code.startswith("DR")
        assert check.severity in (Severity.ERROR, Severity.QUERY)
        assert check.title
        assert (check.severity is Severity.ERROR) == code.startswith("DR0")


@pytest.mark.parametrize(
    ("changes", "code", "fields", "message"),
    [
        ({"lines": {TM: None}}, "DR001", (), "Give the figures for team managers"),
        (
            {"lines": {SW: {"agency_fte": Invalid("nine")}}},
            "DR002",
            ("agency_fte",),
            "must be a number, like 12 or 4.5 (not “nine”)",
        ),
        ({"lines": {SW: {"vacancy_fte": D(-1)}}}, "DR003", ("vacancy_fte",), "cannot be negative"),
        (
            {"lines": {SW: {"leavers_fte": None}}},
            "DR004",
            ("leavers_fte",),
            "Enter leavers in the quarter (fte)",
        ),
        (
            {"lines": {SW: {"agency_headcount": D("10.5")}}},
            "DR005",
            ("agency_headcount",),
            "enter a whole number",
        ),
        (
            {"lines": {SW: {"agency_fte": D("11")}}},
            "DR006",
            ("agency_fte", "agency_headcount"),
            "each person is at most 1 FTE",
        ),
        (
            {"rates": {"rate_min": D("42.00")}},
            "DR007",
            ("rate_min", "rate_median", "rate_max"),
            "The rates must be in order",
        ),
        (
            {"lines": {SW: {"above_cap_workers": D(11)}}},
            "DR008",
            ("above_cap_workers", "agency_headcount"),
            "is more than the 10 agency workers",
        ),
    ],
)
def test_each_error(changes, code, fields, message):
    [finding] = run_checks(_figures(**changes))
    assert (finding.code, finding.severity, finding.fields) == (code, Severity.ERROR, fields)
    assert message in finding.message


def test_more_under_exception_than_above_the_cap_is_an_error():
    figures = _figures(lines={SW: {"above_cap_workers": D(1), "above_cap_under_exception": D(2)}})
    [finding] = [f for f in run_checks(figures) if f.severity is Severity.ERROR]
    assert finding.code == "DR008"
    assert "is more than the 1 paid above the cap" in finding.message


def test_a_change_of_more_than_25_percent_and_at_least_2_is_queried():
    previous = {SW: dict(GOOD_LINE, agency_headcount=D(7))}  # 7 → 10: +43%, +3
    [finding] = run_checks(_figures(previous=previous))
    assert (finding.code, finding.severity, finding.job_type) == ("DR101", Severity.QUERY, SW)
    assert "changed from 7 to 10" in finding.message


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (D(9), D(10)),  # +1, 11%
        (D(1), D(2)),  # +100%, but one person
        (D(8), D(10)),  # +2, exactly 25%: not more than
    ],
)
def test_small_or_modest_changes_are_not_queried(before, after):
    previous = {SW: dict(GOOD_LINE, agency_headcount=before)}
    assert "DR101" not in _codes(
        _figures(lines={SW: {"agency_headcount": after}}, previous=previous)
    )


def test_no_previous_quarter_no_change_query():
    assert "DR101" not in _codes(_figures(previous={}))


def test_a_rate_above_the_cap_in_force_on_the_quarters_last_day_is_queried():
    [finding] = run_checks(_figures(rates={"rate_max": D("45.01")}))
    assert (finding.code, finding.fields) == ("DR102", ("rate_max",))
    assert "£45.01, is above the cap of £45.00" in finding.message


def test_an_agency_rate_above_half_is_queried():
    figures = _figures(
        lines={SW: {"agency_fte": D(9), "inpost_fte": D(8), "inpost_headcount": D(8)}}
    )
    assert "DR103" in _codes(figures)
    assert "DR103" not in _codes(_figures())


def test_more_under_exception_than_approved_exceptions_is_queried():
    figures = _figures(exceptions={SW: 0})
    findings = [f for f in run_checks(figures) if f.code == "DR104"]
    assert [f.job_type for f in findings] == list(JobType.values)
    assert "the portal holds 0 approved" in findings[0].message


def test_errors_come_first():
    figures = _figures(lines={SW: {"vacancy_fte": D(-1)}}, rates={"rate_max": D(50)})
    assert [f.severity for f in run_checks(figures)] == [Severity.ERROR, Severity.QUERY]


def test_a_findings_key_names_the_check_and_where():
    [finding] = run_checks(_figures(rates={"rate_max": D(50)}))
    assert finding.key == f"DR102:{SW}:{LTD}"
    assert finding.where == "Social worker, Limited company or umbrella"


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("", None),
        ("  ", None),
        (None, None),
        ("12", D(12)),
        (" 4.50 ", D("4.50")),
        ("1,234", D(1234)),
        (7, D(7)),
        (2.5, D("2.5")),
        ("NaN", Invalid("NaN")),
        ("Infinity", Invalid("Infinity")),
        ("=1+1", Invalid("=1+1")),
        (True, Invalid("True")),
    ],
)
def test_values_are_parsed_as_given(raw, value):
    assert parse_value(raw) == value


@given(st.one_of(st.text(), st.integers(), st.floats(), st.none(), st.booleans()))
def test_any_value_parses_to_a_number_nothing_or_invalid_and_checks_never_fail(raw):
    value = parse_value(raw)
    assert value is None or isinstance(value, Decimal | Invalid)
    if isinstance(value, Decimal):
        assert value.is_finite()
    line = dict(GOOD_LINE) | dict.fromkeys(LINE_FIELDS, value)
    run_checks(_figures(lines={SW: line}, previous={SW: GOOD_LINE}))
