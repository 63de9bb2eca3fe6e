"""Two people, or two runs, at the same moment: tested on PostgreSQL with real connections.

SQLite cannot show this (it has no row locks), so these run only on PostgreSQL, which CI uses.
"""

import datetime
import threading

import pytest
from django.db import connection, connections

from breaches import services
from breaches.models import Breach, EventKind
from breaches.workflow import StaleBreach, breach_act, escalate_overdue
from tests.factories import local_authority, logged_breach, mou_version, person_with_role, region

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL's row locks (CI runs it)"
    ),
]


def _in_threads(*targets):
    """Run each target in its own thread (so its own database connection), released together."""
    barrier = threading.Barrier(len(targets))
    results: list = [None] * len(targets)

    def run(i, target):
        try:
            barrier.wait()
            results[i] = target()
        except Exception as error:
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def setup(reference_data):
    version = mou_version("LDN")
    from accounts.roles import Role

    return (
        version,
        person_with_role(Role.REGIONAL_LEAD, region=region("LDN")),
        person_with_role(Role.REGIONAL_LEAD, region=region("LDN")),
    )


def test_two_people_logging_at_once_get_different_references(setup):
    version, first, second = setup

    def log(person):
        new = services.NewBreach(
            rule=version.rules.get(kind="notice_weeks"),
            breach_type="notice",
            occurred_on=datetime.date(2026, 3, 2),
            description="x",
            local_authorities=[local_authority("202")],
        )
        return lambda: services.breach_log(new=new, actor=person).reference

    results = _in_threads(log(first), log(second), log(first), log(second))
    assert all(isinstance(r, str) for r in results), results
    assert len(set(results)) == 4
    assert Breach.objects.count() == 4


def test_two_people_acting_at_once_the_second_is_told_it_changed(setup):
    _, first, second = setup
    breach = logged_breach(local_authority("202"), reporter=first)
    seen = breach.version
    results = _in_threads(
        lambda: breach_act(breach=breach, action="accept", actor=first, expected_version=seen),
        lambda: breach_act(
            breach=breach,
            action="close_not_breach",
            actor=second,
            note="Not one",
            expected_version=seen,
        ),
    )
    assert sum(isinstance(r, Breach) for r in results) == 1
    assert sum(isinstance(r, StaleBreach) for r in results) == 1
    assert Breach.objects.get(pk=breach.pk).events.exclude(kind=EventKind.LOGGED).count() == 1


def test_two_escalation_runs_at_once_escalate_once(setup):
    _, first, _ = setup
    breach = logged_breach(local_authority("202"), reporter=first)
    breach_act(breach=breach, action="accept", actor=first, today=datetime.date(2027, 1, 4))
    as_of = datetime.date(2027, 1, 25)
    results = _in_threads(
        lambda: escalate_overdue(as_of=as_of), lambda: escalate_overdue(as_of=as_of)
    )
    escalated = sum(len(r.escalated) for r in results)
    assert escalated == 1, results
    breach.refresh_from_db()
    assert breach.level.order == 2
    assert breach.events.filter(kind=EventKind.ESCALATED).count() == 1
