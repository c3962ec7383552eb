"""Acknowledge, resolve, snooze: one conditional UPDATE each, so of two people clicking at once
exactly one wins and the other is told who did."""
from __future__ import annotations

from dataclasses import dataclass

from app.models import Event, Incident
from app.states import IncidentChange

from . import ack_timeout, incident_rows, lifecycle
from .services import Books, Records
from .work import Job


@dataclass
class Outcome:
    changed: bool
    incident: Incident
    holder: str = ""  # who acknowledged or resolved it, when this request didn't change it


MAX_ID = incident_rows.MAX_ID
# Changes after which nobody else needs waking.
OWNED = (IncidentChange.ACKNOWLEDGED, IncidentChange.RESOLVED)


def by_id(svc: Records, incident_id: int) -> Incident | None:
    """The incident a button or form names: buttons always carry the row id, never a reference."""
    if not 0 < incident_id <= MAX_ID:
        return None
    with svc.db.session() as s:
        return s.get(Incident, incident_id)


def by_reference(svc: Records, typed: str) -> Incident | None:
    """The incident a person typed: NightDesk's reference ("ND-1042") or the ticket number the
    page showed ("45234", "#45234"). The prefix decides which, so "1042" is never read as ND-1042
    (another incident's ticket could be 1042). Never an id: people never see ids."""
    text = str(typed).strip().lstrip("#")
    if not text or len(text) > 32:
        return None
    with svc.db.session() as s:
        if text.upper().startswith("ND"):  # "ND-1042", also typed as "nd1042"
            number = text[2:].lstrip("-")
            if number.isdigit() and len(number) <= 10:
                return incident_rows.by_reference(s, int(number))
            return None
        return incident_rows.by_ticket_number(s, text)


def channel_of(actor: str) -> str:
    """"slack:U123" → "slack", "sms:+15555550111" → "sms": the channel a change came through."""
    channel, colon, _ = actor.partition(":")
    return channel if colon else ""


def acknowledge(svc: Books, incident_id: int, actor: str) -> Outcome:
    """With the runbook's ack_timeout, the acknowledgement itself sets when to look again."""
    minutes = ack_timeout.minutes(svc, incident_id) if 0 < incident_id <= MAX_ID else 0
    outcome = _change(svc, incident_id, actor, lifecycle.acknowledge(actor, svc.clock(), minutes))
    if outcome.changed and minutes:
        svc.work.later(Job.ACK_TIMEOUT, incident_id, delay=minutes * 60)
    return outcome


def resolve(svc: Records, incident_id: int, actor: str, note: str = "") -> Outcome:
    return _change(svc, incident_id, actor, lifecycle.resolve(actor, svc.clock(), note))


def snooze(svc: Records, incident_id: int, actor: str, minutes: int) -> Outcome:
    outcome = _change(svc, incident_id, actor, lifecycle.snooze(svc.clock(), minutes))
    if outcome.changed:
        svc.work.later(Job.WAKE, incident_id, delay=minutes * 60)
    return outcome


def _change(svc: Records, incident_id: int, actor: str, change: lifecycle.OwnerChange) -> Outcome:
    if not 0 < incident_id <= MAX_ID:
        raise LookupError(f"no incident {incident_id}")
    with svc.db.session() as s:
        changed = incident_rows.change_owner(s, incident_id, change)
        incident = s.get(Incident, incident_id)
        if incident is None:
            raise LookupError(f"no incident {incident_id}")
        s.refresh(incident)
        if changed:
            s.add(Event(incident_id=incident_id, kind=change.event,
                        detail={"by": actor, "via": channel_of(actor), "detail": change.detail}))
    if changed:
        svc.work.later(Job.INCIDENT_CHANGED, incident_id, change.event, actor, change.detail)
    if changed and change.event in OWNED:
        svc.work.later(Job.CANCEL_CALLS, incident_id)  # calls still ringing stop
    return Outcome(changed, incident, incident.resolved_by or incident.acknowledged_by)
