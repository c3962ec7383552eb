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
            db.execute("CREATE INDEX IF NOT EXISTS nightdesk_rate_next_free ON nightdesk_rate (next_free)")

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
            # Every signed Slack request leaves a replay key here: a row whose time has passed
            # says nothing any more (the key is free), so it goes, and the table stays bounded.
            db.execute("DELETE FROM nightdesk_rate WHERE next_free <= ?", (now,))
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
        # One script, so a shorter hold can never overwrite a longer one between read and write.
        self.redis.eval(_HOLD, 1, f"nightdesk:rate:{_digest(key)}", max(1, int(seconds * 1000)))


# Extend the key's life to ARGV[1] ms unless it already lives longer (PTTL is -2 when absent).
_HOLD = """
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], 1, 'PX', ARGV[1])
end
"""


def for_queue(queue_url: str):
    """The limiter that lives where the queue lives (the RateLimiter port of app.incidents)."""
    if queue_url.startswith(("redis://", "rediss://")):
        return RedisRateLimiter(queue_url)
    path = Path(queue_url[len("sqlite:///"):])
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteRateLimiter(path)
