from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmark's synthetic national data set and `seed_bench`: for development only,
    installed when BENCH=1 (make test and make bench set it; a live portal never does)."""

    name = "bench"
    verbose_name = "Benchmark data (development only)"
