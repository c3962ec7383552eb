"""Per-target send slots: the RateLimiter port (port.py) and its adapters beside the queue."""
from __future__ import annotations

from pathlib import Path

from .port import NoLimit, RateLimiter
from .in_redis import RedisRateLimiter
from .in_sqlite import SqliteRateLimiter

__all__ = ["NoLimit", "RateLimiter", "RedisRateLimiter", "SqliteRateLimiter", "for_queue"]


def for_queue(queue_url: str):
    """The limiter that lives where the queue lives ."""
    if queue_url.startswith(("redis://", "rediss://")):
        return RedisRateLimiter(queue_url)
    path = Path(queue_url[len("sqlite:///"):])
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteRateLimiter(path)
