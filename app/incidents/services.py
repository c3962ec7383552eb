"""What orchestration needs. Each function names the narrowest of these it uses, so its ports
are in its signature: `acknowledge(svc: Records, …)` can touch no channel, `file_ticket(svc:
Ticketing, …)` no LLM. Services, built by app.bootstrap, offers them all; a unit test hands in
only what the function names (tests/fakes/ports.py)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable, Protocol

from app.config import Config
from app.models import Database, utcnow
from app.paging import ChannelRegistry
from app.ratelimit.port import NoLimit, RateLimiter
from app.runbooks import RunbookStore
from app.tickets import TicketSystem
from app.tickets.callers import CallerLookup
from app.triage import TriageAgent

from .work import Work

Clock = Callable[[], datetime]


class Records(Protocol):
    """The database, the clock, the queue and the settings: every orchestration function."""
    config: Config
    db: Database
    work: Work
    clock: Clock


class Books(Records, Protocol):
    """…and the customers' runbooks (routes, escalation, on-call)."""
    runbooks: RunbookStore


class Routing(Books, Protocol):
    """…and the channels the runbooks' routes name (an empty page goes to a channel's default)."""
    channels: ChannelRegistry


class Recognising(Books, Protocol):
    """…and the PSA's contacts, to know a caller the runbooks don't (None: no lookup)."""
    callers: CallerLookup | None


class Opening(Routing, Protocol):
    """…and the ticket system, to know whether the incident is its own ticket."""
    tickets: TicketSystem


class Triaging(Recognising, Opening, Protocol):
    """…and the triage agent (the LLM port behind it)."""
    triage: TriageAgent


class Ticketing(Books, Protocol):
    """…and the ticket system."""
    tickets: TicketSystem


class Paging(Ticketing, Routing, Protocol):
    """…and the channels' send slots and the key that signs incident links."""
    limiter: RateLimiter
    secret_key: str


@dataclass
class Services:
    config: Config
    db: Database
    runbooks: RunbookStore
    triage: TriageAgent
    tickets: TicketSystem
    channels: ChannelRegistry
    work: Work
    clock: Clock = field(default=utcnow)
    limiter: RateLimiter = field(default_factory=NoLimit)
    secret_key: str = ""                               # signs incident links
    callers: CallerLookup | None = None                # the PSA's contacts (bootstrap sets it)
