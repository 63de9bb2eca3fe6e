"""The dashboards' shared fixture: a hand-worked history of London breaches in 2026 Q1 and Q2."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from breaches.models import Breach, BreachEvent, EventKind
from breaches.workflow import breach_act
from dashboards.cache import new_token
from mou.models import Signatory, SignatoryStatus
from tests.factories import AgencyFactory, local_authority, logged_breach, mou_version

D = datetime.date
LONDON = ZoneInfo("Europe/London")
UTC = datetime.UTC
# The fixture's period: 2026 Q1 and Q2 (Q2 is "this quarter" for the quarter-on-quarter tables).
PERIOD = {"start": "2026-Q1", "end": "2026-Q2"}


def at(*args, tz=LONDON):
    return datetime.datetime(*args, tzinfo=tz)


def cold_and_warm_queries(load) -> list[int]:
    """Queries `load()` makes with the figures computed (cache empty), then read from the cache."""
    cache.clear()
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as ctx:
            load()
        counts.append(len(ctx.captured_queries))
    return counts


def _set(breach, **fields):
    """Change a breach behind the workflow's back. A bulk update sends no signal, so say that the
    data changed, as a committed save would (tests/dashboards/test_cache.py checks that)."""
    Breach.objects.filter(pk=breach.pk).update(**fields)
    new_token()


@pytest.fixture
def history(reference_data, regional_lead, north_east_lead):
    """London breaches over 2026 Q1 and Q2, worked out by hand:

    ref  LA       reported (London)      resolved (London)       days  outcome     agency
    A    Camden   10 Jan                 15 Feb (Q1)             10    upheld      Alpha
    B    Camden   20 Jan                 31 Mar 23:30 BST (Q1)   20    not upheld
    C    Camden   1 Feb                  1 Apr 00:30 BST (Q2)    5     upheld      Alpha
    D    Camden   2 Mar (Mon)            10 Apr (Q2, workflow)   27    upheld      Beta
    E    Hackney  15 Apr                 1 May (Q2)              8     not upheld
    F    Camden   1 Apr 00:30 BST (Q2)   open, under review, overdue
    Newcastle (North East) has one upheld breach resolved in Q2 with Alpha, in no London figure.

    D's 27 working days: 3 to 31 Mar is 21, 1 to 10 Apr is 6 (Good Friday 3 Apr and Easter Monday
    6 Apr 2026 are bank holidays). Medians: Q1 (10, 20) is 15; Q2 (5, 8, 27) is 8; Camden only in
    Q2 (5, 27) is 16.
    """
    version = mou_version("LDN")
    for la_code in ("202", "204"):
        Signatory.objects.create(
            version=version,
            local_authority=local_authority(la_code),
            status=SignatoryStatus.SIGNED,
            signed_on=D(2025, 10, 1),
        )
    camden, hackney = local_authority("202"), local_authority("204")
    alpha, beta = AgencyFactory(name="Alpha Agency"), AgencyFactory(name="Beta Agency")

    def breach(la, reported, *, agencies=(), breach_type="notice", **fields):
        b = logged_breach(
            la, reporter=regional_lead, agencies=list(agencies), breach_type=breach_type
        )
        _set(b, reported_at=reported, **fields)
        return b

    a = breach(camden, at(2026, 1, 10, 9), agencies=[alpha], breach_type="pqe")
    _set(
        a,
        state="resolved",
        outcome="upheld",
        resolved_at=at(2026, 2, 15, 12),
        working_days_taken=10,
    )
    b = breach(camden, at(2026, 1, 20, 9))
    _set(
        b,
        state="closed",
        outcome="not_upheld",
        resolved_at=at(2026, 3, 31, 23, 30),
        working_days_taken=20,
    )
    c = breach(camden, at(2026, 2, 1, 9), agencies=[alpha])
    _set(
        c,
        state="resolved",
        outcome="upheld",
        resolved_at=at(2026, 4, 1, 0, 30),
        working_days_taken=5,
    )
    d = breach(camden, at(2026, 3, 2, 9), agencies=[beta])
    d = Breach.objects.get(pk=d.pk)
    breach_act(breach=d, action="accept", actor=regional_lead, today=D(2026, 3, 2))
    breach_act(
        breach=Breach.objects.get(pk=d.pk),
        action="resolve",
        actor=regional_lead,
        outcome="upheld",
        today=D(2026, 4, 10),
    )
    _set(d, resolved_at=at(2026, 4, 10, 12))
    e = breach(hackney, at(2026, 4, 15, 9), breach_type="pqe")
    _set(
        e,
        state="resolved",
        outcome="not_upheld",
        resolved_at=at(2026, 5, 1, 12),
        working_days_taken=8,
    )
    f = breach(camden, at(2026, 4, 1, 0, 30))
    breach_act(
        breach=Breach.objects.get(pk=f.pk),
        action="accept",
        actor=regional_lead,
        today=D(2026, 1, 5),
    )
    # Escalations: to level 2 on 31 Mar 23:30 UTC (1 Apr in London: Q2), to level 3 in Q1.
    BreachEvent.objects.create(
        breach=f, kind=EventKind.ESCALATED, to_level=2, created_at=at(2026, 3, 31, 23, 30, tz=UTC)
    )
    BreachEvent.objects.create(
        breach=b, kind=EventKind.ESCALATED, to_level=3, created_at=at(2026, 2, 2, 10)
    )
    BreachEvent.objects.create(
        breach=e, kind=EventKind.ESCALATED, to_level=2, created_at=at(2026, 4, 20, 10)
    )
    newcastle = logged_breach(local_authority("391"), reporter=north_east_lead, agencies=[alpha])
    _set(
        newcastle,
        reported_at=at(2026, 4, 2, 9),
        state="resolved",
        outcome="upheld",
        resolved_at=at(2026, 5, 2, 9),
        working_days_taken=99,
    )
    BreachEvent.objects.create(
        breach=newcastle, kind=EventKind.ESCALATED, to_level=4, created_at=at(2026, 4, 20, 10)
    )
    return {"A": a, "B": b, "C": c, "D": d, "E": e, "F": f}
