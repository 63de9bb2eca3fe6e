"""The workflow's pure rules (breaches/transitions.py) and the action table that uses them: the
same rules the benchmark's replay calls, with no database."""

import datetime

import pytest

from bench.timelines import WorkingDays
from breaches import transitions
from breaches.forms import ActionForm
from breaches.transitions import Clock, Rung
from breaches.workflow import ACTIONS, breach_act
from mou.models import Responsible
from tests.factories import local_authority, logged_breach, mou_version

D = datetime.date
LADDER = [
    Rung(11, 1, "Regional leads", Responsible.REGIONAL_LEADS, 10),
    Rung(12, 2, "DCS of the LA", Responsible.LA_DCS, 10),
    Rung(13, 3, "Region's DCS board", Responsible.REGION_DCS_BOARD, 15),
]


def test_a_dcs_level_is_passed_over_without_an_la_party_and_the_deadline_runs_from_today():
    at_one = transitions.reach_level(Clock(), LADDER, 0, has_la_party=False, today=D(2027, 1, 4))
    assert (at_one.clock.level, at_one.clock.due_on, at_one.skipped) == (
        LADDER[0],
        D(2027, 1, 18),
        (),
    )
    up = transitions.reach_level(at_one.clock, LADDER, 1, has_la_party=False, today=D(2026, 12, 21))
    assert up.skipped == (LADDER[1],)
    assert (up.clock.level, up.clock.stage_started_on) == (LADDER[2], D(2026, 12, 21))
    assert up.clock.due_on == D(2027, 1, 14)  # 15 working days over Christmas and New Year
    assert transitions.skip_note(LADDER[1]) == (
        "Level 2 (DCS of the LA) passed over: no local authority is a party, so there is no DCS "
        "to take it"
    )
    assert transitions.reach_level(up.clock, LADDER, 3, has_la_party=True, today=D(2027, 1, 4)) == (
        transitions.Move(None, ())
    )


def test_the_stopped_clock_resumes_with_the_days_it_had_left_and_counts_the_pause():
    clock = Clock(level=LADDER[0], due_on=D(2027, 1, 18), stage_started_on=D(2027, 1, 4))
    stopped = transitions.stop_clock(clock, party="Camden", today=D(2027, 1, 11))
    assert (stopped.days_left_when_stopped, stopped.reply_due_on) == (5, D(2027, 1, 25))
    resumed = transitions.resume(stopped, today=D(2027, 1, 20))
    assert (resumed.due_on, resumed.paused_working_days, resumed.awaiting_party) == (
        D(2027, 1, 27),
        7,
        None,
    )
    resolved = transitions.resolve(resumed, reported_on=D(2026, 12, 21), today=D(2027, 1, 29))
    assert (resolved.working_days_taken, resolved.due_on) == (26 - 7, None)


def test_the_reminder_falls_at_three_quarters_of_the_stage():
    assert transitions.remind_on(D(2027, 1, 4), D(2027, 1, 18)) == D(2027, 1, 14)  # 8 of 10
    assert transitions.remind_on(D(2027, 1, 4), D(2027, 1, 4)) is None  # no working days at all


def test_the_benchmarks_working_day_table_gives_the_same_transitions():
    table = WorkingDays(D(2026, 1, 1), D(2028, 1, 1))
    clock = Clock(level=LADDER[0], due_on=D(2026, 12, 31), stage_started_on=D(2026, 12, 14))
    for day in (D(2026, 12, 18), D(2026, 12, 24)):
        assert transitions.stop_clock(clock, party=1, today=day, days=table) == (
            transitions.stop_clock(clock, party=1, today=day)
        )
        assert transitions.reach_level(
            clock, LADDER, 1, has_la_party=False, today=day, days=table
        ) == transitions.reach_level(clock, LADDER, 1, has_la_party=False, today=day)


@pytest.mark.parametrize("name", list(ACTIONS))
def test_the_action_form_takes_its_fields_and_its_note_rule_from_the_table(
    db, name, reference_data, regional_lead
):
    mou_version("LDN")
    breach = logged_breach(local_authority("202"), reporter=regional_lead)
    spec = ACTIONS[name]
    form = ActionForm({"version": breach.version}, action=spec, breach=breach)
    assert set(form.fields) == {"version", "note", *spec.form_fields}
    assert form.fields["note"].required is spec.needs_note
    assert form.is_valid() is not (spec.needs_note or "outcome" in spec.form_fields)
    if spec.needs_note:
        assert form.errors["note"] == [spec.note_required]


def test_an_action_is_not_handed_fields_it_does_not_take(db, reference_data, regional_lead):
    mou_version("LDN")
    breach = logged_breach(local_authority("202"), reporter=regional_lead)
    with pytest.raises(TypeError, match="'accept' takes no outcome"):
        breach_act(breach=breach, action="accept", actor=regional_lead, outcome="upheld")
