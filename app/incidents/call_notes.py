"""What a call leaves on its ticket, once each: its transcript, when the call has ended and the
ticket exists (whichever comes last), and with the runbook's `record: true` the link to
Twilio's recording of it, once Twilio reports the recording and the ticket exists.

Each note is a row (app.models.TicketNote, unique per incident and key) before it is a job, so a
retried job, the sweep or a second worker never adds it twice, and a failed note is retried with
backoff. A ticket that is NightDesk's own (local) gets none: the incident page has it all.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select

from app.models import Call, Event, Incident, TicketNote
from app.states import CallStatus, NoteStatus, TicketStatus
from app.tickets import TicketError

from . import note_rows
from .services import Records, Ticketing
from .work import Job, backoff

log = logging.getLogger(__name__)
# A claimed note is not taken again before this (a note's request times out well inside it).
LEASE_S = 90
MAX_ATTEMPTS = 8  # about 20 minutes of backoff, then the note is left failed for a human
# PSAs cap a note's text (Autotask at 32,000 characters): a transcript is cut well before that.
TEXT_MAX = 30000
RECORDED, NOT_RECORDED = "call_recorded", "call_not_recorded"


def transcript_text(call: Call, reference: str) -> str:
    lines = [f"Call transcript (NightDesk {reference}):"]
    lines += [f"NightDesk: {t.prompt}\nCaller: {t.speech or '(no speech)'}" for t in call.turns]
    text = "\n".join(lines)
    return text if len(text) <= TEXT_MAX else text[:TEXT_MAX] + "\n… (cut: the rest is on the incident page)"


def recording_text(detail: dict, reference: str) -> str:
    duration = f", {detail['duration']} s" if detail.get("duration") is not None else ""
    return f"Call recording (NightDesk {reference}{duration}): {detail['url']}"


def owe_notes(svc: Records, call_id: int) -> None:
    """Make the notes this call owes its ticket and queue them; nothing until the call has ended
    (transcript) or Twilio has reported a recording, and the ticket exists. Called when the call
    ends, when the ticket is created, when a recording is reported, and by the sweep."""
    with svc.db.session() as s:
        call = s.get(Call, call_id)
        incident = call.incident if call else None
        if incident is None or incident.ticket_status != TicketStatus.CREATED:
            return
        reference = incident.reference
        owed = [(note_rows.TRANSCRIPT, transcript_text(call, reference))] \
            if call.status == CallStatus.COMPLETED else []
        owed += [(note_rows.recording_key(e.detail["sid"]), recording_text(e.detail, reference))
                 for e in _recordings(s, call_id)]
        local = incident.ticket_number == reference
        incident_id, now = incident.id, svc.clock()
        s.commit()
        status = NoteStatus.SKIPPED if local else NoteStatus.PENDING
        new = [note_rows.add(s, incident_id, key, text, now, status) for key, text in owed]
    for note_id in new:
        if note_id is not None and not local:
            svc.work.later(Job.TICKET_NOTE, note_id)


def record_recording(svc: Records, call_sid: str, recording_sid: str, status: str, url: str,
                     duration: int | None) -> bool:
    """Twilio's recording status callback: the link is kept on the call (an event), and goes to
    the ticket as a note once there is one. False for a call NightDesk doesn't know."""
    with svc.db.session() as s:
        call = s.scalar(select(Call).where(Call.call_sid == call_sid))
        if call is None:
            return False
        if any(e.detail.get("sid") == recording_sid for e in _recordings(s, call.id, RECORDED, NOT_RECORDED)):
            return True  # Twilio retried the callback
        completed = status == "completed"
        s.add(Event(call_id=call.id, incident_id=call.incident.id if call.incident else None,
                    kind=RECORDED if completed else NOT_RECORDED,
                    detail={"sid": recording_sid, "status": status, "url": url if completed else "",
                            "duration": duration}))
        call_id = call.id
    if completed:
        owe_notes(svc, call_id)
    return True


def add_ticket_note(svc: Ticketing, note_id: int) -> None:
    """One attempt at one note; a transient failure is tried again with backoff."""
    now = svc.clock()
    with svc.db.session() as s:
        note = s.get(TicketNote, note_id)
        if note is None or note.status != NoteStatus.PENDING:
            return
        if note.due_at > now:  # a duplicate job for a retry that isn't due yet
            svc.work.later(Job.TICKET_NOTE, note_id, delay=(note.due_at - now).total_seconds())
            return
        attempt = note.attempts + 1
        if not note_rows.claim(s, note, now, LEASE_S):
            return
        number = s.get(Incident, note.incident_id).ticket_number
        key, text, incident_id = note.key, note.text, note.incident_id
    try:
        svc.tickets.add_note(number, text)
    except TicketError as exc:
        _not_added(svc, note_id, incident_id, key, attempt, exc)
        return
    with svc.db.session() as s:
        note = s.get(TicketNote, note_id)
        note.status, note.added_at, note.last_error = NoteStatus.ADDED, svc.clock(), ""
        s.add(Event(incident_id=incident_id, kind="ticket_noted", detail={"note": key.split(":")[0]}))


def _not_added(svc: Ticketing, note_id: int, incident_id: int, key: str, attempt: int,
               exc: TicketError) -> None:
    with svc.db.session() as s:
        note = s.get(TicketNote, note_id)
        note.last_error = exc.message
        if exc.permanent or attempt >= MAX_ATTEMPTS:
            note.status = NoteStatus.FAILED
            s.add(Event(incident_id=incident_id, kind="ticket_note_failed",
                        detail={"note": key.split(":")[0], "error": exc.message}))
            log.error("the %s note for incident %s was not added: %s", key.split(":")[0],
                      incident_id, exc.message)
            return
        delay = backoff(attempt, retry_after=exc.retry_after)
        note.status, note.due_at = NoteStatus.PENDING, svc.clock() + timedelta(seconds=delay)
        s.add(Event(incident_id=incident_id, kind="ticket_note_delayed",
                    detail={"note": key.split(":")[0], "error": exc.message, "retry_in_s": round(delay, 1)}))
    svc.work.later(Job.TICKET_NOTE, note_id, delay=delay)


def _recordings(s, call_id: int, *kinds: str) -> list[Event]:
    return list(s.scalars(select(Event).where(Event.call_id == call_id,
                                              Event.kind.in_(kinds or (RECORDED,)))
                          .order_by(Event.id)))
