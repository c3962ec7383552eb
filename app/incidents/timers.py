"""An incident's timers (escalation, repeat calls) fire the same way: a job, or the sweep when its
job was lost, finds the incident still open, not snoozed, and the timer come; a job woken early
sleeps on."""
from __future__ import annotations

from datetime import datetime
from typing import Callable

from app.models import Incident
from app.states import IncidentStatus

from .services import Records
from .work import Job


def due(svc: Records, s, incident_id: int, timer: Callable[[Incident], datetime | None],
        job: Job) -> Incident | None:
    """The incident, locked, when its `timer` has come; None when there is nothing to do now."""
    now = svc.clock()
    incident = s.get(Incident, incident_id, with_for_update=True)
    if incident is None or incident.status != IncidentStatus.OPEN:
        return None
    when = timer(incident)
    if when is None or (incident.snoozed_until and incident.snoozed_until > now):
        return None
    if when > now:  # woken early: sleep on
        svc.work.later(job, incident_id, delay=(when - now).total_seconds())
        return None
    return incident
