"""The RateLimiter port: per-target send slots shared by every worker on every host.

Slack allows about one message per second into one channel or webhook. Every worker asks the same
store before sending, so a burst of pages waits its turn instead of drawing 429s. The adapters
keep the slots where the queue lives (sqlite.py, redis.py); NoLimit is the fake for tests.
"""
from __future__ import annotations

import hashlib
from typing import Protocol


class RateLimiter(Protocol):
    def acquire(self, key: str, interval: float) -> float:
        """0.0 and the slot is ours (the key is closed for `interval` s); else seconds until the
        key is free again."""

    def hold(self, key: str, seconds: float) -> None:
        """Keep the key closed for `seconds` (the vendor said Retry-After); never shortens a
        longer hold."""


class NoLimit:
    def acquire(self, key: str, interval: float) -> float:
        return 0.0

    def hold(self, key: str, seconds: float) -> None:
        pass


def _digest(key: str) -> str:
    # Keys are webhook URLs, which are credentials: store a digest, never the URL.
    return hashlib.sha256(key.encode()).hexdigest()[:32]
