"""The sweep (every few seconds, and at once when the queue comes back): anything the queue lost
is found in the database and queued again."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import or_, select, update

from app.models import Call, Incident, Page, Turn

from . import deadline, replay
from .lease import LEASE_S
from .services import Services

# A job older than this without a result is taken as lost (the slowest path, an LLM call with
# one retry, finishes well inside it).
STALE_S = 30
# A queued page this far past due has lost its job (a due page's own job fires on time; a shorter
# grace would queue a second job for every page waiting in a busy target's line).
OVERDUE_S = 10
# A page whose lease ran out (lease.py: renewed every few seconds while its send is in flight)
# means its worker died mid-send. Re-sending it may repeat that one message once; dropping it
# could silence a P1.
SENDING_LEASE_S = LEASE_S


def sweep(svc: Services, grace: float | None = None) -> dict:
    """grace=0 after a queue outage: everything not done is queued again at once, since the queue
    may have lost it or never received it (duplicates are safe: every job claims its row)."""
    now = svc.clock()
    stale = now - timedelta(seconds=STALE_S if grace is None else grace)
    overdue = now - timedelta(seconds=OVERDUE_S if grace is None else grace)
    with svc.db.session() as s:
        turns = list(s.scalars(select(Turn.id).join(Call).where(
            Turn.decision.is_(None), Turn.created_at < stale, ~Call.incident.has())))
        calls = list(s.scalars(select(Call.id).where(
            Call.status == "completed", Call.ended_at < stale, ~Call.incident.has())))
        tickets = list(s.scalars(select(Incident.id).where(
            Incident.ticket_status == "pending",
            or_(Incident.ticket_due_at <= overdue,
                Incident.ticket_due_at.is_(None) & (Incident.created_at < stale)))))
        unpaged = list(s.scalars(select(Incident.id).where(
            Incident.created_at < stale, Incident.pages_planned.is_(False))))
        expired = (Page.status == "sending") & (
            Page.claimed_at < now - timedelta(seconds=SENDING_LEASE_S))
        lost = list(s.scalars(select(Page.id).where(expired)))
        if lost:  # the condition again: a heartbeat may have renewed one in between
            s.execute(update(Page).where(Page.id.in_(lost), expired).values(status="queued", due_at=now))
        pages = sorted(set(lost) | set(s.scalars(select(Page.id).where(
            Page.status == "queued", Page.due_at <= overdue))))
        escalations = list(s.scalars(select(Incident.id).where(
            Incident.status == "open", Incident.next_escalation_at <= now,
            or_(Incident.snoozed_until.is_(None), Incident.snoozed_until <= now))))
        wakes = list(s.scalars(select(Incident.id).where(
            Incident.status != "resolved", Incident.snoozed_until <= now)))
        undelivered = deadline.overdue(svc, s)
    for turn_id in turns:
        svc.work.later("triage_turn", turn_id)
    for call_id in calls:
        svc.work.later("finish_call", call_id)
    for incident_id in sorted(set(tickets) | set(unpaged)):
        svc.work.later("file_ticket", incident_id)
    for page_id in pages:
        svc.work.later("deliver_page", page_id)
    for incident_id in wakes:
        svc.work.later("wake", incident_id)
    for incident_id in escalations:
        svc.work.later("escalate", incident_id)
    for incident_id in undelivered:
        svc.work.later(deadline.MARK, incident_id)
    # Last, with the database known to answer: calls kept on disk while it didn't.
    spooled = replay.drain(svc)
    return {"turns": len(turns), "calls": len(calls), "tickets": len(tickets),
            "unpaged": len(unpaged), "pages": len(pages), "escalations": len(escalations),
            "wakes": len(wakes), "undelivered": len(undelivered),
            "spooled": spooled["replayed"] + spooled["failed"]}
