"""SMS through Twilio's Messages API (the twilio client; TWILIO_API_URL points it elsewhere)."""
from __future__ import annotations

import gsm0338  # noqa: F401  (registers the "gsm03.38" codec)
from anyascii import anyascii

from . import layout, twilio_rest
from .port import Delivery, PageMessage

# One GSM-7 segment: 160 septets, an extended character (€ [ ] { } ~ | ^ \) counting as 2.
# A single character outside GSM-7 would turn the whole body into UCS-2 (70 per segment).
SEGMENT = 160
PERMANENT_CODES = {21211, 21214, 21407, 21408, 21602, 21604, 21606, 21608, 21610, 21612, 21614,
                   20003, 20404}
# Delivery reports (StatusCallback) that mean the message never reached the phone, and the
# error codes among them (Twilio's error dictionary) that no retry can fix: blocked, unknown or
# landline numbers, carrier-filtered, unverified/unregistered sender, opted out, not a mobile.
FAILED_STATUSES = {"failed", "undelivered"}
PERMANENT_DLR_CODES = {30004, 30005, 30006, 30007, 30032, 30034, 21610, 21614, 21211}


def septets(text: str) -> int:
    return len(text.encode("gsm03.38"))


def gsm7(text: str) -> str:
    """Text in the GSM-7 alphabet: anything outside it transliterated (é stays, ç→c, “”→", —→-),
    and what has no transliteration becomes "?"."""
    out = []
    for ch in text:
        ch = " " if ch.isspace() and ch != "\n" else ch
        out.append(next(c for c in (ch, anyascii(ch).replace("`", "'"), "?") if _is_gsm7(c)))
    return "".join(out)


def _is_gsm7(text: str) -> bool:
    try:
        text.encode("gsm03.38")
    except UnicodeEncodeError:
        return False
    return True


def _fit(text: str, budget: int) -> str:
    if septets(text) <= budget:
        return text
    while text and septets(text + "...") > budget:
        text = text[:-1]
    return text.rstrip() + "..." if text else ""


def sms_code(reference: str) -> str:
    """The short code a page ends with and a reply may carry: ND-1042 → "1042"."""
    number = reference.removeprefix("ND-")
    return number if number != reference and number.isdigit() else ""


def reply_hint(message: PageMessage) -> str:
    """How to answer the page by SMS (POST /sms/incoming reads it): "#1042: 1=ack 2=resolve 3=snooze"."""
    code = sms_code(message.reference)
    return f"#{code}: 1=ack 2=resolve 3=snooze" if code else ""


def _when(message: PageMessage) -> str:
    """"21:14 EST": a page goes out while the incident is open, so only another status is said."""
    at = message.local(message.triggered)
    status = "" if message.status_text() == "Open" else message.status_text()
    return ", ".join(part for part in (at, status) if part)


def sms_body(message: PageMessage) -> str:
    """One segment: severity, customer and problem; callback and ticket; time (and status unless
    open); then the incident's code and how to reply, which always fit: the rest is cut for them."""
    reply = gsm7(reply_hint(message))
    # The code at the end replaces "Ref ND-1042" on the ticket line.
    parts = [p for p in layout.ticket_parts(message) if not (reply and p.startswith("Ref "))]
    second = gsm7(", ".join(parts))
    when = gsm7(_when(message))
    head = gsm7(f"{'TEST ' if message.kind == 'test' else ''}{message.severity} "
                f"{_fit(gsm7(message.customer), 40)}: ")
    problem = gsm7(layout.problem(message))
    last = "\n" + reply if reply else ""
    # The problem gets what the other lines leave; only a very long customer name or number
    # squeezes out the time and status, then the ticket line.
    for tail in ([second, ". ".join(x for x in (when, reply) if x)], [second, reply], [reply]):
        rest = "".join("\n" + line for line in tail if line)
        room = SEGMENT - septets(head) - septets(rest)
        if room >= 24:
            return _fit(head + _fit(problem, room) + rest, SEGMENT)
    return _fit(head + problem, SEGMENT - septets(last)) + last


def delivery_report(report: dict) -> Delivery | None:
    """A StatusCallback's word on a message Twilio had accepted: a failed Delivery when it never
    reached the phone, else None."""
    status = report.get("MessageStatus", "")
    if status not in FAILED_STATUSES:
        return None
    code = str(report.get("ErrorCode", "") or "")
    error = f"sms: Twilio reports {status}" + (f" ({code})" if code else "")
    if code.isdigit() and int(code) in PERMANENT_DLR_CODES:
        return Delivery.permanent_error(error)
    return Delivery.transient(error)


class SmsChannel(twilio_rest.TwilioNumberChannel):
    method = "sms"

    def __init__(self, account_sid: str = "", auth_token: str = "", from_number: str = "",
                 api_url: str = "", timeout: float = 10.0, status_callback: str = ""):
        super().__init__(account_sid, auth_token, from_number, api_url, timeout)
        # https://…/sms/status: Twilio reports there whether the message reached the phone.
        self.status_callback = status_callback

    def delivery_report(self, report: dict) -> Delivery | None:
        return delivery_report(report)

    def send(self, target: str, message: PageMessage) -> Delivery:
        refused = self.unsendable(target)
        if refused:
            return refused
        client = self.client()
        try:
            extra = {}
            if self.status_callback and message.page_id:
                extra["status_callback"] = f"{self.status_callback}?page={message.page_id}"
            sent = client.messages.create(to=target, from_=self.from_number, body=sms_body(message),
                                          **extra)
        except Exception as exc:
            return twilio_rest.failure("sms", exc, PERMANENT_CODES)
        return Delivery.ok(sid=sent.sid)
