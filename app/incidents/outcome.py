"""What a send's result does to its page row: sent (and a late ticket number followed up),
retried with backoff, failed, or handed to the rule's fallback and, for a P1 nobody could be
reached for, the MSP-wide default."""
from __future__ import annotations

import logging
from datetime import timedelta

from app.models import Event, Page
from app.paging import Delivery, PageMessage
from app.states import IncidentChange, PageKind, PageStatus, default_kind

from . import deadline, incident_rows, lifecycle
from . import page_rows
from .services import Paging
from .targets import resolve
from .work import Job, backoff

log = logging.getLogger(__name__)
# After this many transient failures the rule's fallback route is paged too (the first route
# keeps retrying until MAX_ATTEMPTS).
FALLBACK_AFTER = 3
MAX_ATTEMPTS = 10


def record(svc: Paging, s, page: Page, book, message: PageMessage, result: Delivery) -> None:
    incident = page.incident
    rule = book.rule(page.rule_index) if book else None
    if result.sent:
        lifecycle.apply(page, lifecycle.page_sent(svc.clock()))
        page.receipt = {**result.receipt, "ticket": message.ticket_number}
        s.add(Event(incident_id=incident.id, kind="paged", detail={
            "page": page.id, "method": page.method, "kind": page.kind, "attempts": page.attempts}))
        # Another worker may have created the ticket while this page was in flight. Recorded
        # first, read after: the ticket's side does the reverse, so one of them sees the other.
        s.commit()
        number = incident_rows.ticket_number(s, incident.id)
        late = page.kind != PageKind.TICKET and not message.ticket_number and number
        if result.live is not None:
            # The first live message is the incident's: buttons, updates, the thread.
            became_live = incident_rows.become_live(s, incident.id, result.live, svc.clock())
            if became_live and late:
                s.commit()
                svc.work.later(Job.INCIDENT_CHANGED, incident.id, IncidentChange.TICKET, "", number)
        elif late:
            page_rows.add(s, incident, page.rule_index, page.method, page.target, PageKind.TICKET, svc.clock(),
                     step=page.step)
    else:
        if page.attempts == 1 and page.kind != PageKind.TICKET:
            deadline.schedule_check(svc, incident)  # a P1 the first route may not deliver in time
        _failed(svc, s, page, book, rule, result)


def _failed(svc: Paging, s, page: Page, book, rule, result: Delivery) -> None:
    incident = page.incident
    if result.permanent or page.attempts >= MAX_ATTEMPTS:
        lifecycle.apply(page, lifecycle.page_failed(result.error))
        s.add(Event(incident_id=incident.id, kind="page_failed",
                    detail={"page": page.id, "method": page.method, "error": result.error}))
        log.error("page %s (%s) failed for %s: %s", page.id, page.method, incident.reference,
                  result.error)
        _fall_back(svc, s, page, book, rule, terminal=True)
    else:
        delay = backoff(page.attempts, base=2.0, cap=120.0, retry_after=result.retry_after)
        lifecycle.apply(page, lifecycle.page_retry(result.error, svc.clock() + timedelta(seconds=delay)))
        s.add(Event(incident_id=incident.id, kind="page_retry", detail={
            "page": page.id, "error": result.error, "retry_in_s": round(delay, 1)}))
        if page.attempts >= FALLBACK_AFTER:
            _fall_back(svc, s, page, book, rule, terminal=False)
        s.commit()
        svc.work.later(Job.DELIVER_PAGE, page.id, delay=delay)


def _pages(s, incident_id: int) -> list[Page]:
    return page_rows.of_incident(s, incident_id)


def _fall_back(svc: Paging, s, page: Page, book, rule, terminal: bool) -> None:
    """The rule's own fallback route first; for a P1 whose routes have all failed, the MSP-wide
    default (NIGHTDESK_SLACK_WEBHOOK, then NIGHTDESK_ALERT_EMAIL)."""
    incident = page.incident
    if incident.is_test:
        return  # a rehearsal never wakes anyone else
    if page.kind == PageKind.PAGE and rule is not None and rule.fallback is not None:
        target = resolve(svc, book, incident, rule.fallback)
        if page_rows.add(s, incident, page.rule_index, rule.fallback.method, target, PageKind.FALLBACK,
                         svc.clock(), step=page.step):
            return
        # The fallback was there already (it came with an earlier failure): this route's final
        # failure may be the last one, so the every-route check below still runs.
    if not terminal or incident.severity != "P1" or page.kind == PageKind.TICKET:
        return
    s.flush()
    routes = [p for p in _pages(s, incident.id) if p.kind != PageKind.TICKET]
    if any(p.status != PageStatus.FAILED for p in routes):
        return  # another route may still deliver
    for method in svc.config.msp_alert_methods:
        if any(p.method == method and p.target == "" for p in routes):
            continue
        page_rows.add(s, incident, page.rule_index, method, "", default_kind(method), svc.clock(),
                      step=page.step)
        s.add(Event(incident_id=incident.id, kind="default_alerted", detail={
            "method": method, "why": "every route for this P1 failed"}))
        return
    s.add(Event(incident_id=incident.id, kind="unpaged", detail={
        "why": "every route failed and no MSP-wide default is left to try"}))
    log.critical("P1 %s could not be paged anywhere: every route failed", incident.reference)
