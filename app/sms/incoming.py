"""POST /sms/incoming: technicians' replies to SMS pages (the Twilio number's messaging webhook).

Signed like every Twilio webhook (forged → 403). A malformed request is a 400; Twilio's own
STOP/START/HELP keywords get an empty <Response/> (Twilio answers them and keeps the opt-out
list); anything else gets one line back as TwiML <Message>.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, request
from twilio.twiml.messaging_response import MessagingResponse

from app.config import is_e164
from app.incidents import sms_replies
from app.webhooks.twilio import twilio_signed

from . import replies
from .status import MESSAGE_SID

bp = Blueprint("sms_incoming", __name__, url_prefix="/sms")
MAX_BODY = 1600  # Twilio's longest message


@bp.post("/incoming")
@twilio_signed
def incoming():
    sid = request.form.get("MessageSid", "").strip()
    sender = request.form.get("From", "").strip()
    body = request.form.get("Body")
    if not MESSAGE_SID.match(sid):
        abort(400, "MessageSid must be a Twilio message SID")
    if not is_e164(sender):
        abort(400, "From must be an E.164 number")
    if body is None or len(body) > MAX_BODY:
        abort(400, f"Body is required, at most {MAX_BODY} characters")
    keyword = request.form.get("OptOutType", "").upper() or replies.twilio_keyword(body)
    if keyword:
        if keyword == "STOP":  # said here because nothing else will: pages to them now fail
            current_app.logger.warning("%s texted an opt-out keyword: Twilio delivers no SMS pages to "
                                       "it until it texts START", sender)
        return _twiml(None)
    asked = replies.read(body)
    if asked is None:
        return _twiml(replies.HELP)
    answer = sms_replies.answer(current_app.extensions["nightdesk"], sender, asked, sid)
    return _twiml(replies.told(answer, sender))


def _twiml(text: str | None) -> Response:
    reply = MessagingResponse()
    if text:
        reply.message(text)
    return Response(str(reply), mimetype="text/xml")
