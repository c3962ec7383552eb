"""POST /voice/incoming, /voice/gather, /voice/next, /voice/status.

No handler waits on the LLM, ConnectWise or a pager: /voice/gather stores the turn, queues its
triage and answers at once with a hold prompt and a <Redirect> to /voice/next, which picks the
result up when it is in (or lets the fallback decide once the caller has waited long enough).
"""
from __future__ import annotations

import logging
import threading
import time

from flask import Blueprint, Response, abort, current_app, request
from werkzeug.exceptions import HTTPException

from app import incidents
from app.incidents import conversation
from app.webhooks.twilio import public_url, twilio_signed

from . import fields, twiml
from .outage import Outage
from .outage_alert import OutageAlert

log = logging.getLogger(__name__)

bp = Blueprint("voice", __name__, url_prefix="/voice")
MAX_TURNS = 20  # a greeting and at most three questions, with room for reprompts
FILLERS = {4: "Still with you, one moment.", 8: "Almost there."}
# How long /voice/next keeps a caller on hold while the database doesn't answer (their turn is
# already stored) before it says goodbye with a call-back promise.
DB_WAIT_S = 10.0
_outage_lock = threading.Lock()


def _svc():
    return current_app.extensions["nightdesk"]


def _xml(body: str, status: int = 200) -> Response:
    return Response(body, status=status, mimetype="text/xml")


def _url(path: str) -> str:
    base = current_app.config["NIGHTDESK"].public_base_url or request.host_url.rstrip("/")
    return base + path


def _call_or_400():
    return fields.call_sid()


def _outage() -> Outage:
    """The app's spool, URL-state signer and MSP alert (made on first use)."""
    ext = current_app.extensions
    with _outage_lock:
        if "voice_outage" not in ext:
            svc = _svc()
            ext["voice_outage"] = Outage(svc, OutageAlert(svc.config, svc.channels))
    return ext["voice_outage"]


def _failed(exc: Exception) -> None:
    """One line, never a traceback per webhook while the database is down."""
    first = (str(getattr(exc, "orig", None) or exc).strip().splitlines() or [""])[0][:200]
    log.error("%s: %s: %s — the call goes on without the database (to the spool)", request.path,
              type(exc).__name__, first)
    if not isinstance(exc, OSError) and "sqlalchemy" not in type(exc).__module__ \
            and "psycopg" not in type(exc).__module__:
        log.exception("%s: unexpected error", request.path)  # a bug, not an outage: keep the trace


def _book_without_db(svc):
    try:
        return svc.runbooks.for_call(fields.number("To"), fields.number("From"))
    except Exception:
        return None


@bp.post("/incoming")
@twilio_signed
def incoming():
    sid = _call_or_400()
    try:
        call, book = incidents.start_call(_svc(), sid, fields.number("From"), fields.number("To"))
    except Exception as exc:
        _failed(exc)
        return _xml(_outage().incoming(sid, _book_without_db(_svc()), _url))
    if book is None:
        return _xml(twiml.goodbye("Sorry, this support line is not set up yet. Please call your "
                                  "IT provider during business hours. Goodbye."))
    return _xml(twiml.gather(twiml.greeting_text(book), _url("/voice/gather?turn=1"), book,
                             recording=_url("/voice/recording") if book.record else ""))


@bp.post("/gather")
@twilio_signed
def gather():
    sid = _call_or_400()
    seq = request.args.get("turn", type=int)
    if not seq or seq < 1 or seq > MAX_TURNS:
        abort(400, f"turn must be a number from 1 to {MAX_TURNS}")
    state = _outage().state()
    if state is not None:  # a call that went to the spool stays there to its end
        return _xml(_outage().gather(sid, seq, state, _book_without_db(_svc()), _url))
    try:
        return _gather(sid, seq)
    except HTTPException:
        raise
    except Exception as exc:
        _failed(exc)
        return _xml(_outage().gather(sid, seq, None, _book_without_db(_svc()), _url))


def _gather(sid: str, seq: int) -> Response:
    heard = conversation.hear(_svc(), sid, seq, fields.speech(), fields.confidence(),
                              fields.number("From"), fields.number("To"), twiml.greeting_text)
    if heard.action == "reprompt":
        return _xml(twiml.gather("Sorry, I didn't catch that. Please tell me briefly what's wrong.",
                                 _url(f"/voice/gather?turn={seq}"), heard.book))
    if heard.action == "give_up":
        return _xml(twiml.goodbye("I'm sorry, I still can't hear you. I've logged your call and "
                                  "a technician will follow up. Goodbye."))
    return _xml(twiml.hold(_url(f"/voice/next?turn={seq}"), say="Thanks. One moment.", pause=0))


@bp.post("/next")
@twilio_signed
def next_step():
    sid = _call_or_400()
    seq = request.args.get("turn", type=int)
    try:
        return _next_step(sid, seq)
    except HTTPException:
        raise
    except Exception as exc:
        _failed(exc)
    # The turn was stored before this poll began: hold while the database comes back, then
    # promise a call back (the sweep triages the stored turn once it is back).
    now = time.time()
    since = request.args.get("down", type=float) or now
    if now - since < DB_WAIT_S and 1 <= (seq or 0) <= MAX_TURNS:
        return _xml(twiml.hold(_url(f"/voice/next?turn={seq}&down={since:.0f}"),
                               say="One moment.", pause=1))
    return _xml(_outage().waited_out(fields.number("From")))


def _next_step(sid: str, seq: int | None) -> Response:
    step = conversation.next_step(_svc(), sid, seq) if seq and 1 <= seq <= MAX_TURNS else None
    if step is None:
        abort(400, "unknown call or turn")
    if step.action == "hold":
        return _xml(twiml.hold(public_url(), say=_filler(step.waited) if step.pause else "",
                               pause=step.pause))
    if step.action == "ask":
        return _xml(twiml.gather(step.question, _url(f"/voice/gather?turn={seq + 1}"), step.book))
    return _xml(twiml.goodbye(twiml.final_message(step.number, step.promise, step.callback)))


@bp.post("/status")
@twilio_signed
def status():
    sid = _call_or_400()
    status_ = fields.call_status()
    outage = _outage()
    if outage.spool.has(sid):  # a spooled call ends in the spool too
        outage.status(sid, status_)
        return _xml(twiml.empty_response())
    try:
        incidents.end_call(_svc(), sid, status_)
    except Exception as exc:
        _failed(exc)
        outage.status(sid, status_)
    return _xml(twiml.empty_response())


def _filler(waited: float) -> str:
    for at, text in FILLERS.items():
        if at <= waited < at + 1:
            return text
    return ""
