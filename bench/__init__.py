"""The benchmark's synthetic national data set (docs/benchmark.md): a development-only app,
installed when BENCH=1. `bench.build.build_bench_data` writes it; `manage.py seed_bench` runs it."""
