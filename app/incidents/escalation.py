"""Escalation until someone acknowledges: the rule's page is step 0, the runbook's `escalation`
steps follow (optionally repeated), each after its delay with nobody answering. Timers live on the
incident row; a job is scheduled for each, and the sweep fires any a lost job left behind."""
from __future__ import annotations

from datetime import timedelta

from app.states import IncidentChange, IncidentStatus
from app.models import Event, Incident
from app.runbooks import Runbook

from . import page_rows, repeat_calls, steps, timers
from .rows import runbook_of
from .services import Books, Routing
from .steps import chain
from .work import Job

__all__ = ["arm", "chain", "escalate", "page_again", "renotify"]


def arm(svc: Books, incident: Incident, book: Runbook | None) -> None:
    """The current step was just paged: set the timer for the step after it (none left: no
    timer), and the one ringing its calls again when it has `every`."""
    repeat_calls.arm(svc, incident, book)
    chained = chain(book) if book else []
    if incident.status != IncidentStatus.OPEN or incident.escalation_step >= len(chained):
        incident.next_escalation_at = None
        return
    delay = chained[incident.escalation_step].after * 60
    incident.next_escalation_at = svc.clock() + timedelta(seconds=delay)
    svc.work.later(Job.ESCALATE, incident.id, delay=delay)


def escalate(svc: Routing, incident_id: int) -> None:
    with svc.db.session() as s:
        incident = timers.due(svc, s, incident_id, lambda i: i.next_escalation_at, Job.ESCALATE)
        if incident is None:
            return
        book = runbook_of(svc, incident)
        chained = chain(book) if book else []
        if incident.escalation_step >= len(chained):
            incident.next_escalation_at = None
            return
        step = chained[incident.escalation_step]
        incident.escalation_step += 1
        s.add(Event(incident_id=incident.id, kind="escalated",
                    detail={"step": incident.escalation_step, "targets": len(step.routes)}))
        ids = page_again(svc, s, incident, book, step.routes, "chain")
    for page_id in ids:
        svc.work.later(Job.DELIVER_PAGE, page_id)
    svc.work.later(Job.INCIDENT_CHANGED, incident_id, IncidentChange.ESCALATED, "", str(incident.escalation_step + 1))

def renotify(svc: Routing, incident_id: int) -> None:
    """A snooze has ended: page the current step's targets again and restart the timer."""
    now = svc.clock()
    with svc.db.session() as s:
        incident = s.get(Incident, incident_id, with_for_update=True)
        if incident is None or incident.status == IncidentStatus.RESOLVED or incident.snoozed_until is None:
            return
        if incident.snoozed_until > now:
            svc.work.later(Job.WAKE, incident_id, delay=(incident.snoozed_until - now).total_seconds())
            return
        incident.snoozed_until = None
        book = runbook_of(svc, incident)
        step = steps.current(incident, book)
        routes = step.routes if step else ()
        s.add(Event(incident_id=incident.id, kind="snooze_ended", detail={"paged": len(routes)}))
        ids = page_again(svc, s, incident, book, routes, "renotify")
    for page_id in ids:
        svc.work.later(Job.DELIVER_PAGE, page_id)
    svc.work.later(Job.INCIDENT_CHANGED, incident_id, IncidentChange.RENOTIFIED, "", "")


def page_again(svc: Routing, s, incident: Incident, book: Runbook | None, routes, kind: str) -> list[int]:
    """One more paging round to the current step's `routes`, its timers armed afresh; returns the
    page ids to deliver once committed."""
    steps.add_round(svc, s, incident, book, routes, kind)
    arm(svc, incident, book)
    s.commit()
    return page_rows.queued_ids(s, incident.id)
