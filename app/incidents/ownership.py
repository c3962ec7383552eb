"""Acknowledge, resolve, snooze: one conditional UPDATE each, so of two people clicking at once
exactly one wins and the other is told who did."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update

from app.models import Event, Incident

from .services import Services

SNOOZE_MINUTES = (15, 30, 60, 240)


@dataclass
class Outcome:
    changed: bool
    incident: Incident
    holder: str = ""  # who acknowledged or resolved it, when this request didn't change it


MAX_ID = 2**31 - 1  # the database's integer: a larger "id" from a request is simply not ours


def by_id(svc: Services, incident_id: int) -> Incident | None:
    """The incident a button or form names: buttons always carry the row id, never a reference."""
    if not 0 < incident_id <= MAX_ID:
        return None
    with svc.db.session() as s:
        return s.get(Incident, incident_id)


def by_reference(svc: Services, typed: str) -> Incident | None:
    """The incident a person typed: NightDesk's reference ("ND-1042") or the ticket number the
    page showed ("45234", "#45234"). The prefix decides which, so "1042" is never read as ND-1042
    (another incident's ticket could be 1042). Never an id: people never see ids."""
    text = str(typed).strip().lstrip("#")
    if not text or len(text) > 32:
        return None
    with svc.db.session() as s:
        if text.upper().startswith("ND"):  # "ND-1042", also typed as "nd1042"
            number = text[2:].lstrip("-")
            if number.isdigit() and len(number) <= 10 and 1000 < int(number) <= MAX_ID + 1000:
                return s.get(Incident, int(number) - 1000)
            return None
        return s.scalars(select(Incident).where(Incident.ticket_number == text)
                         .order_by(Incident.id.desc()).limit(1)).first()


def acknowledge(svc: Services, incident_id: int, actor: str) -> Outcome:
    now = svc.clock()
    return _change(svc, incident_id, actor, "acknowledged", ("open",), {
        "status": "acknowledged", "acknowledged_by": actor, "acknowledged_at": now,
        "next_escalation_at": None, "snoozed_until": None})


def resolve(svc: Services, incident_id: int, actor: str, note: str = "") -> Outcome:
    now = svc.clock()
    return _change(svc, incident_id, actor, "resolved", ("open", "acknowledged"), {
        "status": "resolved", "resolved_by": actor, "resolved_at": now,
        "resolution_note": note.strip()[:2000], "next_escalation_at": None, "snoozed_until": None},
        detail=note.strip()[:500])


def snooze(svc: Services, incident_id: int, actor: str, minutes: int) -> Outcome:
    if minutes not in SNOOZE_MINUTES:
        raise ValueError(f"snooze is one of {SNOOZE_MINUTES} minutes")
    until = svc.clock() + timedelta(minutes=minutes)
    outcome = _change(svc, incident_id, actor, "snoozed", ("open",), {
        "snoozed_until": until, "next_escalation_at": None}, detail=str(minutes))
    if outcome.changed:
        svc.work.later("wake", incident_id, delay=minutes * 60)
    return outcome


def _change(svc: Services, incident_id: int, actor: str, event: str, from_states: tuple,
            values: dict, detail: str = "") -> Outcome:
    if not 0 < incident_id <= MAX_ID:
        raise LookupError(f"no incident {incident_id}")
    with svc.db.session() as s:
        done = s.execute(update(Incident).where(Incident.id == incident_id,
                                                Incident.status.in_(from_states)).values(**values))
        incident = s.get(Incident, incident_id)
        if incident is None:
            raise LookupError(f"no incident {incident_id}")
        s.refresh(incident)
        changed = done.rowcount == 1
        if changed:
            s.add(Event(incident_id=incident_id, kind=event, detail={"by": actor, "detail": detail}))
    if changed:
        svc.work.later("incident_changed", incident_id, event, actor, detail)
    return Outcome(changed, incident, incident.resolved_by or incident.acknowledged_by)
