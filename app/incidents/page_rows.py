"""The page aggregate's SQL, all of it: finders and the conditional UPDATEs that settle races
between workers. Which change is allowed, and what it writes, is lifecycle.py's."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import exists, func, select, update
from sqlalchemy.exc import IntegrityError

from app.models import Incident, Page
from app.states import PageKind, PageStatus

from . import lifecycle

CALL = "call"          # the call channel's method, as page rows store it
ANSWERED = "answered"  # in a call page's receipt: its call was picked up


def add(s, incident: Incident, rule_index: int, method: str, target: str, kind: str, now,
        step: int = 0) -> bool:
    """A page row, at most one per (incident, rule, step, kind), even with two workers racing;
    False when it was there already."""
    found = s.scalar(select(Page.id).where(Page.incident_id == incident.id, Page.rule_index == rule_index,
                                           Page.step == step, Page.kind == kind))
    if found is not None:
        return False
    try:
        with s.begin_nested():
            s.add(Page(incident_id=incident.id, rule_index=rule_index, step=step, kind=kind,
                       method=method, target=target, due_at=now, created_at=now))
    except IntegrityError:
        return False
    return True


def queued_ids(s, incident_id: int) -> list[int]:
    return list(s.scalars(select(Page.id).where(Page.incident_id == incident_id,
                                                Page.status == PageStatus.QUEUED)))


def due_ids(s, incident_id: int, now: datetime, besides: int | None = None) -> list[int]:
    """This incident's queued pages due by `now` (a fallback just added), but for `besides`."""
    query = select(Page.id).where(Page.incident_id == incident_id, Page.status == PageStatus.QUEUED,
                                  Page.due_at <= now)
    if besides is not None:
        query = query.where(Page.id != besides)
    return list(s.scalars(query))


def of_incident(s, incident_id: int) -> list[Page]:
    return list(s.scalars(select(Page).where(Page.incident_id == incident_id).order_by(Page.id)))


def routes(s, incident_id: int, kinds: tuple[str, ...] | None = None) -> list[Page]:
    """The pages that try to reach someone (every kind but a ticket-number follow-up, or only
    `kinds`), oldest first."""
    query = select(Page).where(Page.incident_id == incident_id)
    query = query.where(Page.kind.in_(kinds)) if kinds else query.where(Page.kind != PageKind.TICKET)
    return list(s.scalars(query.order_by(Page.id)))


def sent_routes(s, incident_id: int) -> list[Page]:
    return list(s.scalars(select(Page).where(Page.incident_id == incident_id, Page.kind != PageKind.TICKET,
                                             Page.status == PageStatus.SENT)))


def delivered():
    """A clause for an incident query: some route of the incident was delivered."""
    return exists().where(Page.incident_id == Incident.id, Page.kind != PageKind.TICKET,
                          Page.status == PageStatus.SENT)


def ringing_calls(s, incident_id: int) -> list[Page]:
    """This incident's phone-call pages Twilio accepted that nobody has picked up (yet)."""
    return [page for page in s.scalars(select(Page).where(
        Page.incident_id == incident_id, Page.method == CALL, Page.status == PageStatus.SENT,
        Page.kind != PageKind.TICKET).order_by(Page.id))
        if page.receipt.get("sid") and not page.receipt.get(ANSWERED)]


def mark_answered(s, page_id: int, call_sid: str) -> None:
    """The call `call_sid` of this page was picked up (a person or a machine): never cancelled.
    A webhook about an earlier attempt's call (another sid) marks nothing."""
    page = s.get(Page, page_id, with_for_update=True)
    if page is not None and call_sid and page.receipt.get("sid") == call_sid \
            and not page.receipt.get(ANSWERED):
        page.receipt = {**page.receipt, ANSWERED: True}


def stop_ringing(s, page_id: int, incident_status: str) -> bool:
    """sent → cancelled for the one worker that gets there first (it then cancels the call)."""
    return s.execute(update(Page).where(Page.id == page_id, Page.status == PageStatus.SENT)
                     .values(**lifecycle.page_cancelled(incident_status))).rowcount == 1


def still_sent(s, page_id: int) -> None:
    """cancelled → sent: the call had been answered or was over, so nothing was cancelled."""
    s.execute(update(Page).where(Page.id == page_id, Page.status == PageStatus.CANCELLED)
              .values(status=PageStatus.SENT, last_error=""))


def claim(s, page_id: int, now: datetime) -> bool:
    """queued → sending for the one worker that gets there first, once the page is due; the
    attempt is counted now, so a worker killed mid-send shows in the next try."""
    return s.execute(update(Page).where(
        Page.id == page_id, Page.status == PageStatus.QUEUED, Page.due_at <= now,
    ).values(**lifecycle.page_claimed(now), attempts=Page.attempts + 1)).rowcount == 1


def renew_lease(s, page_id: int, now: datetime) -> None:
    s.execute(update(Page).where(Page.id == page_id, Page.status == PageStatus.SENDING)
              .values(claimed_at=now))


def reopen_sent(s, page_id: int) -> bool:
    """sent → sending: the vendor reported afterwards that it did not arrive (the result is then
    recorded like any send's). False if the page had moved on already."""
    return s.execute(update(Page).where(Page.id == page_id, Page.status == PageStatus.SENT)
                     .values(status=PageStatus.SENDING, sent_at=None)).rowcount == 1


def requeue_lost(s, now: datetime, lease_s: float) -> list[int]:
    """Pages whose sending worker stopped renewing its lease: queued again, due now."""
    expired = (Page.status == PageStatus.SENDING) & (Page.claimed_at < now - timedelta(seconds=lease_s))
    lost = list(s.scalars(select(Page.id).where(expired)))
    if lost:  # the condition again: a heartbeat may have renewed one in between
        s.execute(update(Page).where(Page.id.in_(lost), expired)
                  .values(status=PageStatus.QUEUED, due_at=now))
    return lost


def overdue_ids(s, due_before: datetime) -> list[int]:
    return list(s.scalars(select(Page.id).where(Page.status == PageStatus.QUEUED,
                                                Page.due_at <= due_before)))


def first_id(s, incident_id: int) -> int | None:
    return s.scalar(select(Page.id).where(Page.incident_id == incident_id).order_by(Page.id).limit(1))


def last_sent_at(s) -> datetime | None:
    return s.scalar(select(func.max(Page.sent_at)))
