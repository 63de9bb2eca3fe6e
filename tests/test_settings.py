"""How the settings read the environment, and that the tests run on the settings they declare.

Each check runs Python in a subprocess with exactly the environment it gives (no .env file unless
it names one), because the settings are read once, when a process starts.
"""

import json
import os
import subprocess  # nosec B404: runs this project's own Python with fixed arguments
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# What someone who also runs the demo, or tries production settings, might hold in their shell.
HOSTILE = {
    "DJANGO_DEBUG": "true",
    "DJANGO_REQUIRE_2FA": "false",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "DJANGO_ALLOWED_HOSTS": "mou.example.org",
    "PORTAL_BASE_URL": "http://127.0.0.1:8123",
    "SESSION_IDLE_TIMEOUT_SECONDS": "5",
    "SIGN_IN_FAILURE_LIMIT": "1",
    "BENCH": "false",
}


def _run(args: list[str], **env_overrides: str) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ.get("PATH", ""), "DJANGO_ENV_FILE": "", **env_overrides}
    return subprocess.run(  # noqa: S603  # nosec B603: fixed arguments, no shell
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _run_check(**env_overrides: str) -> subprocess.CompletedProcess:
    return _run(["manage.py", "check"], **env_overrides)


# Prints every setting as JSON (DATABASES aside: it is the one value tests take from outside).
DUMP = """
import json
from django.conf import settings
values = {name: repr(getattr(settings, name)) for name in dir(settings) if name.isupper()}
values.pop("DATABASES")
print(json.dumps(values))
"""


def _settings(module: str, **env_overrides: str) -> dict[str, str]:
    result = _run(["-c", DUMP], DJANGO_SETTINGS_MODULE=module, **env_overrides)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


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


def test_a_dot_env_file_is_read_and_the_environment_wins(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("DJANGO_DEBUG=true\nPORTAL_BASE_URL=http://from-the-file.example\n")
    read = _settings(
        "governance_portal.settings",
        DJANGO_ENV_FILE=str(env_file),
        PORTAL_BASE_URL="http://from-the-environment.example",
    )
    assert read["DEBUG"] == "True"
    assert read["PORTAL_BASE_URL"] == repr("http://from-the-environment.example")


def test_the_tests_run_on_the_settings_they_declare_whatever_the_environment_holds(tmp_path):
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"][
        "ini_options"
    ]["DJANGO_SETTINGS_MODULE"]
    env_file = tmp_path / ".env"
    env_file.write_text("DJANGO_LOG_LEVEL=DEBUG\nUPLOAD_MAX_BYTES=10\n")
    clean = _settings(declared)
    polluted = _settings(declared, DJANGO_ENV_FILE=str(env_file), **HOSTILE)
    assert polluted == clean
    assert clean["DEBUG"] == clean["SECURE_SSL_REDIRECT"] == "False"
    assert clean["SESSION_COOKIE_SECURE"] == clean["CSRF_COOKIE_SECURE"] == "True"
    assert clean["REQUIRE_2FA"] == "True"
    assert "'bench'" in clean["INSTALLED_APPS"]


def test_the_session_tests_pass_with_the_demo_settings_in_the_environment():
    # As `make test` would run them for someone who keeps DJANGO_DEBUG=true in their shell.
    # SQLite in memory, whatever DATABASE_URL says: this run must not touch the outer run's
    # test database.
    result = _run(
        ["-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/security/test_sessions.py"],
        **HOSTILE,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert " passed" in result.stdout
