"""Plays Twilio's part in a simulation: each webhook request signed as Twilio signs it, sent
through the app's test client, and the TwiML answer parsed for the caller to follow."""
from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

from twilio.request_validator import RequestValidator

ACCOUNT_SID = "AC" + "0" * 32


def base_url(app) -> str:
    """Where Twilio would reach this app: PUBLIC_BASE_URL, else a local placeholder."""
    return app.config["NIGHTDESK"].public_base_url or "http://localhost"


class TwilioSim:
    """One side of Twilio's conversation with the app: a call (CallSid…) or a text (MessageSid…);
    `params` go with every request."""

    def __init__(self, app, params: dict):
        self.client = app.test_client()
        self.validator = RequestValidator(app.extensions["twilio_token"])
        self.base = base_url(app)
        self.params = {"AccountSid": ACCOUNT_SID, "ApiVersion": "2010-04-01", **params}

    @classmethod
    def call(cls, app, to_number: str, from_number: str, **more) -> "TwilioSim":
        return cls(app, {"CallSid": "CA" + uuid.uuid4().hex, "From": from_number, "To": to_number,
                         "CallStatus": "in-progress", "Direction": "inbound", **more})

    @classmethod
    def text(cls, app, to_number: str, from_number: str, body: str) -> "TwilioSim":
        return cls(app, {"MessageSid": "SM" + uuid.uuid4().hex, "From": from_number,
                         "To": to_number, "Body": body, "NumMedia": "0", "NumSegments": "1",
                         "SmsStatus": "received"})

    @property
    def call_sid(self) -> str:
        return self.params["CallSid"]

    def post(self, url: str, **extra) -> ET.Element:
        if url.startswith("/"):
            url = self.base + url
        params = {**self.params, **extra}
        signature = self.validator.compute_signature(url, params)
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        response = self.client.post(path, data=params, headers={"X-Twilio-Signature": signature},
                                    base_url=f"{parts.scheme}://{parts.netloc}")
        if response.status_code not in (200, 204):
            raise RuntimeError(f"{path} answered {response.status_code}: {response.get_data(as_text=True)[:200]}")
        body = response.get_data(as_text=True)
        return ET.fromstring(body) if body.strip() else ET.Element("Response")
