"""The shared cache on Redis (`REDIS_URL`), which treats Redis being unreachable as a miss:
pages that need only the database keep working while it is down (figures are computed,
sessions read from the database), and each failure is logged once per call without secrets.

Django's own RedisCache does the work; this only catches connection errors around each call,
and keeps one Redis client per connection pool rather than making one for every call (redis-py
builds a table of some 170 reply handlers for each client: two thirds of a cache read's time).
`clear()` empties the whole Redis database, so nothing in the portal or its tests calls it on a
shared server: each deployment (and each test) has its own key prefix instead."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
T = TypeVar("T")
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)


class ReusedClient(RedisCacheClient):
    """Django's client, answering get_client (its hook for custom clients) with one Redis
    client per connection pool. A Redis client is safe to share: each command takes a
    connection from the pool."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = ReusedClient

    def _or(self, default: T, call: Callable[[], T]) -> T:
        try:
            return call()
        except UNAVAILABLE as error:
            logger.warning("Cache unavailable (%s): carrying on without it", type(error).__name__)
            return default

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> bool:  # type: ignore[override]
        return self._or(False, lambda: RedisCache.add(self, key, value, timeout, version))

    def get(self, key, default=None, version=None) -> Any:
        return self._or(default, lambda: RedisCache.get(self, key, default, version))

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> None:  # type: ignore[override]
        self._or(None, lambda: RedisCache.set(self, key, value, timeout, version))

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None) -> bool:  # type: ignore[override]
        return self._or(False, lambda: RedisCache.touch(self, key, timeout, version))

    def delete(self, key, version=None) -> bool:
        return self._or(False, lambda: RedisCache.delete(self, key, version))

    def get_many(self, keys, version=None) -> dict[str, Any]:
        return self._or({}, lambda: RedisCache.get_many(self, keys, version))

    def has_key(self, key, version=None) -> bool:
        return self._or(False, lambda: RedisCache.has_key(self, key, version))

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None) -> list:  # type: ignore[override]
        return self._or(list(data), lambda: RedisCache.set_many(self, data, timeout, version))

    def delete_many(self, keys, version=None) -> None:
        self._or(None, lambda: RedisCache.delete_many(self, keys, version))
