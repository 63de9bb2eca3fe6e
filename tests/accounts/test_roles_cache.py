"""A person's roles cached in the shared cache (issue 21): read from the cache after the first
request, and a change stops working on the very next request: a removed role, a deactivated
person, an ended contract (written, or ending today with no write: the key names the day)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import Role
from accounts.services import membership_remove
from tests.factories import MSPContractFactory, person_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _roles_cache(settings):
    settings.ROLES_CACHE = True


def _membership_reads(client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        status = client.get(url).status_code
    reads = sum('FROM "accounts_membership"' in q["sql"] for q in ctx.captured_queries)
    return status, reads


def test_roles_are_read_once_then_from_the_cache(client, regional_lead):
    client.force_login(regional_lead)
    assert _membership_reads(client, "/governance/regions/LDN/representation/") == (200, 1)
    assert _membership_reads(client, "/governance/regions/LDN/representation/") == (200, 0)


def test_a_removed_role_stops_working_on_the_very_next_request(
    client, regional_lead, django_capture_on_commit_callbacks
):
    client.force_login(regional_lead)
    url = "/governance/regions/LDN/representation/"
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200  # from the cache
    with django_capture_on_commit_callbacks(execute=True):
        membership_remove(membership=regional_lead.memberships.get(), actor=None)
    assert client.get(url).status_code in (403, 404)


def test_an_ended_contract_ends_an_msp_contacts_scope_at_midnight_and_at_once(
    client, camden, time_machine, django_capture_on_commit_callbacks
):
    london = datetime.timezone(datetime.timedelta(hours=1))  # British Summer Time
    time_machine.move_to(datetime.datetime(2026, 10, 5, 23, 58, tzinfo=london), tick=False)
    # in force through its last day, the 5th
    ending = MSPContractFactory(local_authority=camden, ends_on=datetime.date(2026, 10, 5))
    contact = person_with_role(Role.MSP_CONTACT, msp=ending.msp)
    client.force_login(contact)
    url = "/governance/regions/LDN/directory/"
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200  # from the cache
    # within the cached entry's 5 minutes: only the day in its key makes it stale
    time_machine.move_to(datetime.datetime(2026, 10, 6, 0, 1, tzinfo=london), tick=False)
    assert client.get(url).status_code == 404  # it ended at midnight, with no write

    running = MSPContractFactory(local_authority=camden)
    other = person_with_role(Role.MSP_CONTACT, msp=running.msp)
    client.force_login(other)
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200  # from the cache
    with django_capture_on_commit_callbacks(execute=True):
        running.ends_on = datetime.date(2026, 10, 5)  # ended yesterday
        running.save()
    assert client.get(url).status_code == 404  # written: at once


def test_without_the_setting_roles_are_read_each_request(client, settings, regional_lead):
    settings.ROLES_CACHE = False
    client.force_login(regional_lead)
    client.get("/governance/")
    assert _membership_reads(client, "/governance/")[1] == 1


# Two-factor devices are read with the roles (accounts.middleware.TwoFactorStateMiddleware) ----

TWO_FACTOR_PAGE = "/governance/regions/LDN/representation/"


def _device_reads(client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        status = client.get(url).status_code
    return status, sum('"otp_' in q["sql"] for q in ctx.captured_queries)


def test_a_verified_session_is_checked_from_the_cache_without_a_device_query(client, regional_lead):
    client.force_login(regional_lead)
    assert _device_reads(client, TWO_FACTOR_PAGE)[0] == 200
    assert _device_reads(client, TWO_FACTOR_PAGE) == (200, 0)


@pytest.mark.parametrize("shared_cache", [True, False])
def test_a_removed_device_stops_verifying_on_the_very_next_request(
    client, regional_lead, settings, shared_cache, django_capture_on_commit_callbacks
):
    settings.ROLES_CACHE = shared_cache
    settings.REQUIRE_2FA = True
    client.force_login(regional_lead)
    assert client.get(TWO_FACTOR_PAGE).status_code == 200
    assert client.get(TWO_FACTOR_PAGE).status_code == 200  # from the cache when shared
    with django_capture_on_commit_callbacks(execute=True):
        TOTPDevice.objects.filter(user=regional_lead).delete()
    response = client.get(TWO_FACTOR_PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/two-factor/set-up/")
    assert DEVICE_ID_SESSION_KEY not in client.session


@pytest.mark.parametrize("shared_cache", [True, False])
def test_another_persons_device_or_an_unconfirmed_one_does_not_verify(
    client, regional_lead, dcs, settings, shared_cache
):
    settings.ROLES_CACHE = shared_cache
    settings.REQUIRE_2FA = True
    theirs = TOTPDevice.objects.create(user=dcs, name="Their app", confirmed=True)
    unconfirmed = TOTPDevice.objects.create(user=regional_lead, name="New app", confirmed=False)
    for device in (theirs, unconfirmed):
        client.force_login(regional_lead, verified=False)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        response = client.get(TWO_FACTOR_PAGE)
        assert response.status_code == 302, device
        assert response["Location"].startswith("/account/two-factor/")


def test_an_entry_of_another_shape_is_never_read(client, regional_lead):
    """Servers of two releases share the cache while one replaces the other: an entry an older
    release wrote (memberships and MSP regions only, under the stamps of today) is not read."""
    from django.core.cache import cache
    from django.utils import timezone

    client.force_login(regional_lead)
    assert client.get(TWO_FACTOR_PAGE).status_code == 200
    stamps = (
        cache.get(f"roles-stamp:{regional_lead.pk}"),
        cache.get("roles-stamp:contracts"),
        f"{timezone.localdate():%Y%m%d}",
    )
    cache.set(f"roles:{regional_lead.pk}", (stamps, ([], {})), 300)  # the older shape
    assert client.get(TWO_FACTOR_PAGE).status_code == 200


def test_a_persons_confirmed_devices_are_read_in_one_query(regional_lead, dcs):
    from django_otp.plugins.otp_static.models import StaticDevice

    from accounts.scope import confirmed_device_ids

    app = TOTPDevice.objects.create(user=regional_lead, name="App", confirmed=True)
    codes = StaticDevice.objects.create(user=regional_lead, name="Codes", confirmed=True)
    TOTPDevice.objects.create(user=regional_lead, name="Unconfirmed", confirmed=False)
    TOTPDevice.objects.create(user=dcs, name="Theirs", confirmed=True)
    with CaptureQueriesContext(connection) as ctx:
        ids = confirmed_device_ids(regional_lead)
    assert len(ctx.captured_queries) == 1
    assert ids == {app.persistent_id, codes.persistent_id}


# The signed-in person's row, kept in the process for their stamp (accounts/backends.py) -------


def _person_reads(client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        status = client.get(url).status_code
    return status, sum('FROM "accounts_user"' in q["sql"] for q in ctx.captured_queries)


def test_the_signed_in_person_is_read_from_the_database_until_their_stamp_is_cached(
    client, regional_lead
):
    client.force_login(regional_lead)
    assert _person_reads(client, TWO_FACTOR_PAGE) == (200, 1)  # no stamp yet
    assert _person_reads(client, TWO_FACTOR_PAGE) == (200, 1)  # read, then kept
    assert _person_reads(client, TWO_FACTOR_PAGE) == (200, 0)


def test_a_deactivated_person_is_signed_out_on_the_very_next_request(
    client, regional_lead, django_capture_on_commit_callbacks
):
    from accounts.services import person_set_active

    client.force_login(regional_lead)
    for _ in range(3):
        assert client.get(TWO_FACTOR_PAGE).status_code == 200  # kept after the second
    with django_capture_on_commit_callbacks(execute=True):
        person_set_active(person=regional_lead, active=False, actor=None)
    response = client.get(TWO_FACTOR_PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def test_a_changed_password_signs_out_the_persons_other_sessions_at_once(
    client, regional_lead, django_capture_on_commit_callbacks
):
    client.force_login(regional_lead)
    for _ in range(3):
        assert client.get(TWO_FACTOR_PAGE).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        regional_lead.set_password("a-new-and-long-password-2026")
        regional_lead.save()
    response = client.get(TWO_FACTOR_PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def test_with_the_cache_unreachable_the_person_comes_from_the_database(
    client, regional_lead, monkeypatch
):
    client.force_login(regional_lead)
    for _ in range(3):
        client.get(TWO_FACTOR_PAGE)
    monkeypatch.setattr("accounts.backends.roles_read", lambda user_id: {})  # no stamps
    assert _person_reads(client, TWO_FACTOR_PAGE) == (200, 1)


def test_the_shared_cache_never_holds_a_password_hash(client, regional_lead):
    from django.core.cache import cache

    client.force_login(regional_lead)
    for _ in range(3):
        assert client.get(TWO_FACTOR_PAGE).status_code == 200
    held = b"".join(cache._cache.values())  # locmem: every value, as stored (pickled)
    assert b"roles-stamp" in b"".join(k.encode() for k in cache._cache)  # the roles are there
    assert regional_lead.password.split("$")[-1].encode() not in held
