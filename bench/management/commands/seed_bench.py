"""`manage.py seed_bench --scale N`: the benchmark's national data set (docs/benchmark.md).

It writes hundreds of thousands of synthetic rows, so it refuses any database whose name does not
end with `_bench`: a mistyped DATABASE_URL must never fill a live portal with made-up breaches.
"""

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from bench.build import build_bench_data
from bench.shape import BENCH_SUFFIX, DEFAULT_SEED, is_bench_database
from breaches.models import Breach
from dashboards.cache import new_token


class Command(BaseCommand):
    help = "Fill a benchmark database (its name ends with _bench) with a national data set."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="1 makes 20,000 breaches and 100,000 timeline events; 10 makes ten times as many",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Empty every table of the bench database first (it refuses a database that "
            "already holds breaches otherwise)",
        )
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Random seed")

    def handle(self, *args, scale: float, reset: bool, seed: int, **options) -> None:
        name = connection.settings_dict["NAME"]
        if not is_bench_database(connection.settings_dict):
            raise CommandError(
                f"seed_bench refuses the database '{name}': its name does not end with "
                f"'{BENCH_SUFFIX}'. It fills a database with synthetic records, so it only runs "
                f"against a database made for the benchmark, such as portal{BENCH_SUFFIX}."
            )
        if scale <= 0:
            raise CommandError("--scale must be more than 0")
        started = time.monotonic()
        if reset:
            self.stdout.write(f"Emptying {name}")
            call_command("flush", interactive=False, verbosity=0)
        elif Breach.objects.exists():
            raise CommandError(
                f"{name} already holds breaches. Use --reset to empty it and seed again."
            )
        self.stdout.write(f"Seeding {name} at scale {scale:g}")
        counts = build_bench_data(scale=scale, seed=seed, log=self.stdout.write)
        new_token()  # COPY and bulk writes send no signals: cached dashboard figures are stale
        with connection.cursor() as cursor:
            # Statistics for the planner, and on PostgreSQL the visibility map that index-only
            # scans need, as on a database autovacuum has visited.
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        for what, n in counts.items():
            self.stdout.write(f"  {n:>9,} {what}")
        self.stdout.write(
            self.style.SUCCESS(f"Seeded in {time.monotonic() - started:.1f}s, statistics gathered")
        )
