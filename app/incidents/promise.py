"""What the caller may be told about paging: only what the page rows say has happened."""
from __future__ import annotations

from sqlalchemy import select

from app.models import Incident, Page

from .rows import runbook_of
from .services import Services

# Kinds that reach the on-call technician. The MSP-wide alert (default:slack, default:email) is
# not one of them: it tells the MSP nobody could be paged, it doesn't page anyone.
ROUTE_KINDS = ("page", "fallback")

MORNING = "morning"          # the severity is logged for the morning team; nobody is woken
PAGING = "paging"            # a route delivered, or is still trying (a transient failure retries)
UNREACHABLE = "unreachable"  # every route failed: nothing configured, or all refused at once
PENDING = "pending"          # no route has an answer yet


def paging_promise(svc: Services, incident_id: int) -> str:
    with svc.db.session() as s:
        incident = s.get(Incident, incident_id)
        book = runbook_of(svc, incident)
        if book is None or not book.pages_for(incident.severity):
            return MORNING
        if not incident.pages_planned:
            return PENDING
        routes = list(s.scalars(select(Page).where(Page.incident_id == incident_id,
                                                   Page.kind.in_(ROUTE_KINDS))))
    if not routes:
        return MORNING
    if any(p.status == "sent" for p in routes):
        return PAGING
    if all(p.status == "failed" for p in routes):
        return UNREACHABLE
    if any(p.status == "queued" and p.last_error for p in routes):
        return PAGING
    return PENDING
