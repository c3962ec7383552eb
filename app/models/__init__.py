"""The database is the source of truth: calls, what callers said, incidents, pages, events.

The queue only runs work; anything it loses is found again here by the sweep. Times are naive UTC.
"""
from __future__ import annotations

from .base import Base, utcnow
from .calls import Call, Turn
from .database import Database
from .incidents import Event, Incident, LiveMessageRef, Page, TicketNote
from .support import HealthProbe, RunbookVersion, TriageCache

__all__ = ["Base", "Call", "Database", "Event", "HealthProbe", "Incident", "LiveMessageRef", "Page", "RunbookVersion",
           "TicketNote", "TriageCache", "Turn", "utcnow"]
