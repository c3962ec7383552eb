"""Keep calling until reached: a step (or a rule) with `every: N` rings its call targets again
every N minutes while nobody acknowledges, at most the runbook's `call_repeats` times per step.
The timer is a column on the incident (next_call_at), like the escalation timer beside it: a job
is scheduled for it and the sweep fires one a lost job left behind. Acknowledge, resolve and
snooze clear it (lifecycle.py); a step paged anew arms it afresh."""
from __future__ import annotations

from datetime import timedelta

from app.models import Event, Incident
from app.runbooks import Runbook
from app.states import IncidentStatus

from . import page_rows, steps, timers
from .rows import runbook_of
from .services import Books, Routing
from .work import Job


def arm(svc: Books, incident: Incident, book: Runbook | None) -> None:
    """The current step was just paged: its calls ring again after its `every`, if it has one."""
    incident.calls_repeated = 0
    _next(svc, incident, steps.current(incident, book))


def recall(svc: Routing, incident_id: int) -> None:
    with svc.db.session() as s:
        incident = timers.due(svc, s, incident_id, lambda i: i.next_call_at, Job.RECALL)
        if incident is None:
            return
        book = runbook_of(svc, incident)
        step = steps.current(incident, book)
        if book is None or step is None or not step.calls or incident.calls_repeated >= book.call_repeats:
            incident.next_call_at = None  # the bound reached, or the runbook changed
            return
        incident.calls_repeated += 1
        s.add(Event(incident_id=incident.id, kind="call_repeated", detail={
            "step": incident.escalation_step + 1, "time": incident.calls_repeated,
            "of": book.call_repeats, "calls": len(step.calls)}))
        steps.add_round(svc, s, incident, book, step.calls, "recall")
        if incident.calls_repeated < book.call_repeats:
            _next(svc, incident, step)
        else:
            incident.next_call_at = None
        s.commit()
        ids = page_rows.queued_ids(s, incident.id)
    for page_id in ids:
        svc.work.later(Job.DELIVER_PAGE, page_id)


def _next(svc: Books, incident: Incident, step) -> None:
    if incident.status != IncidentStatus.OPEN or step is None or not step.every or not step.calls:
        incident.next_call_at = None
        return
    delay = step.every * 60
    incident.next_call_at = svc.clock() + timedelta(seconds=delay)
    svc.work.later(Job.RECALL, incident.id, delay=delay)
