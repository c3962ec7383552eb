"""The TicketSystem port and its typed errors."""
from __future__ import annotations

from dataclasses import dataclass, field
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
    contact_id: str = ""    # the PSA's own id of the caller's contact, when recognised


@dataclass(frozen=True)
class Contact:
    """A PSA contact whose phone is the caller's number."""
    id: str
    name: str
    company: str            # the company in the PSA's terms, as a runbook's tickets.company names it
    company_name: str = ""

    def as_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "company": self.company,
                "company_name": self.company_name}

    @classmethod
    def from_dict(cls, data: dict) -> "Contact":
        return cls(str(data.get("id", "")), str(data.get("name", "")), str(data.get("company", "")),
                   str(data.get("company_name", "")))


@dataclass(frozen=True)
class Ticket:
    number: str
    id: str = ""
    url: str = ""


@dataclass(frozen=True)
class TicketPlace:
    """Where one runbook sends its tickets, in the PSA's own terms (its `tickets:` section)."""
    company: str = ""
    board: str = ""                                        # ConnectWise board, Autotask queue, Halo team
    priorities: dict[str, str] = field(default_factory=dict)   # P1..P4 → priority name
    statuses: dict[str, str] = field(default_factory=dict)     # acknowledged/resolved → status name


@dataclass(frozen=True)
class PlaceProblem:
    """One thing the PSA lacks: `field` is the runbook's (company, board, priorities.P1,
    statuses.resolved), `why` a sentence in plain words."""
    field: str
    why: str

    def __str__(self) -> str:
        return f"{self.field}: {self.why}"


class TicketError(Exception):
    """permanent=True: the vendor refused the ticket (4xx); retrying the same request can't help."""

    def __init__(self, message: str, permanent: bool = False, retry_after: float | None = None):
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.retry_after = retry_after


class UnknownName(TicketError):
    """The PSA has nothing by a name the runbook gives (a client, a queue, a status): permanent."""

    def __init__(self, message: str):
        super().__init__(message, permanent=True)


def unknown_names(asked) -> list[PlaceProblem]:
    """Runs each (field, lookup) and names the fields whose lookup found nothing by that name;
    any other TicketError (refused, unreachable) goes up to the caller."""
    problems = []
    for name, lookup in asked:
        try:
            lookup()
        except UnknownName as exc:
            problems.append(PlaceProblem(name, exc.message))
    return problems


class TicketSystem(Protocol):
    name: str
    # True when the incident row is the ticket (no PSA): it is numbered as the incident opens, so
    # no page ever waits for it or follows up with its number.
    kept_here: bool

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

    def find_contacts(self, phone_e164: str) -> list[Contact]:
        """The active contacts whose phone is this number (any company), raising TicketError when
        the PSA can't say. Asked through app.tickets.callers (its cache and time budget)."""

    def check(self, where: TicketPlace) -> list[PlaceProblem]:
        """What the PSA lacks of `where` ([] when tickets can go there), found with the PSA's own
        lookups. An empty TicketPlace() checks only that the PSA answers and accepts NightDesk's
        credentials. Raises TicketError when a lookup fails (permanent: refused, such as
        credentials or a missing permission; otherwise unreachable)."""
