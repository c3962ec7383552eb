"""SMS through Twilio's Messages API (the twilio client; TWILIO_API_URL points it elsewhere)."""
from __future__ import annotations

import gsm0338  # noqa: F401  (registers the "gsm03.38" codec)
from anyascii import anyascii
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from app.config import is_e164

from . import layout
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


class _RedirectingHttpClient(TwilioHttpClient):
    """Sends the SDK's requests to TWILIO_API_URL instead of Twilio's hosts (tests, proxies)."""

    def __init__(self, base_url: str, **kwargs):
        super().__init__(**kwargs)
        self.base_url = base_url.rstrip("/")

    def request(self, method, url, *args, **kwargs):
        if self.base_url:
            path = url.split("://", 1)[-1].split("/", 1)[-1]
            url = f"{self.base_url}/{path}"
        return super().request(method, url, *args, **kwargs)


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


def sms_body(message: PageMessage) -> str:
    """One segment: severity, customer and problem; callback and ticket; time and status."""
    second = gsm7(", ".join(layout.ticket_parts(message)))
    third = gsm7(message.when_line(sep=", "))
    head = gsm7(f"{'TEST ' if message.kind == 'test' else ''}{message.severity} "
                f"{_fit(gsm7(message.customer), 40)}: ")
    problem = gsm7(layout.problem(message))
    # The problem gets what the other lines leave; only a very long customer name or number
    # squeezes out the status line, then the ticket line.
    for tail in ([second, third], [second]):
        rest = "".join("\n" + line for line in tail)
        room = SEGMENT - septets(head) - septets(rest)
        if room >= 24:
            return _fit(head + _fit(problem, room) + rest, SEGMENT)
    return _fit(head + problem, SEGMENT)


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


class SmsChannel:
    method = "sms"

    def __init__(self, account_sid: str = "", auth_token: str = "", from_number: str = "",
                 api_url: str = "", timeout: float = 10.0, status_callback: str = ""):
        self.account_sid, self.auth_token, self.from_number = account_sid, auth_token, from_number
        self.api_url, self.timeout = api_url, timeout
        # https://…/sms/status: Twilio reports there whether the message reached the phone.
        self.status_callback = status_callback

    def delivery_report(self, report: dict) -> Delivery | None:
        return delivery_report(report)

    def check_target(self, page: str) -> str | None:
        if not page or is_e164(page):
            return None
        return f"{page!r} is not an E.164 number (like +15551234567)"

    def send(self, target: str, message: PageMessage) -> Delivery:
        if not (self.account_sid and self.auth_token and self.from_number):
            return Delivery.permanent_error(
                "sms: TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER are needed")
        if not target:
            return Delivery.permanent_error("sms: the rule's page must be a phone number")
        http = _RedirectingHttpClient(self.api_url, timeout=self.timeout)
        client = Client(self.account_sid, self.auth_token, http_client=http)
        try:
            extra = {}
            if self.status_callback and message.page_id:
                extra["status_callback"] = f"{self.status_callback}?page={message.page_id}"
            sent = client.messages.create(to=target, from_=self.from_number, body=sms_body(message),
                                          **extra)
        except TwilioRestException as exc:
            error = f"sms: Twilio {exc.code}: {exc.msg}"
            if exc.code in PERMANENT_CODES or (exc.status and 400 <= exc.status < 500
                                               and exc.status != 429):
                return Delivery.permanent_error(error)
            return Delivery.transient(error)
        except Exception as exc:
            return Delivery.transient(f"sms: Twilio unreachable ({type(exc).__name__})")
        return Delivery.ok(sid=sent.sid)
