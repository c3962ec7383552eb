"""What an incident's rows imply: its runbook and its time zone."""
from __future__ import annotations

from app.models import Incident
from app.runbooks import Runbook

from .services import Books


def runbook_of(svc: Books, incident: Incident) -> Runbook | None:
    return svc.runbooks.get(incident.customer) or svc.runbooks.default()


def zone_of(svc: Books, incident: Incident) -> str:
    """The time zone this incident's times are shown in: its runbook's, else the MSP's."""
    book = runbook_of(svc, incident)
    return (book.timezone if book else "") or svc.config.timezone
