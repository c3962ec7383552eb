"""Halo's OAuth2 client-credentials token: fetched when first needed, kept until shortly before it
expires, and fetched again when Halo stops accepting it (a 401)."""
from __future__ import annotations

import threading
import time
from typing import Callable

import requests

from app.retry_after import retry_after

from .port import TicketError

# A token that expires within this many seconds is renewed first: a request sent with it could
# arrive after it lapsed.
MARGIN = 60.0


class HaloToken:
    def __init__(self, token_url: str, client_id: str, client_secret: str, session: requests.Session,
                 timeout: float = 5.0, scope: str = "all",
                 clock: Callable[[], float] = time.monotonic):
        self.token_url = token_url
        self._form = {"grant_type": "client_credentials", "client_id": client_id,
                      "client_secret": client_secret, "scope": scope}
        self.session = session
        self.timeout = timeout
        self.clock = clock
        self._value = ""
        self._expires = 0.0
        self._lock = threading.Lock()  # worker threads share one adapter: one fetch at a time

    def __repr__(self) -> str:  # never the secret, never the token
        return f"HaloToken({self.token_url!r})"

    def header(self) -> str:
        with self._lock:
            if not self._value or self.clock() >= self._expires - MARGIN:
                self._fetch()
            return f"Bearer {self._value}"

    def renew(self, refused: str) -> str:
        """A fresh token after Halo refused `refused` (unless another thread already renewed it)."""
        with self._lock:
            if f"Bearer {self._value}" == refused:
                self._fetch()
            return f"Bearer {self._value}"

    def _fetch(self) -> None:
        try:
            response = self.session.post(self.token_url, data=self._form, timeout=self.timeout,
                                         headers={"Accept": "application/json"})
        except requests.RequestException as exc:
            raise TicketError(f"Halo token endpoint unreachable ({type(exc).__name__})") from None
        if response.status_code == 429 or response.status_code >= 500:
            raise TicketError(f"Halo token endpoint HTTP {response.status_code}: {halo_message(response)}",
                              retry_after=retry_after(response.headers))
        if response.status_code >= 400:
            raise TicketError(f"Halo refused NightDesk's API credentials ({response.status_code}): "
                              f"{halo_message(response)}", permanent=True)
        try:
            data = response.json()
            self._value = str(data["access_token"])
            self._expires = self.clock() + float(data.get("expires_in") or 3600)
        except (ValueError, KeyError, TypeError):
            raise TicketError("Halo token endpoint answered without an access_token") from None


def halo_message(response: requests.Response) -> str:
    """Halo's own words from an error answer. Its bodies vary by endpoint (as the community
    module reads them): {resultCode, errorMessage}, {ClassName, Message}, {Message}, OAuth's
    {error, error_description}, a JSON string, or plain text."""
    try:
        data = response.json()
    except ValueError:
        return (response.text or "")[:300].strip() or response.reason or ""
    if isinstance(data, str):
        return data[:500]
    if not isinstance(data, dict):
        return str(data)[:500]
    pairs = (("resultCode", "errorMessage"), ("ClassName", "Message"), ("error", "error_description"))
    for head, text in pairs:
        if data.get(head) and data.get(text):
            return f"{data[head]}: {data[text]}"[:500]
    for key in ("errorMessage", "Message", "message", "error"):
        if data.get(key):
            return str(data[key])[:500]
    return str(data)[:500]
