"""At most one send in flight per target in this process.

A target that hangs (a Slack webhook taking 30 s to answer) would otherwise take a page thread
for every page queued to it, one per send slot, until no thread is left for anyone else's page.
With this, it holds one thread per worker process; its other pages wait on the schedule.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager

_lock = threading.Lock()
_busy: set[str] = set()


@contextmanager
def turn(key: str | None):
    """Yields True if this thread now sends to `key` (until the block ends), False if another
    thread of this process is still sending there; no key, no limit."""
    if key is None:
        yield True
        return
    with _lock:
        mine = key not in _busy
        if mine:
            _busy.add(key)
    try:
        yield mine
    finally:
        if mine:
            with _lock:
                _busy.discard(key)
