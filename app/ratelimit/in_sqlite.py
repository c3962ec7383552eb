"""Send slots in a table beside the SQLite queue; BEGIN IMMEDIATE serialises workers."""
from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from .port import _digest


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
