"""Delivering one page row: claim it, wait for the target's send slot, send, record, retry or fall
back."""
from __future__ import annotations

import dataclasses
import logging
import time
from datetime import timedelta, timezone

from sqlalchemy import select, update

from app.models import Event, Incident, Page
from app.paging import Delivery, PageMessage
from app.paging.redact import redact

from . import deadline, in_flight, lease
from .links import incident_link
from .rows import add_page, runbook_of
from .services import Services
from .targets import resolve
from .work import backoff

log = logging.getLogger(__name__)
# After this many transient failures the rule's fallback route is paged too (the first route
# keeps retrying until MAX_ATTEMPTS).
FALLBACK_AFTER = 3
MAX_ATTEMPTS = 10
# A first page waits at most this long after the incident opened for its ticket number: a
# healthy ticket system answers by then and the page carries the number; a slow one is not waited
# for, and the number follows in its own message once the ticket exists.
TICKET_GRACE_S = 2.0
# A page whose target's next send slot is further off than this goes back on the schedule, timed
# to come back LANDING_S / 2 before the slot; only the last moment (at most LANDING_S, the
# schedule's own precision) is waited out in the worker thread, so sends keep Slack's spacing
# without a thread sleeping through a second per page.
LANDING_S = 0.15


def message_for(incident: Incident, kind: str, book, rule_trigger: str = "", link: str = "",
                ticket_url: str = "", default_zone: str = "UTC") -> PageMessage:
    clean = redact if (book is None or book.redact) else (lambda text: text)
    zone = (book.timezone if book else "") or default_zone
    return PageMessage(
        severity=incident.severity, customer=book.name if book else incident.customer,
        summary=clean(incident.summary), callback_number=incident.callback_number,
        ticket_number=incident.ticket_number or "", reference=incident.reference,
        caller_name=clean(incident.caller_name), details=clean(incident.details),
        rule=rule_trigger, kind="test" if incident.is_test else kind, link=link,
        incident_id=incident.id, status=incident.status,
        holder=incident.resolved_by or incident.acknowledged_by,
        triggered=incident.created_at, snoozed_until=incident.snoozed_until, timezone=zone,
        resolution=clean(incident.resolution_note), ticket_url=ticket_url or link,
        workspace=incident.slack_team or (book.slack_workspace if book else ""))


def live_message(svc: Services, incident: Incident, book=None) -> PageMessage:
    """The incident as its live Slack message shows it now."""
    book = book or runbook_of(svc, incident)
    rule = book.rule(incident.rule_index) if book else None
    ticket_url = svc.tickets.url(incident.ticket_number) if incident.ticket_number and \
        incident.ticket_number != incident.reference else ""
    return message_for(incident, "page", book, rule.trigger if rule else "",
                       incident_link(svc.config, svc.secret_key, incident.id, svc.clock), ticket_url,
                       default_zone=svc.config.timezone)


def deliver_page(svc: Services, page_id: int, first_seen: float | None = None) -> None:
    now = svc.clock()
    first_seen = _epoch(now) if first_seen is None else first_seen
    with svc.db.session() as s:
        grace = _ticket_grace(svc, s.get(Page, page_id), now, first_seen)
    if grace:
        svc.work.later("deliver_page", page_id, first_seen, delay=grace)
        return
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
        if page.incident.status != "open" and page.kind not in ("ticket", "test"):
            # Someone owns it now: a page still waiting (a retry, a later step) would only wake
            # another person for nothing.
            page.status, page.last_error = "cancelled", f"incident {page.incident.status}"
            page.attempts -= 1  # claimed, never sent
            s.add(Event(incident_id=page.incident_id, kind="page_cancelled",
                        detail={"page": page.id, "why": page.incident.status}))
            return
        with lease.held(svc, page.id):
            if not _send(svc, s, page):
                return
        # Pages due now (a fallback just added); a page waiting for a retry has its own job, and
        # waking it early would only queue one more job for it each time.
        follow = list(s.scalars(select(Page.id).where(
            Page.incident_id == page.incident_id, Page.id != page.id, Page.status == "queued",
            Page.due_at <= svc.clock())))
    for other in follow:
        svc.work.later("deliver_page", other)


def _ticket_grace(svc: Services, page: Page | None, now, first_seen: float) -> float:
    """Seconds this first page may still wait for the ticket's first attempt (0: send now),
    counted from when a worker first took it up (a page picked up late, after a deploy, still
    gives the ticket job beside it its moment)."""
    if page is None or page.kind != "page" or page.step != 0 or page.status != "queued":
        return 0.0
    incident = page.incident
    if incident.ticket_status != "pending" or incident.ticket_error or incident.is_test:
        return 0.0
    return min(TICKET_GRACE_S, max(0.0, TICKET_GRACE_S - (_epoch(now) - first_seen)))


def _epoch(moment) -> float:
    """Seconds since the epoch, the same on every host (the clock's times are naive UTC)."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).timestamp()


def _send(svc: Services, s, page: Page) -> bool:
    """Take the target's send slot, send, record; False if the page went back in line instead."""
    limit = svc.channels.rate_key(page.method, page.target)
    book = runbook_of(svc, page.incident)
    message = live_message(svc, page.incident, book)  # ready before the slot: sent the moment
    message = dataclasses.replace(message, page_id=page.id,  # it is ours
                                  kind="ticket" if page.kind == "ticket" else message.kind)
    with in_flight.turn(limit[0] if limit else None) as mine:
        wait = (_take_slot(svc, limit, LANDING_S) if mine else limit[1]) if limit else 0.0
        if wait > 0:
            # Not an attempt: the target is busy with other pages (or this process is still
            # waiting on its last send there). The page is scheduled for the target's next slot
            # instead of sleeping in a worker thread, which then serves other work.
            wait = max(0.01, wait - LANDING_S / 2)
            page.status, page.attempts = "queued", page.attempts - 1
            page.due_at = svc.clock() + timedelta(seconds=wait)
            s.commit()
            svc.work.later("deliver_page", page.id, delay=wait)
            return False
        result = svc.channels.send(page.method, page.target, message)
    if limit and result.retry_after:
        svc.limiter.hold(limit[0], result.retry_after)
    _record(svc, s, page, book, message, result)
    s.commit()
    return True


def _take_slot(svc: Services, limit: tuple[str, float], max_wait: float) -> float:
    """0 once this caller holds the target's send slot; else how long until the next one."""
    key, interval = limit
    sleep = getattr(svc.clock, "sleep", time.sleep)  # a test's clock moves on instead
    waited = 0.0
    while True:
        wait = svc.limiter.acquire(key, interval)
        if wait <= 0:
            return 0.0
        if waited + wait > max_wait:
            return wait
        sleep(wait)
        waited += wait


def send_now(svc: Services, method: str, target: str, message: PageMessage) -> Delivery:
    """Send outside the queue (rehearsals), still within the target's rate limit."""
    limit = svc.channels.rate_key(method, target)
    if limit and _take_slot(svc, limit, max_wait=30.0):
        return Delivery.transient("the target stayed busy for 30 s")
    result = svc.channels.send(method, target, message)
    if limit and result.retry_after:
        svc.limiter.hold(limit[0], result.retry_after)
    return result


def _pages(s, incident_id: int) -> list[Page]:
    return list(s.scalars(select(Page).where(Page.incident_id == incident_id).order_by(Page.id)))


def _record(svc: Services, s, page: Page, book, message: PageMessage, result: Delivery) -> None:
    incident = page.incident
    rule = book.rule(page.rule_index) if book else None
    if result.sent:
        page.status, page.sent_at, page.last_error = "sent", svc.clock(), ""
        page.receipt = {**result.receipt, "ticket": message.ticket_number}
        s.add(Event(incident_id=incident.id, kind="paged", detail={
            "page": page.id, "method": page.method, "kind": page.kind, "attempts": page.attempts}))
        # Another worker may have created the ticket while this page was in flight. Recorded
        # first, read after: the ticket's side does the reverse, so one of them sees the other.
        s.commit()
        number = s.scalar(select(Incident.ticket_number).where(Incident.id == incident.id))
        late = page.kind != "ticket" and not message.ticket_number and number
        if result.receipt.get("via") == "bot":
            # The first bot-mode message becomes the live one: buttons, updates, the thread.
            became_live = s.execute(update(Incident).where(
                Incident.id == incident.id, Incident.slack_ts == "").values(
                slack_team=result.receipt.get("team", ""), slack_channel=result.receipt["channel"],
                slack_ts=result.receipt["ts"])).rowcount == 1
            if became_live and late:
                s.commit()
                svc.work.later("incident_changed", incident.id, "ticket", "", number)
        elif late:
            add_page(s, incident, page.rule_index, page.method, page.target, "ticket", svc.clock(),
                     step=page.step)
    else:
        if page.attempts == 1 and page.kind != "ticket":
            deadline.schedule_check(svc, incident)  # a P1 the first route may not deliver in time
        _failed(svc, s, page, book, rule, result)


def _failed(svc: Services, s, page: Page, book, rule, result: Delivery) -> None:
    incident = page.incident
    if result.permanent or page.attempts >= MAX_ATTEMPTS:
        page.status, page.last_error = "failed", result.error
        s.add(Event(incident_id=incident.id, kind="page_failed",
                    detail={"page": page.id, "method": page.method, "error": result.error}))
        log.error("page %s (%s) failed for %s: %s", page.id, page.method, incident.reference,
                  result.error)
        _fall_back(svc, s, page, book, rule, terminal=True)
    else:
        delay = backoff(page.attempts, base=2.0, cap=120.0, retry_after=result.retry_after)
        page.status, page.last_error = "queued", result.error
        page.due_at = svc.clock() + timedelta(seconds=delay)
        s.add(Event(incident_id=incident.id, kind="page_retry", detail={
            "page": page.id, "error": result.error, "retry_in_s": round(delay, 1)}))
        if page.attempts >= FALLBACK_AFTER:
            _fall_back(svc, s, page, book, rule, terminal=False)
        s.commit()
        svc.work.later("deliver_page", page.id, delay=delay)


def _fall_back(svc: Services, s, page: Page, book, rule, terminal: bool) -> None:
    """The rule's own fallback route first; for a P1 whose routes have all failed, the MSP-wide
    default (NIGHTDESK_SLACK_WEBHOOK, then NIGHTDESK_ALERT_EMAIL)."""
    incident = page.incident
    if incident.is_test:
        return  # a rehearsal never wakes anyone else
    if page.kind == "page" and rule is not None and rule.fallback is not None:
        target = resolve(svc, book, incident, rule.fallback)
        add_page(s, incident, page.rule_index, rule.fallback.method, target, "fallback", svc.clock(),
                 step=page.step)
        return
    if not terminal or incident.severity != "P1" or page.kind == "ticket":
        return
    s.flush()
    routes = [p for p in _pages(s, incident.id) if p.kind != "ticket"]
    if any(p.status != "failed" for p in routes):
        return  # another route may still deliver
    for method, configured in (("slack", svc.config.slack_webhook), ("email", svc.config.alert_email)):
        if not configured or any(p.method == method and p.target == "" for p in routes):
            continue
        add_page(s, incident, page.rule_index, method, "", f"default:{method}", svc.clock(),
                 step=page.step)
        s.add(Event(incident_id=incident.id, kind="default_alerted", detail={
            "method": method, "why": "every route for this P1 failed"}))
        return
    s.add(Event(incident_id=incident.id, kind="unpaged", detail={
        "why": "every route failed and no MSP-wide default is left to try"}))
    log.critical("P1 %s could not be paged anywhere: every route failed", incident.reference)
