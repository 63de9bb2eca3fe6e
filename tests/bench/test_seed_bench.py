"""The benchmark's data set (bench/): the promised shapes at a tiny scale, records
the portal could have made, and the guard that keeps it out of live databases.

The data set is built once for the module inside a transaction that is rolled back at the end.
"""

import datetime
import re
from collections import Counter, defaultdict

import pytest
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from bench.build import build_bench_data
from bench.shape import (
    BENCH_PEOPLE,
    PEOPLE,
    RICH_EVENTS,
    breach_count,
    event_count,
    is_bench_database,
    rich_breach_count,
)
from bench.timelines import SAVED_EVENTS, WorkingDays
from breaches.models import OPEN_STATES, Breach, BreachEvent, BreachState, EventKind
from cap_exceptions.models import CapException
from kernel.working_days import add_working_days, working_days_between
from mou.models import (
    LocalAuthority,
    MOUVersion,
    Signatory,
    SignatoryStatus,
    VersionState,
    VersionStatus,
)
from tests.factories import local_authority, logged_breach

SCALE = 0.06  # 1,200 breaches and 6,000 events: enough for 12 with 20 to 50 events


@pytest.fixture(scope="module")
def bench(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        counts = build_bench_data(scale=SCALE, log=lambda line: None)
        yield counts
        transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def test_counts_follow_the_scale(bench):
    assert Breach.objects.count() == breach_count(SCALE) == 1_200
    assert BreachEvent.objects.count() == event_count(SCALE) == 6_000
    assert bench["breaches"] == 1_200
    assert bench["breach events"] == 6_000
    assert User.objects.count() == PEOPLE
    assert breach_count(10) == 200_000
    assert event_count(10) == 1_000_000


def test_breaches_spread_over_regions_by_their_local_authorities(bench):
    london_share = Breach.objects.filter(region__code="LDN").count() / breach_count(SCALE)
    london_las = LocalAuthority.objects.filter(region__code="LDN").count()
    assert london_share == pytest.approx(london_las / LocalAuthority.objects.count(), rel=0.25)
    years = {d.year for d in Breach.objects.dates("reported_at", "year")}
    assert len(years) >= 10


def test_every_breach_has_a_party_and_a_unique_reference_in_the_portal_format(bench):
    assert not Breach.objects.filter(parties__isnull=True).exists()
    references = list(Breach.objects.values_list("reference", "region__code", "reported_at"))
    assert len({r for r, _, _ in references}) == len(references)
    for reference, code, reported_at in references:
        year = timezone.localtime(reported_at).year
        assert re.fullmatch(rf"{code}-{year}-\d{{4,}}", reference)


def test_events_fall_within_the_life_of_their_breach(bench):
    events = BreachEvent.objects
    assert not events.filter(created_at__lt=F("breach__reported_at")).exists()
    assert not events.filter(created_at__gt=timezone.now()).exists()
    after_resolution = events.exclude(kind=EventKind.CLOSED).filter(
        breach__resolved_at__isnull=False, created_at__gt=F("breach__resolved_at")
    )
    assert not after_resolution.exists()
    assert not events.filter(kind=EventKind.ESCALATED, to_level__isnull=True).exists()
    assert not events.filter(kind=EventKind.ESCALATED, to_level__lt=2).exists()
    assert set(events.values_list("kind", flat=True)) >= {
        EventKind.LOGGED,
        EventKind.ACCEPTED,
        EventKind.REPLY_REQUESTED,
        EventKind.REPLIED,
        EventKind.ESCALATED,
        EventKind.RESOLVED,
        EventKind.CLOSED,
        EventKind.COMMENT,
    }


def test_state_and_level_are_where_the_timeline_left_them(bench):
    last_change: dict[int, tuple] = {}
    for breach_id, kind, to_state, to_level in BreachEvent.objects.filter(
        kind__in=SAVED_EVENTS
    ).values_list("breach_id", "kind", "to_state", "to_level"):
        last_change[breach_id] = (kind, to_state, to_level)
    for breach in Breach.objects.select_related("level"):
        change = last_change.get(breach.pk)
        if change is None:
            assert breach.state == BreachState.REPORTED
            continue
        assert breach.state == change[1]
        assert (breach.level.order if breach.level else None) == change[2]


def test_old_breaches_are_finished_and_open_ones_recent(bench):
    year_ago = timezone.now() - datetime.timedelta(days=365)
    assert not Breach.objects.filter(state__in=OPEN_STATES, reported_at__lt=year_ago).exists()
    assert Breach.objects.filter(state__in=OPEN_STATES).exists()
    states = Counter(Breach.objects.values_list("state", flat=True))
    assert states[BreachState.CLOSED] + states[BreachState.RESOLVED] > 0.8 * sum(states.values())
    outcomes = set(Breach.objects.exclude(outcome="").values_list("outcome", flat=True))
    assert outcomes == {"upheld", "not_upheld", "no_further_action"}


def test_working_days_taken_are_net_of_the_days_waiting_for_a_reply(bench):
    resolved = Breach.objects.filter(resolved_at__isnull=False)
    assert resolved.filter(paused_working_days__gt=0).exists()
    for breach in resolved.order_by("pk")[:300]:
        reported = timezone.localtime(breach.reported_at).date()
        finished = timezone.localtime(breach.resolved_at).date()
        expected = working_days_between(reported, finished) - breach.paused_working_days
        assert breach.working_days_taken == max(expected, 0)


def test_enough_breaches_have_long_timelines_for_the_breach_page_benchmark(bench):
    sizes = Breach.objects.annotate(n=Count("events")).values_list("n", flat=True)
    rich = [n for n in sizes if RICH_EVENTS[0] <= n <= RICH_EVENTS[1]]
    assert len(rich) >= rich_breach_count(breach_count(SCALE)) == 12
    assert rich_breach_count(breach_count(10)) >= 100


def test_each_region_has_an_mou_history_signed_by_most_of_its_las(bench):
    versions = defaultdict(list)
    for version in MOUVersion.objects.select_related("mou__region"):
        versions[version.mou.region.code].append(version)
    assert len(versions) == 9
    for region_versions in versions.values():
        assert [v.status for v in region_versions] == [VersionStatus.PUBLISHED] * 3
        states = sorted(v.state for v in region_versions)
        assert states == [VersionState.ENDED, VersionState.ENDED, VersionState.IN_FORCE]
        for version in region_versions:
            assert version.rules.count() >= 6
            assert version.escalation_levels.count() == 4
            assert version.price_caps.exists()
            assert (version.effective_to is None) == (version.state == VersionState.IN_FORCE)
    active = Signatory.objects.filter(
        version__in=MOUVersion.objects.in_force(on=timezone.localdate())
    )
    assert active.count() == LocalAuthority.objects.count()
    assert active.filter(status=SignatoryStatus.SIGNED).count() > 0.7 * active.count()
    assert set(active.values_list("status", flat=True)) >= {"signed", "invited", "declined"}


def test_some_cap_exceptions_are_in_force(bench):
    assert CapException.objects.in_force(on=timezone.localdate()).exists()


def test_people_share_one_password_hash_and_the_bench_people_can_pass_two_factor(bench):
    assert User.objects.values("password").distinct().count() == 1
    for person in BENCH_PEOPLE.values():
        user = User.objects.get(email=person.email)
        assert user.memberships.get().role == person.role
        assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    dcs = User.objects.get(email=BENCH_PEOPLE["dcs"].email).memberships.get()
    assert dcs.local_authority.name == "Camden"


def test_a_breach_logged_afterwards_takes_the_next_reference(bench):
    lead = User.objects.get(email=BENCH_PEOPLE["lead"].email)
    breach = logged_breach(local_authority("202"), reporter=lead, occurred_on=timezone.localdate())
    year = timezone.localdate().year
    numbers = [
        int(reference.rsplit("-", 1)[1])
        for reference in Breach.objects.filter(reference__startswith=f"LDN-{year}-").values_list(
            "reference", flat=True
        )
    ]
    assert int(breach.reference.rsplit("-", 1)[1]) == max(numbers)
    assert Breach.objects.filter(reference=breach.reference).count() == 1


def test_the_working_day_table_agrees_with_the_portals_working_days():
    table = WorkingDays(datetime.date(2019, 1, 1), datetime.date(2027, 12, 31))
    day = datetime.date(2020, 12, 20)
    for offset in range(0, 500, 7):
        start = day + datetime.timedelta(days=offset)
        for days in (0, 1, 5, 10, 23):
            assert table.add(start, days) == add_working_days(start, days)
            end = start + datetime.timedelta(days=days * 2)
            assert table.between(start, end) == working_days_between(start, end)


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("portal_bench", True),
        ("/srv/portal/portal_bench.sqlite3", True),
        ("portal", False),
        ("test_portal", False),
        ("portal_bench_copy", False),
        ("", False),
    ],
)
def test_only_databases_named_for_the_benchmark_are_filled(name, allowed):
    assert is_bench_database({"NAME": name}) is allowed


def test_ten_years_of_quarterly_returns_for_every_la(bench):
    from datasharing import services
    from datasharing.models import DataReturn, ReturnPeriod, Revision, RevisionState

    las = LocalAuthority.objects.count()
    assert ReturnPeriod.objects.count() == 9 * 40
    assert bench["return periods"] == 360
    older = DataReturn.objects.exclude(
        period__in=ReturnPeriod.objects.order_by("-year", "-quarter")[:9]
    )
    assert older.count() == las * 39  # every LA, every older quarter
    assert set(Revision.objects.filter(data_return__in=older).values_list("state", flat=True)) == {
        RevisionState.AUTHORISED
    }
    assert Revision.objects.filter(submitted_late=True).exists()
    for revision in Revision.objects.filter(state=RevisionState.AUTHORISED).order_by("?")[:10]:
        assert revision.lines.count() == 5
        assert not services.revision_check(revision).errors  # returns the portal could accept


def test_each_region_has_a_data_sharing_agreement_most_las_party_to_it(bench):
    from datasharing.agreements import sharing_las
    from datasharing.models import AgreementParty, ReturnPeriod, SharingAgreement

    assert SharingAgreement.objects.filter(status="published").count() == 9
    las = LocalAuthority.objects.count()
    parties = AgreementParty.objects.count()
    assert las * 0.8 < parties < las
    last_quarter_end = max(p.ends_on for p in ReturnPeriod.objects.all())
    shared = sharing_las(LocalAuthority.objects.values_list("pk", flat=True), [last_quarter_end])
    assert len(shared) == parties


def test_ten_years_of_quarterly_governance_for_every_region(bench):
    from governance.models import Group, Meeting, Minutes, Pack
    from governance.quorum import members_at, quorum

    assert Group.objects.count() == 9 * 4
    assert bench["governance meetings"] == 9 * 4 * 41
    for group in Group.objects.exclude(kind="supplier_forum"):
        assert group.meetings.count() == 41
        held = group.meetings.filter(starts_at__lt=timezone.now()).order_by("-starts_at")[0]
        members = members_at(held, list(group.members.all()))
        statuses = {a.member_id: a.status for a in held.attendance.all()}
        assert set(statuses) == {m.pk for m in members}  # attendance for every member
        assert quorum(group, members, statuses).recorded
    assert Minutes.objects.filter(state="published").count() == 9 * 4 * 39
    member = User.objects.get(email=BENCH_PEOPLE["member"].email)
    assert Group.objects.visible_to(member).count() == 2
    assert Pack.objects.get().meeting.starts_at > timezone.now()
    assert Meeting.objects.visible_to(member).count() == 2 * 41
