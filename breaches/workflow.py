"""The breach workflow: one table of actions (ACTIONS, at the end of the actions) whose rows name
the states an action starts from, the state it leads to, who may take it, its handler, whether it
needs a note and the form fields it takes; `breach_act` takes any of them the same way. Changing
this table needs an ADR (docs/adr/0009).

The rules for levels and deadlines are pure functions in breaches/transitions.py, shared with the
benchmark's replay. Working days skip weekends and England and Wales bank holidays
(kernel.working_days).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.roles import Capability
from accounts.scope import access_for
from breaches import transitions
from breaches.models import (
    Breach,
    BreachEvent,
    BreachParty,
    BreachState,
    EventKind,
    Outcome,
    OutcomeAction,
    party_reached_by_msp,
)
from breaches.notifications import notify
from breaches.permissions import RESPONSIBLE_CAPABILITY
from breaches.transitions import Clock
from mou.models import EscalationLevel, Responsible


class Who:
    LEADS = "leads"  # the region's regional leads and admins (national admins too)
    REPORTER = "reporter"
    PARTY = "party"  # the LA, MSP or agency asked to reply (the leads may record it for them)
    RESPONSIBLE = "responsible"  # the people responsible at the current level


@dataclass(frozen=True)
class Act:
    """What a handler is given besides the locked breach."""

    actor: User | None  # None: the system
    note: str
    today: datetime.date


# A handler does its own action's work on the locked breach (never its state, which the table
# sets, and never the save) and returns the note for the timeline event. It raises
# ValidationError for input it cannot take. It takes the action's form fields as keywords.
Handler = Callable[..., str]


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    from_states: frozenset[str]
    to_state: str | None  # None: stays in its state (escalate)
    who: frozenset[str]
    handler: Handler
    event_kind: str
    notify: str | None = None  # the notification written with the change
    needs_note: bool = False  # people must give one (the system writes its own)
    note_label: str = "Note (optional)"
    form_fields: tuple[str, ...] = ()  # besides the version and the note
    # What a lead sees where the action is someone else's to take (a lead records a reply)
    lead_label: str = ""
    # The banner after it is taken; {ref}, {state}, {level} and {party} are filled in
    done: str = "{ref} is now {state}"

    @property
    def note_required(self) -> str:
        return f"Enter {self.note_label[0].lower()}{self.note_label[1:]}"

    @property
    def slug(self) -> str:
        """The action in its page's address: /breaches/LDN-2026-0001/request-reply/."""
        return self.name.replace("_", "-")


class StaleBreach(ValidationError):
    pass


# Who is who for a breach.


def _is_lead(user: User, breach: Breach) -> bool:
    return access_for(user).can(Capability.LEAD_REGION, region_id=breach.region_id)


def _party_of(user: User, party: BreachParty | None) -> bool:
    if party is None:
        return False
    access = access_for(user)
    if party.local_authority_id:
        return access.can(Capability.ACT_FOR_LA, local_authority_id=party.local_authority_id)
    return any(
        BreachParty.objects.filter(pk=party.pk).filter(party_reached_by_msp(msp_id)).exists()
        for msp_id in access.msp_ids(Capability.ACT_FOR_MSP)
    )


def _responsible(user: User, breach: Breach) -> bool:
    level = breach.level
    if level is None:
        return False
    access = access_for(user)
    capability = RESPONSIBLE_CAPABILITY[Responsible(level.responsible)]
    if level.responsible == Responsible.LA_DCS:
        return any(
            access.can(capability, local_authority_id=p.local_authority_id)
            for p in breach.parties.all()
            if p.local_authority_id
        )
    return access.can(capability, region_id=breach.region_id)


def allowed_actions(user: User, breach: Breach) -> list[Action]:
    """The actions this person may take on the breach now (the page shows only these)."""
    result = []
    for action in ACTIONS.values():
        if breach.state not in action.from_states:
            continue
        if _may(user, breach, action):
            result.append(action)
    return result


def label_for(user: User, breach: Breach, action: Action) -> str:
    """The action's name as this person reads it: a lead records a reply a party gives."""
    if action.lead_label and not _party_of(user, breach.awaiting_party):
        return action.lead_label
    return action.label


# Why a lead cannot take an action now, by the state the breach is in.
S_AWAITING = BreachState.AWAITING_RESPONSE
NOT_NOW: dict[str, str] = {
    S_AWAITING: "{label} is not available while {party} is asked to reply (by {reply_due}). "
    "Record the reply when it comes; if none comes by then, the review continues.",
}


def unavailable_reasons(user: User, breach: Breach) -> list[str]:
    """For a lead: why the review's usual steps (escalating, resolving) are not offered now."""
    template = NOT_NOW.get(breach.state)
    if template is None or not _is_lead(user, breach):
        return []
    words = {
        "party": breach.awaiting_party or "a party",
        "reply_due": f"{breach.reply_due_on:%-d %B %Y}" if breach.reply_due_on else "its date",
    }
    return [template.format(label=ACTIONS[name].label, **words) for name in ("escalate", "resolve")]


def escalation_target(breach: Breach, *, today: datetime.date) -> EscalationLevel | None:
    """The level escalating would move the breach to (passing over levels that do not apply,
    as escalating does), or None at the top."""
    ladder = _ladder(breach)
    index = transitions.level_index(_clock(breach), ladder)
    if index + 1 >= len(ladder):
        return None
    move = transitions.reach_level(
        _clock(breach),
        ladder,
        index + 1,
        has_la_party=any(p.local_authority_id for p in breach.parties.all()),
        today=today,
    )
    return move.clock.level if move.clock is not None else None


def done_message(action: Action, breach: Breach) -> str:
    """The banner once `action` is taken: "LDN-2026-0001 escalated to level 2: DCS of the local
    authority concerned"."""
    level = breach.level
    return action.done.format(
        ref=breach.reference,
        state=breach.get_state_display().lower(),
        level=f"level {level.order}: {level.name}" if level is not None else "",
        party=breach.awaiting_party or "the party",
    )


def _may(user: User | None, breach: Breach, action: Action) -> bool:
    if user is None:
        return True  # the system (escalate_overdue_breaches)
    who = action.who
    if Who.LEADS in who and _is_lead(user, breach):
        return True
    if Who.REPORTER in who and user.pk == breach.reported_by_id:
        return True
    if Who.PARTY in who and (_party_of(user, breach.awaiting_party) or _is_lead(user, breach)):
        return True
    return Who.RESPONSIBLE in who and _responsible(user, breach)


# Levels and deadlines: the rules are breaches/transitions.py's; these read and write the breach.


def _ladder(breach: Breach) -> list[EscalationLevel]:
    return list(EscalationLevel.objects.filter(version_id=breach.mou_version_id).order_by("order"))


def _clock(breach: Breach) -> Clock:
    return Clock(**{name: getattr(breach, name) for name in transitions.CLOCK_FIELDS})


def _set_clock(breach: Breach, clock: Clock) -> None:
    for name in transitions.CLOCK_FIELDS:
        setattr(breach, name, getattr(clock, name))


def _reach(
    breach: Breach, ladder: list[EscalationLevel], start: int, today: datetime.date, actor
) -> bool:
    """Move to the first level from `start` that applies, with an event for each level passed
    over; False when none applies."""
    has_la_party = any(p.local_authority_id for p in breach.parties.all())
    move = transitions.reach_level(
        _clock(breach), ladder, start, has_la_party=has_la_party, today=today
    )
    for level in move.skipped:
        BreachEvent.objects.create(
            breach=breach,
            kind=EventKind.LEVEL_SKIPPED,
            actor=actor,
            to_level=level.order,
            note=transitions.skip_note(level),
        )
    if move.clock is None:
        return False
    _set_clock(breach, move.clock)
    return True


def _locked(breach: Breach, expected_version: int | None) -> Breach:
    locked = (
        Breach.objects.select_for_update(of=("self",))
        .select_related("level", "mou_version", "awaiting_party")
        .get(pk=breach.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise StaleBreach(
            f"{locked.reference} changed while you were looking at it (it is now "
            f"{locked.get_state_display().lower()}). Check the timeline, then try again."
        )
    return locked


def _save(
    breach: Breach, event_kind: str, actor, note: str, from_state: str, notify_kind: str | None
) -> Breach:
    breach.version += 1
    breach.save()
    BreachEvent.objects.create(
        breach=breach,
        kind=event_kind,
        from_state=from_state,
        to_state=breach.state,
        actor=actor,
        note=note,
        to_level=breach.level.order if breach.level is not None else None,
    )
    if notify_kind:
        notify(notify_kind, breach_id=breach.pk)
    return breach


# The actions: one small handler each, then the table.


def _accept(breach: Breach, act: Act) -> str:
    if not _reach(breach, _ladder(breach), 0, act.today, act.actor):
        raise ValidationError("The MOU version has no escalation level that applies to this breach")
    return act.note


def _close(breach: Breach, act: Act) -> str:
    _set_clock(breach, transitions.close(_clock(breach)))
    return act.note


def _request_reply(
    breach: Breach,
    act: Act,
    *,
    party: BreachParty | None = None,
    reply_due_on: datetime.date | None = None,
) -> str:
    """Stops the clock until the party replies (or the reply date passes)."""
    if party is None or party.breach_id != breach.pk:
        raise ValidationError({"party": "Choose the party to reply"})
    clock = transitions.stop_clock(
        _clock(breach), party=party, today=act.today, reply_due_on=reply_due_on
    )
    if clock.reply_due_on is not None and clock.reply_due_on <= act.today:  # always set
        raise ValidationError({"reply_due_on": "The reply date must be in the future"})
    _set_clock(breach, clock)
    return f"From {party}, by {clock.reply_due_on:%-d %B %Y}. {act.note}".strip()


def _reply(breach: Breach, act: Act) -> str:
    """Restarts the clock with the working days it had left."""
    by_lead = act.actor is not None and not _party_of(act.actor, breach.awaiting_party)
    prefix = f"Recorded for {breach.awaiting_party} by the regional lead. " if by_lead else ""
    _set_clock(breach, transitions.resume(_clock(breach), today=act.today))
    return prefix + act.note.strip()


def _escalate(breach: Breach, act: Act) -> str:
    """Moves up one level (passing over levels that do not apply), never past the top."""
    ladder = _ladder(breach)
    index = transitions.level_index(_clock(breach), ladder)
    if index + 1 >= len(ladder):
        raise ValidationError(f"{breach.reference} is already at the top level of the ladder")
    if not _reach(breach, ladder, index + 1, act.today, act.actor):
        raise ValidationError("No higher level applies to this breach")
    return act.note


def _resolve(
    breach: Breach, act: Act, *, outcome: str = "", outcome_actions: list[str] | None = None
) -> str:
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": "Select the outcome"})
    unknown = set(outcome_actions or []) - set(OutcomeAction.values)
    if unknown:
        raise ValidationError({"outcome_actions": "Select actions from the list"})
    breach.outcome = outcome
    breach.outcome_actions, breach.outcome_notes = ",".join(outcome_actions or []), act.note.strip()
    breach.resolved_at = timezone.now()
    reported_on = timezone.localtime(breach.reported_at).date()
    _set_clock(
        breach, transitions.resolve(_clock(breach), reported_on=reported_on, today=act.today)
    )
    return f"{Outcome(outcome).label}. {act.note}".strip()


def _reopen(breach: Breach, act: Act) -> str:
    breach.resolved_at = None
    breach.outcome, breach.outcome_actions = "", ""
    _set_clock(breach, transitions.reopen(_clock(breach), today=act.today))
    return act.note


S = BreachState
ACTIONS: dict[str, Action] = {
    a.name: a
    for a in [
        Action(
            "accept",
            "Accept for review",
            frozenset({S.REPORTED}),
            S.UNDER_REVIEW,
            frozenset({Who.LEADS}),
            _accept,
            EventKind.ACCEPTED,
            notify="accepted",
        ),
        Action(
            "close_not_breach",
            "Close as not a breach",
            frozenset({S.REPORTED}),
            S.CLOSED,
            frozenset({Who.LEADS}),
            _close,
            EventKind.CLOSED_NOT_BREACH,
            needs_note=True,
            note_label="Why this is not a breach",
        ),
        Action(
            "withdraw",
            "Withdraw",
            frozenset({S.REPORTED}),
            S.WITHDRAWN,
            frozenset({Who.REPORTER}),
            _close,
            EventKind.WITHDRAWN,
            needs_note=True,
            note_label="Why you are withdrawing it",
        ),
        Action(
            "request_reply",
            "Ask a party to reply",
            frozenset({S.UNDER_REVIEW}),
            S.AWAITING_RESPONSE,
            frozenset({Who.LEADS}),
            _request_reply,
            EventKind.REPLY_REQUESTED,
            notify="reply_requested",
            note_label="What you are asking them (optional)",
            form_fields=("party", "reply_due_on"),
            done="{party} is asked to reply to {ref}",
        ),
        Action(
            "reply",
            "Reply",
            frozenset({S.AWAITING_RESPONSE}),
            S.UNDER_REVIEW,
            frozenset({Who.PARTY}),
            _reply,
            EventKind.REPLIED,
            notify="replied",
            needs_note=True,
            note_label="The reply",
            lead_label="Record a reply received",
            done="The reply to {ref} is recorded: the review continues",
        ),
        Action(
            "escalate",
            "Escalate",
            frozenset({S.UNDER_REVIEW}),
            None,
            frozenset({Who.LEADS}),
            _escalate,
            EventKind.ESCALATED,
            notify="escalated",
            needs_note=True,
            note_label="Why it needs escalating",
            done="{ref} escalated to {level}",
        ),
        Action(
            "resolve",
            "Resolve",
            frozenset({S.UNDER_REVIEW}),
            S.RESOLVED,
            frozenset({Who.LEADS, Who.RESPONSIBLE}),
            _resolve,
            EventKind.RESOLVED,
            notify="resolved",
            note_label="Notes on the outcome",
            form_fields=("outcome", "outcome_actions"),
        ),
        Action(
            "close",
            "Close",
            frozenset({S.RESOLVED}),
            S.CLOSED,
            frozenset({Who.LEADS}),
            _close,
            EventKind.CLOSED,
        ),
        Action(
            "reopen",
            "Reopen",
            frozenset({S.RESOLVED}),
            S.UNDER_REVIEW,
            frozenset({Who.LEADS}),
            _reopen,
            EventKind.REOPENED,
            needs_note=True,
            note_label="Why it is reopened",
        ),
    ]
}


@transaction.atomic
def breach_act(
    *,
    breach: Breach,
    action: str,
    actor: User | None,
    note: str = "",
    expected_version: int | None = None,
    today: datetime.date | None = None,
    **form_fields,
) -> Breach:
    """Take `action` on the breach, with the action's own form fields (its row's `form_fields`).
    Raises ValidationError for a move the table does not allow (or a stale form),
    PermissionDenied for a person who may not take it."""
    spec = ACTIONS[action]
    if unexpected := set(form_fields) - set(spec.form_fields):
        raise TypeError(f"'{action}' takes no {', '.join(sorted(unexpected))}")
    today = today or timezone.localdate()
    breach = _locked(breach, expected_version)  # two people acting at once: the second is told
    if breach.state not in spec.from_states:
        raise ValidationError(
            f"A breach that is {breach.get_state_display().lower()} cannot be moved by '{spec.label.lower()}'"
        )
    if not _may(actor, breach, spec):
        raise PermissionDenied
    if spec.needs_note and actor is not None and not note.strip():
        raise ValidationError({"note": spec.note_required})
    from_state = breach.state
    event_note = spec.handler(breach, Act(actor, note, today), **form_fields)
    if spec.to_state is not None:
        breach.state = spec.to_state
    return _save(breach, spec.event_kind, actor, event_note, from_state, spec.notify)


# The scheduled run.


@dataclass
class Run:
    escalated: list[str]
    reminded: list[str]
    flagged: list[str]


def escalate_overdue(*, as_of: datetime.date, dry_run: bool = False) -> Run:
    """Escalate what is overdue, flag what is overdue at the top, and remind once at 75% of each
    deadline. Each breach is handled in its own transaction with its row locked and its version
    checked, so two runs (even at once) never escalate or remind twice. Used by
    `manage.py escalate_overdue_breaches`."""
    run = Run([], [], [])
    candidates = Breach.objects.open().filter(due_on__isnull=False) | Breach.objects.filter(
        state=S.AWAITING_RESPONSE
    )
    for breach in candidates.select_related("level").order_by("pk"):
        with transaction.atomic():
            try:
                locked = _locked(breach, breach.version)
            except StaleBreach:
                continue  # another run (or a person) got there first
            outcome = _overdue_step(locked, as_of, dry_run)
            if outcome:
                getattr(run, outcome).append(locked.reference)
    return run


def _overdue_step(breach: Breach, as_of: datetime.date, dry_run: bool) -> str | None:
    if breach.state == S.AWAITING_RESPONSE:
        if breach.reply_due_on and breach.reply_due_on < as_of:
            if dry_run:
                return "escalated"
            note = f"No reply from {breach.awaiting_party or 'the party'} by {breach.reply_due_on:%-d %B %Y}"
            _set_clock(breach, transitions.resume(_clock(breach), today=as_of))
            breach.state = S.UNDER_REVIEW
            BreachEvent.objects.create(
                breach=breach, kind=EventKind.REPLY_MISSED, actor=None, note=note
            )
            return _auto_escalate(breach, as_of)
        return None
    if breach.due_on is None:
        return None
    if breach.due_on < as_of:
        if breach.state == S.REPORTED:
            return _remind(breach, as_of, dry_run, overdue=True)
        if transitions.at_top(_clock(breach), _ladder(breach)):
            if breach.overdue_at_top or dry_run:
                return "flagged" if dry_run and not breach.overdue_at_top else None
            breach.overdue_at_top = True
            _save(
                breach,
                EventKind.OVERDUE_AT_TOP,
                None,
                f"Overdue since {breach.due_on:%-d %B %Y}",
                breach.state,
                "overdue",
            )
            return "flagged"
        return "escalated" if dry_run else _auto_escalate(breach, as_of)
    remind_on = transitions.remind_on(breach.stage_started_on or as_of, breach.due_on)
    if remind_on is not None and as_of >= remind_on:
        return _remind(breach, as_of, dry_run, overdue=False)
    return None


def _remind(breach: Breach, as_of: datetime.date, dry_run: bool, *, overdue: bool) -> str | None:
    key = transitions.stage_key(breach.state, _clock(breach)) + (":overdue" if overdue else "")
    if breach.reminded_for == key:
        return None
    if dry_run:
        return "reminded"
    breach.reminded_for = key
    note = f"Due {breach.due_on:%-d %B %Y}" + (" and overdue" if overdue else "")
    breach.version += 1
    breach.save(update_fields=["reminded_for", "version"])
    BreachEvent.objects.create(breach=breach, kind=EventKind.REMINDER, actor=None, note=note)
    notify("reminder", breach_id=breach.pk)
    return "reminded"


def _auto_escalate(breach: Breach, as_of: datetime.date) -> str | None:
    levels = _ladder(breach)
    index = transitions.level_index(_clock(breach), levels)
    from_state = breach.state
    if index + 1 >= len(levels) or not _reach(breach, levels, index + 1, as_of, None):
        breach.version += 1
        breach.save()
        return None
    _save(
        breach,
        EventKind.ESCALATED,
        None,
        "Escalated automatically: the deadline passed",
        from_state,
        "escalated",
    )
    return "escalated"
