"""An incident from a decision: its pages are planned at once and its ticket filed beside them, so
a slow or down ticket system never holds a page back; the ticket number follows the page."""
from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy.exc import IntegrityError

from app.config import is_e164
from app.paging.live import was_live
from app.states import IncidentChange, PageKind, TicketStatus
from app.models import Call, Event, Incident
from app.runbooks import Runbook
from app.tickets import TicketError, TicketRequest
from app.triage import Decision

from .call_notes import owe_notes
from .escalation import arm
from .recognition import contact_for
from . import incident_rows, page_rows
from .rows import runbook_of
from .services import Opening, Paging, Routing, Ticketing
from .targets import resolve
from .work import Job, backoff

log = logging.getLogger(__name__)
# A claimed ticket attempt is not taken again before this (a retry's lookup and post, 30 s each, fit).
TICKET_LEASE_S = 90


def open_incident(svc: Opening, call_id: int, decision: Decision) -> Incident:
    """One incident per call, whichever of the triage job, the timeout or the hang-up gets here
    first."""
    with svc.db.session() as s:
        existing = incident_rows.by_call(s, call_id)
        if existing:
            return existing
        call = s.get(Call, call_id)
        incident = Incident(
            call_id=call_id, customer=call.customer, severity=decision.severity,
            rule_index=decision.rule, summary=decision.summary[:100], details=decision.details,
            caller_name=decision.caller_name,
            callback_number=decision.callback_number or caller_id(call),
            transcript="\n".join(f"NightDesk: {t.prompt}\nCaller: {t.speech or '(no speech)'}"
                                 for t in call.turns),
            triage={k: v for k, v in decision.as_dict().items()
                    if k in ("path", "reason", "model", "prompt_version", "latency_ms", "tokens",
                             "severity", "rule")},
            created_at=svc.clock())
        s.add(incident)
        try:
            s.flush()
        except IntegrityError:
            s.rollback()
            winner = incident_rows.by_call(s, call_id)
            if winner is None:  # not the other worker's incident: a real constraint failed
                raise
            return winner
        s.add(Event(incident_id=incident.id, call_id=call_id, kind="incident_opened",
                    detail={"severity": incident.severity, "path": decision.path,
                            "reason": decision.reason}))
        if svc.tickets.kept_here:
            _number_here(svc, s, incident)
    if svc.tickets.kept_here:
        owe_notes(svc, call_id)  # its ticket exists now: a call already over owes its note row
    else:
        svc.work.later(Job.FILE_TICKET, incident.id)
    plan_pages(svc, incident.id)  # from the decision: no page waits for the ticket system
    return incident


def _number_here(svc: Opening, s, incident: Incident) -> None:
    """No PSA: the incident is its own ticket, numbered in the transaction that opens it, so its
    pages carry the number from the first and the caller hears it without a wait."""
    incident.ticket_status, incident.ticket_number = TicketStatus.CREATED, incident.reference
    s.add(Event(incident_id=incident.id, kind="ticket_created",
                detail={"number": incident.reference, "system": svc.tickets.name}))


def file_ticket(svc: Paging, incident_id: int) -> None:
    """One attempt at the ticket. The pages were planned when the incident opened; planning them
    here again (a no-op then) covers an opening cut short before it got that far."""
    with svc.db.session() as s:
        incident = s.get(Incident, incident_id)
        if incident is None:
            return
        book = runbook_of(svc, incident)
        if book is not None and _claim_ticket(svc, s, incident):
            _attempt_ticket(svc, s, incident, book, retrying=incident.ticket_attempts > 1)
    plan_pages(svc, incident_id)


def _claim_ticket(svc: Ticketing, s, incident: Incident) -> bool:
    """Only one worker talks to the ticket system for an incident at a time; the attempt is
    counted before the call, so a worker killed mid-request makes the next try look first."""
    now = svc.clock()
    if incident.ticket_status != TicketStatus.PENDING:
        return False
    if incident.ticket_due_at and incident.ticket_due_at > now:
        svc.work.later(Job.FILE_TICKET, incident.id, delay=(incident.ticket_due_at - now).total_seconds())
        return False
    claimed = incident_rows.claim_ticket(s, incident, now, TICKET_LEASE_S)
    s.commit()
    if not claimed:
        return False
    s.refresh(incident)
    return True


def _attempt_ticket(svc: Ticketing, s, incident: Incident, book: Runbook, retrying: bool) -> None:
    request = ticket_request(incident, book)
    s.commit()  # no transaction held open while the ticket system takes its time
    try:
        ticket = svc.tickets.create(request, retrying=retrying)
    except TicketError as exc:
        incident.ticket_error = exc.message
        if exc.permanent:
            incident.ticket_status, incident.ticket_due_at = TicketStatus.FAILED, None
            s.add(Event(incident_id=incident.id, kind="ticket_refused", detail={"error": exc.message}))
            log.error("ticket for %s refused: %s", incident.reference, exc.message)
        else:
            delay = backoff(incident.ticket_attempts, retry_after=exc.retry_after)
            incident.ticket_due_at = svc.clock() + timedelta(seconds=delay)
            s.add(Event(incident_id=incident.id, kind="ticket_delayed",
                        detail={"error": exc.message, "retry_in_s": round(delay, 1)}))
            s.commit()
            svc.work.later(Job.FILE_TICKET, incident.id, delay=delay)
        return
    incident.ticket_status, incident.ticket_number, incident.ticket_error = TicketStatus.CREATED, ticket.number, ""
    incident.ticket_due_at = None
    s.add(Event(incident_id=incident.id, kind="ticket_created",
                detail={"number": ticket.number, "system": svc.tickets.name}))
    # The number first, the pages after: a page being sent meanwhile records itself, then reads
    # the number (outcome.record), so one side or both see the other and no follow-up is lost
    # (add_page keeps it to one).
    s.commit()
    if incident_rows.has_live_message(s, incident.id):
        # bot mode: the live message shows the number, the thread says so
        svc.work.later(Job.INCIDENT_CHANGED, incident.id, IncidentChange.TICKET, "", ticket.number)
    late = page_rows.sent_routes(s, incident.id)
    late = [p for p in late if not was_live(p.receipt)]
    for page in late:  # the page went out before the number existed: follow up with it
        page_rows.add(s, incident, page.rule_index, page.method, page.target, kind=PageKind.TICKET, now=svc.clock(),
                 step=page.step)
    s.commit()
    for page_id in page_rows.queued_ids(s, incident.id):
        svc.work.later(Job.DELIVER_PAGE, page_id)
    if incident.call_id is not None:
        owe_notes(svc, incident.call_id)  # the transcript, if the call has already ended


def ticket_request(incident: Incident, book: Runbook) -> TicketRequest:
    # The summary only: the transcript follows as a note once the call has ended (call_notes).
    contact, known = contact_for(incident.call.contact if incident.call else None, book)
    lines = [f"After-hours call taken by NightDesk ({incident.reference}).",
             f"Severity: {incident.severity}. Triage: {incident.triage.get('path')} — "
             f"{incident.triage.get('reason', '')}",
             f"Caller: {incident.caller_name or 'unknown'}; callback {incident.callback_number or 'unknown'}.",
             *([known] if known else []), "", "The call's transcript is added as a note when the call ends."]
    return TicketRequest(
        reference=incident.reference, customer=book.customer, company=book.cw_company or book.customer,
        board=book.cw_board, summary=incident.summary, priority=book.cw_priorities[incident.severity],
        description="\n".join(lines), contact_name=incident.caller_name or (contact.name if contact else ""),
        contact_phone=incident.callback_number, contact_id=contact.id if contact else "")


def plan_pages(svc: Routing, incident_id: int) -> None:
    """Create the page rows this incident needs (once) and queue them."""
    with svc.db.session() as s:
        incident = s.get(Incident, incident_id)
        if incident.pages_planned:
            return
        incident.pages_planned = True
        book = runbook_of(svc, incident)
        if book is None or not book.pages_for(incident.severity):
            s.add(Event(incident_id=incident_id, kind="not_paged",
                        detail={"why": f"{incident.severity} is logged for the morning"}))
            return
        rule = book.rule(incident.rule_index) or book.rules[0]
        page_rows.add(s, incident, rule.index, rule.method, resolve(svc, book, incident, rule.route),
                 kind=PageKind.PAGE, now=svc.clock())
        arm(svc, incident, book)
        s.commit()
        ids = page_rows.queued_ids(s, incident_id)
    for page_id in ids:
        svc.work.later(Job.DELIVER_PAGE, page_id)


def caller_id(call: Call) -> str:
    """The caller's number, when Twilio gave one (not "anonymous" or a withheld placeholder)."""
    return call.from_number if is_e164(call.from_number) else ""
