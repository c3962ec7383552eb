"""An acknowledgement is not a fix: with the runbook's `escalation.ack_timeout: M`, an incident
still acknowledged and unresolved M minutes after the acknowledgement re-pages the acknowledger
(the channel that reached them), and M minutes after that it is open again and the current step
is paged anew, its escalation timers running from there. The timer is the incident's ack_due_at
(set by the acknowledge itself, so it is never lost); the sweep fires it when its job was lost."""
from __future__ import annotations

import re
from datetime import timedelta

from app.models import Event, Incident
from app.runbooks import Route
from app.states import REMINDER, IncidentChange, IncidentStatus

from . import escalation, incident_rows, lifecycle, page_rows, steps
from .rows import runbook_of
from .services import Books, Routing
from .work import Job

# The channel an acknowledgement came through, by its actor's prefix, and the method that pages
# that person back. A Slack user gets a direct message; a name typed in a form has no channel.
_CHANNEL_BACK = {"phone": "call", "sms": "sms", "slack": "slack"}
_NUMBER = re.compile(r"\+[1-9]\d{6,14}")  # E.164, as the phone and SMS actors carry it


def minutes(svc: Books, incident_id: int) -> int:
    """The ack_timeout of this incident's runbook (0: none, or no such incident)."""
    with svc.db.session() as s:
        incident = s.get(Incident, incident_id)
        # A rehearsal (/nightdesk test) never escalates, so it is never reopened either.
        book = runbook_of(svc, incident) if incident and not incident.is_test else None
    return book.ack_timeout if book else 0


def acknowledger_route(actor: str) -> Route | None:
    """"phone:+15555550111" → a call to that number; "slack:U123" → a direct message."""
    channel, _, who = actor.partition(":")
    method = _CHANNEL_BACK.get(channel)
    if method is None or not who or (method != "slack" and not _NUMBER.fullmatch(who)):
        return None  # e.g. "phone:unknown": a withheld caller ID
    return Route(method=method, page=who)


def check(svc: Routing, incident_id: int) -> None:
    now = svc.clock()
    with svc.db.session() as s:
        incident = s.get(Incident, incident_id, with_for_update=True)
        if incident is None or incident.status != IncidentStatus.ACKNOWLEDGED or incident.ack_due_at is None:
            return
        if incident.ack_due_at > now:  # woken early: sleep on
            svc.work.later(Job.ACK_TIMEOUT, incident_id, delay=(incident.ack_due_at - now).total_seconds())
            return
        book = runbook_of(svc, incident)
        if book is None or not book.ack_timeout:  # the runbook dropped it since
            incident.ack_due_at = None
            return
        if not incident.ack_reminded:
            change, ids = _remind(svc, s, incident, book)
        else:
            change, ids = _reopen(svc, s, incident, book)
    for page_id in ids:
        svc.work.later(Job.DELIVER_PAGE, page_id)
    if change is not None:
        svc.work.later(Job.INCIDENT_CHANGED, incident_id, change, "", str(book.ack_timeout))


def _remind(svc: Routing, s, incident: Incident, book):
    back = acknowledger_route(incident.acknowledged_by)
    step = steps.current(incident, book)
    routes = (back,) if back else (step.routes if step else ())
    delay = book.ack_timeout * 60
    incident.ack_reminded = True
    incident.ack_due_at = svc.clock() + timedelta(seconds=delay)
    s.add(Event(incident_id=incident.id, kind="ack_reminded", detail={
        "by": incident.acknowledged_by, "minutes": book.ack_timeout,
        "paged": [r.method for r in routes], "to": "acknowledger" if back else "current step"}))
    steps.add_round(svc, s, incident, book, routes, REMINDER)
    s.commit()
    svc.work.later(Job.ACK_TIMEOUT, incident.id, delay=delay)
    return IncidentChange.REMINDED, page_rows.queued_ids(s, incident.id)


def _reopen(svc: Routing, s, incident: Incident, book):
    was = incident.acknowledged_by
    if not incident_rows.change_owner(s, incident.id, lifecycle.reopen()):
        return None, []  # resolved meanwhile
    s.refresh(incident)
    step = steps.current(incident, book)
    routes = step.routes if step else ()
    s.add(Event(incident_id=incident.id, kind="reopened", detail={
        "was": was, "minutes": 2 * book.ack_timeout, "paged": len(routes)}))
    return IncidentChange.REOPENED, escalation.page_again(svc, s, incident, book, routes, "reopen")
