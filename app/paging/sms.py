"""SMS through Twilio's Messages API (the twilio client; TWILIO_API_URL points it elsewhere)."""
from __future__ import annotations

from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from app.config import is_e164

from .port import Delivery, PageMessage

# Two GSM-7 segments; a longer body costs more and arrives split on some phones.
MAX_BODY = 306
PERMANENT_CODES = {21211, 21214, 21407, 21408, 21602, 21604, 21606, 21608, 21610, 21612, 21614,
                   20003, 20404}


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


def sms_body(message: PageMessage) -> str:
    first, second = message.headline_lines()[:2]
    body = f"{first}\n{second}"
    return body if len(body) <= MAX_BODY else body[: MAX_BODY - 1] + "…"


class SmsChannel:
    method = "sms"

    def __init__(self, account_sid: str = "", auth_token: str = "", from_number: str = "",
                 api_url: str = "", timeout: float = 10.0):
        self.account_sid, self.auth_token, self.from_number = account_sid, auth_token, from_number
        self.api_url, self.timeout = api_url, timeout

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
            sent = client.messages.create(to=target, from_=self.from_number, body=sms_body(message))
        except TwilioRestException as exc:
            error = f"sms: Twilio {exc.code}: {exc.msg}"
            if exc.code in PERMANENT_CODES or (exc.status and 400 <= exc.status < 500
                                               and exc.status != 429):
                return Delivery.permanent_error(error)
            return Delivery.transient(error)
        except Exception as exc:
            return Delivery.transient(f"sms: Twilio unreachable ({type(exc).__name__})")
        return Delivery.ok(sid=sent.sid)
