"""The webhooks of a phone-call page (the technician's side), all under /voice/page, each with
?page=<id> from the URL our CallChannel gave Twilio (the signature over it vouches for the id):

  POST /voice/page/answer   TwiML: the page, then a one-key <Gather> (round=n: read again)
  POST /voice/page/key      Digits 1/2/3/9/0 → ownership, spoken confirmation, or <Dial>
  POST /voice/page/whisper  TwiML on the caller's leg before the technician is put through
  POST /voice/page/amd      AsyncAmdStatusCallback: AnsweredBy (a machine: escalation goes on)
  POST /voice/page/status   StatusCallback: busy / no-answer / failed are failed deliveries

Signature checks as for the intake line (forged: 403). No handler calls Twilio or any vendor:
the voicemail for a machine is a job. A database that fails mid-call still gets the technician
spoken words, never Twilio's error message.
"""
from __future__ import annotations

import logging

from flask import Blueprint, Response, abort, current_app, request

from app import incidents
from app.incidents import phone_pages
from app.paging import call_words
from app.webhooks.twilio import twilio_signed

from . import fields, page_twiml

log = logging.getLogger(__name__)
bp = Blueprint("page_call", __name__, url_prefix="/voice/page")
ANSWERED_BY = {"human", "machine_start", "machine_end_beep", "machine_end_silence",
               "machine_end_other", "fax", "unknown"}
KEYS = set("0123456789*#")
UNREADABLE = ("This is NightDesk with an after-hours page. The details can't be read just now. "
              "Please check Slack. Goodbye.")


def _svc():
    return current_app.extensions["nightdesk"]


def _xml(body: str) -> Response:
    return Response(body, mimetype="text/xml")


def _page_id() -> int:
    page_id = request.args.get("page", type=int)
    if page_id is None or not 0 < page_id < 2**31:
        abort(400, "page must be a page id")
    return page_id


def _url(path: str, page_id: int, **extra) -> str:
    base = current_app.config["NIGHTDESK"].public_base_url or request.host_url.rstrip("/")
    query = "".join(f"&{key}={value}" for key, value in extra.items())
    return f"{base}/voice/page/{path}?page={page_id}{query}"


def _failed(exc: Exception) -> None:
    first = (str(getattr(exc, "orig", None) or exc).strip().splitlines() or [""])[0][:200]
    log.error("%s: %s: %s", request.path, type(exc).__name__, first)


def _reading(said, page_id: int, lead: str = "", round_: int = 1) -> str:
    again = _url("answer", page_id, round=round_ + 1) if round_ < page_twiml.ROUNDS else None
    sentences = call_words.page_sentences(said.message, said.holder)
    return page_twiml.page(sentences, _url("key", page_id), again, lead)


@bp.post("/answer")
@twilio_signed
def answer():
    sid = fields.call_sid()
    page_id, round_ = _page_id(), request.args.get("round", 1, type=int)
    try:
        phone_pages.picked_up(_svc(), page_id, sid)
        said = phone_pages.the_page(_svc(), page_id)
    except Exception as exc:
        _failed(exc)
        return _xml(page_twiml.say(UNREADABLE, hang_up=True))
    if said is None:
        abort(404)
    return _xml(_reading(said, page_id, round_=max(1, min(round_, page_twiml.ROUNDS))))


@bp.post("/key")
@twilio_signed
def key():
    sid = fields.call_sid()
    page_id, digit = _page_id(), request.form.get("Digits", "").strip()[:1]
    if digit and digit not in KEYS:
        abort(400, "Digits must be a key of a phone's keypad")
    try:
        phone_pages.picked_up(_svc(), page_id, sid)
        pressed = phone_pages.press(_svc(), page_id, fields.number("To"), digit)
    except Exception as exc:
        _failed(exc)
        return _xml(page_twiml.say("Sorry, that could not be recorded just now. Please use Slack "
                                   "or try again. Goodbye.", hang_up=True))
    if pressed is None:
        abort(404)
    if pressed.connect:
        return _xml(page_twiml.connect(pressed.said, pressed.page.message.callback_number,
                                       pressed.page.line, _url("whisper", page_id)))
    return _xml(_reading(pressed.page, page_id, lead=pressed.said))


@bp.post("/whisper")
@twilio_signed
def whisper():
    fields.call_sid()
    page_id = _page_id()
    try:
        said = phone_pages.the_page(_svc(), page_id)
    except Exception as exc:
        _failed(exc)
        said = None
    text = call_words.whisper(said.message) if said else \
        "This is your IT provider's on-call technician."
    return _xml(page_twiml.say(text))


@bp.post("/amd")
@twilio_signed
def amd():
    sid, page_id = fields.call_sid(), _page_id()
    answered_by = request.form.get("AnsweredBy", "").strip()
    if answered_by not in ANSWERED_BY:
        abort(400, "AnsweredBy is not one Twilio sends")
    outcome = phone_pages.machine_verdict(_svc(), page_id, {"CallSid": sid, "AnsweredBy": answered_by})
    if outcome == "not found":
        abort(404)
    return Response(status=204)


@bp.post("/status")
@twilio_signed
def status():
    sid, page_id = fields.call_sid(), _page_id()
    report = {"CallSid": sid, "CallStatus": fields.call_status()}
    if incidents.delivery_report(_svc(), page_id, report) == "not found":
        abort(404)
    return Response(status=204)
