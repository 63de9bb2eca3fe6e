"""The workflow's rules for levels and deadlines, as pure functions: each takes a breach's clock
(the fields the rules change), the ladder and the day, and returns the new clock. Nothing here
reads or writes the database, so the workflow (breaches/workflow.py) and the benchmark's replay
(bench/timelines.py) both call these, and a rule changed here reaches both.

A level is anything with `pk`, `order`, `name`, `responsible` and `deadline_working_days`: an
`EscalationLevel` in the workflow, a `Rung` in the benchmark. Working days come from `days`
(kernel.working_days unless a faster table with the same answers is passed).
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from typing import Any, Protocol

from kernel.working_days import add_working_days, working_days_between
from mou.models import Responsible

REPLY_WORKING_DAYS = 10
REMINDER_SHARE = 0.75


class Days(Protocol):
    def add(self, start: datetime.date, days: int) -> datetime.date: ...
    def between(self, start: datetime.date, end: datetime.date) -> int: ...


class _Calendar:
    """kernel.working_days as a `Days`."""

    @staticmethod
    def add(start: datetime.date, days: int) -> datetime.date:
        return add_working_days(start, days)

    @staticmethod
    def between(start: datetime.date, end: datetime.date) -> int:
        return working_days_between(start, end)


CALENDAR: Days = _Calendar()


@dataclass(frozen=True)
class Rung:
    """One level of a ladder, for callers without `EscalationLevel` rows (the benchmark)."""

    pk: int
    order: int
    name: str
    responsible: str
    deadline_working_days: int


@dataclass(frozen=True)
class Clock:
    """The breach's fields that the level and deadline rules change (names as on `Breach`)."""

    level: Any = None  # the current level, None before acceptance
    due_on: datetime.date | None = None
    stage_started_on: datetime.date | None = None
    reminded_for: str = ""
    overdue_at_top: bool = False
    awaiting_party: Any = None
    reply_due_on: datetime.date | None = None
    clock_stopped_on: datetime.date | None = None
    days_left_when_stopped: int | None = None
    paused_working_days: int = 0
    working_days_taken: int | None = None


CLOCK_FIELDS = tuple(f.name for f in fields(Clock))


@dataclass(frozen=True)
class Move:
    """Where a move up the ladder ended: the new clock (None when no level applies) and the
    levels passed over on the way, each needing a timeline event (`skip_note`)."""

    clock: Clock | None
    skipped: tuple[Any, ...]


def level_index(clock: Clock, ladder: Sequence[Any]) -> int:
    """The current level's place in the ladder; -1 before acceptance."""
    for i, level in enumerate(ladder):
        if clock.level is not None and level.pk == clock.level.pk:
            return i
    return -1


def at_top(clock: Clock, ladder: Sequence[Any]) -> bool:
    return bool(ladder) and clock.level is not None and ladder[-1].pk == clock.level.pk


def level_applies(level: Any, *, has_la_party: bool) -> bool:
    """A DCS level needs an LA among the parties; otherwise it passes to the next level."""
    return level.responsible != Responsible.LA_DCS or has_la_party


def skip_note(level: Any) -> str:
    return (
        f"Level {level.order} ({level.name}) passed over: no local authority is a party, "
        "so there is no DCS to take it"
    )


def reach_level(
    clock: Clock,
    ladder: Sequence[Any],
    start: int,
    *,
    has_la_party: bool,
    today: datetime.date,
    days: Days = CALENDAR,
) -> Move:
    """The first level from `start` that applies: its deadline runs from today."""
    skipped: list[Any] = []
    for level in ladder[start:]:
        if level_applies(level, has_la_party=has_la_party):
            moved = replace(
                clock,
                level=level,
                stage_started_on=today,
                due_on=days.add(today, level.deadline_working_days),
                reminded_for="",
                overdue_at_top=False,
            )
            return Move(moved, tuple(skipped))
        skipped.append(level)
    return Move(None, tuple(skipped))


def stop_clock(
    clock: Clock,
    *,
    party: Any,
    today: datetime.date,
    reply_due_on: datetime.date | None = None,
    days: Days = CALENDAR,
) -> Clock:
    """Asking a party to reply stops the level's clock and keeps the working days it had left.
    The reply is due in REPLY_WORKING_DAYS unless a date is given."""
    return replace(
        clock,
        days_left_when_stopped=(max(days.between(today, clock.due_on), 0) if clock.due_on else 0),
        clock_stopped_on=today,
        awaiting_party=party,
        reply_due_on=reply_due_on or days.add(today, REPLY_WORKING_DAYS),
        reminded_for="",
    )


def resume(clock: Clock, *, today: datetime.date, days: Days = CALENDAR) -> Clock:
    """The reply (or its deadline passing) restarts the clock with the working days it had left;
    the stopped days are added to the paused total."""
    paused = clock.paused_working_days
    if clock.clock_stopped_on:
        paused += days.between(clock.clock_stopped_on, today)
    return replace(
        clock,
        paused_working_days=paused,
        due_on=days.add(today, clock.days_left_when_stopped or 0),
        awaiting_party=None,
        reply_due_on=None,
        clock_stopped_on=None,
        days_left_when_stopped=None,
        stage_started_on=today,
        reminded_for="",
    )


def resolve(
    clock: Clock, *, reported_on: datetime.date, today: datetime.date, days: Days = CALENDAR
) -> Clock:
    """Resolution stops the deadline; the time taken is net of the days spent waiting."""
    taken = max(days.between(reported_on, today) - clock.paused_working_days, 0)
    return replace(clock, working_days_taken=taken, due_on=None)


def reopen(clock: Clock, *, today: datetime.date, days: Days = CALENDAR) -> Clock:
    """Back under review at the same level, with that level's full deadline from today."""
    level = clock.level
    return replace(
        clock,
        working_days_taken=None,
        stage_started_on=today,
        due_on=days.add(today, level.deadline_working_days) if level else None,
        reminded_for="",
    )


def close(clock: Clock) -> Clock:
    """Closed, withdrawn or not a breach: no deadline any more."""
    return replace(clock, due_on=None)


def stage_key(state: str, clock: Clock) -> str:
    """What a reminder is for: one reminder per state, level and start of the stage."""
    level_pk = clock.level.pk if clock.level is not None else 0
    return f"{state}:{level_pk}:{clock.stage_started_on or ''}"


def remind_on(
    start: datetime.date, due_on: datetime.date, *, days: Days = CALENDAR
) -> datetime.date | None:
    """The day the reminder is due: REMINDER_SHARE of the stage's working days after its start
    (None for a stage with no working days)."""
    total = days.between(start, due_on)
    if not total:
        return None
    return days.add(start, math.ceil(REMINDER_SHARE * total))
