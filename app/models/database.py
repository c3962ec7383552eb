"""An engine and a session factory per process."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import create_engine, event
from sqlalchemy.orm import sessionmaker


class Database:
    """An engine and a session factory; one per process."""

    def __init__(self, url: str):
        self.url = url
        # Up to 40 connections a process: the worker's ~100 threads hold no session while they
        # wait on a vendor, so a burst beyond 40 waits briefly for one (pool_timeout) rather than
        # every process claiming a connection per thread from PostgreSQL's default 100.
        # A server that stops answering (not refusing) must cost seconds, not the OS's minutes:
        # runbook reloads, the sweep and webhooks all wait on a connect.
        args = {"connect_timeout": 5} if url.startswith("postgresql") else {}
        self.engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=30,
                                    connect_args=args)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self):
        with self.sessions() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def dispose(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(dbapi_connection, _record):
    # The web and worker processes share one file: WAL lets readers run beside a writer and
    # busy_timeout makes a writer wait for the lock instead of failing.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
