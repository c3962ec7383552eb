"""Send slots in the queue's Redis: SET NX PX, the key exists exactly while the target is closed."""
from __future__ import annotations

from .port import _digest


class RedisRateLimiter:
    """SET NX PX: the key exists exactly while the target is closed."""

    def __init__(self, url: str):
        import redis
        self.redis = redis.Redis.from_url(url)

    def acquire(self, key: str, interval: float) -> float:
        name = f"nightdesk:rate:{_digest(key)}"
        if self.redis.set(name, 1, nx=True, px=max(1, int(interval * 1000))):
            return 0.0
        ttl = self.redis.pttl(name)
        return max(ttl, 1) / 1000 if ttl and ttl > 0 else 0.001

    def hold(self, key: str, seconds: float) -> None:
        # One script, so a shorter hold can never overwrite a longer one between read and write.
        self.redis.eval(_HOLD, 1, f"nightdesk:rate:{_digest(key)}", max(1, int(seconds * 1000)))


# Extend the key's life to ARGV[1] ms unless it already lives longer (PTTL is -2 when absent).
_HOLD = """
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], 1, 'PX', ARGV[1])
end
"""
