"""The whole of an incident, for the signed link in a page (GET /incidents/<id>?t=…)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from app.models import Event, Incident
from app.paging import PageMessage
from app.states import PageKind

from .links import check
from .messages import message_for
from .rows import runbook_of, zone_of
from .services import Paging


@dataclass(frozen=True)
class FullView:
    message: PageMessage          # what the page showed, untruncated (redacted as the runbook says)
    status: str
    triage: dict
    opened: datetime
    zone: str
    events: list[tuple[datetime, str]] = field(default_factory=list)


def full_incident(svc: Paging, incident_id: int, token: str) -> tuple[str, FullView | None]:
    """("ok", the view), ("expired", None) for a genuine link past NIGHTDESK_LINK_TTL_DAYS, or
    ("invalid", None): a wrong token and a missing incident look the same from outside."""
    verdict = check(svc.secret_key, incident_id, token, svc.config.link_ttl_days * 86400, svc.clock)
    if verdict != "ok":
        return verdict, None
    with svc.db.session() as s:
        row = s.get(Incident, incident_id)
        if row is None:
            return "invalid", None
        events = [(e.created_at, e.kind) for e in s.scalars(
            select(Event).where(Event.incident_id == incident_id).order_by(Event.id))]
        message = message_for(row, PageKind.PAGE, runbook_of(svc, row),
                              default_zone=svc.config.timezone)
        return "ok", FullView(message, row.status, row.triage or {}, row.created_at,
                              zone_of(svc, row), events)
