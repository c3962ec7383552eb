"""What orchestration needs, in one bundle built by app.bootstrap (or by a test with fakes)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from app.config import Config
from app.models import Database, utcnow
from app.paging import ChannelRegistry
from app.runbooks import RunbookStore
from app.tickets import TicketSystem
from app.triage import TriageAgent

from .work import Work


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
