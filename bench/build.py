"""A synthetic national data set for the benchmark (`manage.py seed_bench`, docs/benchmark.md).

Page speed and query counts only mean something against national volumes: ten years of breaches
with full timelines in every region. The real services are far too slow to make a million
events, so records are written in bulk (COPY on PostgreSQL for breaches, parties and events),
but each breach's state and timeline come from a replay of the workflow's rules (timelines.py),
so the figures the pages show are figures the portal could have produced.

Deterministic: one seeded random.Random; the same seed, scale and day give the same records.
The modules: shape (what the data set holds, and the database-name guard), registry (MSPs,
agencies, people, MOUs and the rest), timelines (breaches and their events), rows (bulk
writing), words (names and sentences).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial

from django.db import transaction

from bench.governance import add_governance
from bench.registry import Registry
from bench.returns import add_data_returns
from bench.shape import DEFAULT_SEED
from bench.timelines import breaches_build
from breaches.models import Breach


def build_bench_data(
    *, scale: float, seed: int = DEFAULT_SEED, log: Callable[[str], None] = print
) -> dict[str, int]:
    """Fill a database holding no breaches with the data set at `scale`, in one transaction;
    returns how many of each record were made. `log` receives a line per step with its time."""
    if scale <= 0:
        raise ValueError("The scale must be more than 0")
    if Breach.objects.exists():
        raise RuntimeError("The database already holds breaches: seed an empty database")
    registry = Registry(seed=seed)
    steps: list[tuple[str, Callable[[], object]]] = [
        ("reference data", registry.add_reference_data),
        ("MSPs and agencies", registry.add_supply_chain),
        ("people", registry.add_people),
        ("MOUs", registry.add_mous),
        ("contracts and standings", registry.add_contracts_and_standings),
        ("cap exceptions", registry.add_cap_exceptions),
        ("supplier reviews", registry.add_reviews),
        ("breaches", partial(breaches_build, registry, scale=scale)),
        ("data returns", partial(add_data_returns, registry)),
        ("governance", partial(add_governance, registry)),
    ]
    with transaction.atomic():
        for name, step in steps:
            started = time.monotonic()
            step()
            log(f"  {name}: {time.monotonic() - started:.1f}s")
    return registry.counts
