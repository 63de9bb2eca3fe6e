"""What the benchmark's data set holds, and the guard that keeps it out of live databases.

Breaches and their timeline events multiply by the scale; the registry (MSPs, agencies, people,
MOUs) is the same at every scale. scripts/bench.py reads these numbers to know whether a database
already holds the data set it needs.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from accounts.roles import Role

# The data set at scale 1. Breaches and their events multiply by the scale; the rest is fixed.
BREACHES_PER_SCALE = 20_000
EVENTS_PER_SCALE = 100_000
AGENCIES = 2_000
PEOPLE = 5_000
YEARS = 10
DEFAULT_SEED = 2026
# The breach-page benchmark rotates over breaches with this many events.
RICH_EVENTS = (20, 50)
RICH_MINIMUM = 120

BENCH_SUFFIX = "_bench"
LONDON = ZoneInfo("Europe/London")
ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class BenchPerson:
    email: str
    name: str
    role: str
    region: str | None = None  # region code
    local_authority: str | None = None  # DfE LA code


# The people the benchmark signs in as (scripts/bench.py), at fixed addresses.
BENCH_PEOPLE = {
    "admin": BenchPerson("bench-admin@example.org", "Bench National Admin", Role.ADMIN),
    "lead": BenchPerson(
        "bench-lead@example.org", "Bench London Lead", Role.REGIONAL_LEAD, region="LDN"
    ),
    "dcs": BenchPerson(
        "bench-dcs@example.org", "Bench Camden DCS", Role.DCS, local_authority="202"
    ),
    "observer": BenchPerson("bench-observer@example.org", "Bench Observer", Role.OBSERVER),
    # Sits on London's DCS board and a sub-regional group for Camden, and holds no other role
    "member": BenchPerson(
        "bench-member@example.org", "Bench Group Member", Role.GROUP_MEMBER, local_authority="202"
    ),
}


def is_bench_database(settings_dict: dict[str, Any]) -> bool:
    """Only a database named for the benchmark may be filled: `portal_bench`, or a SQLite file
    such as `portal_bench.sqlite3`."""
    name = str(settings_dict.get("NAME") or "")
    return name.endswith(BENCH_SUFFIX) or Path(name).stem.endswith(BENCH_SUFFIX)


def breach_count(scale: float) -> int:
    return round(BREACHES_PER_SCALE * scale)


def event_count(scale: float) -> int:
    return round(EVENTS_PER_SCALE * scale)


def rich_breach_count(breaches: int) -> int:
    """How many breaches get 20 to 50 events: at least 120 once there are 12,000 breaches."""
    return min(max(RICH_MINIMUM, breaches // 200), breaches // 100)
