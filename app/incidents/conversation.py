"""The caller's side of a call, one function per webhook: what /voice/gather and /voice/next do
next, decided here so the voice blueprint only reads Twilio's fields and writes TwiML.

/voice/next is polled every second for every caller on hold: while the turn's decision is not in,
a poll costs one SELECT (intake.poll_turn); the rest runs once per turn.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from app.models import Call
from app.runbooks import Runbook
from app.states import TicketStatus

from . import call_rows, incident_rows, intake
from .promise import PENDING, paging_promise
from .services import Triaging
from .work import Job

# The caller waits this long after the incident opened for the first ticket attempt (the number
# they are given); once it has failed or is slow they hear NightDesk's reference instead.
TICKET_WAIT_S = 8.0
# ...and this long for the first page's answer, so they are never promised a page that every
# route has already refused.
PAGE_WAIT_S = 10.0
# Silent turns allowed before NightDesk stops asking and logs the call.
REPROMPTS = 1


@dataclass(frozen=True)
class Heard:
    """What /voice/gather answers: "stored" (hold for the decision), "reprompt" or "give_up"."""
    action: str
    book: Runbook | None


@dataclass(frozen=True)
class Next:
    """What /voice/next answers.

    hold: keep the caller on hold (`waited` seconds so far picks a filler; `pause` 0 polls again
    at once); ask: `question`; goodbye: the ticket `number`, the paging `promise`, `callback`."""
    action: str
    waited: float = 0.0
    pause: int = 1
    question: str = ""
    book: Runbook | None = None
    number: str = ""
    promise: str = ""
    callback: str = ""


def hear(svc: Triaging, call_sid: str, seq: int, speech: str, confidence: float | None,
         from_number: str, to_number: str, greeting: Callable[[Runbook | None], str]) -> Heard:
    """Store what the caller said as turn `seq` and queue its triage. `greeting` is what the
    voice says first, so turn 1 records the prompt it answers."""
    call = intake.get_call(svc, call_sid)
    if call is None:  # a gather for a call we never answered: start it now
        call, _ = intake.start_call(svc, call_sid, from_number, to_number)
    # A PSA that answered after the greeting is in the cache by now: take it, without waiting.
    book = intake.adopt_recognised(svc, call, budget=0)
    if not speech and intake.get_turn(svc, call, seq) is None:
        if intake.count_reprompt(svc, call) <= REPROMPTS:
            return Heard("reprompt", book)
        svc.work.later(Job.FINISH_CALL, call.id)
        return Heard("give_up", book)
    intake.record_turn(svc, call, seq, speech, confidence, _prompt_before(svc, call, seq, book, greeting))
    return Heard("stored", book)


def next_step(svc: Triaging, call_sid: str, seq: int) -> Next | None:
    """None for an unknown call or turn."""
    polled = intake.poll_turn(svc, call_sid, seq)
    if polled is None:
        return None
    waited = (svc.clock() - polled.created_at).total_seconds()
    if polled.decision is None and waited < svc.config.fallback_after:
        return Next("hold", waited=waited)
    with svc.db.session() as s:
        found = call_rows.call_and_turn(s, call_sid, seq)
    if found is None:
        return None
    call, turn = found
    call_id, turn_id, decision = call.id, turn.id, turn.decision
    if decision is None:
        made = intake.triage_turn(svc, turn_id,
                                  fallback_reason=f"LLM gave no answer within {waited:.0f}s")
        if made is not None:
            decision = made.as_dict()
        else:  # the LLM's answer landed in between: use it
            with svc.db.session() as s:
                decision = call_rows.decision(s, turn_id)
            if decision is None:
                return Next("hold", pause=0)
    if decision["action"] == "ask":
        with svc.db.session() as s:  # triage may have learned which customer is calling
            call = s.get(Call, call_id) or call
        return Next("ask", question=decision["question"], book=intake.runbook_for(svc, call))
    return _after_decision(svc, call_id, turn_id)


def _after_decision(svc: Triaging, call_id: int, turn_id: int) -> Next:
    with svc.db.session() as s:
        incident = incident_rows.by_call(s, call_id)
    if incident is None:  # opened by the job a moment from now, or here if that job died
        incident = intake.open_decided(svc, turn_id, older_than=intake.OPEN_WAIT_S)
        if incident is None:
            return Next("hold")
    age = (svc.clock() - incident.created_at).total_seconds()
    if incident.ticket_status == TicketStatus.PENDING and not incident.ticket_error \
            and age < TICKET_WAIT_S:
        return Next("hold", waited=age)
    promise = paging_promise(svc, incident.id)
    if promise == PENDING and age < PAGE_WAIT_S:
        return Next("hold", waited=age)
    return Next("goodbye", number=incident.ticket_number or incident.reference, promise=promise,
                callback=incident.callback_number)


def _prompt_before(svc: Triaging, call: Call, seq: int, book: Runbook | None,
                   greeting: Callable[[Runbook | None], str]) -> str:
    """What NightDesk said that this turn answers: the greeting, or the previous question."""
    if seq == 1:
        return greeting(book)
    previous = intake.get_turn(svc, call, seq - 1)
    if previous and previous.decision:
        return previous.decision.get("question", "")
    return ""
