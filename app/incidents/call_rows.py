"""The call aggregate's SQL (calls and what was said in them): finders, the poll, the sweep's
scans. Writes that belong to one step of a call stay with that step in intake.py."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from app.models import Call, Turn
from app.states import CallStatus


def by_sid(s, call_sid: str) -> Call | None:
    return s.scalar(select(Call).where(Call.call_sid == call_sid))


def turn(s, call_id: int, seq: int) -> Turn | None:
    return s.scalar(select(Turn).where(Turn.call_id == call_id, Turn.seq == seq))


def poll(s, call_sid: str, seq: int):
    """(created_at, decision) of a turn, or None: one SELECT on two unique indexes
    (calls.call_sid, turns(call_id, seq)), since Twilio polls every second per caller on hold."""
    return s.execute(select(Turn.created_at, Turn.decision).join(Call, Call.id == Turn.call_id)
                     .where(Call.call_sid == call_sid, Turn.seq == seq)).first()


def call_and_turn(s, call_sid: str, seq: int) -> tuple[Call, Turn] | None:
    found = s.execute(select(Call, Turn).join(Turn, Turn.call_id == Call.id)
                      .where(Call.call_sid == call_sid, Turn.seq == seq)).first()
    return (found[0], found[1]) if found else None


def decision(s, turn_id: int) -> dict | None:
    return s.scalar(select(Turn.decision).where(Turn.id == turn_id))


def seqs(s, call_id: int) -> set[int]:
    return set(s.scalars(select(Turn.seq).where(Turn.call_id == call_id)))


def untriaged_turns(s, stored_before: datetime) -> list[int]:
    """Turns nobody decided (a lost triage job) of calls that have no incident yet."""
    return list(s.scalars(select(Turn.id).join(Call).where(
        Turn.decision.is_(None), Turn.created_at < stored_before, ~Call.incident.has())))


# The sweep looks this far back for decided turns without an incident: a call older than that
# (restored data, an old bug) is for a human, not a page at 3am.
DECIDED_WINDOW = timedelta(hours=1)


def decided_without_incident(s, decided_before: datetime) -> list[int]:
    """Recent turns with a final decision whose incident was never opened (the job died in
    between)."""
    return list(s.scalars(select(Turn.id).join(Call).where(
        Turn.decided_at < decided_before, Turn.decided_at > decided_before - DECIDED_WINDOW,
        Turn.decision["action"].as_string() == "final", ~Call.incident.has())))


def ended_without_incident(s, ended_before: datetime) -> list[int]:
    return list(s.scalars(select(Call.id).where(
        Call.status == CallStatus.COMPLETED, Call.ended_at < ended_before, ~Call.incident.has())))
