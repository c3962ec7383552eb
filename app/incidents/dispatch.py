"""Delivering one page row: claim it, send it, record the result, retry or fall back."""
from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import update

from app.models import Event, Incident, Page
from app.paging import PageMessage

from .opening import _runbook, add_page
from .services import Services
from .work import backoff

log = logging.getLogger(__name__)
# After this many transient failures the rule's fallback route is paged too (the first route
# keeps retrying until MAX_ATTEMPTS).
FALLBACK_AFTER = 3
MAX_ATTEMPTS = 10


def message_for(incident: Incident, kind: str, customer_name: str, rule_trigger: str = "") -> PageMessage:
    return PageMessage(
        severity=incident.severity, customer=customer_name, summary=incident.summary,
        callback_number=incident.callback_number, ticket_number=incident.ticket_number or "",
        reference=incident.reference, caller_name=incident.caller_name, details=incident.details,
        rule=rule_trigger, kind=kind)


def deliver_page(svc: Services, page_id: int) -> None:
    now = svc.clock()
    with svc.db.session() as s:
        claimed = s.execute(update(Page).where(
            Page.id == page_id, Page.status == "queued", Page.due_at <= now,
        ).values(status="sending", claimed_at=now, attempts=Page.attempts + 1))
        s.commit()
        page = s.get(Page, page_id)
        if claimed.rowcount != 1:
            if page is not None and page.status == "queued":  # woken early (clock skew): sleep on
                svc.work.later("deliver_page", page_id, delay=(page.due_at - now).total_seconds())
            return
        incident = page.incident
        book = _runbook(svc, incident)
        rule = book.rule(page.rule_index) if book else None
        message = message_for(incident, page.kind, book.name if book else incident.customer,
                              rule.trigger if rule else "")
        if page.kind == "ticket":
            message = _ticket_follow_up(message)
        result = svc.channels.send(page.method, page.target, message)
        if result.sent:
            page.status, page.sent_at, page.last_error = "sent", svc.clock(), ""
            page.receipt = result.receipt
            s.add(Event(incident_id=incident.id, kind="paged", detail={
                "page": page.id, "method": page.method, "kind": page.kind, "attempts": page.attempts}))
            if page.kind == "page" and not message.ticket_number and incident.ticket_number:
                add_page(s, incident, page.rule_index, page.method, page.target, "ticket", svc.clock())
        elif result.permanent or page.attempts >= MAX_ATTEMPTS:
            page.status, page.last_error = "failed", result.error
            s.add(Event(incident_id=incident.id, kind="page_failed",
                        detail={"page": page.id, "method": page.method, "error": result.error}))
            log.error("page %s (%s) failed for %s: %s", page.id, page.method, incident.reference,
                      result.error)
            _fall_back(svc, s, page, rule)
        else:
            delay = backoff(page.attempts, base=2.0, cap=120.0, retry_after=result.retry_after)
            page.status, page.last_error = "queued", result.error
            page.due_at = svc.clock() + timedelta(seconds=delay)
            s.add(Event(incident_id=incident.id, kind="page_retry", detail={
                "page": page.id, "error": result.error, "retry_in_s": round(delay, 1)}))
            if page.attempts >= FALLBACK_AFTER:
                _fall_back(svc, s, page, rule)
            s.commit()
            svc.work.later("deliver_page", page.id, delay=delay)
        s.commit()
        follow = [p.id for p in incident.pages if p.status == "queued" and p.id != page.id]
    for other in follow:
        svc.work.later("deliver_page", other)


def _fall_back(svc: Services, s, page: Page, rule) -> None:
    """The rule's own fallback route first; for a P1 whose routes all failed, the MSP-wide default."""
    incident = page.incident
    if page.kind == "page" and rule is not None and rule.fallback is not None:
        add_page(s, incident, page.rule_index, rule.fallback.method, rule.fallback.page,
                 "fallback", svc.clock())
    elif page.kind in ("page", "fallback") and incident.severity == "P1" \
            and not (page.method == "slack" and page.target == ""):
        add_page(s, incident, page.rule_index, "slack", "", "default", svc.clock())
        s.add(Event(incident_id=incident.id, kind="default_alerted",
                    detail={"why": f"every route of rule {page.rule_index} failed"}))


def _ticket_follow_up(message: PageMessage) -> PageMessage:
    return PageMessage(**{**message.__dict__, "summary": f"Ticket {message.ticket_number} created "
                          f"for {message.reference}: {message.summary}"[:150]})
