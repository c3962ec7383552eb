"""A technician's request about one incident, from a button or a typed command: acknowledge,
resolve, snooze, open the resolve form. One function per request, so an entry point (Slack today)
parses, makes one call here and words the answer from the `Change` it gets back.

Buttons name an incident by its row id; people type a reference or a ticket number
(`ownership.by_reference`). A missing incident is a LookupError for an id and None for a typed
reference (the person is told the usage)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from app.states import IncidentStatus

from . import ownership
from .rows import zone_of
from .services import Books, Paging


@dataclass(frozen=True)
class Change:
    """What a request did. When `changed` is False someone got there first: `holder` did it
    (`status`) at `at`, which an answer shows in `zone` (the incident's runbook's, else the MSP's)."""
    changed: bool
    reference: str
    status: str
    holder: str
    at: datetime | None
    zone: str


@dataclass(frozen=True)
class ResolveForm:
    """The resolve button: the form opened (`opened`), or why not: the incident was resolved
    already (`change`) or Slack refused to open it (`error`)."""
    opened: bool
    reference: str
    change: Change | None = None
    error: str = ""


def acknowledge(svc: Books, incident_id: int, actor: str) -> Change:
    return _told(svc, ownership.acknowledge(svc, incident_id, actor))


def snooze(svc: Books, incident_id: int, actor: str, minutes: int) -> Change:
    """ValueError for a snooze length the menu doesn't offer."""
    return _told(svc, ownership.snooze(svc, incident_id, actor, minutes))


def resolve(svc: Books, incident_id: int, actor: str, note: str = "") -> Change:
    return _told(svc, ownership.resolve(svc, incident_id, actor, note))


def acknowledge_typed(svc: Books, typed: str, actor: str) -> Change | None:
    incident = ownership.by_reference(svc, typed) if typed else None
    return acknowledge(svc, incident.id, actor) if incident else None


def resolve_typed(svc: Books, typed: str, actor: str, note: str = "") -> Change | None:
    incident = ownership.by_reference(svc, typed) if typed else None
    return resolve(svc, incident.id, actor, note) if incident else None


def open_resolve_form(svc: Paging, incident_id: int, team: str, trigger_id: str,
                      form: Callable[[int, str], dict]) -> ResolveForm:
    """Opens the resolve form (`form(incident id, reference)` builds it) through the live
    message's channel at once: the trigger lives 3 seconds, so this can't wait for the queue.
    LookupError if there is no such incident."""
    incident = ownership.by_id(svc, incident_id)
    if incident is None:
        raise LookupError(f"no incident {incident_id}")
    if incident.status == IncidentStatus.RESOLVED:
        outcome = ownership.Outcome(False, incident, incident.resolved_by)
        return ResolveForm(False, incident.reference, change=_told(svc, outcome))
    if svc.channels.live is None:
        return ResolveForm(False, incident.reference, error="no Slack bot token to open it with")
    opened = svc.channels.live.open_view(team, trigger_id, form(incident.id, incident.reference))
    return ResolveForm(opened.sent, incident.reference, error=opened.error)


def _told(svc: Books, outcome: ownership.Outcome) -> Change:
    incident = outcome.incident
    at = incident.resolved_at if incident.status == IncidentStatus.RESOLVED else incident.acknowledged_at
    return Change(outcome.changed, incident.reference, incident.status, outcome.holder, at,
                  zone_of(svc, incident))
