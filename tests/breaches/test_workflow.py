"""The breach workflow: the transition table, working-day deadlines, the stopped clock, the
escalation command, stale forms and notifications."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from breaches.models import Breach, BreachState, EventKind
from breaches.workflow import ACTIONS, StaleBreach, breach_act
from dashboards.cache import new_token
from kernel.working_days import add_working_days, is_working_day, working_days_between
from tests.factories import AgencyFactory, local_authority, logged_breach, mou_version

pytestmark = pytest.mark.django_db
D = datetime.date
S = BreachState


def test_working_days_around_christmas_new_year_and_easter_2027():
    assert D(2026, 12, 25).weekday() == 4  # Christmas Day 2026 is a Friday
    assert not is_working_day(D(2026, 12, 25))
    assert not is_working_day(D(2026, 12, 28))  # Boxing Day's holiday moves to Monday 28 December
    assert not is_working_day(D(2027, 1, 1))  # New Year's Day 2027 is a Friday
    assert not is_working_day(D(2027, 3, 26))  # Good Friday 2027
    assert not is_working_day(D(2027, 3, 29))  # Easter Monday 2027
    assert add_working_days(D(2026, 12, 24), 1) == D(2026, 12, 29)
    assert add_working_days(D(2026, 12, 24), 5) == D(2027, 1, 5)
    assert add_working_days(D(2027, 3, 25), 1) == D(2027, 3, 30)
    assert add_working_days(D(2026, 12, 21), 10) == D(2027, 1, 7)
    assert (
        working_days_between(D(2026, 12, 24), D(2027, 1, 4)) == 4
    )  # 29, 30, 31 December and 4 January


@pytest.fixture
def version(reference_data):
    return mou_version("LDN")


@pytest.fixture
def breach(version, regional_lead):
    return logged_breach(local_authority("202"), reporter=regional_lead)


def _london(day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _at(breach, state, **fields):
    Breach.objects.filter(pk=breach.pk).update(state=state, **fields)
    return Breach.objects.get(pk=breach.pk)


def _act(breach, action, actor, **kwargs):
    kwargs.setdefault("note", "Because")
    return breach_act(breach=breach, action=action, actor=actor, **kwargs)


# Who may take each action from each state. Roles: the cast's London people; "reporter" is the
# LA workforce lead who reported it; "party" is Camden's DCS (Camden is the party asked to reply).
ROLES = [
    "regional_lead",
    "london_admin",
    "national_admin",
    "la_workforce_lead",
    "dcs",
    "msp_contact",
    "north_east_lead",
]
ALLOWED = {
    ("accept", "regional_lead"),
    ("accept", "london_admin"),
    ("accept", "national_admin"),
    ("close_not_breach", "regional_lead"),
    ("close_not_breach", "london_admin"),
    ("close_not_breach", "national_admin"),
    ("withdraw", "la_workforce_lead"),
    ("request_reply", "regional_lead"),
    ("request_reply", "london_admin"),
    ("request_reply", "national_admin"),
    ("reply", "regional_lead"),
    ("reply", "london_admin"),
    ("reply", "national_admin"),
    ("reply", "la_workforce_lead"),
    ("reply", "dcs"),
    ("escalate", "regional_lead"),
    ("escalate", "london_admin"),
    ("escalate", "national_admin"),
    ("resolve", "regional_lead"),
    ("resolve", "london_admin"),
    ("resolve", "national_admin"),
    ("close", "regional_lead"),
    ("close", "london_admin"),
    ("close", "national_admin"),
    ("reopen", "regional_lead"),
    ("reopen", "london_admin"),
    ("reopen", "national_admin"),
}


@pytest.mark.parametrize("state", list(S.values))
@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("role", ROLES)
def test_the_whole_transition_table(request, version, la_workforce_lead, state, action, role):
    actor = request.getfixturevalue(role)
    breach = logged_breach(local_authority("202"), reporter=la_workforce_lead)
    level = version.escalation_levels.get(order=1)
    extra = {"level": level, "due_on": D(2026, 12, 1), "stage_started_on": D(2026, 11, 2)}
    if state == S.AWAITING_RESPONSE:
        extra |= {
            "awaiting_party": breach.parties.get(),
            "reply_due_on": D(2026, 12, 10),
            "clock_stopped_on": D(2026, 11, 20),
            "days_left_when_stopped": 5,
        }
    breach = _at(breach, state, **(extra if state != S.REPORTED else {}))
    kwargs = {"outcome": "upheld"} if action == "resolve" else {}
    if action == "request_reply":
        kwargs["party"] = breach.parties.get()
    state_ok = state in ACTIONS[action].from_states
    try:
        _act(breach, action, actor, **kwargs)
    except PermissionDenied:
        outcome = "forbidden"
    except ValidationError:
        outcome = "refused"
    else:
        outcome = "done"
    if not state_ok:
        assert outcome == "refused"
    elif (action, role) in ALLOWED:
        assert outcome == "done"
    else:
        assert outcome == "forbidden"


def test_accepting_puts_it_at_level_1_with_that_levels_deadline(breach, regional_lead):
    breach = _act(breach, "accept", regional_lead, today=D(2026, 12, 21))
    assert (breach.state, breach.level.order) == (S.UNDER_REVIEW, 1)
    assert breach.due_on == D(2027, 1, 7)  # 10 working days over Christmas and New Year


def test_the_clock_stops_while_awaiting_a_reply_and_resumes_with_the_days_left(
    breach, regional_lead, dcs
):
    breach = _act(breach, "accept", regional_lead, today=D(2027, 1, 4))  # due 18 January
    assert breach.due_on == D(2027, 1, 18)
    breach = _act(
        breach, "request_reply", regional_lead, party=breach.parties.get(), today=D(2027, 1, 11)
    )
    assert (breach.state, breach.days_left_when_stopped, breach.reply_due_on) == (
        S.AWAITING_RESPONSE,
        5,
        D(2027, 1, 25),
    )
    breach = _act(breach, "reply", dcs, note="We gave four weeks' notice.", today=D(2027, 1, 20))
    assert breach.state == S.UNDER_REVIEW
    assert breach.due_on == D(2027, 1, 27)  # the 5 working days it had left, from the reply
    assert breach.paused_working_days == 7


def test_escalating_moves_up_one_level_never_down_and_not_past_the_top(breach, regional_lead):
    breach = _act(breach, "accept", regional_lead, today=D(2027, 1, 4))
    for expected in (2, 3, 4):
        breach = _act(breach, "escalate", regional_lead, today=D(2027, 1, 5))
        assert breach.level.order == expected
    with pytest.raises(ValidationError, match="already at the top level"):
        _act(breach, "escalate", regional_lead)


def test_a_dcs_level_is_passed_over_when_no_la_is_a_party(version, regional_lead):
    from breaches import services

    new = services.NewBreach(
        rule=version.rules.get(kind="notice_weeks"),
        breach_type="notice",
        occurred_on=D(2026, 3, 2),
        description="x",
        agencies=[AgencyFactory()],
    )
    breach = services.breach_log(new=new, actor=regional_lead)
    breach = _act(breach, "accept", regional_lead, today=D(2027, 1, 4))
    breach = _act(breach, "escalate", regional_lead, today=D(2027, 1, 5))
    assert breach.level.order == 3
    skipped = breach.events.get(kind=EventKind.LEVEL_SKIPPED)
    assert "no local authority is a party" in skipped.note


def test_the_people_responsible_at_the_level_may_resolve(
    breach, regional_lead, dcs, reference_data
):
    from accounts.roles import Role
    from tests.factories import person_with_role

    breach = _act(breach, "accept", regional_lead, today=D(2027, 1, 4))
    with pytest.raises(PermissionDenied):
        _act(breach, "resolve", dcs, outcome="upheld")
    breach = _act(breach, "escalate", regional_lead)  # level 2: the DCS of the LA concerned
    # Reported on 21 December 2026: 11 working days to 8 January 2027 (22 to 24 and 29 to 31
    # December, 4 to 8 January), none of them paused.
    Breach.objects.filter(pk=breach.pk).update(reported_at=_london(D(2026, 12, 21), 10))
    breach = _act(
        breach,
        "resolve",
        dcs,
        outcome="upheld",
        outcome_actions=["formal_warning"],
        today=D(2027, 1, 8),
    )
    assert (breach.state, breach.outcome, breach.outcome_actions) == (
        S.RESOLVED,
        "upheld",
        "formal_warning",
    )
    assert breach.working_days_taken == 11
    hackney_dcs = person_with_role(Role.DCS, local_authority=local_authority("204"))
    assert not Breach.objects.visible_to(hackney_dcs).filter(pk=breach.pk).exists()
    breach = _act(breach, "reopen", regional_lead)
    _act(breach, "escalate", regional_lead)  # level 3: the region's DCS board
    assert Breach.objects.visible_to(hackney_dcs).filter(pk=breach.pk).exists()


def test_a_stale_form_is_refused_and_nothing_is_applied_twice(breach, regional_lead, london_admin):
    seen = breach.version
    _act(breach, "accept", regional_lead, expected_version=seen)
    with pytest.raises(StaleBreach, match="changed while you were looking at it"):
        _act(breach, "close_not_breach", london_admin, expected_version=seen)
    assert Breach.objects.get(pk=breach.pk).state == S.UNDER_REVIEW
    assert breach.events.filter(kind=EventKind.ACCEPTED).count() == 1


def _escalate(time_machine, as_of: str, **kwargs) -> None:
    """Run the nightly command as of a day, on that day (a run may not act as of a later day)."""
    time_machine.move_to(
        datetime.datetime.combine(
            datetime.date.fromisoformat(as_of), datetime.time(2), timezone.get_current_timezone()
        ),
        tick=False,
    )
    call_command("escalate_overdue_breaches", "--as-of", as_of, **kwargs)


def test_the_command_escalates_once_reminds_once_and_replays_as_of_a_date(
    breach, regional_lead, django_capture_on_commit_callbacks, time_machine
):
    breach = _act(breach, "accept", regional_lead, today=D(2027, 1, 4))  # level 1 due 18 January
    out = StringIO()
    _escalate(time_machine, "2027-01-12", stdout=out)  # 6 of 10 days
    assert "0 escalated, 0 flagged, 0 reminded" in out.getvalue()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _escalate(time_machine, "2027-01-14", stdout=(out := StringIO()))  # 8 of 10
        _escalate(time_machine, "2027-01-14", stdout=StringIO())
    assert f"Did remind about {breach.reference}" in out.getvalue()
    assert breach.events.filter(kind=EventKind.REMINDER).count() == 1
    assert len(mail.outbox) == 1
    call_command(
        "escalate_overdue_breaches",
        "--as-of",
        "2027-01-19",
        "--dry-run",
        stdout=(out := StringIO()),
    )
    assert f"Would escalate {breach.reference}" in out.getvalue()
    assert Breach.objects.get(pk=breach.pk).level.order == 1
    _escalate(time_machine, "2027-01-19", stdout=StringIO())
    _escalate(time_machine, "2027-01-19", stdout=StringIO())
    breach.refresh_from_db()
    assert breach.level.order == 2  # once, not twice
    assert breach.due_on == add_working_days(D(2027, 1, 19), 10)


def test_a_missed_reply_escalates_and_puts_it_back_under_review(
    breach, regional_lead, time_machine
):
    breach = _act(breach, "accept", regional_lead, today=D(2027, 1, 4))
    breach = _act(
        breach,
        "request_reply",
        regional_lead,
        party=breach.parties.get(),
        today=D(2027, 1, 5),
        reply_due_on=D(2027, 1, 8),
    )
    _escalate(time_machine, "2027-01-11", stdout=StringIO())
    breach.refresh_from_db()
    assert (breach.state, breach.level.order) == (S.UNDER_REVIEW, 2)
    assert breach.events.filter(kind=EventKind.REPLY_MISSED).exists()


def test_at_the_top_an_overdue_breach_is_flagged_not_escalated(breach, regional_lead, time_machine):
    breach = _act(breach, "accept", regional_lead, today=D(2027, 1, 4))
    for _ in range(3):
        breach = _act(breach, "escalate", regional_lead, today=D(2027, 1, 4))
    _escalate(time_machine, "2027-03-01", stdout=StringIO())
    _escalate(time_machine, "2027-03-02", stdout=StringIO())
    breach.refresh_from_db()
    assert (breach.level.order, breach.overdue_at_top) == (4, True)
    assert breach.events.filter(kind=EventKind.OVERDUE_AT_TOP).count() == 1


def test_an_untriaged_breach_is_reminded_never_escalated(breach, time_machine):
    _escalate(
        time_machine, (breach.due_on + datetime.timedelta(days=3)).isoformat(), stdout=StringIO()
    )
    breach.refresh_from_db()
    assert (breach.state, breach.level) == (S.REPORTED, None)
    assert breach.events.filter(kind=EventKind.REMINDER).count() == 1


def test_notifications_reach_the_people_at_the_new_level_after_commit(
    breach, regional_lead, dcs, django_capture_on_commit_callbacks
):
    breach = _act(breach, "accept", regional_lead)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _act(breach, "escalate", regional_lead)
    notices = [c for c in callbacks if c is not new_token]  # new_token: dashboards' cache
    assert len(notices) == 1
    assert mail.outbox == []  # nothing is sent before the commit
    notices[0]()
    assert dcs.email in {m.to[0] for m in mail.outbox}
    assert "escalated to level 2: " in mail.outbox[0].subject


def test_the_page_shows_only_the_persons_actions_and_the_deadline_in_words(
    client, breach, regional_lead, dcs
):
    client.force_login(dcs)
    page = client.get(breach.get_absolute_url())
    assert page.context["actions"] == []
    assert "Triage: due in" in page.context["deadline"]
    client.force_login(regional_lead)
    labels = [a["label"] for a in client.get(breach.get_absolute_url()).context["actions"]]
    assert labels == [
        "Accept for review",
        "Close as not a breach",
        "Withdraw",
    ]  # they reported it too
    assert (
        client.get(reverse("breaches:action", args=[breach.reference, "reply"])).status_code == 403
    )
    response = client.post(
        reverse("breaches:action", args=[breach.reference, "accept"]), {"version": breach.version}
    )
    assert response.status_code == 302
    stale = client.post(
        reverse("breaches:action", args=[breach.reference, "close-not-breach"]),
        {"version": breach.version, "note": "x"},
    )
    assert "changed while you were looking at it" in stale.content.decode()


def test_home_shows_each_person_what_needs_them(client, breach, regional_lead, dcs):
    # The home page's query count is test_home_keeps_a_fixed_query_count's.
    client.force_login(regional_lead)
    queues = {q.title: q.breaches for q in client.get("/").context["queues"]}
    assert queues["New reports to triage"] == [breach]
    breach = _act(breach, "accept", regional_lead, today=D(2027, 1, 4))
    _act(breach, "escalate", regional_lead, today=D(2027, 1, 4))  # level 2: the DCS of Camden
    client.force_login(dcs)
    queues = {q.title: q.breaches for q in client.get("/").context["queues"]}
    assert [b.reference for b in queues["Escalated to you as DCS"]] == [breach.reference]


def test_home_keeps_a_fixed_query_count(client, version, regional_lead):
    client.force_login(regional_lead)
    client.get("/")

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            client.get("/")
        return len(ctx.captured_queries)

    logged_breach(local_authority("202"), reporter=regional_lead)
    before = count()
    for _ in range(12):
        logged_breach(local_authority("204"), reporter=regional_lead)
    assert count() == before
