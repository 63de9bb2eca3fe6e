"""Statistical disclosure control for figures from data returns, DfE's conventions
(DOMAIN.md §5): a headcount of 1 to 5 is shown as `c`, and so is any FTE, rate or pay figure
computed from one (primary suppression); within a table and against its totals, more cells are
suppressed until none of the hidden ones can be worked out from the rest (secondary
suppression); FTEs and rates to one decimal place, headcounts whole; true zeros as 0.

A table is given as cells, each with the headcount it rests on (`basis`), and the sums that
hold in it (`Sum`: these cells add up to that one). Only counts of workers and what is computed
from them are suppressed: a cell without a basis (breach, cap exception and signatory counts)
never is. `suppress` is pure: the dashboards' `present()` calls it for every table, chart and
export, so there is one step and it is tested against hand-worked tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

SUPPRESSED = "c"
# DfE's children in need release suppresses 1 to 5 inclusive; the workforce release's own
# threshold is not published (DOMAIN.md 5a.9), so the same is used.
LOWEST_SHOWN = 6


class Kind(StrEnum):
    COUNT = "count"  # a headcount: whole
    FTE = "fte"  # one decimal place
    RATE = "rate"  # a percentage or an hourly rate: one decimal place
    MONEY = "money"  # pounds: two decimal places


@dataclass(frozen=True)
class Cell:
    value: Decimal | int | None  # None: not given (shown as it is)
    basis: int | None = None  # the headcount it rests on; None: not about workers
    kind: Kind = Kind.COUNT

    @property
    def primary(self) -> bool:
        return self.basis is not None and 0 < self.basis < LOWEST_SHOWN


Position = tuple[int, int]


@dataclass(frozen=True)
class Sum:
    """`members` add up to `total` (a total row or column shown in the table). With every cell
    but one of a sum known, that one can be worked out: so no sum is left with exactly one
    hidden."""

    members: tuple[Position, ...]
    total: Position | None = None  # None: the sum is published elsewhere (a national total)

    @property
    def positions(self) -> tuple[Position, ...]:
        return self.members + ((self.total,) if self.total is not None else ())


def suppress(cells: Sequence[Sequence[object]], sums: Sequence[Sum] = ()) -> list[list[object]]:
    """The table as shown: `c` where a value could disclose a small number of workers, the
    rest rounded for their kind. Entries that are not `Cell`s (labels, "not shared") are shown
    as they are and never hidden."""
    hidden = {
        (r, c)
        for r, row in enumerate(cells)
        for c, cell in enumerate(row)
        if isinstance(cell, Cell) and cell.primary
    }
    changed = True
    while changed:
        changed = False
        for each in sums:
            inside = [p for p in each.positions if p in hidden]
            if len(inside) != 1:
                continue
            choice = _complement(cells, each, hidden)
            if choice is not None:
                hidden.add(choice)
                changed = True
    return [
        [SUPPRESSED if (r, c) in hidden else shown(cell) for c, cell in enumerate(row)]
        for r, row in enumerate(cells)
    ]


def _complement(cells, each: Sum, hidden: set[Position]) -> Position | None:
    """The cell to hide with the one hidden in a sum: the smallest member that is not a true
    zero (hiding a zero protects nothing: it is known to be at least 0 and the rest add up),
    then the total, then a zero; cells about no workers are never hidden."""

    def value(p: Position) -> Decimal:
        v = cells[p[0]][p[1]].value
        return Decimal(v) if v is not None else Decimal(0)

    def about_workers(p: Position) -> bool:
        cell = cells[p[0]][p[1]]
        return isinstance(cell, Cell) and cell.basis is not None

    open_members = [p for p in each.members if p not in hidden and about_workers(p)]
    non_zero = sorted((p for p in open_members if value(p) != 0), key=lambda p: (value(p), p))
    if non_zero:
        return non_zero[0]
    if each.total is not None and each.total not in hidden and about_workers(each.total):
        return each.total
    return open_members[0] if open_members else None


PLACES = {
    Kind.COUNT: Decimal("1"),
    Kind.FTE: Decimal("0.1"),
    Kind.RATE: Decimal("0.1"),
    Kind.MONEY: Decimal("0.01"),
}


def shown(cell: object) -> object:
    """A value rounded for its kind (half up, as DfE rounds); a true zero is 0. What is not a
    `Cell` is shown as it is."""
    if not isinstance(cell, Cell):
        return cell
    if cell.value is None:
        return None
    value = Decimal(cell.value)
    if value == 0:
        return 0
    rounded = value.quantize(PLACES[cell.kind], rounding=ROUND_HALF_UP)
    return int(rounded) if cell.kind is Kind.COUNT else rounded


def in_full(cells: Sequence[Sequence[object]]) -> list[list[object]]:
    """The table unsuppressed (for those who run the collection), rounded as it would be."""
    return [[shown(cell) for cell in row] for row in cells]


def row_and_column_sums(
    rows: int, columns: int, *, total_row: bool, total_column: bool, first_column: int = 0
) -> list[Sum]:
    """The sums of a table whose last row and/or last column are totals of the others;
    `first_column`: where the figures start (after a label column)."""
    body_rows = rows - 1 if total_row else rows
    body_columns = range(first_column, columns - 1 if total_column else columns)
    sums = []
    for r in range(rows):
        sums.append(
            Sum(
                tuple((r, c) for c in body_columns),
                (r, columns - 1) if total_column else None,
            )
        )
    for c in range(first_column, columns):
        sums.append(
            Sum(tuple((r, c) for r in range(body_rows)), (rows - 1, c) if total_row else None)
        )
    return [s for s in sums if s.total is not None]
