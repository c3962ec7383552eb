"""An unreachable backing service (the queue, the database) said once, reminded every minute,
and its return said once: instead of a traceback from every worker thread on every poll."""
from __future__ import annotations

import logging
import threading
import time
from typing import Callable
from urllib.parse import urlsplit

log = logging.getLogger("app.jobs")


class OutageWatch:
    """An unreachable queue (or database) is said once, then reminded every `remind_s`, and its
    return is said once: instead of a traceback from every worker thread on every poll."""

    def __init__(self, where: str, remind_s: float = 60.0, clock=time.monotonic, what: str = "queue",
                 waiting: str = "jobs wait until it is back, retrying every second"):
        self.where, self.remind_s, self.clock = where, remind_s, clock
        self.what, self.waiting = what, waiting
        self.on_back: Callable[[], None] | None = None  # the worker sweeps at once
        self.down_since: float | None = None
        self.reminded = 0.0
        self.lock = threading.Lock()

    def failed(self, exc: BaseException) -> None:
        reason = " ".join(str(exc).split()).rstrip(".") or type(exc).__name__
        with self.lock:
            now = self.clock()
            if self.down_since is None:
                self.down_since = self.reminded = now
                log.error("%s unreachable at %s (%s); %s", self.what, self.where, reason,
                          self.waiting)
            elif now - self.reminded >= self.remind_s:
                self.reminded = now
                log.error("%s still unreachable at %s after %.0f s (%s)", self.what, self.where,
                          now - self.down_since, reason)

    def started(self) -> float:
        """When an operation begins: hand it to ok() when it succeeds."""
        return self.clock()

    def ok(self, started: float | None = None) -> None:
        """An operation succeeded. One that `started` before the outage was noticed says nothing
        about now: with many threads, a poll that began just before the server went away can
        finish after another thread's failure, and must not end the outage it never saw."""
        if self.down_since is None:  # the usual case: no lock taken
            return
        with self.lock:
            if self.down_since is None or (started is not None and started < self.down_since):
                return
            log.warning("%s reachable again at %s after %.0f s", self.what, self.where,
                        self.clock() - self.down_since)
            self.down_since = None
        if self.on_back is not None:
            self.on_back()

    @property
    def down(self) -> bool:
        return self.down_since is not None


def without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        parts = parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@"))
    return parts.geturl()
