"""The settings refuse to start a non-debug portal without a secret key."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run_check(**env_overrides: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_refuses_to_start_without_secret_key_when_not_debug():
    result = _run_check(DJANGO_DEBUG="false")
    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr


def test_starts_with_a_secret_key():
    result = _run_check(DJANGO_DEBUG="false", DJANGO_SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr


def test_debug_runs_without_a_secret_key():
    result = _run_check(DJANGO_DEBUG="true")
    assert result.returncode == 0, result.stderr
