"""Calendar quarters, the unit of every dashboard period (Europe/London dates)."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from functools import cached_property

from django.utils import timezone

DEFAULT_QUARTERS = 8  # the period a dashboard opens with: the last 8 quarters
QUARTERS_OFFERED = 40  # how far back a person may choose: 10 years
_KEY = re.compile(r"^(\d{4})-Q([1-4])$")


def quarter_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def previous_quarter(start: datetime.date) -> datetime.date:
    return quarter_start(start - datetime.timedelta(days=1))


def next_quarter(start: datetime.date) -> datetime.date:
    month = start.month + 3
    return datetime.date(start.year + (month > 12), (month - 1) % 12 + 1, 1)


def quarter_label(start: datetime.date) -> str:
    return f"{start.year} Q{(start.month - 1) // 3 + 1}"


def quarter_key(start: datetime.date) -> str:
    """How a quarter is written in a URL: 2026-Q4."""
    return f"{start.year}-Q{(start.month - 1) // 3 + 1}"


def parse_quarter(key: str) -> datetime.date | None:
    match = _KEY.match(key or "")
    if not match:
        return None
    return datetime.date(int(match[1]), 3 * (int(match[2]) - 1) + 1, 1)


def offered_quarters(today: datetime.date) -> list[datetime.date]:
    """The quarters a person may choose, newest first."""
    quarters = [quarter_start(today)]
    while len(quarters) < QUARTERS_OFFERED:
        quarters.append(previous_quarter(quarters[-1]))
    return quarters


def local_midnight(day: datetime.date) -> datetime.datetime:
    """The start of `day` in the portal's time zone, for index-friendly range filters."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@dataclass(frozen=True)
class Period:
    """Whole quarters from `first` to `last` (each the first day of its quarter)."""

    first: datetime.date
    last: datetime.date

    @classmethod
    def default(cls, today: datetime.date) -> Period:
        last = quarter_start(today)
        first = last
        for _ in range(DEFAULT_QUARTERS - 1):
            first = previous_quarter(first)
        return cls(first, last)

    @cached_property
    def quarters(self) -> list[datetime.date]:
        quarters = [self.first]
        while quarters[-1] < self.last:
            quarters.append(next_quarter(quarters[-1]))
        return quarters

    @cached_property
    def previous(self) -> Period:
        """As many quarters just before this period: what headline figures are compared with."""
        last = previous_quarter(self.first)
        first = last
        for _ in range(len(self.quarters) - 1):
            first = previous_quarter(first)
        return Period(first, last)

    @property
    def length(self) -> str:
        """How long the period is, in words: "quarter" or "8 quarters"."""
        count = len(self.quarters)
        return "quarter" if count == 1 else f"{count} quarters"

    @property
    def end(self) -> datetime.date:
        """The first day after the period."""
        return next_quarter(self.last)

    @property
    def label(self) -> str:
        if self.first == self.last:
            return quarter_label(self.first)
        return f"{quarter_label(self.first)} to {quarter_label(self.last)}"

    def query(self) -> dict[str, str]:
        return {"start": quarter_key(self.first), "end": quarter_key(self.last)}
