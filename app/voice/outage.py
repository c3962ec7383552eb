"""The voice line while the database can't take a write: the caller still hears a conversation.

Each webhook that could not reach the database keeps what it learned in the spool
(app.incidents.spool) before it answers, and the worker replays the spool into the normal intake
once the database is back. The conversation goes on without the database: the rule-based triage
runs right here, and what it needs of the earlier turns rides in the next action URL, signed
(itsdangerous, with the service's secret key) on top of Twilio's own signature. A call that went
to the spool stays there to its end, so its turns are never split between the two.

When even the spool refuses the write (a full disk), the caller is told plainly that the call was
not logged and whom to call, and the MSP is alerted without the database (outage_alert).
"""
from __future__ import annotations

import logging

from flask import request
from itsdangerous import BadSignature, URLSafeSerializer

from app.incidents.spool import spool_for
from app.runbooks import Runbook
from app.triage import TriageContext, fallback_decide

from . import fields, twiml

log = logging.getLogger(__name__)
SALT = "nightdesk-voice-spool"
# What of a turn rides in the URL for the triage of the next one (the spool keeps it whole):
# enough for its signals, short enough that the URL stays a few KiB.
CARRIED_SPEECH = 400
MAX_SPOOLED_TURNS = 3
REPROMPTS = 1


class Outage:
    """One per app: the spool, the URL state's signer and the MSP alert."""

    def __init__(self, svc, alert):
        self.svc, self.alert = svc, alert
        self.spool = spool_for(svc.config)
        self.signer = URLSafeSerializer(svc.secret_key, salt=SALT)

    # --- the URL state -------------------------------------------------------------------------
    def state(self) -> dict | None:
        """The spooled call's state from ?s=, or None when this call is not in the spool."""
        token = request.args.get("s")
        if token is None:
            return None
        try:
            state = self.signer.loads(token)
        except BadSignature:
            log.warning("voice: spool state with a bad signature ignored")
            return {"t": [], "r": 0, "q": ""}
        return state if isinstance(state, dict) else {"t": [], "r": 0, "q": ""}

    def action(self, url, seq: int, state: dict) -> str:
        return url(f"/voice/gather?turn={seq}&s={self.signer.dumps(state)}")

    # --- the webhooks ----------------------------------------------------------------------------
    def incoming(self, sid: str, book: Runbook | None, url) -> str:
        if book is None:
            return twiml.goodbye("Sorry, this support line is not set up yet. Please call your "
                                 "IT provider during business hours. Goodbye.")
        greeting = twiml.greeting_text(book)
        if not self._keep(sid, "00-start", {}):
            return self._lost(book, "")
        return twiml.gather(greeting, self.action(url, 1, {"t": [], "r": 0, "q": greeting}), book)

    def gather(self, sid: str, seq: int, state: dict | None, book: Runbook | None, url) -> str:
        state = state or {"t": [], "r": 0, "q": ""}  # the database failed mid-call
        speech = fields.speech()
        if not speech:
            if state.get("r", 0) < REPROMPTS:
                again = {**state, "r": state.get("r", 0) + 1}
                return twiml.gather("Sorry, I didn't catch that. Please tell me briefly what's "
                                    "wrong.", self.action(url, seq, again), book)
            if not self._keep(sid, f"{seq:02d}-final", {"final": True}):
                return self._lost(book, "")
            return twiml.goodbye("I'm sorry, I still can't hear you. I've logged your call and "
                                 "a technician will follow up. Goodbye.")
        turns = [tuple(t) for t in state.get("t", [])] + [(state.get("q", ""), speech)]
        decision = None
        if book is not None:
            ctx = TriageContext(runbook=book, turns=turns, caller_id=fields.number("From"),
                                force_final=len(turns) >= MAX_SPOOLED_TURNS)
            decision = fallback_decide(ctx, reason_prefix="database unavailable. Fallback: ")
        final = decision is None or decision.action == "final"
        turn = {"seq": seq, "prompt": state.get("q", ""), "speech": speech,
                "confidence": fields.confidence(), "decision": decision.as_dict() if decision else None}
        if not self._keep(sid, f"{seq:02d}-turn", {"turn": turn, "final": final}):
            return self._lost(book, speech, decision)
        if decision is not None and decision.severity in book.page_severities and final:
            self.alert.note(False, fields.number("From"), book.customer, decision.severity,
                            decision.summary)
        if not final:
            carried = turns[:-1] + [(turns[-1][0], speech[:CARRIED_SPEECH])]
            nxt = {"t": [list(t) for t in carried], "r": 0, "q": decision.question}
            return twiml.gather(decision.question, self.action(url, seq + 1, nxt), book)
        callback = (decision.callback_number if decision else "") or fields.number("From")
        return twiml.goodbye(spooled_goodbye(callback))

    def waited_out(self, callback: str) -> str:
        """/voice/next gave up waiting for the database: the turn was stored before it went."""
        return twiml.goodbye(spooled_goodbye(callback))

    def status(self, sid: str, status: str) -> None:
        if not self._keep(sid, f"zz-{status}", {"ended": status}):
            log.critical("voice: call %s ended (%s) but neither the database nor the spool in %s "
                         "took it", sid, status, self.spool.dir)

    # --- helpers ---------------------------------------------------------------------------------
    def _keep(self, sid: str, part: str, record: dict) -> bool:
        record = {**record, "from": fields.number("From"), "to": fields.number("To")}
        try:
            self.spool.keep(sid, part, record)
        except OSError as exc:
            log.critical("voice: call %s could not be kept (database down, spool %s: %s)", sid,
                         self.spool.dir, exc.strerror or type(exc).__name__)
            return False
        return True

    def _lost(self, book: Runbook | None, speech: str, decision=None) -> str:
        """Nothing could store the call: the caller hears so, and the MSP gets what they said."""
        summary = decision.summary if decision else (speech[:200] or "(said nothing yet)")
        self.alert.note(True, fields.number("From"), book.customer if book else "unknown",
                        decision.severity if decision else "", summary)
        return twiml.goodbye(twiml.not_logged(self.svc.config.msp_phone))


def spooled_goodbye(callback: str) -> str:
    back = f" on {twiml.spoken_phone(callback)}" if callback else ""
    return ("Thank you. Your problem is logged, but I can't give you a ticket number right now. "
            f"Someone will call you back{back} as soon as possible. Goodbye.")
