"""The ticket-note rows' SQL: adding one at most once per (incident, key), claiming one for a
send, and the sweep's scans (notes whose job was lost, ended calls whose note was never made)."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.models import Call, Incident, TicketNote
from app.states import CallStatus, NoteStatus, TicketStatus

TRANSCRIPT = "transcript"


def recording_key(recording_sid: str) -> str:
    return f"recording:{recording_sid}"


def add(s, incident_id: int, key: str, text: str, now: datetime,
        status: NoteStatus = NoteStatus.PENDING) -> int | None:
    """The new row's id, or None when the incident already has a note with this key. Commits:
    call it with nothing else pending in the session (a lost race rolls the session back)."""
    if s.scalar(select(TicketNote.id).where(TicketNote.incident_id == incident_id, TicketNote.key == key)):
        return None
    note = TicketNote(incident_id=incident_id, key=key, text=text, status=status, due_at=now,
                      created_at=now)
    s.add(note)
    try:
        s.commit()
    except IntegrityError:  # another worker added the same note first: its row stands
        s.rollback()
        return None
    return note.id


def claim(s, note: TicketNote, now: datetime, lease_s: float) -> bool:
    """One worker sends a note at a time: counted and leased before the ticket system is called."""
    return s.execute(update(TicketNote).where(
        TicketNote.id == note.id, TicketNote.status == NoteStatus.PENDING,
        TicketNote.attempts == note.attempts,
    ).values(status=NoteStatus.SENDING, attempts=note.attempts + 1,
             due_at=now + timedelta(seconds=lease_s))).rowcount == 1


def requeue_lost(s, now: datetime, due_before: datetime) -> list[int]:
    """Notes whose sending worker died (lease over) go back to pending; with the pending notes
    overdue by the sweep's grace (their job was lost), they are the ids to queue again."""
    expired = (TicketNote.status == NoteStatus.SENDING) & (TicketNote.due_at < now)
    lost = list(s.scalars(select(TicketNote.id).where(expired)))
    if lost:  # the condition again: the sending worker may have finished in between
        s.execute(update(TicketNote).where(TicketNote.id.in_(lost), expired)
                  .values(status=NoteStatus.PENDING, due_at=now))
    overdue = s.scalars(select(TicketNote.id).where(TicketNote.status == NoteStatus.PENDING,
                                                    TicketNote.due_at <= due_before))
    return sorted(set(lost) | set(overdue))


# The sweep looks this far back for a transcript never made: a stop between the two commits is
# found within seconds, and tickets filed before this version (their description had the
# transcript) are left alone.
OWED_WINDOW = timedelta(hours=1)


def calls_owed_a_transcript(s, ended_before: datetime) -> list[int]:
    """Calls that ended lately whose ticket exists but whose transcript note was never made (the
    process stopped between the two)."""
    made = select(TicketNote.id).where(TicketNote.incident_id == Incident.id,
                                       TicketNote.key == TRANSCRIPT).exists()
    return list(s.scalars(select(Call.id).join(Incident, Incident.call_id == Call.id).where(
        Call.status == CallStatus.COMPLETED, Call.ended_at < ended_before,
        Call.ended_at > ended_before - OWED_WINDOW,
        Incident.ticket_status == TicketStatus.CREATED, ~made)))
