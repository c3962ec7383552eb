"""A P1 nobody has been paged for in time: page its fallback route, or else the MSP alert, while
the first route keeps retrying.

The deadline (NIGHTDESK_P1_DELIVERY_DEADLINE_S, 60 s by default) runs from the incident's
opening. A check is scheduled when a P1's page first fails; the sweep runs one for any P1 still
undelivered past its deadline that has not been checked (a page stuck waiting, a lost job), and
the follow-up MSP alert for one whose fallback was paged half a deadline ago, so neither rests on
a single scheduled job.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select

from app.states import IncidentStatus, PageKind, PageStatus, default_kind
from app.models import Event, Incident, Page

from . import incident_rows, page_rows
from .rows import runbook_of
from .services import Books, Routing
from .targets import resolve
from .work import Job

log = logging.getLogger(__name__)
MARK = "delivery_deadline"  # the event that says the deadline was handled


def schedule_check(svc: Books, incident: Incident) -> None:
    if incident.severity != "P1" or incident.is_test:
        return
    due = incident.created_at + timedelta(seconds=svc.config.p1_delivery_deadline)
    svc.work.later(Job.DELIVERY_DEADLINE, incident.id, delay=max(0.0, (due - svc.clock()).total_seconds()))


def overdue(svc: Books, s) -> list[int]:
    """P1 incidents past their deadline with no route delivered whose next check is due: never
    checked, or a fallback paged more than half a deadline ago with still nothing delivered (the
    last day's only: an older one has long been seen by a person or by the terminal alert)."""
    now = svc.clock()
    deadline = svc.config.p1_delivery_deadline
    candidates = incident_rows.undelivered_p1s(s, page_rows.delivered(), now - timedelta(days=1),
                                               now - timedelta(seconds=deadline))
    if not candidates:
        return []
    marks: dict[int, list[Event]] = {i: [] for i in candidates}
    for mark in s.scalars(select(Event).where(Event.incident_id.in_(candidates), Event.kind == MARK)):
        marks[mark.incident_id].append(mark)
    follow_up = now - timedelta(seconds=deadline / 2)
    return [i for i, done in marks.items() if not done or (
        all(m.detail.get("paged") == "fallback" for m in done)
        and max(m.created_at for m in done) <= follow_up)]


def check_delivery(svc: Routing, incident_id: int) -> None:
    now = svc.clock()
    with svc.db.session() as s:
        incident = s.get(Incident, incident_id)
        if incident is None or incident.severity != "P1" or incident.is_test or \
                incident.status != IncidentStatus.OPEN:
            return
        deadline = svc.config.p1_delivery_deadline
        due = incident.created_at + timedelta(seconds=deadline)
        if now < due:  # woken early: sleep on
            svc.work.later(Job.DELIVERY_DEADLINE, incident_id, delay=(due - now).total_seconds())
            return
        routes = page_rows.routes(s, incident.id)
        marks = list(s.scalars(select(Event).where(Event.incident_id == incident.id,
                                                   Event.kind == MARK)))
        if any(p.status == PageStatus.SENT for p in routes) or any(m.detail.get("paged") != "fallback"
                                                           for m in marks):
            return
        if marks:  # the fallback was paged: it gets half a deadline before the MSP alert
            follow_up = max(m.created_at for m in marks) + timedelta(seconds=deadline / 2)
            if now < follow_up:  # a duplicate or early check: the follow-up stays where it is
                svc.work.later(Job.DELIVERY_DEADLINE, incident_id, delay=(follow_up - now).total_seconds())
                return
        paged = _fallbacks(svc, s, incident, routes) if not marks else ""
        if paged:  # the fallback gets half the deadline again before the MSP is alerted
            svc.work.later(Job.DELIVERY_DEADLINE, incident_id, delay=deadline / 2)
        else:
            paged = _msp_alert(svc, s, incident, routes)
        waited = int((now - incident.created_at).total_seconds())
        s.add(Event(incident_id=incident.id, kind=MARK, created_at=now,  # the sweep compares it
                    detail={"paged": paged, "after_s": waited}))
        if paged:
            log.warning("P1 %s undelivered after %d s: paging %s while retries continue",
                        incident.reference, waited, paged)
        else:
            log.critical("P1 %s undelivered after %d s and no fallback or MSP alert is left",
                         incident.reference, waited)
        s.commit()
        ids = page_rows.due_ids(s, incident.id, now)
    for page_id in ids:
        svc.work.later(Job.DELIVER_PAGE, page_id)


def _fallbacks(svc: Routing, s, incident: Incident, routes: list[Page]) -> str:
    book = runbook_of(svc, incident)
    added = ""
    for page in routes:
        rule = book.rule(page.rule_index) if book and page.kind == PageKind.PAGE else None
        if rule is None or rule.fallback is None or any(
                p.kind == PageKind.FALLBACK and p.rule_index == page.rule_index and p.step == page.step
                for p in routes):
            continue
        page_rows.add(s, incident, page.rule_index, rule.fallback.method,
                 resolve(svc, book, incident, rule.fallback), PageKind.FALLBACK, svc.clock(), step=page.step)
        added = "fallback"
    return added


def _msp_alert(svc: Books, s, incident: Incident, routes: list[Page]) -> str:
    """NIGHTDESK_SLACK_WEBHOOK, else NIGHTDESK_ALERT_EMAIL: the first not already a route."""
    first = routes[0] if routes else None
    for method in svc.config.msp_alert_methods:
        if any(p.method == method and p.target == "" for p in routes):
            continue
        rule_index = first.rule_index if first else -1 if incident.rule_index is None \
            else incident.rule_index
        page_rows.add(s, incident, rule_index, method, "", default_kind(method), svc.clock(),
                 step=first.step if first else 0)
        s.add(Event(incident_id=incident.id, kind="default_alerted", detail={
            "method": method, "why": "P1 not delivered within the deadline"}))
        return f"default:{method}"
    return ""
