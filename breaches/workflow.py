"""The breach workflow: one table of actions (from which states, to which state, who may take
them), and the services that take them. Changing this table needs an ADR (docs/adr/0009).

Working days skip weekends and England and Wales bank holidays (governance_portal.working_days).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.roles import Capability
from accounts.scope import access_for
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
from governance_portal.working_days import add_working_days, working_days_between
from mou.models import EscalationLevel, Responsible

REPLY_WORKING_DAYS = 10
REMINDER_SHARE = 0.75


class Who:
    LEADS = "leads"  # the region's regional leads and admins (national admins too)
    REPORTER = "reporter"
    PARTY = "party"  # the LA, MSP or agency asked to reply (the leads may record it for them)
    RESPONSIBLE = "responsible"  # the people responsible at the current level


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    from_states: frozenset[str]
    to_state: str | None  # None: stays in its state (escalate)
    who: frozenset[str]


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
        ),
        Action(
            "close_not_breach",
            "Close as not a breach",
            frozenset({S.REPORTED}),
            S.CLOSED,
            frozenset({Who.LEADS}),
        ),
        Action(
            "withdraw", "Withdraw", frozenset({S.REPORTED}), S.WITHDRAWN, frozenset({Who.REPORTER})
        ),
        Action(
            "request_reply",
            "Ask a party to reply",
            frozenset({S.UNDER_REVIEW}),
            S.AWAITING_RESPONSE,
            frozenset({Who.LEADS}),
        ),
        Action(
            "reply",
            "Reply",
            frozenset({S.AWAITING_RESPONSE}),
            S.UNDER_REVIEW,
            frozenset({Who.PARTY}),
        ),
        Action("escalate", "Escalate", frozenset({S.UNDER_REVIEW}), None, frozenset({Who.LEADS})),
        Action(
            "resolve",
            "Resolve",
            frozenset({S.UNDER_REVIEW}),
            S.RESOLVED,
            frozenset({Who.LEADS, Who.RESPONSIBLE}),
        ),
        Action("close", "Close", frozenset({S.RESOLVED}), S.CLOSED, frozenset({Who.LEADS})),
        Action("reopen", "Reopen", frozenset({S.RESOLVED}), S.UNDER_REVIEW, frozenset({Who.LEADS})),
    ]
}


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
    capability = RESPONSIBLE_CAPABILITY[level.responsible]
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


# Levels and deadlines.


def _ladder(breach: Breach) -> list[EscalationLevel]:
    return list(EscalationLevel.objects.filter(version_id=breach.mou_version_id).order_by("order"))


def _level_applies(level: EscalationLevel, breach: Breach) -> bool:
    """A DCS level needs an LA among the parties; otherwise it passes to the next level."""
    if level.responsible == Responsible.LA_DCS:
        return any(p.local_authority_id for p in breach.parties.all())
    return True


def _move_to_level(
    breach: Breach, levels: list[EscalationLevel], start_index: int, today: datetime.date, actor
) -> EscalationLevel | None:
    for level in levels[start_index:]:
        if _level_applies(level, breach):
            breach.level = level
            breach.stage_started_on = today
            breach.due_on = add_working_days(today, level.deadline_working_days)
            breach.reminded_for = ""
            breach.overdue_at_top = False
            return level
        BreachEvent.objects.create(
            breach=breach,
            kind=EventKind.LEVEL_SKIPPED,
            actor=actor,
            to_level=level.order,
            note=f"Level {level.order} ({level.name}) passed over: no local authority is a party, so there is no DCS to take it",
        )
    return None


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
        to_level=breach.level.order if breach.level_id else None,
    )
    if notify_kind:
        transaction.on_commit(partial(notify, notify_kind, breach_id=breach.pk))
    return breach


@transaction.atomic
def breach_act(
    *,
    breach: Breach,
    action: str,
    actor: User | None,
    note: str = "",
    expected_version: int | None = None,
    party: BreachParty | None = None,
    reply_due_on: datetime.date | None = None,
    outcome: str = "",
    outcome_actions: list[str] | None = None,
    today: datetime.date | None = None,
) -> Breach:
    """Take `action` on the breach. Raises ValidationError for a move the table does not allow (or
    a stale form), PermissionDenied for a person who may not take it."""
    spec = ACTIONS[action]
    today = today or timezone.localdate()
    breach = _locked(breach, expected_version)  # two people acting at once: the second is told
    if breach.state not in spec.from_states:
        raise ValidationError(
            f"A breach that is {breach.get_state_display().lower()} cannot be moved by '{spec.label.lower()}'"
        )
    if not _may(actor, breach, spec):
        raise PermissionDenied
    from_state = breach.state
    if (
        action in ("close_not_breach", "escalate", "reopen", "withdraw")
        and not note.strip()
        and actor is not None
    ):
        raise ValidationError({"note": "Enter the reason"})
    if action == "accept":
        breach.state = S.UNDER_REVIEW
        if _move_to_level(breach, _ladder(breach), 0, today, actor) is None:
            raise ValidationError(
                "The MOU version has no escalation level that applies to this breach"
            )
        return _save(breach, EventKind.ACCEPTED, actor, note, from_state, "accepted")
    if action in ("close_not_breach", "withdraw", "close"):
        breach.state = spec.to_state
        breach.due_on = None
        kind = {
            "close_not_breach": EventKind.CLOSED_NOT_BREACH,
            "withdraw": EventKind.WITHDRAWN,
            "close": EventKind.CLOSED,
        }[action]
        return _save(breach, kind, actor, note, from_state, None)
    if action == "request_reply":
        if party is None or party.breach_id != breach.pk:
            raise ValidationError({"party": "Choose the party to reply"})
        reply_due_on = reply_due_on or add_working_days(today, REPLY_WORKING_DAYS)
        if reply_due_on <= today:
            raise ValidationError({"reply_due_on": "The reply date must be in the future"})
        breach.days_left_when_stopped = (
            max(working_days_between(today, breach.due_on), 0) if breach.due_on else 0
        )
        breach.clock_stopped_on, breach.awaiting_party, breach.reply_due_on = (
            today,
            party,
            reply_due_on,
        )
        breach.state = S.AWAITING_RESPONSE
        breach.reminded_for = ""
        return _save(
            breach,
            EventKind.REPLY_REQUESTED,
            actor,
            f"From {party}, by {reply_due_on:%-d %B %Y}. {note}".strip(),
            from_state,
            "reply_requested",
        )
    if action == "reply":
        if not note.strip():
            raise ValidationError({"note": "Enter the reply"})
        by_lead = actor is not None and not _party_of(actor, breach.awaiting_party)
        prefix = f"Recorded for {breach.awaiting_party} by the regional lead. " if by_lead else ""
        _resume(breach, today)
        return _save(breach, EventKind.REPLIED, actor, prefix + note.strip(), from_state, "replied")
    if action == "escalate":
        return _escalate(breach, actor, note, today, from_state)
    if action == "resolve":
        if outcome not in Outcome.values:
            raise ValidationError({"outcome": "Select the outcome"})
        unknown = set(outcome_actions or []) - set(OutcomeAction.values)
        if unknown:
            raise ValidationError({"outcome_actions": "Select actions from the list"})
        breach.state, breach.outcome = S.RESOLVED, outcome
        breach.outcome_actions, breach.outcome_notes = ",".join(outcome_actions or []), note.strip()
        breach.resolved_at = timezone.now()
        reported_on = timezone.localtime(breach.reported_at).date()
        breach.working_days_taken = max(
            working_days_between(reported_on, today) - breach.paused_working_days, 0
        )
        breach.due_on = None
        return _save(
            breach,
            EventKind.RESOLVED,
            actor,
            f"{Outcome(outcome).label}. {note}".strip(),
            from_state,
            "resolved",
        )
    if action == "reopen":
        breach.state = S.UNDER_REVIEW
        breach.resolved_at = breach.outcome = breach.working_days_taken = None
        breach.outcome, breach.outcome_actions = "", ""
        level = breach.level
        breach.stage_started_on = today
        breach.due_on = add_working_days(today, level.deadline_working_days) if level else None
        breach.reminded_for = ""
        return _save(breach, EventKind.REOPENED, actor, note, from_state, None)
    raise ValidationError("Unknown action")


def _resume(breach: Breach, today: datetime.date) -> None:
    """The reply restarts the level's clock with the working days it had left."""
    if breach.clock_stopped_on:
        breach.paused_working_days += working_days_between(breach.clock_stopped_on, today)
    breach.due_on = add_working_days(today, breach.days_left_when_stopped or 0)
    breach.state = S.UNDER_REVIEW
    breach.awaiting_party = None
    breach.reply_due_on = breach.clock_stopped_on = breach.days_left_when_stopped = None
    breach.stage_started_on = today
    breach.reminded_for = ""


def _escalate(breach: Breach, actor, note: str, today: datetime.date, from_state: str) -> Breach:
    levels = _ladder(breach)
    index = next((i for i, lv in enumerate(levels) if lv.pk == breach.level_id), -1)
    if index + 1 >= len(levels):
        raise ValidationError(f"{breach.reference} is already at the top level of the ladder")
    breach.state = S.UNDER_REVIEW
    if _move_to_level(breach, levels, index + 1, today, actor) is None:
        raise ValidationError("No higher level applies to this breach")
    return _save(breach, EventKind.ESCALATED, actor, note, from_state, "escalated")


# The scheduled run.


@dataclass
class Run:
    escalated: list[str]
    reminded: list[str]
    flagged: list[str]


def _stage_key(breach: Breach) -> str:
    return f"{breach.state}:{breach.level_id or 0}:{breach.stage_started_on or ''}"


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
            _resume(breach, as_of)
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
        levels = _ladder(breach)
        at_top = bool(levels) and breach.level_id == levels[-1].pk
        if at_top:
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
    start = breach.stage_started_on or as_of
    total = working_days_between(start, breach.due_on)
    if total and working_days_between(start, as_of) >= REMINDER_SHARE * total:
        return _remind(breach, as_of, dry_run, overdue=False)
    return None


def _remind(breach: Breach, as_of: datetime.date, dry_run: bool, *, overdue: bool) -> str | None:
    key = _stage_key(breach) + (":overdue" if overdue else "")
    if breach.reminded_for == key:
        return None
    if dry_run:
        return "reminded"
    breach.reminded_for = key
    note = f"Due {breach.due_on:%-d %B %Y}" + (" and overdue" if overdue else "")
    breach.version += 1
    breach.save(update_fields=["reminded_for", "version"])
    BreachEvent.objects.create(breach=breach, kind=EventKind.REMINDER, actor=None, note=note)
    transaction.on_commit(partial(notify, "reminder", breach_id=breach.pk))
    return "reminded"


def _auto_escalate(breach: Breach, as_of: datetime.date) -> str | None:
    levels = _ladder(breach)
    index = next((i for i, lv in enumerate(levels) if lv.pk == breach.level_id), -1)
    from_state = breach.state
    if index + 1 >= len(levels) or _move_to_level(breach, levels, index + 1, as_of, None) is None:
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
