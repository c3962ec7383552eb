"""The incident aggregate's SQL, all of it: finders, the sweep's scans, and the conditional
UPDATEs that settle races (two people acknowledging, two workers filing the ticket). Which change
is allowed, and what it writes, is lifecycle.py's."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from app.models import Incident, LiveMessageRef
from app.paging.live import LiveRef
from app.states import IncidentStatus, TicketStatus

from .lifecycle import OwnerChange

MAX_ID = 2**31 - 1  # the database's integer: a larger "id" from a request is simply not ours


def by_call(s, call_id: int) -> Incident | None:
    return s.scalar(select(Incident).where(Incident.call_id == call_id))


def by_reference(s, reference_number: int) -> Incident | None:
    """ND-1042 → the incident (references are 1000 + id)."""
    if not 1000 < reference_number <= MAX_ID + 1000:
        return None
    return s.get(Incident, reference_number - 1000)


def by_ticket_number(s, number: str) -> Incident | None:
    """The newest incident with this ticket number (a number is only unique per ticket system)."""
    return s.scalars(select(Incident).where(Incident.ticket_number == number)
                     .order_by(Incident.id.desc()).limit(1)).first()


def change_owner(s, incident_id: int, change: OwnerChange) -> bool:
    """Apply an acknowledge/resolve/snooze if the incident is still in a state it may start from:
    of two people clicking at once exactly one gets True."""
    return s.execute(update(Incident).where(
        Incident.id == incident_id, Incident.status.in_(change.allowed_from)).values(**change.values)
    ).rowcount == 1


def claim_ticket(s, incident: Incident, now: datetime, lease_s: float) -> bool:
    """One worker at a time talks to the ticket system for an incident: the attempt is counted
    and leased before the call, so a worker killed mid-request makes the next try look first."""
    return s.execute(update(Incident).where(
        Incident.id == incident.id, Incident.ticket_status == TicketStatus.PENDING,
        Incident.ticket_attempts == incident.ticket_attempts,
    ).values(ticket_attempts=incident.ticket_attempts + 1,
             ticket_due_at=now + timedelta(seconds=lease_s))).rowcount == 1


def ticket_number(s, incident_id: int) -> str | None:
    """Read fresh (another worker may have just created the ticket)."""
    return s.scalar(select(Incident.ticket_number).where(Incident.id == incident_id))


def has_live_message(s, incident_id: int) -> bool:
    return s.scalar(select(LiveMessageRef.id).where(LiveMessageRef.incident_id == incident_id)
                    .limit(1)) is not None


def live_refs(s, incident_id: int) -> list[LiveRef]:
    """Each channel's own reference to the message it keeps up to date for this incident."""
    return [LiveRef(row.method, dict(row.ref)) for row in s.scalars(
        select(LiveMessageRef).where(LiveMessageRef.incident_id == incident_id)
        .order_by(LiveMessageRef.id))]


def become_live(s, incident_id: int, live: LiveRef, now: datetime) -> bool:
    """The first live message a channel posts for an incident is the incident's own there
    (buttons, updates, the thread); a second, racing, is not."""
    try:
        with s.begin_nested():
            s.add(LiveMessageRef(incident_id=incident_id, method=live.method, ref=dict(live.ref),
                                 created_at=now))
    except IntegrityError:
        return False
    return True


def unresolved(s, limit: int) -> list[Incident]:
    """Real incidents not yet resolved, newest first (rehearsals are left out)."""
    return list(s.scalars(select(Incident).where(Incident.status != IncidentStatus.RESOLVED,
                                                 Incident.is_test.is_(False))
                          .order_by(Incident.created_at.desc()).limit(limit)))


def unresolved_count(s) -> int:
    return s.scalar(select(func.count()).select_from(Incident).where(
        Incident.status != IncidentStatus.RESOLVED, Incident.is_test.is_(False))) or 0


# --- the sweep's scans ------------------------------------------------------------------------
def tickets_due(s, overdue: datetime, stale: datetime) -> list[int]:
    return list(s.scalars(select(Incident.id).where(
        Incident.ticket_status == TicketStatus.PENDING,
        or_(Incident.ticket_due_at <= overdue,
            Incident.ticket_due_at.is_(None) & (Incident.created_at < stale)))))


def unplanned(s, stale: datetime) -> list[int]:
    return list(s.scalars(select(Incident.id).where(
        Incident.created_at < stale, Incident.pages_planned.is_(False))))


def escalations_due(s, now: datetime) -> list[int]:
    return list(s.scalars(select(Incident.id).where(
        Incident.status == IncidentStatus.OPEN, Incident.next_escalation_at <= now,
        or_(Incident.snoozed_until.is_(None), Incident.snoozed_until <= now))))


def calls_due(s, now: datetime) -> list[int]:
    return list(s.scalars(select(Incident.id).where(
        Incident.status == IncidentStatus.OPEN, Incident.next_call_at <= now,
        or_(Incident.snoozed_until.is_(None), Incident.snoozed_until <= now))))


def ack_timeouts_due(s, now: datetime) -> list[int]:
    return list(s.scalars(select(Incident.id).where(
        Incident.status == IncidentStatus.ACKNOWLEDGED, Incident.ack_due_at <= now)))


def snoozes_over(s, now: datetime) -> list[int]:
    return list(s.scalars(select(Incident.id).where(
        Incident.status != IncidentStatus.RESOLVED, Incident.snoozed_until <= now)))


def undelivered_p1s(s, delivered, created_after: datetime, created_before: datetime) -> list[int]:
    """Open, planned P1s opened in the window with no route delivered (`delivered`: the page
    aggregate's clause, page_rows.delivered())."""
    return list(s.scalars(select(Incident.id).where(
        Incident.severity == "P1", Incident.status == IncidentStatus.OPEN, Incident.is_test.is_(False),
        Incident.pages_planned.is_(True), Incident.created_at <= created_before,
        Incident.created_at > created_after, ~delivered)))
