"""What the caller may be told about paging: only what the page rows say has happened."""
from __future__ import annotations

from app.states import PageKind, PageStatus
from app.models import Incident

from . import page_rows
from .rows import runbook_of
from .services import Books

# Kinds that reach the on-call technician. The MSP-wide alert (default:slack, default:email) is
# not one of them: it tells the MSP nobody could be paged, it doesn't page anyone.
ROUTE_KINDS = (PageKind.PAGE, PageKind.FALLBACK)

MORNING = "morning"          # the severity is logged for the morning team; nobody is woken
PAGING = "paging"            # a route delivered, or is still trying (a transient failure retries)
UNREACHABLE = "unreachable"  # every route failed: nothing configured, or all refused at once
PENDING = "pending"          # no route has an answer yet


def paging_promise(svc: Books, incident_id: int) -> str:
    with svc.db.session() as s:
        incident = s.get(Incident, incident_id)
        book = runbook_of(svc, incident)
        if book is None or not book.pages_for(incident.severity):
            return MORNING
        if not incident.pages_planned:
            return PENDING
        routes = page_rows.routes(s, incident_id, kinds=ROUTE_KINDS)
    if not routes:
        return MORNING
    if any(p.status == PageStatus.SENT for p in routes):
        return PAGING
    if all(p.status == PageStatus.FAILED for p in routes):
        return UNREACHABLE
    if any(p.status == PageStatus.QUEUED and p.last_error for p in routes):
        return PAGING
    return PENDING
