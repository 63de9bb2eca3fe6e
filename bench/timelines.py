"""The breaches half of the benchmark's data set: breaches logged over ten years, each replayed
through the workflow's rules (breaches/transitions.py, the functions breaches/workflow.py
calls, so a rule changed there changes the data set too) up to the moment of seeding: triage,
acceptance, requests to reply that stop the clock, escalation by hand or by the scheduled run,
reminders, resolution and closing. State, level, deadlines, paused days, working days taken and
the timeline all come out of the replay, so the pages show figures the portal could have made.
Comments then bring the events to the promised number.
"""

from __future__ import annotations

import contextlib
import datetime
import math
from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TypeVar

from django.utils import timezone

from bench.registry import Registry, VersionFacts
from bench.rows import cumulative, next_id, rows_write, weighted
from bench.shape import (
    LONDON,
    ONE_DAY,
    RICH_EVENTS,
    breach_count,
    event_count,
    rich_breach_count,
)
from bench.words import (
    COMMENTS,
    DESCRIPTIONS,
    RESOLUTION_NOTES,
    TYPE_WEIGHTS,
)
from breaches import transitions
from breaches.models import (
    Breach,
    BreachEvent,
    BreachParty,
    BreachState,
    BreachType,
    EventKind,
    Outcome,
    OutcomeAction,
    ReferenceCounter,
    rule_kind_for,
)
from breaches.services import TRIAGE_WORKING_DAYS
from breaches.transitions import Clock
from kernel.working_days import is_working_day
from mou.models import EngagementType, JobType, LocalAuthority, Responsible, RuleKind


class WorkingDays:
    """Working-day arithmetic by table lookup over a fixed range of dates: the answers of
    kernel.working_days (same bank holidays), fast enough for a million events."""

    def __init__(self, first: datetime.date, last: datetime.date) -> None:
        self.first = first
        self.days: list[datetime.date] = []
        self.upto: list[int] = []  # per day from `first`: working days up to it, inclusive
        day = first
        while day <= last:
            if is_working_day(day):
                self.days.append(day)
            self.upto.append(len(self.days))
            day += ONE_DAY

    def between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after `start` up to and including `end` (0 when end <= start)."""
        if end <= start:
            return 0
        return self.upto[(end - self.first).days] - self.upto[(start - self.first).days]

    def add(self, start: datetime.date, days: int) -> datetime.date:
        """The date `days` working days after `start`."""
        if days <= 0:
            return start
        return self.days[self.upto[(start - self.first).days] + days - 1]


@dataclass
class _Party:
    pk: int
    label: str
    local_authority_id: int | None = None
    agency_id: int | None = None
    msp_id: int | None = None


_T = TypeVar("_T")


def _known(value: _T | None) -> _T:
    """A clock date or time the replay has set by this point (under review, all are set)."""
    if value is None:
        raise RuntimeError("The bench replay reached a step before its clock was set")
    return value


class _Cut(Exception):
    """The next event would be after now: the breach's story stops here."""


def breaches_build(registry: Registry, *, scale: float) -> None:
    """Breaches logged over ten years (more in recent years), in regions in proportion to their
    LAs, each replayed through the workflow up to now; then comments bring the events to the
    promised number, and at least RICH_MINIMUM breaches get 20 to 50 events."""
    rng = registry.rng
    wd = WorkingDays(
        registry.first_day - datetime.timedelta(days=400),
        registry.today + datetime.timedelta(days=800),
    )
    total = breach_count(scale)
    span = (registry.today - registry.first_day).days
    times = []
    for _ in range(total):
        # A steady base plus growth: the last year sees about four times the first year.
        share = rng.random() if rng.random() < 0.3 else math.sqrt(rng.random())
        day = registry.first_day + datetime.timedelta(days=int(span * share))
        when = registry.at(day, rng.randint(8, 17), rng.randint(0, 59))
        if when > registry.now:
            when = registry.now - datetime.timedelta(minutes=rng.randint(1, 600))
        times.append(when)
    times.sort()

    breach_id, party_id = next_id(Breach), next_id(BreachParty)
    type_values = list(TYPE_WEIGHTS)
    type_cumulative = list(cumulative(TYPE_WEIGHTS.values()))
    numbers: dict[tuple[int, int], int] = defaultdict(int)
    codes = {region.pk: region.code for region in registry.regions}
    breaches: list[list] = []
    parties: list[tuple] = []
    stories: list[_Replay] = []
    for reported_at in times:
        la = rng.choice(registry.las)
        region_id = la.region_id
        reported_on = timezone.localtime(reported_at, LONDON).date()
        occurred = max(
            reported_on - datetime.timedelta(days=rng.randint(0, 40)),
            registry.versions[region_id][0].start,
        )
        version = registry.version_on(region_id, occurred)
        breach_type = type_values[weighted(rng, type_cumulative)]

        party_list: list[_Party] = []
        roll = rng.random()
        msp = registry.msp_of_la[la.pk]
        if roll < 0.75:
            party_list.append(_Party(party_id, la.name, local_authority_id=la.pk))
            party_id += 1
            if breach_type == BreachType.HEADHUNTING and rng.random() < 0.3:
                other = rng.choice(registry.las_by_region[region_id])
                if other.pk != la.pk:
                    party_list.append(_Party(party_id, other.name, local_authority_id=other.pk))
                    party_id += 1
        if roll > 0.35 or not party_list:
            agency = registry.agencies[weighted(rng, registry.agency_weights)]
            party_list.append(_Party(party_id, agency.name, agency_id=agency.pk))
            party_id += 1
        if rng.random() < 0.12:
            party_list.append(_Party(party_id, msp.name, msp_id=msp.pk))
            party_id += 1
        for party in party_list:
            parties.append(
                (party.pk, breach_id, party.local_authority_id, party.agency_id, party.msp_id)
            )

        reporter = rng.choice(registry.people.leads[region_id])
        if party_list[0].local_authority_id and rng.random() < 0.25:
            reporter = rng.choice(registry.people.workforce[la.pk])
        rate_paid = cap_rate = cap_id = None
        job_type = engagement = ""
        if breach_type == BreachType.RATE_ABOVE_CAP:
            job_type = rng.choice(JobType.values)
            engagement = rng.choice(EngagementType.values)
            cap_rate = version.caps[(job_type, engagement)]
            cap_id = version.cap_ids[(job_type, engagement)]
            rate_paid = cap_rate + Decimal(rng.randint(50, 1500)) / 100

        key = (region_id, reported_on.year)
        numbers[key] += 1
        story = _Replay(
            registry,
            wd,
            version=version,
            region_id=region_id,
            la=la,
            parties=party_list,
            reporter=reporter,
            reported_at=reported_at,
        )
        story.run()
        stories.append(story)
        breaches.append(
            [
                breach_id,
                f"{codes[region_id]}-{reported_on.year}-{numbers[key]:04d}",
                region_id,
                version.pk,
                version.rules[
                    # "other": the bench's people choose the no-headhunting rule
                    rule_kind_for(breach_type, rate_given=rate_paid is not None)
                    or RuleKind.NO_HEADHUNTING
                ],
                breach_type,
                occurred,
                DESCRIPTIONS[breach_type],
                f"ASG-{rng.randint(10000, 99999)}" if rng.random() < 0.6 else "",
                rate_paid,
                job_type,
                engagement,
                cap_rate,
                cap_id,
                None,  # overridden_exception_id: the bench's people log no covered breach
                *story.fields(),
                reporter,
                reported_at,
            ]
        )
        breach_id += 1

    _comments(registry, stories, scale=scale)
    events: list[tuple] = []
    event_id = next_id(BreachEvent)
    for row, story in zip(breaches, stories, strict=True):
        story.events.sort(key=lambda event: event[0])
        for created_at, kind, from_state, to_state, to_level, actor, note in story.events:
            events.append(
                (
                    event_id,
                    row[0],
                    kind,
                    from_state,
                    to_state,
                    to_level,
                    actor,
                    note,
                    created_at,
                )
            )
            event_id += 1

    rows_write(Breach, BREACH_COLUMNS, [tuple(row) for row in breaches])
    rows_write(
        BreachParty, ["id", "breach_id", "local_authority_id", "agency_id", "msp_id"], parties
    )
    rows_write(BreachEvent, EVENT_COLUMNS, events)
    ReferenceCounter.objects.bulk_create(
        ReferenceCounter(region_id=region_id, year=year, last=last)
        for (region_id, year), last in sorted(numbers.items())
    )
    registry.count("breaches", len(breaches))
    registry.count("breach parties", len(parties))
    registry.count("breach events", len(events))


def _comments(registry: Registry, stories: list[_Replay], *, scale: float) -> None:
    """Comments bring the timeline to EVENTS_PER_SCALE x scale events: first the rich breaches
    to 20 to 50 events each, then the rest spread at random."""
    rng = registry.rng
    target = event_count(scale)
    candidates = [n for n, story in enumerate(stories) if len(story.events) < RICH_EVENTS[0]]
    rich = rng.sample(candidates, min(rich_breach_count(len(stories)), len(candidates)))
    budget = target - sum(len(story.events) for story in stories)
    for n in rich:
        wanted = rng.randint(*RICH_EVENTS) - len(stories[n].events)
        stories[n].comment(wanted)
        budget -= wanted
    if budget > 0:
        chosen = set(rich)
        others = [n for n in range(len(stories)) if n not in chosen]
        for n in rng.choices(others, k=budget):
            stories[n].comment(1)


REPLAY_COLUMNS = [
    "state",
    "level_id",
    "due_on",
    "stage_started_on",
    "awaiting_party_id",
    "reply_due_on",
    "clock_stopped_on",
    "days_left_when_stopped",
    "paused_working_days",
    "reminded_for",
    "overdue_at_top",
    "outcome",
    "outcome_actions",
    "outcome_notes",
    "working_days_taken",
    "resolved_at",
    "version",
]
BREACH_COLUMNS = [
    "id",
    "reference",
    "region_id",
    "mou_version_id",
    "rule_id",
    "breach_type",
    "occurred_on",
    "description",
    "worker_reference",
    "rate_paid",
    "job_type",
    "engagement_type",
    "cap_rate",
    "price_cap_id",
    "overridden_exception_id",
    *REPLAY_COLUMNS,
    "reported_by_id",
    "reported_at",
]
EVENT_COLUMNS = [
    "id",
    "breach_id",
    "kind",
    "from_state",
    "to_state",
    "to_level",
    "actor_id",
    "note",
    "created_at",
]

S = BreachState
# Events written by workflow._save: they carry the states and the level, and bump the version.
SAVED_EVENTS = frozenset(
    {
        EventKind.ACCEPTED,
        EventKind.CLOSED_NOT_BREACH,
        EventKind.WITHDRAWN,
        EventKind.REPLY_REQUESTED,
        EventKind.REPLIED,
        EventKind.ESCALATED,
        EventKind.RESOLVED,
        EventKind.CLOSED,
        EventKind.OVERDUE_AT_TOP,
    }
)


class _Replay:
    """One breach's life through the workflow's rules (breaches/transitions.py), stopped at now.

    Human actions happen in working hours; the scheduled run (escalate_overdue_breaches) acts at
    7am: reminders at 75% of a stage, escalation the day after a deadline, the flag at the top
    level, and the escalation after a missed reply."""

    def __init__(
        self,
        registry: Registry,
        wd: WorkingDays,
        *,
        version: VersionFacts,
        region_id: int,
        la: LocalAuthority,
        parties: list[_Party],
        reporter: int,
        reported_at: datetime.datetime,
    ) -> None:
        self.b = registry
        self.rng = registry.rng
        self.wd = wd
        self.ladder = version.ladder
        self.region_id = region_id
        self.la = la
        self.parties = parties
        self.has_la = any(p.local_authority_id for p in parties)
        self.reporter = reporter
        self.reported_at = reported_at
        self.reported_on = timezone.localtime(reported_at, LONDON).date()
        self.events: list[tuple] = []
        self.last = reported_at
        self.end: datetime.datetime | None = None  # when the story ended (resolved, closed)
        self.state: str = S.REPORTED
        # Level, deadlines and the stopped clock, changed only by breaches.transitions.
        self.clock = Clock(due_on=self.wd.add(self.reported_on, TRIAGE_WORKING_DAYS))
        self.outcome = ""
        self.outcome_actions = ""
        self.outcome_notes = ""
        self.resolved_at: datetime.datetime | None = None
        self.version = 1

    def fields(self) -> list:
        """The breach's stored state, in REPLAY_COLUMNS order."""
        clock = self.clock
        return [
            self.state,
            clock.level.pk if clock.level else None,
            clock.due_on,
            clock.stage_started_on,
            clock.awaiting_party.pk if clock.awaiting_party else None,
            clock.reply_due_on,
            clock.clock_stopped_on,
            clock.days_left_when_stopped,
            clock.paused_working_days,
            clock.reminded_for,
            clock.overdue_at_top,
            self.outcome,
            self.outcome_actions,
            self.outcome_notes,
            clock.working_days_taken,
            self.resolved_at,
            self.version,
        ]

    @property
    def _index(self) -> int:
        """The current level's place in the ladder (-1 before acceptance)."""
        return transitions.level_index(self.clock, self.ladder)

    # Time and events

    def _time(self, day: datetime.date, *, system: bool = False) -> datetime.datetime:
        """A moment on `day` after the previous event; _Cut when it would be after now."""
        if system:
            when = self.b.at(day, 7, self.rng.randint(0, 9))
        else:
            when = self.b.at(day, self.rng.randint(9, 16), self.rng.randint(0, 59))
        if when <= self.last:
            when = self.last + datetime.timedelta(minutes=self.rng.randint(1, 20))
        if when > self.b.now:
            raise _Cut
        self.last = when
        return when

    def _add(
        self,
        when: datetime.datetime,
        kind: str,
        *,
        from_state: str = "",
        actor: int | None = None,
        note: str = "",
        to_level: int | None = None,
    ) -> None:
        to_state = S.REPORTED if kind == EventKind.LOGGED else ""
        if kind in SAVED_EVENTS:
            to_state = self.state
            to_level = self.clock.level.order if self.clock.level else None
        if kind in SAVED_EVENTS or kind == EventKind.REMINDER:
            self.version += 1
        self.events.append((when, kind, from_state, to_state, to_level, actor, note))

    def _lead(self) -> int:
        return self.rng.choice(self.b.people.leads[self.region_id])

    def _stage_key(self) -> str:
        return transitions.stage_key(self.state, self.clock)

    # The story

    def run(self) -> None:
        self._add(self.reported_at, EventKind.LOGGED, actor=self.reporter)
        with contextlib.suppress(_Cut):
            self._life()

    def _life(self) -> None:
        rng, wd = self.rng, self.wd
        triage = rng.choices([1, 2, 3, 4, 5, 7, 9], [20, 30, 20, 12, 8, 6, 4])[0]
        day = wd.add(self.reported_on, triage)
        due = _known(self.clock.due_on)
        if due < day:  # the scheduled run reminds once about an overdue triage
            when = self._time(due + ONE_DAY, system=True)
            self.clock = replace(self.clock, reminded_for=self._stage_key() + ":overdue")
            self._add(when, EventKind.REMINDER, note=f"Due {due:%-d %B %Y} and overdue")
        fate = rng.random()
        if fate < 0.12:
            withdraw = fate < 0.04
            when = self._time(day)
            self.state = S.WITHDRAWN if withdraw else S.CLOSED
            self.clock = transitions.close(self.clock)
            self.end = when
            self._add(
                when,
                EventKind.WITHDRAWN if withdraw else EventKind.CLOSED_NOT_BREACH,
                from_state=S.REPORTED,
                actor=self.reporter if withdraw else self._lead(),
                note="Logged in error." if withdraw else "The engagement was within the MOU.",
            )
            return
        when = self._time(day)
        self.state = S.UNDER_REVIEW
        self._move_to(0, day, when, self._lead())
        self._add(when, EventKind.ACCEPTED, from_state=S.REPORTED, actor=self._lead())

        plan = ["reply"] * rng.choices([0, 1, 2], [78, 19, 3])[0]
        plan += ["escalate"] * rng.choices([0, 1, 2, 3], [82, 12, 4, 2])[0]
        rng.shuffle(plan)
        for step in [*plan, "resolve"]:
            deadline = self.clock.level.deadline_working_days
            roll = rng.random()
            if roll < 0.8:  # most work is done well before the deadline
                delay = rng.randint(1, max(1, deadline * 2 // 3))
            elif roll < 0.94:
                delay = rng.randint(1, deadline)
            else:  # late: the scheduled run gets there first
                delay = deadline + rng.randint(1, 8)
            day = wd.add(
                max(self.last.astimezone(LONDON).date(), _known(self.clock.stage_started_on)), delay
            )
            self._scheduled_until(day)
            if step == "reply":
                self._reply_round(day)
            elif step == "escalate" and self._index + 1 < len(self.ladder):
                when = self._time(day)
                self._move_to(self._index + 1, day, when, self._lead())
                self._add(
                    when,
                    EventKind.ESCALATED,
                    from_state=S.UNDER_REVIEW,
                    actor=self._lead(),
                    note="Not settled at this level.",
                )
            elif step == "resolve":
                self._resolve(day)
        day = wd.add(_known(self.resolved_at).astimezone(LONDON).date(), rng.randint(3, 25))
        if rng.random() < 0.55:  # many resolved breaches are never formally closed
            when = self._time(day)
            self.state = S.CLOSED
            self._add(when, EventKind.CLOSED, from_state=S.RESOLVED, actor=self._lead())

    def _move_to(self, index: int, day: datetime.date, when, actor: int | None) -> None:
        """To the first level from `index` that applies, with an event for each passed over."""
        move = transitions.reach_level(
            self.clock, self.ladder, index, has_la_party=self.has_la, today=day, days=self.wd
        )
        for level in move.skipped:
            self._add(
                when,
                EventKind.LEVEL_SKIPPED,
                actor=actor,
                to_level=level.order,
                note=transitions.skip_note(level),
            )
        if move.clock is not None:
            self.clock = move.clock

    def _scheduled_until(self, day: datetime.date) -> None:
        """What the scheduled run does before a person acts on `day`."""
        while self.state == S.UNDER_REVIEW:
            clock = self.clock
            due_on = _known(clock.due_on)
            key = self._stage_key()
            if clock.reminded_for != key:
                remind_on = transitions.remind_on(
                    _known(clock.stage_started_on), due_on, days=self.wd
                )
                if remind_on is not None and remind_on <= min(day, due_on):
                    when = self._time(remind_on, system=True)
                    self.clock = replace(clock, reminded_for=key)
                    self._add(when, EventKind.REMINDER, note=f"Due {clock.due_on:%-d %B %Y}")
                    continue
            if due_on >= day:
                return
            overdue_on = due_on + ONE_DAY
            if self._index + 1 < len(self.ladder):
                when = self._time(overdue_on, system=True)
                self._move_to(self._index + 1, overdue_on, when, None)
                self._add(
                    when,
                    EventKind.ESCALATED,
                    from_state=S.UNDER_REVIEW,
                    note="Escalated automatically: the deadline passed",
                )
                continue
            if not clock.overdue_at_top:
                when = self._time(overdue_on, system=True)
                self.clock = replace(clock, overdue_at_top=True)
                self._add(
                    when,
                    EventKind.OVERDUE_AT_TOP,
                    from_state=S.UNDER_REVIEW,
                    note=f"Overdue since {clock.due_on:%-d %B %Y}",
                )
            return

    def _reply_round(self, day: datetime.date) -> None:
        rng, wd = self.rng, self.wd
        party = rng.choice(self.parties)
        when = self._time(day)
        self.clock = transitions.stop_clock(self.clock, party=party, today=day, days=wd)
        self.state = S.AWAITING_RESPONSE
        reply_due = _known(self.clock.reply_due_on)
        self._add(
            when,
            EventKind.REPLY_REQUESTED,
            from_state=S.UNDER_REVIEW,
            actor=self._lead(),
            note=f"From {party.label}, by {reply_due:%-d %B %Y}.",
        )
        if rng.random() < 0.1:  # missed: the scheduled run resumes the clock and escalates
            missed_on = reply_due + ONE_DAY
            when = self._time(missed_on, system=True)
            note = f"No reply from {party.label} by {reply_due:%-d %B %Y}"
            self._resume(missed_on)
            self._add(when, EventKind.REPLY_MISSED, note=note)
            if self._index + 1 < len(self.ladder):
                when = self._time(missed_on, system=True)
                self._move_to(self._index + 1, missed_on, when, None)
                self._add(
                    when,
                    EventKind.ESCALATED,
                    from_state=S.UNDER_REVIEW,
                    note="Escalated automatically: the deadline passed",
                )
            else:
                self.version += 1
            return
        replied_on = wd.add(day, rng.randint(2, 9))
        when = self._time(replied_on)
        actor, prefix = self._party_person(party)
        self._resume(replied_on)
        self._add(
            when,
            EventKind.REPLIED,
            from_state=S.AWAITING_RESPONSE,
            actor=actor,
            note=prefix + "Our account of the engagement is attached.",
        )

    def _party_person(self, party: _Party) -> tuple[int, str]:
        people = self.b.people
        if party.local_authority_id:
            return people.dcs[party.local_authority_id], ""
        if party.msp_id and people.msp_contacts[party.msp_id]:
            return self.rng.choice(people.msp_contacts[party.msp_id]), ""
        return self._lead(), f"Recorded for {party.label} by the regional lead. "

    def _resume(self, day: datetime.date) -> None:
        self.clock = transitions.resume(self.clock, today=day, days=self.wd)
        self.state = S.UNDER_REVIEW

    def _resolve(self, day: datetime.date) -> None:
        rng = self.rng
        when = self._time(day)
        outcome = rng.choices(Outcome.values, [55, 30, 15])[0]
        actions = []
        if outcome == Outcome.UPHELD:
            actions = rng.sample(OutcomeAction.values[:5], rng.choice([1, 1, 2]))
        self.state, self.outcome = S.RESOLVED, outcome
        self.outcome_actions = ",".join(actions)
        self.outcome_notes = RESOLUTION_NOTES[Outcome(outcome)]
        self.resolved_at = self.end = when
        self.clock = transitions.resolve(
            self.clock, reported_on=self.reported_on, today=day, days=self.wd
        )
        self._add(
            when,
            EventKind.RESOLVED,
            from_state=S.UNDER_REVIEW,
            actor=self._resolver(),
            note=f"{Outcome(outcome).label}. {self.outcome_notes}",
        )

    def _resolver(self) -> int:
        responsible = self.clock.level.responsible
        people = self.b.people
        if responsible == Responsible.LA_DCS:
            la_ids = [p.local_authority_id for p in self.parties if p.local_authority_id]
            return people.dcs[self.rng.choice(la_ids)]
        if responsible == Responsible.REGION_DCS_BOARD:
            return people.dcs[self.rng.choice(self.b.las_by_region[self.region_id]).pk]
        if responsible == Responsible.NATIONAL_TEAM:
            return self.rng.choice(people.national_admins)
        return self._lead()

    def comment(self, n: int) -> None:
        """`n` comments at random moments before the story ended (or now, for an open breach)."""
        start = self.reported_at.timestamp() + 1
        end = max((self.end or self.b.now).timestamp() - 1, start)
        people = self.b.people
        for _ in range(n):
            when = datetime.datetime.fromtimestamp(self.rng.uniform(start, end), tz=LONDON)
            if self.la.pk in people.dcs and self.rng.random() < 0.3:
                actor = people.dcs[self.la.pk]
            else:
                actor = self._lead()
            self.events.append(
                (when, EventKind.COMMENT, "", "", None, actor, self.rng.choice(COMMENTS))
            )
