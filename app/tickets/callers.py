"""Who is calling, as the PSA knows them: its contacts with the caller's number, cached for a
while and asked within a time budget.

/voice/incoming must answer Twilio at once, so the PSA is asked in a thread of its own and the
webhook waits at most `budget` seconds for it. A PSA slower than that doesn't stop its answer
landing in the cache, where the caller's next turn finds it. One question per number is in
flight at a time, however many webhooks ask."""
from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor, TimeoutError as FutureTimeout
from typing import Callable

from app.config import is_e164

from .port import Contact, TicketError, TicketSystem

log = logging.getLogger(__name__)

BUDGET_S = 0.3      # what a lookup may add to the answer of a webhook
TTL_S = 600.0       # a contact moved to another company is seen within ten minutes
WORKERS = 4         # lookups of different numbers at once (a hung PSA holds one each until its timeout)


class CallerLookup:
    def __init__(self, tickets: TicketSystem, ttl: float = TTL_S, workers: int = WORKERS,
                 clock: Callable[[], float] = time.monotonic):
        self.tickets = tickets
        self.ttl = ttl
        self.clock = clock
        self._cache: dict[str, tuple[float, list[Contact]]] = {}
        self._pending: dict[str, Future] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="caller-lookup")

    @property
    def enabled(self) -> bool:
        """NightDesk's own local tickets have no contacts to look in."""
        return not self.tickets.kept_here

    def find(self, phone: str, budget: float = BUDGET_S) -> list[Contact] | None:
        """The PSA's contacts with this number ([] for none), or None when the PSA couldn't say
        within `budget` seconds (or failed, or there is no PSA or no caller ID)."""
        if not self.enabled or not is_e164(phone):
            return None
        with self._lock:
            cached = self._cache.get(phone)
            if cached and self.clock() - cached[0] < self.ttl:
                return cached[1]
            future = self._pending.get(phone)
            if future is None:
                future = self._pending[phone] = self._pool.submit(self._ask, phone)
        try:
            return future.result(timeout=max(0.0, budget))
        except FutureTimeout:
            log.info("caller lookup in %s took longer than %.0f ms; the call goes on without it",
                     self.tickets.name, budget * 1000)
            return None
        except TicketError as exc:
            log.warning("caller lookup in %s failed: %s", self.tickets.name, exc.message)
            return None
        except Exception:  # noqa: BLE001 — a lookup that breaks must never break the call
            log.exception("caller lookup in %s failed", self.tickets.name)
            return None

    def _ask(self, phone: str) -> list[Contact]:
        try:
            contacts = list(self.tickets.find_contacts(phone))
            with self._lock:
                self._cache[phone] = (self.clock(), contacts)
            return contacts
        finally:  # a failure isn't cached: the next call asks again
            with self._lock:
                self._pending.pop(phone, None)
