"""The TicketSystem port and its typed errors."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class TicketRequest:
    reference: str          # NightDesk's own id (ND-1042): the idempotency key at the vendor
    customer: str
    company: str            # the ticket system's company identifier
    board: str
    summary: str
    priority: str
    description: str
    contact_name: str = ""
    contact_phone: str = ""


@dataclass(frozen=True)
class Ticket:
    number: str
    id: str = ""
    url: str = ""


class TicketError(Exception):
    """permanent=True: the vendor refused the ticket (4xx); retrying the same request can't help."""

    def __init__(self, message: str, permanent: bool = False, retry_after: float | None = None):
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.retry_after = retry_after


class TicketSystem(Protocol):
    name: str

    def create(self, request: TicketRequest, retrying: bool = False) -> Ticket:
        """Create the ticket, or return the one already created for request.reference when
        `retrying` (an earlier attempt may have reached the vendor before it timed out)."""

    def add_note(self, number: str, text: str, resolution: bool = False, member: str = "") -> None:
        """A note on the ticket (internal analysis, or the resolution); `member` attributes it."""

    def set_status(self, number: str, status: str) -> None:
        """Move the ticket to the named status (e.g. the runbook's "Assigned")."""

    def find_member(self, email: str) -> str:
        """The ticket system's member identifier for an email address, or ""."""

    def url(self, number: str) -> str:
        """A link a technician can open, or "" if the system has none."""
