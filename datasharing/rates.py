"""Rates derived from a return's figures with DfE's formulas (children's social work workforce
methodology; DOMAIN.md section 4.1). None where the denominator is zero or a figure is missing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

Figures = Mapping[str, Decimal | int | None]


def _ratio(top: Decimal | int | None, bottom: Decimal | int | None) -> Decimal | None:
    if top is None or bottom is None or Decimal(bottom) == 0:
        return None
    return Decimal(top) / Decimal(bottom)


def _sum(*values: Decimal | int | None) -> Decimal | None:
    if any(v is None for v in values):
        return None
    return sum((Decimal(v) for v in values if v is not None), Decimal(0))


@dataclass(frozen=True)
class Rate:
    slug: str
    label: str
    formula: str  # in words, for the data dictionary and the page's notes

    def of(self, figures: Figures) -> Decimal | None:
        return RATE_FUNCTIONS[self.slug](figures)


RATES = (
    Rate("agency_rate_fte", "Agency rate", "agency FTE ÷ (agency FTE + in-post FTE)"),
    Rate("vacancy_rate_fte", "Vacancy rate", "vacancy FTE ÷ (vacancy FTE + in-post FTE)"),
    Rate("turnover_rate_fte", "Turnover rate", "leavers FTE ÷ in-post FTE"),
    Rate(
        "vacancy_agency_cover_rate_fte",
        "Vacancies covered by agency workers",
        "agency cover FTE ÷ vacancy FTE",
    ),
    Rate(
        "agency_cover_rate_fte",
        "Agency workers covering vacancies",
        "agency cover FTE ÷ agency FTE",
    ),
)

RATE_FUNCTIONS = {
    "agency_rate_fte": lambda f: _ratio(
        f.get("agency_fte"), _sum(f.get("agency_fte"), f.get("inpost_fte"))
    ),
    "vacancy_rate_fte": lambda f: _ratio(
        f.get("vacancy_fte"), _sum(f.get("vacancy_fte"), f.get("inpost_fte"))
    ),
    "turnover_rate_fte": lambda f: _ratio(f.get("leavers_fte"), f.get("inpost_fte")),
    "vacancy_agency_cover_rate_fte": lambda f: _ratio(
        f.get("agency_cover_fte"), f.get("vacancy_fte")
    ),
    "agency_cover_rate_fte": lambda f: _ratio(f.get("agency_cover_fte"), f.get("agency_fte")),
}


def as_percentage(rate: Decimal | None) -> Decimal | None:
    """A rate as a percentage to one decimal place, as DfE publishes rates."""
    if rate is None:
        return None
    return (rate * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def rates_of(figures: Figures) -> dict[str, Decimal | None]:
    return {rate.slug: rate.of(figures) for rate in RATES}
