"""The global pace of Telegram messages: at most TELEGRAM_RATE a second across every worker
(Telegram allows about 30 a second for bulk notifications; https://core.telegram.org/bots/faq).

Each message reserves the next free slot in one Redis key with a script (the Redis server's clock,
so workers need not agree on time): slot = max(now, next free); next free = slot + 1/rate. The caller
sleeps until its slot. A 429 pushes the next free slot to now + retry_after, so every worker pauses,
not only the one that was told. Without Redis (a laptop, eager tasks) the pace is kept per process;
a Redis outage degrades to that too."""

import threading
import time

from django.conf import settings
from django.core.cache import caches
from redis.exceptions import RedisError

from portal.cache import OUTAGE, ResilientRedisCache

KEY = "notifications:telegram:next-slot"

# KEYS[1]: next free slot (microseconds, Redis clock). ARGV[1]: interval, ARGV[2]: pause (microseconds).
# Returns how long the caller waits for its slot, in microseconds.
_RESERVE_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local free = tonumber(redis.call('GET', KEYS[1]) or '0')
local pause = tonumber(ARGV[2])
if pause > 0 then
  free = math.max(free, now + pause)
  redis.call('SET', KEYS[1], string.format('%d', free), 'PX', math.floor(pause / 1000) + 60000)
  return 0
end
local slot = math.max(now, free)
redis.call('SET', KEYS[1], string.format('%d', slot + tonumber(ARGV[1])), 'PX', 60000)
return slot - now
"""

_script = None
_local_lock = threading.Lock()
_local_next = [0.0]


def _interval() -> float:
    rate = float(getattr(settings, "TELEGRAM_RATE", 25) or 0)
    return 1.0 / rate if rate > 0 else 0.0


def _redis(pause: float) -> float | None:
    """Reserve a slot (or, with `pause`, push every slot back) in Redis; None when there is no Redis."""
    global _script
    backend = caches["default"]
    if not isinstance(backend, ResilientRedisCache):
        return None
    key = backend.make_and_validate_key(KEY)
    try:
        client = backend.redis_client(key, write=True)
        if _script is None:
            _script = client.register_script(_RESERVE_LUA)
        wait = _script(keys=[key], args=[int(_interval() * 1_000_000), int(pause * 1_000_000)], client=client)
    except (*OUTAGE, RedisError):
        return None
    return int(wait) / 1_000_000


def _local(pause: float) -> float:
    with _local_lock:
        now = time.monotonic()
        if pause:
            _local_next[0] = max(_local_next[0], now + pause)
            return 0.0
        slot = max(now, _local_next[0])
        _local_next[0] = slot + _interval()
        return slot - now


def rate_wait() -> float:
    """Block until this process may send the next message; returns the seconds waited."""
    if not _interval():
        return 0.0
    wait = _redis(0)
    if wait is None:
        wait = _local(0)
    if wait > 0:
        time.sleep(wait)
    return wait


def rate_pause(seconds: float) -> None:
    """Telegram said 429 retry_after: no worker sends before `seconds` from now."""
    if _redis(seconds) is None:
        _local(seconds)
