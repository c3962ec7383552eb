"""A call from first ring to decision: calls, turns, triage, and the end of a call."""
from __future__ import annotations

import logging

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.models import Call, Event, Turn
from app.runbooks import Runbook
from app.triage import Decision, TriageContext, fallback_decide

from .opening import open_incident
from .services import Services

log = logging.getLogger(__name__)


def start_call(svc: Services, call_sid: str, from_number: str, to_number: str) -> tuple[Call, Runbook | None]:
    """The call's row, created once per CallSid however often Twilio retries the webhook."""
    book = svc.runbooks.for_call(to_number, from_number)
    with svc.db.session() as s:
        call = s.scalar(select(Call).where(Call.call_sid == call_sid))
        if call is None:
            call = Call(call_sid=call_sid, customer=book.customer if book else "unknown",
                        from_number=from_number, to_number=to_number, created_at=svc.clock())
            s.add(call)
            try:
                s.flush()
            except IntegrityError:
                s.rollback()
                call = s.scalar(select(Call).where(Call.call_sid == call_sid))
            else:
                s.add(Event(call_id=call.id, kind="call_started",
                            detail={"customer": call.customer, "runbook": book.version if book else None}))
    return call, runbook_for(svc, call)


def runbook_for(svc: Services, call: Call) -> Runbook | None:
    return svc.runbooks.get(call.customer) or svc.runbooks.default()


def get_call(svc: Services, call_sid: str) -> Call | None:
    with svc.db.session() as s:
        return s.scalar(select(Call).where(Call.call_sid == call_sid))


def record_turn(svc: Services, call: Call, seq: int, speech: str, confidence: float | None,
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
    svc.work.later("triage_turn", turn.id)
    return turn


def poll_turn(svc: Services, call_sid: str, seq: int):
    """What a /voice/next poll needs to know while the caller waits: when the turn was stored and
    its decision, or None for an unknown call or turn. One SELECT on two unique indexes
    (calls.call_sid, turns(call_id, seq)): Twilio polls every second for every caller on hold."""
    with svc.db.session() as s:
        return s.execute(select(Turn.created_at, Turn.decision).join(Call, Call.id == Turn.call_id)
                         .where(Call.call_sid == call_sid, Turn.seq == seq)).first()


def get_turn(svc: Services, call: Call, seq: int) -> Turn | None:
    with svc.db.session() as s:
        return s.scalar(select(Turn).where(Turn.call_id == call.id, Turn.seq == seq))


def count_reprompt(svc: Services, call: Call) -> int:
    with svc.db.session() as s:
        row = s.get(Call, call.id)
        row.reprompts += 1
        return row.reprompts


def triage_turn(svc: Services, turn_id: int, fallback_reason: str = "") -> Decision | None:
    """Decide what to say after this turn. With fallback_reason the rule-based fallback decides at
    once (the caller has waited long enough). The first decision stored wins."""
    with svc.db.session() as s:
        turn = s.get(Turn, turn_id)
        if turn is None or turn.decision is not None:
            return None
        call = turn.call
        turns = [(t.prompt, t.speech) for t in call.turns if t.seq <= turn.seq]
        ended = call.status == "completed"
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
            _set_customer(svc, call, named)
    if not _store_decision(svc, turn_id, decision):
        return None
    if decision.action == "final":
        open_incident(svc, call.id, decision)
    return decision


def _adopt_named_company(svc: Services, call: Call, turns: list) -> Runbook | None:
    """An unknown caller who names a customer is triaged with that customer's runbook."""
    book = runbook_for(svc, call)
    if book is not None and book.is_default:
        for _, speech in turns:
            named = svc.runbooks.find_by_name(speech)
            if named:
                _set_customer(svc, call, named)
                return named
    return book


def _set_customer(svc: Services, call: Call, book: Runbook) -> None:
    with svc.db.session() as s:
        row = s.get(Call, call.id)
        if row.customer != book.customer:
            s.add(Event(call_id=call.id, kind="customer_named",
                        detail={"from": row.customer, "to": book.customer}))
            row.customer = book.customer
    call.customer = book.customer


def _store_decision(svc: Services, turn_id: int, decision: Decision) -> bool:
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


def end_call(svc: Services, call_sid: str, status: str) -> None:
    """Twilio's status callback: a caller who hangs up mid-triage still gets an incident."""
    with svc.db.session() as s:
        call = s.scalar(select(Call).where(Call.call_sid == call_sid))
        if call is None or call.status == "completed":
            return
        call.status = "completed" if status in ("completed", "busy", "failed", "no-answer",
                                                "canceled") else status
        if call.status != "completed":
            return
        call.ended_at = svc.clock()
        s.add(Event(call_id=call.id, kind="call_ended", detail={"status": status}))
        call_id = call.id
    svc.work.later("finish_call", call_id)


def finish_call(svc: Services, call_id: int, reason: str = "caller hung up") -> None:
    """Make sure a call that is over has an incident, deciding with what the caller said."""
    with svc.db.session() as s:
        call = s.get(Call, call_id)
        if call is None or call.incident is not None:
            return
        turns = [(t.prompt, t.speech) for t in call.turns]
    book = runbook_for(svc, call)
    if book is None:
        return
    if not any(speech.strip() for _, speech in turns):
        decision = Decision(action="final", severity="P3", rule=None,
                            summary=f"Missed call from {call.from_number or 'a withheld number'}",
                            details="The caller said nothing NightDesk could hear.",
                            callback_number=call.from_number if call.from_number.startswith("+") else "",
                            path="fallback", reason="no speech: missed call")
    else:
        ctx = TriageContext(runbook=_adopt_named_company(svc, call, turns) or book, turns=turns,
                            caller_id=call.from_number, force_final=True)
        decision = svc.triage.decide(ctx)
        decision.reason = f"{reason}; {decision.reason}"
    open_incident(svc, call_id, decision)
