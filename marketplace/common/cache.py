"""The shared cache: Redis for every worker, and this process's memory while Redis can't be reached.

The cache holds only rate-limit counters (ours and allauth's login lockout). Losing Redis for a while
must not turn every login, sign-up, quote or publication into a 500: limits keep counting per process
(looser across workers, still a limit) until Redis answers again. One warning when Redis goes, one line
when it is back with how many operations were served from memory meanwhile.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

_UNREACHABLE = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError)
# While Redis is down, try it again at most this often: each try can cost the connect timeout.
RETRY_EVERY_SECONDS = 5.0


class RedisCacheWithLocalFallback(RedisCache):
    """`RedisCache` that falls back to a per-process memory cache while Redis is unreachable."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._local = LocMemCache(f"redis-fallback-{id(self)}", {"OPTIONS": {"MAX_ENTRIES": 10_000}})
        self._lock = threading.Lock()
        self._down_since: float | None = None
        self._retry_at = 0.0
        self._served_locally = 0

    def _call(self, name: str, *args, **kwargs):
        if self._down_since is not None and time.monotonic() < self._retry_at:
            return self._serve_locally(name, *args, **kwargs)
        try:
            result = getattr(super(), name)(*args, **kwargs)
        except _UNREACHABLE as exc:
            self._went_down(exc)
            return self._serve_locally(name, *args, **kwargs)
        if self._down_since is not None:
            self._came_back()
        return result

    def _serve_locally(self, name: str, *args, **kwargs):
        with self._lock:
            self._served_locally += 1
        return getattr(self._local, name)(*args, **kwargs)

    def _went_down(self, exc: Exception) -> None:
        with self._lock:
            first = self._down_since is None
            if first:
                self._down_since = time.monotonic()
                self._served_locally = 0
            self._retry_at = time.monotonic() + RETRY_EVERY_SECONDS
        if first:
            logger.warning("Redis cache unreachable (%s): rate limits count in this process until it is back.", exc)

    def _came_back(self) -> None:
        with self._lock:
            if self._down_since is None:
                return
            seconds = time.monotonic() - self._down_since
            served, self._down_since, self._served_locally = self._served_locally, None, 0
        logger.warning("Redis cache back after %.0f s; %d operations were served from memory.", seconds, served)

    def add(self, *args, **kwargs):
        return self._call("add", *args, **kwargs)

    def get(self, *args, **kwargs):
        return self._call("get", *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._call("set", *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._call("touch", *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._call("delete", *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._call("get_many", *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._call("has_key", *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._call("incr", *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._call("set_many", *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._call("delete_many", *args, **kwargs)

    def clear(self):
        self._local.clear()
        return self._call("clear")
