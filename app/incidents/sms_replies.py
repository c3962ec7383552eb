"""A technician's SMS reply to a page (POST /sms/incoming): acknowledge, resolve or snooze.

The reply names its incident by the code the page ended with ("#1042", the reference number);
without one it answers the sender's most recent open incident among those paged to them by SMS
(the answer names it), or says the latest is resolved when none is open. Only a
number that incident was paged to by SMS may change it; the change is made as "sms:+E164", so the
live Slack message, its thread and the ticket follow through Job.INCIDENT_CHANGED as for a click.

Every reply answered is an event ("sms_reply") with Twilio's MessageSid: a retry or replay of it
changes nothing again and is told how the incident stands."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from app.models import Event, Incident
from app.states import IncidentStatus

from . import incident_rows, ownership, sms_rows
from .rows import runbook_of, zone_of
from .services import Books

REPLAY_WINDOW = timedelta(days=1)


class Verb(StrEnum):
    ACK = "ack"
    RESOLVE = "resolve"
    SNOOZE = "snooze"


class Refusal(StrEnum):
    NOT_PAGED = "not paged"          # the code names no incident this number was paged for
    NOTHING_PAGED = "nothing paged"  # no code, and no SMS page ever reached this number


@dataclass(frozen=True)
class Asked:
    verb: Verb
    code: int | None = None   # the page's code: the incident's reference number (ND-1042 → 1042)
    minutes: int = 30         # for a snooze
    note: str = ""            # for a resolve


@dataclass(frozen=True)
class Answer:
    """What a reply did. `changed` False with a `holder`: someone got there first (at `at`)."""
    refused: Refusal | None = None
    reference: str = ""
    changed: bool = False
    replayed: bool = False
    status: str = ""
    holder: str = ""          # "sms:+1…", "slack:U…"
    holder_name: str = ""     # their name in the runbook's on-call roster, when it has them
    at: datetime | None = None
    snoozed_until: datetime | None = None
    zone: str = "UTC"


def answer(svc: Books, sender: str, asked: Asked, message_sid: str) -> Answer:
    with svc.db.session() as s:
        seen = sms_rows.reply_seen(s, message_sid, svc.clock() - REPLAY_WINDOW)
        if seen is not None:
            incident = s.get(Incident, seen.incident_id) if seen.incident_id else None
        else:
            incident = _named(s, sender, asked.code)
            if incident is not None and not sms_rows.was_paged(s, incident.id, sender):
                incident = None
    if seen is not None:  # answered before: change nothing, say how it stands now
        if incident is None:
            return Answer(_refusal(asked), replayed=True)
        holder = incident.resolved_by or incident.acknowledged_by
        return _told(svc, ownership.Outcome(False, incident, holder), replayed=True)
    if incident is None:
        _record(svc, None, sender, asked, message_sid, "refused")
        return Answer(_refusal(asked))
    actor = f"sms:{sender}"
    if asked.verb == Verb.ACK:
        outcome = ownership.acknowledge(svc, incident.id, actor)
    elif asked.verb == Verb.RESOLVE:
        outcome = ownership.resolve(svc, incident.id, actor, asked.note)
    else:
        outcome = ownership.snooze(svc, incident.id, actor, asked.minutes)
    _record(svc, incident.id, sender, asked, message_sid, "changed" if outcome.changed else "already")
    return _told(svc, outcome)


def _named(s, sender: str, code: int | None) -> Incident | None:
    """The code's incident; without one the sender's most recent open incident they were paged
    for, or, when every one is resolved, the latest (so the reply says it is resolved)."""
    if code is not None:
        return incident_rows.by_reference(s, code)
    return sms_rows.last_open_paged(s, sender) or sms_rows.last_paged(s, sender)


def _refusal(asked: Asked) -> Refusal:
    return Refusal.NOTHING_PAGED if asked.code is None else Refusal.NOT_PAGED


def _record(svc: Books, incident_id: int | None, sender: str, asked: Asked, message_sid: str,
            outcome: str) -> None:
    with svc.db.session() as s:
        s.add(Event(incident_id=incident_id, kind=sms_rows.REPLY, created_at=svc.clock(), detail={
            "sid": message_sid, "from": sender, "asked": asked.verb.value, "code": asked.code,
            "outcome": outcome}))


def _told(svc: Books, outcome: ownership.Outcome, replayed: bool = False) -> Answer:
    incident = outcome.incident
    resolved = incident.status == IncidentStatus.RESOLVED
    return Answer(None, incident.reference, outcome.changed, replayed, incident.status,
                  outcome.holder, _name(svc, incident, outcome.holder),
                  incident.resolved_at if resolved else incident.acknowledged_at,
                  incident.snoozed_until, zone_of(svc, incident))


def _name(svc: Books, incident: Incident, holder: str) -> str:
    """"slack:U0JANE" or "sms:+15555550111" → "Jane Doe" when the runbook's roster has them."""
    method, _, ident = holder.partition(":")
    book = runbook_of(svc, incident)
    rotation = book.oncall if book else None
    if not ident or rotation is None:
        return ""
    people = [*rotation.people, *(o.person for o in rotation.overrides)]
    method = "sms" if method == "phone" else method  # a phone call reaches the roster's number
    return next((p.name for p in people if p.target(method) == ident), "")
