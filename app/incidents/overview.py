"""What a technician asks to see: the open incidents, who is on call, how NightDesk is doing.
Read-only; an entry point words the answer."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import func, select

from app.models import Event

from . import incident_rows, page_rows
from .services import Books, Records

VENDOR_TROUBLE = ("page_failed", "page_retry", "ticket_delayed", "ticket_refused")


@dataclass(frozen=True)
class OpenIncident:
    reference: str
    severity: str
    customer: str
    summary: str
    status: str
    acknowledged_by: str
    age: timedelta


@dataclass(frozen=True)
class OnCall:
    customer: str    # the runbook's name
    person: str
    until: datetime


@dataclass(frozen=True)
class Status:
    queued: int | str               # "unreachable" when the queue doesn't answer
    open_incidents: int
    last_page_at: datetime | None
    vendor_trouble: dict = field(default_factory=dict)  # event kind -> count, last hour
    runbook_errors: int = 0
    zone: str = ""


def open_incidents(svc: Records, limit: int = 15) -> list[OpenIncident]:
    """Real incidents not yet resolved, newest first (rehearsals are left out)."""
    now = svc.clock()
    with svc.db.session() as s:
        rows = incident_rows.unresolved(s, limit)
        return [OpenIncident(i.reference, i.severity, i.customer, i.summary, i.status,
                             i.acknowledged_by or "", now - i.created_at) for i in rows]


def on_call_now(svc: Books) -> list[OnCall]:
    now = svc.clock()
    return [OnCall(book.name, book.oncall.on_call(now).name, book.oncall.next_handoff(now))
            for book in svc.runbooks.all() if book.oncall is not None]


def status(svc: Books, pending: Callable[[], int]) -> Status:
    """`pending` counts the jobs waiting in the queue; a queue that can't answer is reported,
    not raised, so the status command answers when it is needed most."""
    since = svc.clock() - timedelta(hours=1)
    with svc.db.session() as s:
        last = page_rows.last_sent_at(s)
        open_count = incident_rows.unresolved_count(s)
        trouble = dict(s.execute(select(Event.kind, func.count()).where(
            Event.created_at >= since, Event.kind.in_(VENDOR_TROUBLE)).group_by(Event.kind)).all())
    queued: int | str
    try:
        queued = pending()
    except Exception:  # the status command must answer even when the queue can't
        queued = "unreachable"
    return Status(queued, open_count, last, trouble, len(svc.runbooks.errors()), svc.config.timezone)
