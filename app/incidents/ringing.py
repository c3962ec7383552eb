"""Once someone acknowledges or resolves an incident (from any channel), its phone-call pages that
are still ringing stop ringing: a technician is not woken for an incident a colleague took.

Queued pages are cancelled when a worker claims them (lifecycle.still_wanted); a call Twilio
already accepted is cancelled here, off the request path. A call somebody picked up (the call
page's webhooks mark it answered, the one whose keypress acknowledged among them) is left alone,
and Twilio's cancel never cuts off an answered call either, so a pick-up racing this job is safe.
"""
from __future__ import annotations

import logging

from app.models import Event, Incident
from app.states import IncidentStatus

from . import page_rows
from .services import Paging

log = logging.getLogger(__name__)


def cancel_ringing(svc: Paging, incident_id: int) -> int:
    """Cancel the incident's unanswered calls; how many were cancelled. Run again, it finds
    nothing left to cancel (each page moves sent → cancelled for one worker only)."""
    calls = svc.channels.calls
    if calls is None:
        return 0
    with svc.db.session() as s:
        incident = s.get(Incident, incident_id)
        if incident is None or incident.status == IncidentStatus.OPEN:
            return 0  # reopened since: its calls are wanted again
        status = incident.status
        ringing = [(page.id, page.receipt["sid"]) for page in page_rows.ringing_calls(s, incident_id)]
    cancelled = 0
    for page_id, sid in ringing:
        with svc.db.session() as s:
            if not page_rows.stop_ringing(s, page_id, status):
                continue  # another worker has it, or a status report moved it on
        # Twilio is asked with no session open; a worker lost right here leaves the row
        # cancelled and the call ringing until Twilio's ring timeout (call.RING_S) ends it.
        result = calls.cancel(sid)
        with svc.db.session() as s:
            if result.sent:
                cancelled += 1
                s.add(Event(incident_id=incident_id, kind="call_cancelled",
                            detail={"page": page_id, "incident": status}))
            else:
                # Answered or over already: the row goes on saying what happened to the call.
                page_rows.still_sent(s, page_id)
        if not result.sent and not result.permanent:
            # Not retried: by the time a retry could run, the call has stopped ringing itself.
            log.warning("page %s: the ringing call could not be cancelled: %s", page_id, result.error)
    return cancelled
