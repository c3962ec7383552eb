"""The sweep (every few seconds, and at once when the queue comes back): anything the queue lost
is found in the database and queued again."""
from __future__ import annotations

from datetime import timedelta

from . import call_rows, deadline, incident_rows, note_rows, page_rows, replay
from .call_notes import owe_notes
from .lease import LEASE_S
from .services import Triaging
from .work import Job

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


def sweep(svc: Triaging, grace: float | None = None) -> dict:
    """grace=0 after a queue outage: everything not done is queued again at once, since the queue
    may have lost it or never received it (duplicates are safe: every job claims its row)."""
    now = svc.clock()
    stale = now - timedelta(seconds=STALE_S if grace is None else grace)
    overdue = now - timedelta(seconds=OVERDUE_S if grace is None else grace)
    with svc.db.session() as s:
        turns = call_rows.untriaged_turns(s, stale) + call_rows.decided_without_incident(s, stale)
        calls = call_rows.ended_without_incident(s, stale)
        tickets = incident_rows.tickets_due(s, overdue, stale)
        unpaged = incident_rows.unplanned(s, stale)
        lost = page_rows.requeue_lost(s, now, SENDING_LEASE_S)
        pages = sorted(set(lost) | set(page_rows.overdue_ids(s, overdue)))
        escalations = incident_rows.escalations_due(s, now)
        wakes = incident_rows.snoozes_over(s, now)
        recalls = incident_rows.calls_due(s, now)
        ack_timeouts = incident_rows.ack_timeouts_due(s, now)
        undelivered = deadline.overdue(svc, s)
        notes = note_rows.requeue_lost(s, now, overdue)
        owed = note_rows.calls_owed_a_transcript(s, stale)
    for turn_id in turns:
        svc.work.later(Job.TRIAGE_TURN, turn_id)
    for call_id in calls:
        svc.work.later(Job.FINISH_CALL, call_id)
    for incident_id in tickets:
        svc.work.later(Job.FILE_TICKET, incident_id)
    for incident_id in unpaged:
        svc.work.later(Job.PLAN_PAGES, incident_id)
    for page_id in pages:
        svc.work.later(Job.DELIVER_PAGE, page_id)
    for incident_id in wakes:
        svc.work.later(Job.WAKE, incident_id)
    for incident_id in escalations:
        svc.work.later(Job.ESCALATE, incident_id)
    for incident_id in recalls:
        svc.work.later(Job.RECALL, incident_id)
    for incident_id in ack_timeouts:
        svc.work.later(Job.ACK_TIMEOUT, incident_id)
    for incident_id in undelivered:
        svc.work.later(Job.DELIVERY_DEADLINE, incident_id)
    for note_id in notes:
        svc.work.later(Job.TICKET_NOTE, note_id)
    for call_id in owed:
        owe_notes(svc, call_id)
    # Last, with the database known to answer: calls kept on disk while it didn't.
    spooled = replay.drain(svc)
    return {"turns": len(turns), "calls": len(calls), "tickets": len(tickets),
            "unpaged": len(unpaged), "pages": len(pages), "escalations": len(escalations),
            "wakes": len(wakes), "recalls": len(recalls), "ack_timeouts": len(ack_timeouts),
            "undelivered": len(undelivered), "notes": len(notes) + len(owed),
            "spooled": spooled["replayed"] + spooled["failed"]}
