"""A call from first ring to decision: calls, turns, triage, and the end of a call."""
from __future__ import annotations

import logging

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.states import CALL_ENDED, CallStatus
from app.models import Call, Event, Incident, Turn
from app.runbooks import Runbook
from app.triage import Decision, TriageContext, fallback_decide

from . import call_rows
from .adopt import adopt_recognised, runbook_for, set_customer
from .call_notes import owe_notes
from .opening import caller_id, open_incident
from .recognition import recognise
from .services import Books, Records, Recognising, Triaging
from .work import Job

log = logging.getLogger(__name__)


def start_call(svc: Recognising, call_sid: str, from_number: str,
               to_number: str) -> tuple[Call, Runbook | None]:
    """The call's row, created once per CallSid however often Twilio retries the webhook. A
    caller the runbooks don't know is looked up in the PSA first, within its time budget."""
    book = svc.runbooks.for_call(to_number, from_number)
    call = get_call(svc, call_sid)
    if call is not None:
        return call, runbook_for(svc, call)
    known = recognise(svc, from_number, book)  # no transaction open while the PSA answers
    book = known.book
    with svc.db.session() as s:
        call = Call(call_sid=call_sid, customer=book.customer if book else "unknown",
                    from_number=from_number, to_number=to_number, created_at=svc.clock(),
                    contact=known.record)
        s.add(call)
        try:
            s.flush()
        except IntegrityError:
            s.rollback()
            call = s.scalar(select(Call).where(Call.call_sid == call_sid))
        else:
            s.add(Event(call_id=call.id, kind="call_started",
                        detail={"customer": call.customer, "runbook": book.version if book else None,
                                **({"psa_contacts": len(known.contacts)} if known.contacts is not None else {})}))
    return call, runbook_for(svc, call)


def get_call(svc: Records, call_sid: str) -> Call | None:
    with svc.db.session() as s:
        return s.scalar(select(Call).where(Call.call_sid == call_sid))


def record_turn(svc: Books, call: Call, seq: int, speech: str, confidence: float | None,
                prompt: str) -> Turn:
    """Store what the caller said as turn `seq` and queue its triage; a retried webhook for the
    same turn finds the stored one and queues nothing."""
    with svc.db.session() as s:
        turn = s.scalar(select(Turn).where(Turn.call_id == call.id, Turn.seq == seq))
        if turn is not None:
            return turn
        turn = Turn(call_id=call.id, seq=seq, speech=speech, confidence=confidence, prompt=prompt,
                    created_at=svc.clock())
        s.add(turn)
        try:
            s.flush()
        except IntegrityError:
            s.rollback()
            return s.scalar(select(Turn).where(Turn.call_id == call.id, Turn.seq == seq))
    svc.work.later(Job.TRIAGE_TURN, turn.id)
    return turn


def poll_turn(svc: Records, call_sid: str, seq: int):
    """What a /voice/next poll needs to know while the caller waits: when the turn was stored and
    its decision, or None for an unknown call or turn. One SELECT on two unique indexes
    (calls.call_sid, turns(call_id, seq)): Twilio polls every second for every caller on hold."""
    with svc.db.session() as s:
        return call_rows.poll(s, call_sid, seq)


def get_turn(svc: Records, call: Call, seq: int) -> Turn | None:
    with svc.db.session() as s:
        return s.scalar(select(Turn).where(Turn.call_id == call.id, Turn.seq == seq))


def count_reprompt(svc: Records, call: Call) -> int:
    with svc.db.session() as s:
        row = s.get(Call, call.id)
        row.reprompts += 1
        return row.reprompts


def triage_turn(svc: Triaging, turn_id: int, fallback_reason: str = "") -> Decision | None:
    """Decide what to say after this turn. With fallback_reason the rule-based fallback decides at
    once (the caller has waited long enough). The first decision stored wins."""
    with svc.db.session() as s:
        turn = s.get(Turn, turn_id)
        if turn is None:
            return None
        decided = turn.decision is not None
        if not decided:
            call = turn.call
            turns = [(t.prompt, t.speech) for t in call.turns if t.seq <= turn.seq]
            ended = call.status == CallStatus.COMPLETED
    if decided:
        # Already decided: a duplicate job, or one the sweep asked for again because the job that
        # stored the decision died before opening the incident (then it is opened here, outside
        # the session above: one pooled connection per thread).
        open_decided(svc, turn_id, older_than=OPEN_WAIT_S)
        return None
    book = _adopt_named_company(svc, call, turns)
    if book is None:
        log.error("no runbook for %s and no _default runbook: cannot triage", call.customer)
        return None
    ctx = TriageContext(runbook=book, turns=turns, caller_id=call.from_number, force_final=ended)
    if fallback_reason:
        decision = fallback_decide(ctx, reason_prefix=f"{fallback_reason}. Fallback: ")
    else:
        decision = svc.triage.decide(ctx)
    if decision.company and book.is_default:
        named = svc.runbooks.find_by_name(decision.company)
        if named:
            set_customer(svc, call, named)
    if not _store_decision(svc, turn_id, decision):
        return None
    if decision.action == "final":
        open_incident(svc, call.id, decision)
    return decision


# A final decision whose incident has not appeared this long after it was stored lost the job
# that was opening it (that job opens it within milliseconds of storing it).
OPEN_WAIT_S = 3.0


def open_decided(svc: Triaging, turn_id: int, older_than: float) -> Incident | None:
    """The incident of a turn whose final decision has been stored for `older_than` seconds with
    no incident opened for it (its job died in between): opened now, once."""
    with svc.db.session() as s:
        turn = s.get(Turn, turn_id)
        unopened = _final_without_incident(turn) if turn is not None else None
        age = (svc.clock() - turn.decided_at).total_seconds() if turn and turn.decided_at else 0.0
        if unopened is None or age < older_than:
            return None
        call_id = turn.call_id
    log.warning("turn %s was decided %.0f s ago but no incident was opened: opening it now",
                turn_id, age)
    return open_incident(svc, call_id, unopened)


def _final_without_incident(turn: Turn) -> Decision | None:
    if not turn.decision or turn.decision.get("action") != "final" or turn.call.incident is not None:
        return None
    return Decision.from_dict(turn.decision)


def _adopt_named_company(svc: Triaging, call: Call, turns: list) -> Runbook | None:
    """An unknown caller is triaged with the customer's runbook once it is known: from the PSA,
    whose answer may have come after the greeting, or from the company the caller names."""
    book = adopt_recognised(svc, call)
    if book is not None and book.is_default:
        for _, speech in turns:
            named = svc.runbooks.find_by_name(speech)
            if named:
                set_customer(svc, call, named)
                return named
    return book


def _store_decision(svc: Records, turn_id: int, decision: Decision) -> bool:
    with svc.db.session() as s:
        done = s.execute(update(Turn).where(Turn.id == turn_id, Turn.decision.is_(None))
                         .values(decision=decision.as_dict(), decided_at=svc.clock()))
        if done.rowcount != 1:
            return False
        turn = s.get(Turn, turn_id)
        s.add(Event(call_id=turn.call_id, kind="triage", detail={
            "turn": turn.seq, "path": decision.path, "action": decision.action,
            "severity": decision.severity, "rule": decision.rule, "reason": decision.reason,
            "model": decision.model, "latency_ms": decision.latency_ms}))
    return True


def end_call(svc: Records, call_sid: str, status: str) -> None:
    """Twilio's status callback: a caller who hangs up mid-triage still gets an incident."""
    with svc.db.session() as s:
        call = s.scalar(select(Call).where(Call.call_sid == call_sid))
        if call is None or call.status == CallStatus.COMPLETED:
            return
        call.status = CallStatus.COMPLETED if status in CALL_ENDED else status
        if call.status != CallStatus.COMPLETED:
            return
        call.ended_at = svc.clock()
        s.add(Event(call_id=call.id, kind="call_ended", detail={"status": status}))
        call_id = call.id
    svc.work.later(Job.FINISH_CALL, call_id)
    owe_notes(svc, call_id)  # the transcript, if the ticket is already there


def finish_call(svc: Triaging, call_id: int, reason: str = "caller hung up") -> None:
    """Make sure a call that is over has an incident, deciding with what the caller said."""
    with svc.db.session() as s:
        call = s.get(Call, call_id)
        if call is None or call.incident is not None:
            return
        turns = [(t.prompt, t.speech) for t in call.turns]
        stored = [d for d in map(_final_without_incident, call.turns) if d is not None]
    if stored:  # decided before the hang-up, not opened (its job died): that decision stands
        decision = stored[-1]
        decision.reason = f"{reason}; {decision.reason}"
        open_incident(svc, call_id, decision)
        return
    book = runbook_for(svc, call)
    if book is None:
        return
    if not any(speech.strip() for _, speech in turns):
        decision = Decision(action="final", severity="P3", rule=None,
                            summary=f"Missed call from {call.from_number or 'a withheld number'}",
                            details="The caller said nothing NightDesk could hear.",
                            callback_number=caller_id(call),
                            path="fallback", reason="no speech: missed call")
    else:
        ctx = TriageContext(runbook=_adopt_named_company(svc, call, turns) or book, turns=turns,
                            caller_id=call.from_number, force_final=True)
        decision = svc.triage.decide(ctx)
        decision.reason = f"{reason}; {decision.reason}"
    open_incident(svc, call_id, decision)
