"""A Redis cache that degrades to a miss when Redis is unreachable.

Dauys keeps nothing in the cache that cannot be recomputed: placements, verified-email flags, rate
counters, the tally nudge. Losing Redis must therefore slow the portal down, never stop it: a read
answers "not cached", a write is dropped, `add` answers "added" (so rate limits fail open while
one-signature-per-person stays enforced by the database's unique constraint). Each call is bounded
by the socket timeouts in settings (OPTIONS), and the outage is logged once a minute, not per call.
Test: tests/faults/test_redis_outage.py."""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("dauys.cache")
OUTAGE = (RedisConnectionError, RedisTimeoutError, OSError)
_LOG_EVERY = 60.0
_last_logged = [0.0]


def _outage(operation: str, error: Exception) -> None:
    now = time.monotonic()
    if now - _last_logged[0] >= _LOG_EVERY:
        _last_logged[0] = now
        logger.warning("Redis cache unreachable (%s: %s); serving without the cache", operation, type(error).__name__)


class ReusingRedisCacheClient(RedisCacheClient):
    """Django makes a new redis-py client for every cache call, and redis-py builds some 170 response
    callbacks for each: 0.2 ms, 60% of a cached page served at the door (bench, November 2026). One
    client per connection pool serves every call instead: a redis-py client is only its pool and
    those callbacks, and the pool is what Django keeps anyway."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)  # Django keeps each pool for the client's life
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except OUTAGE as error:
            _outage("add", error)
            return True

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except OUTAGE as error:
            _outage("get", error)
            return default

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except OUTAGE as error:
            _outage("set", error)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except OUTAGE as error:
            _outage("touch", error)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except OUTAGE as error:
            _outage("delete", error)
            return False

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except OUTAGE as error:
            _outage("get_many", error)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except OUTAGE as error:
            _outage("has_key", error)
            return False

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except OUTAGE as error:
            _outage("incr", error)
            return delta

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except OUTAGE as error:
            _outage("set_many", error)
            return list(data)

    def delete_many(self, keys, version=None):
        try:
            return super().delete_many(keys, version)
        except OUTAGE as error:
            _outage("delete_many", error)

    def clear(self):
        try:
            return super().clear()
        except OUTAGE as error:
            _outage("clear", error)
            return False

    # What a Redis script (EVALSHA) needs and Django's RedisCache keeps private, in this one place, so
    # that no app reaches into the backend's internals (petitions' signing limits use both).
    def redis_client(self, key: str, *, write: bool = False):
        """The redis-py client that serves `key` (a key already made by make_and_validate_key)."""
        return self._cache.get_client(key, write=write)

    def decode(self, value):
        """A value read raw from Redis (e.g. returned by a script) as get() would return it."""
        return self._cache._serializer.loads(value)
