"""The shared cache's Redis backend, made to survive Redis going away.

Everything the cache holds can be recomputed (memoised query results) or is
an optional extra (the sign-in failure counts), so an unreachable Redis must
slow the app down, never break it. flask-caching's own backend raises the
client's connection errors into every caller; this one answers a read as a
miss and drops a write, logs one warning when the outage starts (and a
reminder a minute later if it lasts), and one line when Redis answers again.
Connection and read timeouts are short so that a Redis that hangs costs a
request a second at most, not a worker.
"""

from __future__ import annotations

import logging
import threading
import time

from flask_caching.backends.rediscache import RedisCache

log = logging.getLogger("territory_dashboard.cache")

#: ``redis.from_url`` options for the app's cache (seconds)
CLIENT_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 1.0}
#: while Redis stays down, repeat the warning at most this often
WARN_EVERY_SECONDS = 60.0


def cache_config(redis_url: str, default_timeout: int) -> dict:
    """flask-caching settings for a Redis cache through :class:`ResilientRedisCache`."""
    return {"CACHE_TYPE": f"{__name__}.ResilientRedisCache", "CACHE_REDIS_URL": redis_url,
            "CACHE_DEFAULT_TIMEOUT": default_timeout, "CACHE_OPTIONS": dict(CLIENT_OPTIONS),
            "CACHE_KEY_PREFIX": "td:"}


class _Outage:
    """Whether the last call failed, so the log says so once, not per request."""

    def __init__(self):
        self._lock = threading.Lock()
        self.down_since: float | None = None
        self._warned_at = 0.0

    def failed(self, operation: str, error: Exception) -> None:
        now = time.monotonic()
        with self._lock:
            first = self.down_since is None
            if first:
                self.down_since = now
            due = first or now - self._warned_at >= WARN_EVERY_SECONDS
            if due:
                self._warned_at = now
        if due:
            log.warning("Redis cache unavailable during %s (%s); serving without the cache",
                        operation,
                        str(error).splitlines()[0] if str(error) else type(error).__name__)

    def succeeded(self) -> None:
        if self.down_since is None:
            return
        with self._lock:
            since, self.down_since = self.down_since, None
        if since is not None:
            log.info("Redis cache reachable again after %.0f s", time.monotonic() - since)


def _errors() -> tuple[type[BaseException], ...]:
    from redis.exceptions import ConnectionError, TimeoutError

    return (ConnectionError, TimeoutError, OSError)


def _guarded(name: str, fallback):
    base = getattr(RedisCache, name)

    def method(self, *args, **kwargs):
        try:
            result = base(self, *args, **kwargs)
        except _errors() as error:
            self.outage.failed(name, error)
            return fallback(*args) if callable(fallback) else fallback
        self.outage.succeeded()
        return result

    method.__name__ = name
    method.__doc__ = f"``{name}``, answering as if empty when Redis cannot be reached."
    return method


class ResilientRedisCache(RedisCache):
    """flask-caching's RedisCache whose connection errors become misses."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.outage = _Outage()

    get = _guarded("get", None)
    get_many = _guarded("get_many", lambda *keys: [None] * len(keys))
    has = _guarded("has", False)
    set = _guarded("set", False)
    add = _guarded("add", False)
    set_many = _guarded("set_many", lambda *_: [])
    delete = _guarded("delete", False)
    delete_many = _guarded("delete_many", lambda *_: [])
    inc = _guarded("inc", None)
    dec = _guarded("dec", None)
    clear = _guarded("clear", False)

    def ping(self) -> bool:
        """Ask Redis directly, errors included: the health check wants them."""
        return bool(self._read_client.ping())
