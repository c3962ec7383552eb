"""Twilio's REST API for a simulation: the real SMS and call channels build their requests with
the twilio library as they do for Twilio, and this HTTP client takes them instead of sending
them. Each request is kept (what Twilio would have been asked) and answered as Twilio answers
(201 and a new sid), so the page counts as sent and the technician's side can be played."""
from __future__ import annotations

import json
import logging
import threading
import uuid
from dataclasses import dataclass

from twilio.http import HttpClient
from twilio.http.response import Response
from twilio.rest import Client

from app.paging.call import CallChannel
from app.paging.sms import SmsChannel

from .signed import ACCOUNT_SID

# A placeholder credential: nothing leaves this process, so no real one is needed.
AUTH_TOKEN = "simulated"


@dataclass(frozen=True)
class Asked:
    """One request a channel made of Twilio's REST API: which resource and its form fields."""
    resource: str   # "Calls" or "Messages"
    sid: str
    fields: dict


class TwilioDesk(HttpClient):
    def __init__(self):
        super().__init__(logging.getLogger(__name__), is_async=False)
        self._lock = threading.Lock()  # pages are sent from the consumer's worker threads
        self.asked: list[Asked] = []

    def request(self, method, uri, params=None, data=None, headers=None, auth=None,
                timeout=None, allow_redirects=False) -> Response:
        resource = uri.rstrip("/").rsplit("/", 1)[-1].removesuffix(".json")
        if method.upper() != "POST" or resource not in ("Calls", "Messages"):
            return Response(404, json.dumps({"code": 20404, "message": "not simulated",
                                             "status": 404}))
        sid = ("CA" if resource == "Calls" else "SM") + uuid.uuid4().hex
        with self._lock:
            self.asked.append(Asked(resource, sid, dict(data or {})))
        return Response(201, json.dumps({"sid": sid, "account_sid": ACCOUNT_SID, "status": "queued",
                                         **{k.lower(): v for k, v in (data or {}).items()
                                            if k in ("To", "From", "Body")}}))

    def last(self, resource: str, to: str) -> Asked | None:
        with self._lock:
            return next((a for a in reversed(self.asked)
                         if a.resource == resource and a.fields.get("To") == to), None)


class DeskCall(CallChannel):
    """The call channel, its requests taken by a TwilioDesk."""

    def __init__(self, desk: TwilioDesk, from_number: str, webhook_base: str):
        super().__init__(ACCOUNT_SID, AUTH_TOKEN, from_number, webhook_base=webhook_base)
        self.desk = desk

    def client(self) -> Client:
        return Client(self.account_sid, self.auth_token, http_client=self.desk)


class DeskSms(SmsChannel):
    """The SMS channel, its requests taken by a TwilioDesk."""

    def __init__(self, desk: TwilioDesk, from_number: str):
        super().__init__(ACCOUNT_SID, AUTH_TOKEN, from_number)
        self.desk = desk

    def client(self) -> Client:
        return Client(self.account_sid, self.auth_token, http_client=self.desk)
