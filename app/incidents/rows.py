"""Rows shared by the orchestration modules: an incident's runbook, its page rows."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.models import Incident, Page
from app.runbooks import Runbook

from .services import Services


def runbook_of(svc: Services, incident: Incident) -> Runbook | None:
    return svc.runbooks.get(incident.customer) or svc.runbooks.default()


def zone_of(svc: Services, incident: Incident) -> str:
    """The time zone this incident's times are shown in: its runbook's, else the MSP's."""
    book = runbook_of(svc, incident)
    return (book.timezone if book else "") or svc.config.timezone


def add_page(s, incident: Incident, rule_index: int, method: str, target: str, kind: str, now,
             step: int = 0) -> None:
    """A page row, at most one per (incident, rule, step, kind), even with two workers racing."""
    exists = s.scalar(select(Page.id).where(Page.incident_id == incident.id, Page.rule_index == rule_index,
                                            Page.step == step, Page.kind == kind))
    if exists is not None:
        return
    try:
        with s.begin_nested():
            s.add(Page(incident_id=incident.id, rule_index=rule_index, step=step, kind=kind,
                       method=method, target=target, due_at=now, created_at=now))
    except IntegrityError:
        pass


def queued_ids(s, incident_id: int) -> list[int]:
    return list(s.scalars(select(Page.id).where(Page.incident_id == incident_id,
                                                Page.status == "queued")))


