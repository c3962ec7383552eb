"""`/nightdesk test`: a clearly marked test incident posted to one Slack channel, buttons and all,
so a team can rehearse. No ticket, no escalation, never counted as a real incident."""
from __future__ import annotations

from app.states import PageKind, TicketStatus
from app.models import Event, Incident, Page

from . import page_rows
from .services import Paging
from .work import Job


def post_test_incident(svc: Paging, channel: str, team: str, actor: str) -> int:
    now = svc.clock()
    book = next((b for b in svc.runbooks.all() if not b.is_default), None) or svc.runbooks.default()
    with svc.db.session() as s:
        incident = Incident(
            customer=book.customer if book else "test", severity="P1", is_test=True,
            summary=f"Test incident requested by {actor.replace('slack:', '@')}",
            details="A rehearsal: acknowledge, snooze and resolve it to see what your team will see.",
            callback_number="+15555550100", transcript="", triage={"path": "test"},
            ticket_status=TicketStatus.CREATED, pages_planned=True, created_at=now,
            origin={"method": "slack", "team": team} if team else {})
        s.add(incident)
        s.flush()
        incident.ticket_number = incident.reference
        s.add(Page(incident_id=incident.id, rule_index=-1, step=0, kind=PageKind.TEST, method="slack",
                   target=channel, due_at=now, created_at=now))
        s.add(Event(incident_id=incident.id, kind="test_requested", detail={"by": actor}))
        s.flush()
        page_id = page_rows.first_id(s, incident.id)
        incident_id = incident.id
    svc.work.later(Job.DELIVER_PAGE, page_id)
    return incident_id
