"""A phone-call page from the technician's side: what the call says, what each key does, and
what Twilio's answering-machine detection found. Owner changes go through ownership (one
conditional UPDATE: a retried webhook changes nothing twice, and of two people acting at once in
two channels one wins and the other hears who did); a machine that answered is a failed delivery
through reports.delivery_report, so retries, the fallback and escalation carry on."""
from __future__ import annotations

import logging
from dataclasses import dataclass

from app.models import Event, Page
from app.paging import PageMessage, call_words
from app.states import IncidentStatus

from . import ownership, page_rows
from .messages import live_message
from .reports import delivery_report
from .rows import runbook_of
from .services import Paging
from .work import Job

log = logging.getLogger(__name__)
SNOOZE_MINUTES = 30


@dataclass(frozen=True)
class Said:
    """The page as it is now, who owns it (in words), and the after-hours line the caller rang
    (the caller ID they see when the technician is put through)."""
    message: PageMessage
    holder: str
    line: str


@dataclass(frozen=True)
class Pressed:
    said: str            # the key's confirmation, spoken
    page: Said
    connect: bool = False  # 0: put the technician through to the caller's callback number


def the_page(svc: Paging, page_id: int) -> Said | None:
    """None for a page that isn't a phone-call page (or doesn't exist)."""
    with svc.db.session() as s:
        page = s.get(Page, page_id) if 0 < page_id < 2**31 else None
        if page is None or page.method != "call":
            return None
        incident = page.incident
        book = runbook_of(svc, incident)
        message = live_message(svc, incident, book)
        line = (incident.call.to_number if incident.call else "") or svc.config.twilio_from_number
        return Said(message, spoken_holder(message.holder, book), line)


def picked_up(svc: Paging, page_id: int, call_sid: str) -> None:
    """Twilio fetched the call's words, a key or a machine verdict: the call was answered, so
    an acknowledgement elsewhere leaves it be (ringing.cancel_ringing)."""
    with svc.db.session() as s:
        page_rows.mark_answered(s, page_id, call_sid)


def press(svc: Paging, page_id: int, phone: str, digit: str) -> Pressed | None:
    """1 acknowledge, 2 resolve, 3 snooze 30 minutes, 9 hear it again, 0 connect to the caller."""
    before = the_page(svc, page_id)
    if before is None:
        return None
    actor, incident_id = f"phone:{phone or 'unknown'}", before.message.incident_id
    connect = False
    if digit == "1":
        said = _owned(svc, ownership.acknowledge(svc, incident_id, actor), actor, "Acknowledged")
    elif digit == "2":
        said = _owned(svc, ownership.resolve(svc, incident_id, actor), actor, "Resolved")
    elif digit == "3":
        said = _snooze(svc, incident_id, actor)
    elif digit == "0" and not before.message.callback_number:
        said = "There is no callback number for this call."
    elif digit == "0":
        # Calling the customer back is taking the incident: escalation stops.
        outcome = ownership.acknowledge(svc, incident_id, actor)
        said, connect = _first(svc, outcome, actor) + "Connecting you to the caller.", True
    elif digit == "9":
        said = ""
    else:
        said = "Sorry, that key does nothing."
    after = the_page(svc, page_id)
    return Pressed(said, after or before, connect)


def _owned(svc: Paging, outcome: ownership.Outcome, actor: str, done: str) -> str:
    if outcome.changed or outcome.holder == actor:  # a retried webhook hears the same words
        return f"{done}. Thank you."
    return _first(svc, outcome, actor) or f"{done}. Thank you."


def _first(svc: Paging, outcome: ownership.Outcome, actor: str) -> str:
    """Who got there first, when someone else did."""
    if outcome.changed or not outcome.holder or outcome.holder == actor:
        return ""
    who = spoken_holder(outcome.holder, runbook_of(svc, outcome.incident))
    verb = "resolved" if outcome.incident.status == IncidentStatus.RESOLVED else "acknowledged"
    return f"{who[:1].upper()}{who[1:]} already {verb} it. "


def _snooze(svc: Paging, incident_id: int, actor: str) -> str:
    incident = ownership.by_id(svc, incident_id)
    if incident is None:
        return ""
    if incident.status == IncidentStatus.OPEN and incident.snoozed_until \
            and incident.snoozed_until > svc.clock():
        # Already snoozed (a retried webhook, or 3 pressed twice): snoozed once, not again.
        return f"Snoozed until {call_words.spoken_time(incident.snoozed_until, _zone(svc, incident))}."
    if incident.status == IncidentStatus.OPEN:
        outcome = ownership.snooze(svc, incident_id, actor, SNOOZE_MINUTES)
        if outcome.changed:
            return f"Snoozed for {SNOOZE_MINUTES} minutes. Thank you."
        incident = outcome.incident
    holder = incident.resolved_by or incident.acknowledged_by
    return "Not snoozed. " + _first(svc, ownership.Outcome(False, incident, holder), actor)


def _zone(svc: Paging, incident) -> str:
    book = runbook_of(svc, incident)
    return (book.timezone if book else "") or svc.config.timezone


def machine_verdict(svc: Paging, page_id: int, report: dict) -> str:
    """Twilio's answering-machine detection result: kept as an event; a machine is a failed
    delivery (escalation goes on) and gets a short message before the call hangs up."""
    picked_up(svc, page_id, report.get("CallSid", ""))
    outcome = delivery_report(svc, page_id, report)
    if outcome == "not found":
        return outcome
    with svc.db.session() as s:
        page = s.get(Page, page_id)
        s.add(Event(incident_id=page.incident_id, kind="call_answered", detail={
            "page": page_id, "answered_by": report.get("AnsweredBy", "")}))
    if outcome in ("recorded", "early"):
        svc.work.later(Job.CALL_VOICEMAIL, page_id, report.get("CallSid", ""))
    return outcome


def leave_voicemail(svc: Paging, page_id: int, call_sid: str) -> None:
    said = the_page(svc, page_id)
    if said is None or svc.channels.calls is None or not call_sid:
        return
    result = svc.channels.calls.say_and_hang_up(call_sid, call_words.voicemail(said.message))
    if not result.sent:  # the call may have ended already: nothing left to say it to
        log.warning("page %s: no voicemail left: %s", page_id, result.error)


def spoken_holder(holder: str, book) -> str:
    """"Jane Doe" when the runbook's rotation knows them, else how they acted."""
    kind, _, who = holder.partition(":")
    for person in (book.oncall.people if book and book.oncall else ()):
        if who and who in (person.slack, person.sms):
            return person.name
    digits = " ".join(ch for ch in who[-4:] if ch.isdigit())
    if kind == "slack":
        return "a colleague on Slack"
    if kind == "phone" and digits:
        return f"the phone ending {digits}"
    if kind == "sms" and digits:
        return f"a text from the phone ending {digits}"
    return who or holder or "someone"
