"""What orchestration needs, in one bundle built by app.bootstrap (or by a test with fakes)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Protocol

from app.config import Config
from app.models import Database, utcnow
from app.paging import ChannelRegistry
from app.runbooks import RunbookStore
from app.tickets import TicketSystem
from app.triage import TriageAgent

from .work import Work


class RateLimiter(Protocol):
    """Per-target send slots shared by every worker (app.ratelimit keeps them in the queue's store)."""

    def acquire(self, key: str, interval: float) -> float:
        """0.0 and the slot is ours; else seconds until the key is free again."""

    def hold(self, key: str, seconds: float) -> None:
        """Keep the key closed for `seconds` (the vendor said Retry-After)."""


class NoLimit:
    def acquire(self, key: str, interval: float) -> float:
        return 0.0

    def hold(self, key: str, seconds: float) -> None:
        pass


@dataclass
class Services:
    config: Config
    db: Database
    runbooks: RunbookStore
    triage: TriageAgent
    tickets: TicketSystem
    channels: ChannelRegistry
    work: Work
    clock: Callable = field(default=utcnow)
    limiter: RateLimiter = field(default_factory=NoLimit)
    secret_key: str = ""                               # signs incident links
