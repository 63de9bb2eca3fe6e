"""The shared cache and sessions for more than one server (issue 21, part 1): REDIS_URL puts
the cache on Redis with the deployment's key prefix and sessions in the database read through
it; Redis unreachable is a cache miss, so pages and sessions keep working from the database;
without REDIS_URL the cache stays in the process and sessions in the database.

The tests against a real Redis use their own key prefix and never flush the server. CI starts
Redis (.ci/run); elsewhere they are skipped when nothing answers on REDIS_TEST_URL."""

import json
import os
import socket
import uuid
from urllib.parse import urlparse

import pytest
from django.contrib.sessions.backends.cached_db import SessionStore
from django.core.cache import caches

from kernel.cache import ResilientRedisCache
from tests.test_settings import _settings

pytestmark = pytest.mark.django_db
REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/0")
UNREACHABLE = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def _redis_answers() -> bool:
    parsed = urlparse(REDIS_TEST_URL)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or 6379), timeout=0.5):
            return True
    except OSError:
        return False


needs_redis = pytest.mark.skipif(
    not _redis_answers(), reason="needs a Redis server at REDIS_TEST_URL (CI starts one)"
)


def _cache_settings(location: str, prefix: str) -> dict:
    return {
        "default": {
            "BACKEND": "kernel.cache.ResilientRedisCache",
            "LOCATION": location,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


def test_redis_url_puts_the_cache_on_redis_and_sessions_in_the_database_through_it():
    read = _settings(
        "governance_portal.settings",
        DJANGO_DEBUG="true",
        REDIS_URL="redis://cache.internal:6379/0",
        CACHE_KEY_PREFIX="portal-staging",
    )
    assert "kernel.cache.ResilientRedisCache" in read["CACHES"]
    assert "portal-staging" in read["CACHES"]
    assert json.loads(read["SESSION_ENGINE"].replace("'", '"')) == (
        "django.contrib.sessions.backends.cached_db"
    )
    local = _settings("governance_portal.settings", DJANGO_DEBUG="true")
    assert "LocMemCache" in local["CACHES"]
    assert "backends.db" in local["SESSION_ENGINE"]


def test_an_unreachable_redis_is_a_cache_miss():
    cache = ResilientRedisCache(UNREACHABLE, {"OPTIONS": {"socket_connect_timeout": 0.2}})
    cache.set("k", "v")
    assert cache.get("k", "missed") == "missed"
    assert cache.get_many(["k"]) == {}
    assert cache.add("k", "v") is False
    assert cache.delete("k") is False


def test_pages_and_sessions_keep_working_with_redis_down(client, settings, regional_lead):
    settings.CACHES = _cache_settings(UNREACHABLE, f"test-{uuid.uuid4().hex}")
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    assert isinstance(caches["default"], ResilientRedisCache)
    client.force_login(regional_lead)
    assert client.get("/").status_code == 200  # the session read from the database
    assert client.get("/dashboards/LDN/").status_code == 200  # figures computed


@needs_redis
def test_a_session_survives_a_restart_of_the_cache(settings, regional_lead):
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = _cache_settings(REDIS_TEST_URL, prefix)
    cache = ResilientRedisCache(REDIS_TEST_URL, {"KEY_PREFIX": prefix})
    store = SessionStore()
    store["_auth_user_id"] = str(regional_lead.pk)
    store.create()
    key = store.session_key
    store.save()
    # the cached copy gone (a restart of Redis, or another server's): read from the database
    cache.delete(SessionStore.cache_key_prefix + key)
    assert SessionStore(session_key=key).load()["_auth_user_id"] == str(regional_lead.pk)


@needs_redis
def test_the_deployments_prefix_keeps_its_keys_apart():
    ours = ResilientRedisCache(REDIS_TEST_URL, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    theirs = ResilientRedisCache(REDIS_TEST_URL, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    ours.set("figure", 1, 30)
    assert ours.get("figure") == 1
    assert theirs.get("figure") is None
    ours.delete("figure")


def test_the_readiness_check_reports_each_part_without_secrets(client, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "cache": "in process",
        "storage": "ok",
        "broker": "in process",
    }
    settings.REDIS_URL = UNREACHABLE
    settings.CACHES = _cache_settings(UNREACHABLE, f"test-{uuid.uuid4().hex}")
    response = client.get("/readyz")
    assert response.status_code == 200  # pages work without the cache
    assert (response.json()["status"], response.json()["cache"]) == ("degraded", "unreachable")
    assert "127.0.0.1" not in response.content.decode()
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "missing"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["storage"] == "unwritable"
    assert str(tmp_path) not in response.content.decode()


@needs_redis
def test_the_readiness_check_sees_a_working_redis(client, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    settings.REDIS_URL = REDIS_TEST_URL
    settings.CACHES = _cache_settings(REDIS_TEST_URL, f"test-{uuid.uuid4().hex}")
    assert client.get("/readyz").json()["cache"] == "ok"
