"""Delivering one page row: claim it, wait for the target's send slot, send, record (outcome.py).

Three steps, each with its own short database session: the claim, the send (no session: a
connection never sits idle in a transaction through a vendor's timeout), the record."""
from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from datetime import timedelta, timezone

from app.models import Event, Page
from app.paging import Delivery, PageMessage
from app.states import PageKind, PageStatus, TicketStatus

from . import in_flight, lease, lifecycle, page_rows
from .messages import live_message
from .outcome import record
from .rows import runbook_of
from .services import Paging
from .work import Job

# A first page waits at most this long after the incident opened for its ticket number: a
# healthy ticket system answers by then and the page carries the number; a slow one is not waited
# for, and the number follows in its own message once the ticket exists.
TICKET_GRACE_S = 2.0
# A page whose target's next send slot is further off than this goes back on the schedule, timed
# to come back LANDING_S / 2 before the slot; only the last moment (at most LANDING_S, the
# schedule's own precision) is waited out in the worker thread, so sends keep Slack's spacing
# without a thread sleeping through a second per page.
LANDING_S = 0.15


@dataclass(frozen=True)
class Claim:
    """A page this worker holds (status sending): everything its send needs, read beforehand."""
    page_id: int
    method: str
    target: str
    message: PageMessage
    limit: tuple[str, float] | None   # the target's send slot: (key, seconds between sends)


def deliver_page(svc: Paging, page_id: int, first_seen: float | None = None) -> None:
    now = svc.clock()
    first_seen = _epoch(now) if first_seen is None else first_seen
    with svc.db.session() as s:
        grace = _ticket_grace(s.get(Page, page_id), now, first_seen)
    if grace:
        svc.work.later(Job.DELIVER_PAGE, page_id, first_seen, delay=grace)
        return
    claim = _claim(svc, page_id, now)
    if claim is None:
        return
    with lease.held(svc, page_id):
        result = _send(svc, claim)
    if result is None:
        return  # back in line for the target's next slot
    with svc.db.session() as s:
        page = s.get(Page, page_id)
        record(svc, s, page, runbook_of(svc, page.incident), claim.message, result)
        s.commit()
        # Pages due now (a fallback just added); a page waiting for a retry has its own job, and
        # waking it early would only queue one more job for it each time.
        follow = page_rows.due_ids(s, page.incident_id, svc.clock(), besides=page.id)
    for other in follow:
        svc.work.later(Job.DELIVER_PAGE, other)


def _claim(svc: Paging, page_id: int, now) -> Claim | None:
    """queued → sending, if it is due and still ours to send; None otherwise."""
    with svc.db.session() as s:
        claimed = page_rows.claim(s, page_id, now)
        s.commit()
        page = s.get(Page, page_id)
        if not claimed:
            if page is not None and page.status == PageStatus.QUEUED:  # woken early: sleep on
                svc.work.later(Job.DELIVER_PAGE, page_id, delay=(page.due_at - now).total_seconds())
            return None
        incident = page.incident
        if not lifecycle.still_wanted(incident.status, page.kind):
            # Someone owns it now: a page still waiting (a retry, a later step) would only wake
            # another person for nothing.
            lifecycle.apply(page, lifecycle.page_cancelled(incident.status))
            page.attempts -= 1  # claimed, never sent
            s.add(Event(incident_id=page.incident_id, kind="page_cancelled",
                        detail={"page": page.id, "why": incident.status}))
            return None
        message = live_message(svc, incident, runbook_of(svc, incident))
        message = dataclasses.replace(message, page_id=page.id, kind=PageKind.TICKET
                                      if page.kind == PageKind.TICKET else message.kind)
        return Claim(page.id, page.method, page.target, message,
                     svc.channels.rate_key(page.method, page.target))


def _send(svc: Paging, claim: Claim) -> Delivery | None:
    """Take the target's send slot and send; None if the page went back in line instead."""
    limit = claim.limit
    with in_flight.turn(limit[0] if limit else None) as mine:
        wait = (_take_slot(svc, limit, LANDING_S) if mine else limit[1]) if limit else 0.0
        if wait > 0:
            # Not an attempt: the target is busy with other pages (or this process is still
            # waiting on its last send there). The page is scheduled for the target's next slot
            # instead of sleeping in a worker thread, which then serves other work.
            _back_in_line(svc, claim.page_id, max(0.01, wait - LANDING_S / 2))
            return None
        result = svc.channels.send(claim.method, claim.target, claim.message)
    if limit and result.retry_after:
        svc.limiter.hold(limit[0], result.retry_after)
    return result


def _back_in_line(svc: Paging, page_id: int, wait: float) -> None:
    with svc.db.session() as s:
        page = s.get(Page, page_id)
        lifecycle.apply(page, lifecycle.page_back_in_line(svc.clock() + timedelta(seconds=wait)))
        page.attempts -= 1
    svc.work.later(Job.DELIVER_PAGE, page_id, delay=wait)


def _ticket_grace(page: Page | None, now, first_seen: float) -> float:
    """Seconds this first page may still wait for the ticket's first attempt (0: send now),
    counted from when a worker first took it up (a page picked up late, after a deploy, still
    gives the ticket job beside it its moment)."""
    if page is None or page.kind != PageKind.PAGE or page.step != 0 or page.status != PageStatus.QUEUED:
        return 0.0
    incident = page.incident
    if incident.ticket_status != TicketStatus.PENDING or incident.ticket_error or incident.is_test:
        return 0.0
    return min(TICKET_GRACE_S, max(0.0, TICKET_GRACE_S - (_epoch(now) - first_seen)))


def _epoch(moment) -> float:
    """Seconds since the epoch, the same on every host (the clock's times are naive UTC)."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).timestamp()


def _take_slot(svc: Paging, limit: tuple[str, float], max_wait: float) -> float:
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


def send_now(svc: Paging, method: str, target: str, message: PageMessage) -> Delivery:
    """Send outside the queue (rehearsals), still within the target's rate limit."""
    limit = svc.channels.rate_key(method, target)
    if limit and _take_slot(svc, limit, max_wait=30.0):
        return Delivery.transient("the target stayed busy for 30 s")
    result = svc.channels.send(method, target, message)
    if limit and result.retry_after:
        svc.limiter.hold(limit[0], result.retry_after)
    return result
