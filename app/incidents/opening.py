"""An incident from a decision: its pages are planned at once and its ticket filed beside them, so
a slow or down ticket system never holds a page back; the ticket number follows the page."""
from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.models import Call, Event, Incident, Page
from app.runbooks import Runbook
from app.tickets import TicketError, TicketRequest
from app.triage import Decision

from .escalation import arm
from .rows import add_page, queued_ids, runbook_of
from .services import Services
from .targets import resolve
from .work import backoff

log = logging.getLogger(__name__)
# A claimed ticket attempt is not taken again before this (a retry's lookup and post, 30 s each, fit).
TICKET_LEASE_S = 90


def open_incident(svc: Services, call_id: int, decision: Decision) -> Incident:
    """One incident per call, whichever of the triage job, the timeout or the hang-up gets here
    first."""
    with svc.db.session() as s:
        existing = s.scalar(select(Incident).where(Incident.call_id == call_id))
        if existing:
            return existing
        call = s.get(Call, call_id)
        incident = Incident(
            call_id=call_id, customer=call.customer, severity=decision.severity,
            rule_index=decision.rule, summary=decision.summary[:100], details=decision.details,
            caller_name=decision.caller_name,
            callback_number=decision.callback_number or _caller_id(call),
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
            return s.scalar(select(Incident).where(Incident.call_id == call_id))
        s.add(Event(incident_id=incident.id, call_id=call_id, kind="incident_opened",
                    detail={"severity": incident.severity, "path": decision.path,
                            "reason": decision.reason}))
    svc.work.later("file_ticket", incident.id)
    plan_pages(svc, incident.id)  # from the decision: no page waits for the ticket system
    return incident


def file_ticket(svc: Services, incident_id: int) -> None:
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


def _claim_ticket(svc: Services, s, incident: Incident) -> bool:
    """Only one worker talks to the ticket system for an incident at a time; the attempt is
    counted before the call, so a worker killed mid-request makes the next try look first."""
    now = svc.clock()
    if incident.ticket_status != "pending":
        return False
    if incident.ticket_due_at and incident.ticket_due_at > now:
        svc.work.later("file_ticket", incident.id, delay=(incident.ticket_due_at - now).total_seconds())
        return False
    claimed = s.execute(update(Incident).where(
        Incident.id == incident.id, Incident.ticket_status == "pending",
        Incident.ticket_attempts == incident.ticket_attempts,
    ).values(ticket_attempts=incident.ticket_attempts + 1,
             ticket_due_at=now + timedelta(seconds=TICKET_LEASE_S)))
    s.commit()
    if claimed.rowcount != 1:
        return False
    s.refresh(incident)
    return True


def _attempt_ticket(svc, s, incident: Incident, book: Runbook, retrying: bool) -> None:
    request = ticket_request(incident, book)
    s.commit()  # no transaction held open while the ticket system takes its time
    try:
        ticket = svc.tickets.create(request, retrying=retrying)
    except TicketError as exc:
        incident.ticket_error = exc.message
        if exc.permanent:
            incident.ticket_status, incident.ticket_due_at = "failed", None
            s.add(Event(incident_id=incident.id, kind="ticket_refused", detail={"error": exc.message}))
            log.error("ticket for %s refused: %s", incident.reference, exc.message)
        else:
            delay = backoff(incident.ticket_attempts, retry_after=exc.retry_after)
            incident.ticket_due_at = svc.clock() + timedelta(seconds=delay)
            s.add(Event(incident_id=incident.id, kind="ticket_delayed",
                        detail={"error": exc.message, "retry_in_s": round(delay, 1)}))
            s.commit()
            svc.work.later("file_ticket", incident.id, delay=delay)
        return
    incident.ticket_status, incident.ticket_number, incident.ticket_error = "created", ticket.number, ""
    incident.ticket_due_at = None
    s.add(Event(incident_id=incident.id, kind="ticket_created",
                detail={"number": ticket.number, "system": svc.tickets.name}))
    # The number first, the pages after: a page being sent meanwhile records itself, then reads
    # the number (dispatch._record), so one side or both see the other and no follow-up is lost
    # (add_page keeps it to one).
    s.commit()
    if s.scalar(select(Incident.slack_ts).where(Incident.id == incident.id)):
        # bot mode: the live message shows the number, the thread says so
        svc.work.later("incident_changed", incident.id, "ticket", "", ticket.number)
    late = s.scalars(select(Page).where(Page.incident_id == incident.id, Page.kind != "ticket",
                                        Page.status == "sent")).all()
    late = [p for p in late if (p.receipt or {}).get("via") != "bot"]
    for page in late:  # the page went out before the number existed: follow up with it
        add_page(s, incident, page.rule_index, page.method, page.target, kind="ticket", now=svc.clock(),
                 step=page.step)
    s.commit()
    for page_id in queued_ids(s, incident.id):
        svc.work.later("deliver_page", page_id)


def ticket_request(incident: Incident, book: Runbook) -> TicketRequest:
    lines = [f"After-hours call taken by NightDesk ({incident.reference}).",
             f"Severity: {incident.severity}. Triage: {incident.triage.get('path')} — "
             f"{incident.triage.get('reason', '')}",
             f"Caller: {incident.caller_name or 'unknown'}; callback {incident.callback_number or 'unknown'}.",
             "", "Transcript:", incident.transcript]
    return TicketRequest(
        reference=incident.reference, customer=book.customer, company=book.cw_company or book.customer,
        board=book.cw_board, summary=incident.summary, priority=book.cw_priorities[incident.severity],
        description="\n".join(lines), contact_name=incident.caller_name,
        contact_phone=incident.callback_number)


def plan_pages(svc: Services, incident_id: int) -> None:
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
        add_page(s, incident, rule.index, rule.method, resolve(svc, book, incident, rule.route),
                 kind="page", now=svc.clock())
        arm(svc, incident, book)
        s.commit()
        ids = queued_ids(s, incident_id)
    for page_id in ids:
        svc.work.later("deliver_page", page_id)


def _caller_id(call: Call) -> str:
    return call.from_number if call.from_number.startswith("+") else ""
