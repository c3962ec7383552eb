"""Phone-call pages through Twilio's Calls API (the twilio client; TWILIO_API_URL honoured).

The call is created with our webhooks in it (app.voice.page_call): `Url` speaks the page and
gathers a key, `StatusCallback` reports no-answer/busy/failed, and answering-machine detection
runs asynchronously (a person is never kept waiting for its verdict) with its own callback. The
page id is in every URL so the webhooks find the page; the URL carries nothing secret, and
Twilio's signature over it vouches for the id. Twilio accepting the call is a sent Delivery; who
or what answered arrives later, by webhook, through `delivery_report`.
"""
from __future__ import annotations

from twilio.base.exceptions import TwilioRestException
from twilio.twiml.voice_response import VoiceResponse

from . import call_words, twilio_rest
from .port import Delivery, PageMessage

PERMANENT_CODES = {21205, 21210, 21211, 21214, 21215, 21216, 21217, 13223, 13224, 20003, 20404}
# AnsweredBy values (samples/twilio/call_amd_and_event_enums.json) that are no person.
MACHINE = {"machine_start", "machine_end_beep", "machine_end_silence", "machine_end_other", "fax"}
# CallStatus values of a call that no person took.
UNANSWERED = {"busy", "no-answer", "failed", "canceled"}
# Ring this long before Twilio gives up (no-answer): long enough to wake someone, short enough
# that escalation isn't held up by a minute of ringing.
RING_S = 30
# A machine or an unanswered call is rung again no sooner than this: a retry within seconds
# would only reach the same voicemail.
RETRY_S = 60.0


def delivery_report(report: dict) -> Delivery | None:
    """A failed Delivery when a machine answered or nobody did (it counts as not delivered, so
    retries, the fallback and escalation carry on); None when a person answered, or not yet."""
    answered_by, status = report.get("AnsweredBy", ""), report.get("CallStatus", "")
    if answered_by in MACHINE:
        return Delivery.transient(f"call: answered by {answered_by.replace('_', ' ')}",
                                  retry_after=RETRY_S)
    if status in UNANSWERED:
        return Delivery.transient(f"call: {status}", retry_after=RETRY_S)
    return None


class CallChannel(twilio_rest.TwilioNumberChannel):
    method = "call"

    def __init__(self, account_sid: str = "", auth_token: str = "", from_number: str = "",
                 api_url: str = "", webhook_base: str = "", timeout: float = 10.0):
        super().__init__(account_sid, auth_token, from_number, api_url, timeout)
        # https://…/voice/page: PUBLIC_BASE_URL's webhooks for the technician's side of the call.
        self.webhook_base = webhook_base.rstrip("/")

    def delivery_report(self, report: dict) -> Delivery | None:
        return delivery_report(report)

    def send(self, target: str, message: PageMessage) -> Delivery:
        refused = self.unsendable(target)
        if refused:
            return refused
        if message.page_id and not self.webhook_base:
            return Delivery.permanent_error("call: PUBLIC_BASE_URL is needed (Twilio fetches the "
                                            "call's words and keypresses from it)")
        try:
            call = self.client().calls.create(to=target, from_=self.from_number, timeout=RING_S,
                                               **self._what_to_do(message))
        except Exception as exc:
            return twilio_rest.failure("call", exc, PERMANENT_CODES)
        return Delivery.ok(sid=call.sid)

    def say_and_hang_up(self, call_sid: str, text: str) -> Delivery:
        response = VoiceResponse()
        if text:
            response.say(text)
        response.hangup()
        try:
            self.client().calls(call_sid).update(twiml=str(response))
        except Exception as exc:
            return twilio_rest.failure("call", exc, PERMANENT_CODES)
        return Delivery.ok(sid=call_sid)

    def cancel(self, call_sid: str) -> Delivery:
        # status=canceled, never completed: Twilio stops a queued or ringing call and leaves
        # one already answered alone, so a person who just picked up is never cut off.
        try:
            call = self.client().calls(call_sid).update(status="canceled")
        except TwilioRestException as exc:
            if exc.status in (400, 404):  # 21220: answered or over already; or no such call
                return Delivery.permanent_error(f"call: nothing to cancel (Twilio {exc.code})")
            # Refused credentials or a rate limit are worth a log line, not "nothing to cancel".
            return Delivery.transient(twilio_rest.failure("call", exc, set()).error)
        except Exception as exc:
            return twilio_rest.failure("call", exc, PERMANENT_CODES)
        if call.status != "canceled":
            return Delivery.permanent_error(f"call: nothing to cancel ({call.status})")
        return Delivery.ok(sid=call_sid)

    def _what_to_do(self, message: PageMessage) -> dict:
        if not message.page_id:
            # A rehearsal has no page row for webhooks to find: it speaks the page and ends.
            response = VoiceResponse()
            for sentence in call_words.page_sentences(message):
                response.say(sentence)
                response.pause(length=1)
            response.say("This was a test. Goodbye.")
            return {"twiml": str(response)}
        base, page = self.webhook_base, f"?page={message.page_id}"
        return {"url": f"{base}/answer{page}", "method": "POST",
                "status_callback": f"{base}/status{page}", "status_callback_method": "POST",
                "status_callback_event": ["completed"],
                # DetectMessageEnd: a machine's verdict comes after its greeting, at the beep,
                # which is when a short message is left.
                "machine_detection": "DetectMessageEnd", "async_amd": "true",
                "async_amd_status_callback": f"{base}/amd{page}",
                "async_amd_status_callback_method": "POST"}
