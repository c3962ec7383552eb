"""The twilio REST client every Twilio channel uses (SMS, calls): TWILIO_API_URL points it
elsewhere (tests, a proxy), and a failure reads as a Delivery."""
from __future__ import annotations

from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from app.config import is_e164

from .port import ChannelBasics, Delivery


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


def client(account_sid: str, auth_token: str, api_url: str = "", timeout: float = 10.0) -> Client:
    return Client(account_sid, auth_token,
                  http_client=_RedirectingHttpClient(api_url, timeout=timeout))


def failure(prefix: str, exc: Exception, permanent_codes: set[int]) -> Delivery:
    """A refused or unreachable request as a Delivery: a 4xx other than 429 (or a code known to
    be final) can't be fixed by retrying; anything else can."""
    if not isinstance(exc, TwilioRestException):
        return Delivery.transient(f"{prefix}: Twilio unreachable ({type(exc).__name__})")
    error = f"{prefix}: Twilio {exc.code}: {exc.msg}"
    if exc.code in permanent_codes or (exc.status and 400 <= exc.status < 500 and exc.status != 429):
        return Delivery.permanent_error(error)
    return Delivery.transient(error)


class TwilioNumberChannel(ChannelBasics):
    """What every channel that reaches a phone number through Twilio shares (SMS, calls): the
    account, the line it sends from, an E.164 target, and the same refusal when either is missing."""
    method = ""

    def __init__(self, account_sid: str = "", auth_token: str = "", from_number: str = "",
                 api_url: str = "", timeout: float = 10.0):
        self.account_sid, self.auth_token, self.from_number = account_sid, auth_token, from_number
        self.api_url, self.timeout = api_url, timeout

    def check_target(self, page: str) -> str | None:
        if not page or is_e164(page):
            return None
        return f"{page!r} is not an E.164 number (like +15551234567)"

    def unsendable(self, target: str) -> Delivery | None:
        """Why nothing can be sent to `target` (a permanent Delivery), or None."""
        if not (self.account_sid and self.auth_token and self.from_number):
            return Delivery.permanent_error(
                f"{self.method}: TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER are needed")
        if not target:
            return Delivery.permanent_error(f"{self.method}: the rule's page must be a phone number")
        return None

    def client(self) -> Client:
        return client(self.account_sid, self.auth_token, self.api_url, self.timeout)
