"""A per-target send limiter shared by every worker, kept in the queue's backend.

Slack allows about one message per second into one channel or webhook. Every worker on every host
asks the same store before sending, so a burst of pages waits its turn instead of drawing 429s.
`acquire` either takes the target's next slot (returns 0) or says how long until it is free.
These implement app.incidents.services.RateLimiter.
"""
from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
from pathlib import Path


def _digest(key: str) -> str:
    # Keys are webhook URLs, which are credentials: store a digest, never the URL.
    return hashlib.sha256(key.encode()).hexdigest()[:32]


class SqliteRateLimiter:
    """Next-free times in a table beside the SQLite queue; BEGIN IMMEDIATE serialises workers."""

    def __init__(self, path: str | Path, clock=time.time):
        self.path = str(path)
        self.clock = clock
        self._local = threading.local()
        with self._db() as db:
            db.execute("CREATE TABLE IF NOT EXISTS nightdesk_rate (key TEXT PRIMARY KEY, "
                       "next_free REAL NOT NULL)")

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            self._local.db = db
        return _Tx(db)

    def acquire(self, key: str, interval: float) -> float:
        with self._db() as db:
            now = self.clock()
            row = db.execute("SELECT next_free FROM nightdesk_rate WHERE key = ?", (_digest(key),)).fetchone()
            if row and row[0] > now:
                return row[0] - now
            db.execute("INSERT INTO nightdesk_rate (key, next_free) VALUES (?, ?) ON CONFLICT(key) "
                       "DO UPDATE SET next_free = excluded.next_free", (_digest(key), now + interval))
            return 0.0

    def hold(self, key: str, seconds: float) -> None:
        with self._db() as db:
            until = self.clock() + seconds
            db.execute("INSERT INTO nightdesk_rate (key, next_free) VALUES (?, ?) ON CONFLICT(key) "
                       "DO UPDATE SET next_free = max(next_free, excluded.next_free)",
                       (_digest(key), until))


class _Tx:
    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, exc_type, *_):
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")


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
        name = f"nightdesk:rate:{_digest(key)}"
        ms = max(1, int(seconds * 1000))
        if (self.redis.pttl(name) or 0) < ms:
            self.redis.set(name, 1, px=ms)


def for_queue(queue_url: str):
    """The limiter that lives where the queue lives (the RateLimiter port of app.incidents)."""
    if queue_url.startswith(("redis://", "rediss://")):
        return RedisRateLimiter(queue_url)
    path = Path(queue_url[len("sqlite:///"):])
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteRateLimiter(path)
