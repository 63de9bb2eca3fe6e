"""Fixtures shared by every test: reference data, and one signed-in person per role.

The cast (London unless named otherwise; Camden is in London, Newcastle in the North East):
national_admin, london_admin, regional_lead, dcs (Camden), la_workforce_lead (Camden),
msp_contact (an MSP with a current contract with Camden), observer, and outsiders:
north_east_lead, newcastle_dcs.
"""

import os

import pytest
from django.core.cache import cache
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.backends import forget_rows
from accounts.roles import Role
from mou.services import reference_data_load
from tests.factories import MSPContractFactory, local_authority, person_with_role, region


class PortalClient(Client):
    """A test client whose force_login hands back a session that has passed two-factor sign-in
    (as a person who set up an authenticator app would have), unless verified=False."""

    def force_login(self, user, backend=None, *, verified: bool = True) -> None:
        super().force_login(user, backend or "accounts.backends.PortalBackend")
        if verified:
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = confirmed_device(user).persistent_id
            session.save()


def confirmed_device(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Test app", confirmed=True)


@pytest.fixture
def client() -> PortalClient:
    return PortalClient()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the reference data once; tests that roll back keep it."""
    with django_db_blocker.unblock():
        reference_data_load()


@pytest.fixture
def reference_data(db):
    """Reference data for tests that run after a browser test emptied the tables."""
    reference_data_load()


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    # Every email through the outbox, as in the portal, delivered to Django's test outbox
    # (mail.outbox) once the change commits.
    settings.EMAIL_BACKEND = "kernel.outbox.OutboxBackend"
    settings.OUTBOX_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    forget_rows()  # the people a process keeps (accounts/backends.py) are the test's own
    # Cached dashboard figures are keyed by a data token that a test's rollback restores: one
    # test must not read another's figures.
    cache.clear()


@pytest.fixture
def london(reference_data):
    return region("LDN")


@pytest.fixture
def north_east(reference_data):
    return region("NE")


@pytest.fixture
def camden(reference_data):
    return local_authority("202")


@pytest.fixture
def newcastle(reference_data):
    return local_authority("391")


@pytest.fixture
def national_admin(reference_data):
    return person_with_role(Role.ADMIN)


@pytest.fixture
def london_admin(london):
    return person_with_role(Role.ADMIN, region=london)


@pytest.fixture
def regional_lead(london):
    return person_with_role(Role.REGIONAL_LEAD, region=london)


@pytest.fixture
def dcs(camden):
    return person_with_role(Role.DCS, local_authority=camden)


@pytest.fixture
def la_workforce_lead(camden):
    return person_with_role(Role.LA_WORKFORCE_LEAD, local_authority=camden)


@pytest.fixture
def camden_msp(camden):
    return MSPContractFactory(local_authority=camden).msp


@pytest.fixture
def msp_contact(camden_msp):
    return person_with_role(Role.MSP_CONTACT, msp=camden_msp)


@pytest.fixture
def observer(reference_data):
    return person_with_role(Role.OBSERVER)


@pytest.fixture
def group_member(camden):
    """Someone who sits on governance groups for Camden and holds no other role."""
    return person_with_role(Role.GROUP_MEMBER, local_authority=camden)


@pytest.fixture
def north_east_lead(north_east):
    return person_with_role(Role.REGIONAL_LEAD, region=north_east)


@pytest.fixture
def newcastle_dcs(newcastle):
    return person_with_role(Role.DCS, local_authority=newcastle)


ROLE_FIXTURES = [
    "national_admin",
    "london_admin",
    "regional_lead",
    "dcs",
    "la_workforce_lead",
    "msp_contact",
    "observer",
]


def pytest_sessionfinish(session, exitstatus):
    """In CI (PYTEST_FAIL_ON_SKIP=1) a skipped test fails the run: nothing passes by not running."""
    if os.environ.get("PYTEST_FAIL_ON_SKIP") != "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(f"{len(skipped)} test(s) skipped: CI fails on any skip.", red=True)
        session.exitstatus = 1
