"""Derived rates with DfE's formulas give DfE's published England figures for September 2023
(DOMAIN.md section 4.1: in post 33,119.1 FTE; agency 7,173.5; vacancies 7,722.7; leavers
5,254.6; agency cover 5,744.2)."""

from decimal import Decimal

import pytest

from datasharing.rates import RATES, as_percentage, rates_of

ENGLAND_2023 = {
    "inpost_fte": Decimal("33119.1"),
    "agency_fte": Decimal("7173.5"),
    "vacancy_fte": Decimal("7722.7"),
    "leavers_fte": Decimal("5254.6"),
    "agency_cover_fte": Decimal("5744.2"),
}


@pytest.mark.parametrize(
    ("slug", "published"),
    [
        ("agency_rate_fte", "17.8"),
        ("vacancy_rate_fte", "18.9"),
        ("turnover_rate_fte", "15.9"),
        ("vacancy_agency_cover_rate_fte", "74.4"),
        ("agency_cover_rate_fte", "80.1"),
    ],
)
def test_each_rate_gives_dfes_published_england_figure(slug, published):
    assert as_percentage(rates_of(ENGLAND_2023)[slug]) == Decimal(published)


def test_a_missing_figure_or_a_zero_denominator_gives_no_rate():
    assert rates_of({"agency_fte": Decimal("2")})["agency_rate_fte"] is None
    assert rates_of({"agency_fte": 0, "inpost_fte": 0})["agency_rate_fte"] is None
    assert (
        rates_of({"agency_cover_fte": Decimal("1"), "vacancy_fte": 0})[
            "vacancy_agency_cover_rate_fte"
        ]
        is None
    )


def test_every_rate_says_its_formula():
    assert all(rate.formula and rate.label for rate in RATES)
