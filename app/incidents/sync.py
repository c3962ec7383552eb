"""After every change to an incident: update its live Slack message in place, record the change
in the message's thread, and tell the ticket (a note, the runbook's status)."""
from __future__ import annotations

import logging

from app.models import Event, Incident
from app.paging.slack_blocks import escape, who
from app.tickets import TicketError

from .dispatch import live_message
from .rows import runbook_of
from .services import Services
from .work import backoff

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 6


def thread_text(event: str, actor: str, detail: str) -> str:
    return {
        "acknowledged": f":white_check_mark: Acknowledged by {who(actor)}",
        "resolved": f":wrench: Resolved by {who(actor)}" + (f" — {escape(detail)}" if detail else ""),
        "snoozed": f":zzz: Snoozed for {detail} min by {who(actor)}",
        "escalated": f":arrow_double_up: Escalated to step {detail}",
        "renotified": ":alarm_clock: Snooze over: paging again",
        "ticket": f":ticket: Ticket #{escape(detail)} created",
        "note": f":memo: Note from {who(actor)}: {escape(detail)}",
    }.get(event, escape(event))


def incident_changed(svc: Services, incident_id: int, event: str, actor: str = "", detail: str = "",
                     attempt: int = 1) -> None:
    with svc.db.session() as s:
        incident = s.get(Incident, incident_id)
        if incident is None:
            return
        book = runbook_of(svc, incident)
        failed = _update_slack(svc, incident, book, event, actor, detail)
        if event in ("acknowledged", "resolved") and not incident.is_test:
            failed = _tell_ticket(svc, s, incident, book, event, actor, detail) or failed
    if failed and attempt < MAX_ATTEMPTS:
        svc.work.later("incident_changed", incident_id, event, actor, detail, attempt + 1,
                       delay=backoff(attempt, base=2.0, cap=60.0))


def _update_slack(svc: Services, incident: Incident, book, event: str, actor: str, detail: str) -> bool:
    slack = svc.channels.get("slack")
    if not (incident.slack_channel and incident.slack_ts) or slack is None:
        return False
    team, channel, ts = incident.slack_team, incident.slack_channel, incident.slack_ts
    updated = slack.update(team, channel, ts, live_message(svc, incident, book))
    replied = None
    if book is None or event in book.slack_events or event == "renotified":
        replied = slack.reply(team, channel, ts, thread_text(event, actor, detail))
    problems = [r for r in (updated, replied) if r is not None and not r.sent]
    for problem in problems:
        log.warning("slack update for %s: %s", incident.reference, problem.error)
    return any(not p.permanent for p in problems)


def _tell_ticket(svc: Services, s, incident: Incident, book, event: str, actor: str, detail: str) -> bool:
    """A note saying who did what (their ConnectWise member when their email maps to one), and
    the runbook's status for that change. Returns True when worth retrying."""
    if not incident.ticket_number or incident.ticket_number == incident.reference:
        return incident.ticket_status == "pending"  # the ticket isn't there yet: try again later
    name, member = _attribution(svc, incident, actor)
    text = {"acknowledged": f"Acknowledged by {name} (NightDesk {incident.reference}).",
            "resolved": f"Resolved by {name} (NightDesk {incident.reference})."
                        + (f"\n{detail}" if detail else "")}[event]
    try:
        svc.tickets.add_note(incident.ticket_number, text, resolution=event == "resolved", member=member)
        status = (book.cw_statuses.get(event) if book else "") or ""
        if status:
            svc.tickets.set_status(incident.ticket_number, status)
    except TicketError as exc:
        s.add(Event(incident_id=incident.id, kind="ticket_note_failed", detail={"error": exc.message}))
        return not exc.permanent
    s.add(Event(incident_id=incident.id, kind="ticket_noted", detail={"event": event, "by": name}))
    return False


def _attribution(svc: Services, incident: Incident, actor: str) -> tuple[str, str]:
    """Slack user → email (users.info) → ticket-system member; unmapped users show "via Slack"."""
    if not actor.startswith("slack:"):
        return actor or "someone", ""
    slack = svc.channels.get("slack")
    email = slack.user_email(incident.slack_team, actor[6:]) if slack else ""
    member = ""
    if email:
        try:
            member = svc.tickets.find_member(email)
        except TicketError:
            member = ""
    if member:
        return f"{member} ({email}) via Slack", member
    return f"{email or actor[6:]} via Slack", ""
