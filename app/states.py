"""The states an incident, its ticket, a page and a call move through, and the kinds of page.

StrEnums, so a value is the very string stored in the database and shown in tests and logs: no
migration, and a row written by an older version reads back as a member.
"""
from __future__ import annotations

from enum import StrEnum


class IncidentStatus(StrEnum):
    """Who owns it: open → acknowledged → resolved (open → resolved too). Snoozing keeps it open."""
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class TicketStatus(StrEnum):
    """pending → created | failed (the ticket system refused it; kept for a human to see)."""
    PENDING = "pending"
    CREATED = "created"
    FAILED = "failed"


class PageStatus(StrEnum):
    """queued → sending → sent | failed; queued → cancelled once someone owns the incident.
    A lost send (sending past its lease) and a vendor's late "undelivered" go back to queued."""
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


UNDELIVERED = (PageStatus.QUEUED, PageStatus.SENDING)


class PageKind(StrEnum):
    """Why a page row exists. Escalation rounds are "chain:<n>" / "renotify:<n>" / "recall:<n>"
    (a step's calls rung again) / "reminder:<n>" (an acknowledger reminded) / "reopen:<n>", and the MSP-wide
    default "default:<method>": see `round_kind` and `default_kind`."""
    PAGE = "page"              # the rule's own route
    TICKET = "ticket"          # a ticket number that came after the page, in its own message
    FALLBACK = "fallback"      # the rule's fallback route
    TEST = "test"              # a rehearsal (/nightdesk test)


# The one round sent while the incident is acknowledged: it is meant for the acknowledger.
REMINDER = "reminder"


def round_kind(kind: str, position: int) -> str:
    return f"{kind}:{position}"


def default_kind(method: str) -> str:
    return f"default:{method}"


class NoteStatus(StrEnum):
    """A note NightDesk owes a ticket (the call's transcript, its recording link):
    pending → sending → added | failed; skipped when the ticket is NightDesk's own (local)."""
    PENDING = "pending"
    SENDING = "sending"
    ADDED = "added"
    FAILED = "failed"
    SKIPPED = "skipped"


class CallStatus(StrEnum):
    """The caller's side of the call, as NightDesk keeps it (Twilio's own values are wider)."""
    IN_PROGRESS = "in-progress"
    COMPLETED = "completed"


# Twilio's CallStatus values that mean the call is over.
CALL_ENDED = ("completed", "busy", "failed", "no-answer", "canceled")


class IncidentChange(StrEnum):
    """What happened to an incident, as the live message, its thread and the ticket hear of it."""
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"
    SNOOZED = "snoozed"
    TICKET = "ticket"            # the ticket exists now (its number is the detail)
    ESCALATED = "escalated"
    RENOTIFIED = "renotified"
    REMINDED = "reminded"        # acknowledged, unresolved past ack_timeout: the acknowledger paged
    REOPENED = "reopened"        # …and still unresolved another ack_timeout later: open again
