"""Writing the synthetic rows fast: COPY on PostgreSQL (a million events in seconds),
bulk_create elsewhere (SQLite in tests), ids chosen by the generator so rows can point at each
other before they are written."""

from __future__ import annotations

import csv
import datetime
import io
import random
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import TYPE_CHECKING, TypeVar

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max
from psycopg2 import sql

from kernel.history import HistoryStamps

if TYPE_CHECKING:
    from accounts.models import User

_Stamped = TypeVar("_Stamped", bound=HistoryStamps)


def _batched(rows: Sequence[tuple], size: int) -> Iterator[list[tuple]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _columns_check(model: type[models.Model], columns: Sequence[str]) -> None:
    """Every column filled, so a new field on the model fails here rather than silently."""
    wanted = {f.attname for f in model._meta.concrete_fields}
    if set(columns) != wanted:
        raise RuntimeError(
            f"{model.__name__}: the bench generator fills {sorted(set(columns))}, the model has "
            f"{sorted(wanted)}. Update bench/."
        )


def rows_write(model: type[models.Model], columns: Sequence[str], rows: Sequence[tuple]) -> None:
    """Insert rows with their ids: COPY on PostgreSQL, bulk_create elsewhere (tests on SQLite)."""
    _columns_check(model, columns)
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(
            (model(**dict(zip(columns, row, strict=True))) for row in rows), batch_size=500
        )
        return
    statement = sql.SQL("COPY {} ({}) FROM STDIN WITH (FORMAT csv, NULL '\\N')").format(
        sql.Identifier(model._meta.db_table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    with connection.cursor() as cursor:
        for chunk in _batched(rows, 100_000):
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\n").writerows(
                [r"\N" if value is None else value for value in row] for row in chunk
            )
            buffer.seek(0)
            cursor.cursor.copy_expert(statement, buffer)
        for statement_sql in connection.ops.sequence_reset_sql(no_style(), [model]):
            cursor.execute(statement_sql)


def next_id(model: type[models.Model]) -> int:
    return (model._default_manager.aggregate(top=Max("pk"))["top"] or 0) + 1


def stamped(objs: list[_Stamped], when: datetime.datetime, user: User | None) -> list[_Stamped]:
    """Field history dated when the record was made, by whom (simple_history's hooks)."""
    for obj in objs:
        obj._history_date = when
        obj._history_user = user
    return objs


# Weighted choices (a few agencies take most placements), shared by registry and timelines.


def cumulative(weights: Iterable[float]) -> Iterator[float]:
    total = 0.0
    for weight in weights:
        total += weight
        yield total


def weighted(rng: random.Random, totals: list[float]) -> int:
    """An index drawn with the weights whose running totals (from `cumulative`) are `totals`."""
    return min(bisect_right(totals, rng.random() * totals[-1]), len(totals) - 1)
