"""After every change to an incident: update its live Slack message in place, record the change
in the message's thread, and tell the ticket (a note, the runbook's status)."""
from __future__ import annotations

import logging

from app.states import IncidentChange, TicketStatus
from app.models import Event, Incident
from app.paging.live import LiveRef
from app.tickets import TicketError

from . import incident_rows
from .messages import live_message
from .rows import runbook_of
from .services import Paging
from .work import Job, backoff

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 6
# Changes no runbook's slack.events can leave out: paging started again without anyone clicking.
ALWAYS_IN_THREAD = (IncidentChange.RENOTIFIED, IncidentChange.REMINDED, IncidentChange.REOPENED)


def incident_changed(svc: Paging, incident_id: int, event: str, actor: str = "", detail: str = "",
                     attempt: int = 1) -> None:
    with svc.db.session() as s:
        incident = s.get(Incident, incident_id)
        refs = incident_rows.live_refs(s, incident_id) if incident else []
    if incident is None:
        return
    # The vendors are called with no session open: a slow Slack or ticket system must not keep
    # a database connection idle in a transaction.
    book = runbook_of(svc, incident)
    failed = any([_update_live(svc, incident, ref, book, event, actor, detail) for ref in refs])
    if event in (IncidentChange.ACKNOWLEDGED, IncidentChange.RESOLVED) and not incident.is_test:
        retry, happened = _tell_ticket(svc, incident, refs, book, event, actor, detail)
        failed = retry or failed
        if happened is not None:
            with svc.db.session() as s:
                s.add(happened)
    if failed and attempt < MAX_ATTEMPTS:
        svc.work.later(Job.INCIDENT_CHANGED, incident_id, event, actor, detail, attempt + 1,
                       delay=backoff(attempt, base=2.0, cap=60.0))


def _update_live(svc: Paging, incident: Incident, ref: LiveRef, book, event: str, actor: str,
                 detail: str) -> bool:
    """The channel's live message shows the change, and its thread says it (in that channel's
    words); True when worth trying again."""
    live = svc.channels.live_for(ref.method)
    if live is None:
        return False
    updated = live.update(ref.ref, live_message(svc, incident, book))
    replied = None
    if book is None or event in book.slack_events or event in ALWAYS_IN_THREAD:
        replied = live.reply(ref.ref, event, actor, detail)
    problems = [r for r in (updated, replied) if r is not None and not r.sent]
    for problem in problems:
        log.warning("%s update for %s: %s", ref.method, incident.reference, problem.error)
    return any(not p.permanent for p in problems)


def _tell_ticket(svc: Paging, incident: Incident, refs: list[LiveRef], book, event: str, actor: str,
                 detail: str) -> tuple[bool, Event | None]:
    """A note saying who did what (their ConnectWise member when their email maps to one), and
    the runbook's status for that change: (worth retrying, the event to record)."""
    if not incident.ticket_number or incident.ticket_number == incident.reference:
        # the ticket isn't there yet: try again later
        return incident.ticket_status == TicketStatus.PENDING, None
    name, member = _attribution(svc, incident, refs, actor)
    text = {IncidentChange.ACKNOWLEDGED: f"Acknowledged by {name} (NightDesk {incident.reference}).",
            IncidentChange.RESOLVED: f"Resolved by {name} (NightDesk {incident.reference})."
                        + (f"\n{detail}" if detail else "")}[IncidentChange(event)]
    try:
        svc.tickets.add_note(incident.ticket_number, text, resolution=event == IncidentChange.RESOLVED,
                             member=member)
        status = (book.cw_statuses.get(event) if book else "") or ""
        if status:
            svc.tickets.set_status(incident.ticket_number, status)
    except TicketError as exc:
        return not exc.permanent, Event(incident_id=incident.id, kind="ticket_note_failed",
                                        detail={"error": exc.message})
    return False, Event(incident_id=incident.id, kind="ticket_noted", detail={"event": event, "by": name})


def _attribution(svc: Paging, incident: Incident, refs: list[LiveRef], actor: str) -> tuple[str, str]:
    """A user of a live-message channel ("slack:U123") → their email there → the ticket system's
    member; unmapped users show "via <channel>". Anyone else is named as they are."""
    method, _, user = actor.partition(":")
    live = svc.channels.live_for(method) if user else None
    if live is None:
        return actor or "someone", ""
    ref = next((r.ref for r in refs if r.method == method), None) or dict(incident.origin or {})
    email = live.user_email(ref, user)
    member = ""
    if email:
        try:
            member = svc.tickets.find_member(email)
        except TicketError:
            member = ""
    via = method.capitalize()
    if member:
        return f"{member} ({email}) via {via}", member
    return f"{email or user} via {via}", ""
