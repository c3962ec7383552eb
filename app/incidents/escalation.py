"""Escalation until someone acknowledges: the rule's page is step 0, the runbook's `escalation`
steps follow (optionally repeated), each after its delay with nobody answering. Timers live on the
incident row; a job is scheduled for each, and the sweep fires any a lost job left behind."""
from __future__ import annotations

from datetime import timedelta

from app.models import Event, Incident
from app.runbooks import Runbook
from app.runbooks.model import Step

from .rows import add_page, queued_ids, runbook_of
from .services import Services
from .targets import resolve


def chain(book: Runbook) -> list[Step]:
    """The steps after the first page, with repeats unrolled."""
    return list(book.steps) * (book.repeat + 1) if book.steps else []


def arm(svc: Services, incident: Incident, book: Runbook | None) -> None:
    """Set the timer for the step after the current one (none left: no timer)."""
    steps = chain(book) if book else []
    if incident.status != "open" or incident.escalation_step >= len(steps):
        incident.next_escalation_at = None
        return
    delay = steps[incident.escalation_step].after * 60
    incident.next_escalation_at = svc.clock() + timedelta(seconds=delay)
    svc.work.later("escalate", incident.id, delay=delay)


def escalate(svc: Services, incident_id: int) -> None:
    now = svc.clock()
    with svc.db.session() as s:
        incident = s.get(Incident, incident_id, with_for_update=True)
        if incident is None or incident.status != "open" or incident.next_escalation_at is None:
            return
        if incident.snoozed_until and incident.snoozed_until > now:
            return
        if incident.next_escalation_at > now:  # woken early: sleep on
            svc.work.later("escalate", incident_id,
                           delay=(incident.next_escalation_at - now).total_seconds())
            return
        book = runbook_of(svc, incident)
        steps = chain(book) if book else []
        if incident.escalation_step >= len(steps):
            incident.next_escalation_at = None
            return
        step = steps[incident.escalation_step]
        incident.escalation_step += 1
        s.add(Event(incident_id=incident.id, kind="escalated",
                    detail={"step": incident.escalation_step, "targets": len(step.routes)}))
        ids = _page_round(svc, s, incident, book, step.routes, "chain")
    for page_id in ids:
        svc.work.later("deliver_page", page_id)
    svc.work.later("incident_changed", incident_id, "escalated", "", str(incident.escalation_step + 1))

def renotify(svc: Services, incident_id: int) -> None:
    """A snooze has ended: page the current step's targets again and restart the timer."""
    now = svc.clock()
    with svc.db.session() as s:
        incident = s.get(Incident, incident_id, with_for_update=True)
        if incident is None or incident.status == "resolved" or incident.snoozed_until is None:
            return
        if incident.snoozed_until > now:
            svc.work.later("wake", incident_id, delay=(incident.snoozed_until - now).total_seconds())
            return
        incident.snoozed_until = None
        book = runbook_of(svc, incident)
        routes = _current_routes(incident, book)
        s.add(Event(incident_id=incident.id, kind="snooze_ended", detail={"paged": len(routes)}))
        ids = _page_round(svc, s, incident, book, routes, "renotify")
    for page_id in ids:
        svc.work.later("deliver_page", page_id)
    svc.work.later("incident_changed", incident_id, "renotified", "", "")


def _page_round(svc: Services, s, incident: Incident, book: Runbook | None, routes, kind: str) -> list[int]:
    """One more paging round to `routes` (Page.step is the round), the next timer armed; returns
    the page ids to deliver once committed."""
    incident.page_round += 1
    for j, route in enumerate(routes):
        add_page(s, incident, -1, route.method, resolve(svc, book, incident, route), f"{kind}:{j}",
                 svc.clock(), step=incident.page_round)
    arm(svc, incident, book)
    s.commit()
    return queued_ids(s, incident.id)

def _current_routes(incident: Incident, book: Runbook | None):
    if book is None:
        return []
    if incident.escalation_step == 0:
        rule = book.rule(incident.rule_index) or book.rules[0]
        return [rule.route]
    return list(chain(book)[incident.escalation_step - 1].routes)
