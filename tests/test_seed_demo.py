import datetime
import shutil
import subprocess  # nosec B404: runs `make -n`, a fixed command
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import Membership, User
from accounts.roles import Role

pytestmark = pytest.mark.django_db


def test_seed_demo_refuses_when_not_in_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_seed_demo_creates_a_person_for_every_role_and_runs_twice(settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=StringIO())
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    assert User.objects.count() == 8
    assert Membership.objects.count() == 8
    assert "Demo-portal-2026!" in out.getvalue()
    lead = User.objects.get(email="regional.lead@example.org")
    assert lead.check_password("Demo-portal-2026!")
    assert str(lead.memberships.get()) == "Regional lead, London"


def test_seed_demo_with_force_runs_when_not_in_debug(settings):
    settings.DEBUG = False
    call_command("seed_demo", "--force", stdout=StringIO())
    assert User.objects.count() == 8


def test_seed_demo_adds_an_mou_for_every_region_with_illustrative_caps(settings):
    from mou.models import MOU, PriceCap, Signatory

    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    assert MOU.objects.count() == 9
    for mou in MOU.objects.all():
        assert mou.versions.in_force(on=timezone.localdate()).count() == 1
    assert PriceCap.objects.exists()
    assert not PriceCap.objects.filter(illustrative=False).exists()
    assert set(Signatory.objects.values_list("status", flat=True)) >= {
        "signed",
        "invited",
        "declined",
    }
    london = MOU.objects.get(region__code="LDN").versions.in_force(on=timezone.localdate()).get()
    assert london.rules.get(kind="non_engagement_months").value == 6


def test_seed_demo_adds_a_supply_chain_covering_every_region(settings):
    from mou.models import Region
    from msp.models import MSP, Agency, MSPContract

    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    assert MSP.objects.count() >= 3
    assert Agency.objects.count() >= 40
    covered = set(
        MSPContract.objects.current().values_list("local_authority__region__code", flat=True)
    )
    assert covered == set(Region.objects.values_list("code", flat=True))
    assert all(msp.company_number for msp in MSP.objects.all())


def test_seed_demo_adds_cap_exceptions_in_london_without_emailing_anyone(settings):
    from django.core import mail

    from cap_exceptions.models import CapException

    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    statuses = list(CapException.objects.values_list("status", flat=True))
    assert len(statuses) == 6
    assert {"approved", "refused", "requested"} <= set(statuses)
    renewal = CapException.objects.get(renewal_of__isnull=False)
    assert (renewal.status, renewal.starts_on) == (
        "requested",
        renewal.renewal_of.expires_on + datetime.timedelta(days=1),
    )
    assert set(CapException.objects.values_list("local_authority__region__code", flat=True)) == {
        "LDN"
    }
    assert mail.outbox == []


def test_seed_demo_gives_every_region_two_years_of_resolved_history(settings):
    from django.utils import timezone

    from breaches.models import Breach, BreachEvent
    from kernel.working_days import working_days_between
    from mou.models import Region

    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())  # a second run adds nothing
    history = Breach.objects.filter(description__startswith="Demo history")
    assert history.count() == 2 * 153
    assert set(history.values_list("region", flat=True)) == set(
        Region.objects.values_list("pk", flat=True)
    )
    for breach in history.select_related("level")[:50]:
        reported = timezone.localtime(breach.reported_at).date()
        resolved = timezone.localtime(breach.resolved_at).date()
        assert breach.working_days_taken == working_days_between(reported, resolved)
        escalations = BreachEvent.objects.filter(breach=breach, kind="escalated")
        assert sorted(escalations.values_list("to_level", flat=True)) == list(
            range(2, breach.level.order + 1)
        )
    references = list(Breach.objects.values_list("reference", flat=True))
    assert len(references) == len(set(references))


def _seed_before_breaches() -> None:
    """Every demo step before London's breaches (MOUs, suppliers, people, cap exceptions)."""
    from django.utils.module_loading import import_string

    from governance_portal.management.commands.seed_demo import DEMO_STEPS

    for step in DEMO_STEPS[: DEMO_STEPS.index("breaches.demo.seed")]:
        import_string(step)(stdout=StringIO())


def _live_london_breaches():
    from breaches.models import Breach

    return Breach.objects.filter(region__code="LDN").exclude(description__startswith="Demo history")


def _assert_dated_like_a_real_region(breaches, today) -> None:
    """Each case happened before it was reported; its deadlines come after; its timeline runs
    from its report to `today`, each event at its own time, in order."""
    from django.utils import timezone

    from breaches.models import BreachEvent

    event_days = set()
    for breach in breaches.prefetch_related("events", "evidence"):
        reported = timezone.localtime(breach.reported_at).date()
        assert breach.occurred_on < reported <= today, breach
        for name in ("due_on", "reply_due_on", "stage_started_on", "clock_stopped_on"):
            deadline = getattr(breach, name)
            assert deadline is None or deadline >= reported, (breach, name, deadline)
        events = list(breach.events.all())
        assert events[0].kind == "logged"
        assert events[0].created_at == breach.reported_at
        assert [e.pk for e in events] == sorted(e.pk for e in events), breach  # time order
        for event in events:
            day = timezone.localtime(event.created_at).date()
            assert reported <= day <= today, (breach, event.kind, day)
            assert event.created_at <= timezone.now()
            event_days.add(day)
        for item in breach.evidence.all():
            assert item.uploaded_at == breach.reported_at
        if breach.resolved_at is not None:
            resolved = next(e for e in events if e.kind == "resolved")
            assert breach.resolved_at == resolved.created_at
    assert len(event_days) > 20  # not all at the time the demo was seeded
    events = BreachEvent.objects.filter(breach__in=breaches)
    assert events.values("created_at").distinct().count() > events.count() // 2
    by_reference = list(breaches.order_by("reference").values_list("reported_at", flat=True))
    assert by_reference == sorted(by_reference)  # references run with the dates


def test_seed_demo_dates_london_cases_like_a_real_region(settings):
    from django.utils import timezone

    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    breaches = _live_london_breaches()
    assert breaches.count() == 64
    _assert_dated_like_a_real_region(breaches, timezone.localdate())


@pytest.mark.parametrize(
    "today",
    [
        datetime.date(2026, 12, 2),  # a Wednesday: the day issue 15 found 41 of 41 overdue
        datetime.date(2026, 4, 6),  # Easter Monday, a bank holiday
        datetime.date(2026, 4, 10),  # a Friday: "this week" is today only
        datetime.date(2026, 4, 12),  # a Sunday: "this week" is the coming one
    ],
    ids=str,
)
def test_london_open_breaches_are_spread_across_overdue_due_this_week_and_on_time(today):
    from breaches import demo
    from breaches.models import due_between_q

    _seed_before_breaches()
    demo.seed(stdout=StringIO(), today=today)
    breaches = _live_london_breaches()
    open_ = breaches.open()
    friday = today + datetime.timedelta(days=(4 - today.weekday()) % 7)  # as the home page counts
    overdue = open_.overdue(on=today).count()
    due_this_week = open_.filter(due_between_q(today, friday)).count()
    on_time = [b for b in open_ if b.next_deadline is not None and b.next_deadline > friday]
    assert overdue + due_this_week + len(on_time) == open_.count() == 41
    for count in (overdue, due_this_week, len(on_time)):
        assert count >= open_.count() / 5, (overdue, due_this_week, len(on_time))
    _assert_dated_like_a_real_region(breaches, today)


def test_seed_demo_dates_cap_exceptions_on_their_own_days(settings):
    from django.utils import timezone

    from cap_exceptions.models import CapException

    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    days = set()
    for exception in CapException.objects.prefetch_related("events"):
        requested = timezone.localtime(exception.requested_at).date()
        assert requested < exception.starts_on
        assert requested < timezone.localdate()
        events = list(exception.events.all())
        assert events[0].kind == ("renewal_requested" if exception.renewal_of_id else "requested")
        assert events[0].created_at == exception.requested_at
        decided = exception.reported_to_region_at or exception.refused_at
        if decided is not None:
            assert [e.created_at for e in events[1:]] == [decided]
            assert requested < timezone.localtime(decided).date() <= timezone.localdate()
        days.update(timezone.localtime(e.created_at).date() for e in events)
    assert len(days) >= 8


def test_make_run_serves_on_the_port_it_is_given_and_says_where():
    make = shutil.which("make")
    assert make, "make is one of the portal's two commands"
    dry_run = subprocess.run(  # noqa: S603  # nosec B603: a fixed command, no shell
        [make, "-n", "run", "PORT=8123"], capture_output=True, text=True, check=True
    ).stdout
    said = dry_run.index("The portal is at http://127.0.0.1:8123/ (demo sign-ins: ")
    assert said < dry_run.index("runserver 127.0.0.1:8123")
    assert "PORTAL_BASE_URL=http://127.0.0.1:8123 " in dry_run
    assert ":8000" not in dry_run


def test_seed_demo_gives_london_four_quarters_of_returns_in_mixed_states(settings):
    from datasharing import services
    from datasharing.models import ReturnPeriod, Revision, RevisionState
    from mou.models import LocalAuthority

    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())  # a second run adds nothing
    periods = list(ReturnPeriod.objects.filter(region__code="LDN").order_by("year", "quarter"))
    assert len(periods) == 4
    assert periods[-1].ends_on < timezone.localdate()
    london = LocalAuthority.objects.filter(region__code="LDN").count()
    for period in periods[:-1]:
        states = set(
            Revision.objects.filter(data_return__period=period).values_list("state", flat=True)
        )
        assert states == {RevisionState.AUTHORISED}
        assert period.returns.count() == london
    latest = Revision.objects.filter(data_return__period=periods[-1])
    assert set(latest.values_list("state", flat=True)) == {
        RevisionState.AUTHORISED,
        RevisionState.SUBMITTED,
        RevisionState.DRAFT,
    }
    assert periods[-1].returns.count() < london  # some not started
    camden = latest.get(data_return__coverage__local_authority__la_code="202")
    outcome = services.revision_check(camden)
    assert camden.state == RevisionState.DRAFT
    assert not outcome.figure_errors
    assert {f.code for f in outcome.statement_errors} == {"DR009", "DR011"}  # Camden's to make
    assert "DR102" in {f.code for f in outcome.queries}  # a rate above the cap to explain
    for revision in Revision.objects.filter(state=RevisionState.AUTHORISED)[:20]:
        assert not services.revision_check(revision).errors  # statements made, too
        assert revision.compliance_answers.exists()
    from datasharing.models import CandidateBreach, SharingAgreement

    agreement = SharingAgreement.objects.get(region__code="LDN")
    assert agreement.state == "in_force"
    assert 0 < agreement.parties.count() < london  # a few LAs are not parties
    assert CandidateBreach.objects.filter(
        kind="rate_above_cap",
        state="open",
        job_type="social_worker",
        local_authority__la_code="204",
    ).exists()  # Hackney's previous quarter, for the region's leads to decide


def test_seed_demo_gives_london_its_governance_with_a_year_of_meetings(settings):
    from governance.models import Group, GroupKind, Meeting, Minutes, Pack

    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    groups = Group.objects.filter(region__code="LDN")
    kinds = sorted(groups.values_list("kind", flat=True))
    assert kinds.count(GroupKind.SUB_REGIONAL) == 5
    assert kinds.count(GroupKind.DCS_BOARD) == 1
    assert kinds.count(GroupKind.SUPPLIER_FORUM) == 1
    assert Meeting.objects.filter(group__region__code="LDN").count() == 7 * 5
    assert Minutes.objects.filter(state="published").exists()
    assert Pack.objects.count() == 1
    member = User.objects.get(email="member.islington@example.org")
    assert [g.name for g in Group.objects.visible_to(member)] == ["North Central London"]
    from governance.models import GovernanceReview, MarketNotice, RaisedIssue

    assert MarketNotice.objects.get().recipients.filter(acknowledged_at__isnull=True).exists()
    assert RaisedIssue.objects.get().state == "answered"
    assert GovernanceReview.objects.filter(completed_on__isnull=False).count() == 1
