"""Shared pieces for the portal's tables.

Most lists use django-tables2 (its template is components/table.html). The longest, busiest lists
(breaches, agencies) render their rows with their own template over a `SortedPage`: the same query
parameters (`sort`, `page`), headers and pagination, without django-tables2's per-cell work
(docs/benchmark.md, docs/adr/0015-plain-list-tables.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import django_tables2 as tables
from django.core.paginator import Page, Paginator
from django.db.models import F, Model, QuerySet
from django.http import QueryDict
from django.utils import dateformat

# Links in table cells look like every other GOV.UK link.
LINK_ATTRS = {"a": {"class": "govuk-link"}}

M = TypeVar("M", bound=Model)


class DateColumn(tables.Column):
    """A date as "5 Mar 2026". django-tables2's DateColumn compiles a template for every cell;
    formatting in Python is the same text at a fraction of the cost on long lists."""

    def __init__(self, *args, date_format: str = "j M Y", **kwargs) -> None:
        self.date_format = date_format
        super().__init__(*args, **kwargs)

    def render(self, value) -> str:
        return dateformat.format(value, self.date_format)


@dataclass(frozen=True)
class Column:
    """A column of a `SortedPage`: its header and, when people may sort by it, its name in
    `?sort=` and the field paths (or annotations) it orders by, empty values last; the list's
    own order breaks ties."""

    header: str
    sort: str = ""
    order_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class Header:
    """What the table head shows of a column: the next sort value of its link, and its
    `aria-sort` when the list is sorted by it."""

    text: str
    sort_next: str  # empty: the column is not sortable
    aria_sort: str  # "ascending", "descending" or empty


class SortedPage(Generic[M]):
    """One page of a sortable list, read with two queries (a count and the page).

    `data` is every row the filters keep, in the order asked; `page` the rows shown. A sort name
    that is not a column's is ignored and a page number out of range shows the nearest page, as
    django-tables2 does, so a hand-edited address never fails."""

    sort_field = "sort"
    page_field = "page"

    def __init__(
        self, queryset: QuerySet[M], columns: list[Column], params: QueryDict, *, per_page: int
    ) -> None:
        asked = params.get(self.sort_field, "")
        descending = asked.startswith("-")
        name = asked.removeprefix("-")
        ordered = next((c for c in columns if c.sort and c.sort == name), None)
        if ordered is not None:
            # Empty values last whichever way round (a breach with no deadline is not urgent).
            keys = [
                F(path).desc(nulls_last=True) if descending else F(path).asc(nulls_last=True)
                for path in ordered.order_by
            ]
            ties: Sequence[Any] = queryset.query.order_by or queryset.model._meta.ordering or ()
            queryset = queryset.order_by(*keys, *ties)
        self.data = queryset
        self.headers = [self._header(c, ordered, descending) for c in columns]
        self.paginator = Paginator(queryset, per_page)
        self.page: Page[Any] = self.paginator.get_page(params.get(self.page_field))

    @staticmethod
    def _header(column: Column, ordered: Column | None, descending: bool) -> Header:
        if not column.sort:
            return Header(column.header, "", "")
        if column is ordered:
            return Header(
                column.header,
                column.sort if descending else "-" + column.sort,
                "descending" if descending else "ascending",
            )
        return Header(column.header, column.sort, "")
