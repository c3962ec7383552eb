"""State changes as small pure functions: which states a change may start from and the values it
writes. The SQL that applies them stays with its aggregate (ownership.py for incidents, the page
claim in dispatch.py, rows.py for new pages), so two workers racing are settled by one
conditional UPDATE there, and the rules themselves are tested here without a database."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from app.states import REMINDER, IncidentChange, IncidentStatus, PageKind, PageStatus

SNOOZE_MINUTES = (15, 30, 60, 240)
NOTE_MAX = 2000          # a resolution note kept on the incident
DETAIL_MAX = 500         # the same note, as the event and the live message quote it


@dataclass(frozen=True)
class OwnerChange:
    """acknowledge / resolve / snooze: applies only while the incident is in `allowed_from`."""
    event: IncidentChange
    allowed_from: tuple[IncidentStatus, ...]
    values: dict = field(default_factory=dict)
    detail: str = ""


# Every timer that pages while nobody owns the incident.
_NO_TIMERS = {"next_escalation_at": None, "next_call_at": None, "snoozed_until": None}


def acknowledge(actor: str, now: datetime, ack_timeout: int = 0) -> OwnerChange:
    """`ack_timeout` (the runbook's minutes, 0: none): when to look whether it is resolved."""
    return OwnerChange(IncidentChange.ACKNOWLEDGED, (IncidentStatus.OPEN,), {
        "status": IncidentStatus.ACKNOWLEDGED, "acknowledged_by": actor, "acknowledged_at": now,
        "ack_due_at": now + timedelta(minutes=ack_timeout) if ack_timeout else None,
        "ack_reminded": False, **_NO_TIMERS})


def reopen() -> OwnerChange:
    """Acknowledged and left unresolved past its ack_timeout twice: nobody owns it any more (a
    resolve in between wins)."""
    return OwnerChange(IncidentChange.REOPENED, (IncidentStatus.ACKNOWLEDGED,), {
        "status": IncidentStatus.OPEN, "acknowledged_by": "", "acknowledged_at": None,
        "ack_due_at": None, "ack_reminded": False})


def resolve(actor: str, now: datetime, note: str = "") -> OwnerChange:
    note = note.strip()
    return OwnerChange(IncidentChange.RESOLVED, (IncidentStatus.OPEN, IncidentStatus.ACKNOWLEDGED), {
        "status": IncidentStatus.RESOLVED, "resolved_by": actor, "resolved_at": now,
        "resolution_note": note[:NOTE_MAX], "ack_due_at": None, **_NO_TIMERS},
        detail=note[:DETAIL_MAX])


def snooze(now: datetime, minutes: int) -> OwnerChange:
    """Paging pauses for `minutes`; the incident stays open and its owner unset."""
    if minutes not in SNOOZE_MINUTES:
        raise ValueError(f"snooze is one of {SNOOZE_MINUTES} minutes")
    return OwnerChange(IncidentChange.SNOOZED, (IncidentStatus.OPEN,), {
        "snoozed_until": now + timedelta(minutes=minutes), "next_escalation_at": None,
        "next_call_at": None},
        detail=str(minutes))


def still_wanted(incident_status: str, page_kind: str) -> bool:
    """A page is sent while nobody owns the incident; a late ticket number and a rehearsal are
    sent whatever happened since (they wake nobody new), and a reminder while still acknowledged."""
    if incident_status == IncidentStatus.ACKNOWLEDGED and page_kind.startswith(f"{REMINDER}:"):
        return True
    return incident_status == IncidentStatus.OPEN or page_kind in (PageKind.TICKET, PageKind.TEST)


def page_claimed(now: datetime) -> dict:
    """queued → sending (the claim's UPDATE also counts the attempt)."""
    return {"status": PageStatus.SENDING, "claimed_at": now}


def page_sent(now: datetime) -> dict:
    return {"status": PageStatus.SENT, "sent_at": now, "last_error": ""}


def page_retry(error: str, due_at: datetime) -> dict:
    """sending → queued: a transient failure, tried again at `due_at`."""
    return {"status": PageStatus.QUEUED, "last_error": error, "due_at": due_at}


def page_back_in_line(due_at: datetime) -> dict:
    """sending → queued without an attempt: the target's send slot is taken until `due_at`."""
    return {"status": PageStatus.QUEUED, "due_at": due_at}


def page_failed(error: str) -> dict:
    return {"status": PageStatus.FAILED, "last_error": error}


def page_cancelled(incident_status: str) -> dict:
    return {"status": PageStatus.CANCELLED, "last_error": f"incident {incident_status}"}


def apply(row, values: dict) -> None:
    for name, value in values.items():
        setattr(row, name, value)
