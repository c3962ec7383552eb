"""What a test looks at (page rows, events, the jobs asked for) and how it runs jobs by hand."""
from __future__ import annotations

from sqlalchemy import select

from app.incidents import (ack_timeout, call_notes, deadline, dispatch, escalation, intake,
                           opening, repeat_calls, ringing)
from app.incidents.services import Services
from app.incidents.work import Job
from app.models import Event, Incident, Page
from app.triage import Decision

from ..fakes.ports import a_call

# The orchestration function app.jobs runs for each job these tests run.
JOBS = {Job.FILE_TICKET: opening.file_ticket, Job.PLAN_PAGES: opening.plan_pages,
        Job.DELIVER_PAGE: dispatch.deliver_page, Job.ESCALATE: escalation.escalate,
        Job.WAKE: escalation.renotify, Job.DELIVERY_DEADLINE: deadline.check_delivery,
        Job.RECALL: repeat_calls.recall, Job.ACK_TIMEOUT: ack_timeout.check,
        Job.TICKET_NOTE: call_notes.add_ticket_note, Job.CANCEL_CALLS: ringing.cancel_ringing,
        Job.TRIAGE_TURN: intake.triage_turn}


def decision(severity: str = "P1", rule: int | None = 0, summary: str = "Server down at Main St",
             **fields) -> Decision:
    return Decision(action="final", severity=severity, summary=summary, rule=rule,
                    path="fallback", reason="keywords", **fields)


def open_one(svc: Services, severity: str = "P1", rule: int | None = 0, customer: str = "acme",
             **fields) -> int:
    return opening.open_incident(svc, a_call(svc, customer), decision(severity, rule, **fields)).id


def incident(svc: Services, incident_id: int) -> Incident:
    with svc.db.session() as s:
        return s.get(Incident, incident_id)


def pages(svc: Services, incident_id: int) -> list[tuple[str, str, str, str]]:
    """(kind, method, target, status) per page row, oldest first."""
    with svc.db.session() as s:
        return [(p.kind, p.method, p.target, p.status) for p in s.scalars(
            select(Page).where(Page.incident_id == incident_id).order_by(Page.id))]


def page(svc: Services, page_id: int) -> Page:
    with svc.db.session() as s:
        return s.get(Page, page_id)


def events(svc: Services, incident_id: int) -> list[str]:
    with svc.db.session() as s:
        return [e.kind for e in s.scalars(
            select(Event).where(Event.incident_id == incident_id).order_by(Event.id))]


def event(svc: Services, incident_id: int, kind: str) -> dict:
    """The detail of the last event of `kind`."""
    with svc.db.session() as s:
        return s.scalars(select(Event).where(Event.incident_id == incident_id, Event.kind == kind)
                         .order_by(Event.id.desc())).first().detail


def asked(svc: Services, name: str | None = None) -> list[tuple]:
    """(job, args, delay) asked for so far, of one name or all."""
    return [a for a in svc.work.asked if name is None or a[0] == name]


def take(svc: Services) -> list[tuple]:
    """Everything asked for so far, forgetting it (the queue handed it to a worker)."""
    jobs, svc.work.asked[:] = list(svc.work.asked), []
    return jobs


def once_each(svc: Services) -> None:
    """Forget repeated asks for the same job (the opening and the ticket both ask for the first
    page; a duplicate is harmless, test_deliver shows it, and one of them is enough)."""
    svc.work.asked[:] = list(dict.fromkeys(take(svc)))


def run(svc: Services, *names: str) -> list[tuple]:
    """Run every job of these names asked for so far (not those they ask for in turn), as a
    worker would once their delays passed; returns the jobs run."""
    jobs = take(svc)
    mine = [a for a in jobs if a[0] in names]
    svc.work.asked[:] = [a for a in jobs if a[0] not in names]
    for job, args, _delay in mine:
        JOBS[job](svc, *args)
    return mine
