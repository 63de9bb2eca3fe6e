"""The settings the test suite runs on (pyproject.toml's DJANGO_SETTINGS_MODULE; docs/adr/0017).

They are the portal's own settings (governance_portal/settings.py), read from an environment the
tests declare rather than the one they were started in. Whatever the shell or a .env file holds
(DJANGO_DEBUG=true left over from running the demo, SECURE_* from trying production settings),
the suite runs on the same settings as in CI: every setting takes its default, which is the
production one, except for what DECLARED sets. Only DATABASE_URL comes through from outside, so
CI can run the suite on PostgreSQL.

A test that needs another value sets it itself (pytest-django's `settings` fixture). Tests of how
the settings read the environment run them in a subprocess (tests/test_settings.py).
"""

import os
from unittest import mock

PASSED_THROUGH = ("DATABASE_URL",)
DECLARED = {
    "DJANGO_ENV_FILE": "",  # read no .env file
    # DJANGO_DEBUG is false, as on a live portal, so a key is needed: this one is for tests only.
    "DJANGO_SECRET_KEY": "tests-only-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
    "BENCH": "true",  # the benchmark's app, which tests/bench tests
}


def environment() -> dict[str, str]:
    """The whole environment the portal's settings are read from in a test run."""
    passed = {name: os.environ[name] for name in PASSED_THROUGH if name in os.environ}
    return passed | DECLARED


# The process environment is swapped only while the settings module runs, and restored after.
with mock.patch.dict(os.environ, environment(), clear=True):
    from governance_portal.settings import *  # noqa: F403
