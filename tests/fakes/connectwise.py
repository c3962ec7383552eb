"""A loopback ConnectWise Manage (service/tickets) for tests whose worker runs in another process,
where `responses` cannot reach: POST creates a ticket, GET finds one by externalXRef, and every
answer can be made to take `delay` seconds. The ticket is created when the request arrives, as a
real server does while its answer is still on the way, so a client that times out leaves one."""
from __future__ import annotations

import re
import threading

from .http import FakeServer, Reply

API = "/v4_6_release/apis/3.0"


class FakeConnectWise(FakeServer):
    def __init__(self, delay: float = 0.0):
        self.delay = delay
        self.tickets: dict[int, dict] = {}
        self.created_at: dict[int, float] = {}
        self._ids = iter(range(45001, 10 ** 6))
        self._lock = threading.Lock()
        super().__init__(self._answer)

    @property
    def base_url(self) -> str:
        return self.url + API

    def settings(self) -> dict:
        """The environment a NightDesk process needs to file tickets here."""
        return {"CONNECTWISE_BASE_URL": self.base_url, "CONNECTWISE_COMPANY": "msp",
                "CONNECTWISE_PUBLIC_KEY": "pub", "CONNECTWISE_PRIVATE_KEY": "priv",
                "CONNECTWISE_CLIENT_ID": "client-id"}

    def posts(self) -> list:
        return [r for r in self.requests if r.method == "POST" and r.path == API + "/service/tickets"]

    def _answer(self, request) -> Reply:
        if request.method == "POST" and request.path == API + "/service/tickets":
            body = request.json()
            with self._lock:
                number = next(self._ids)
                self.tickets[number] = body
                self.created_at[number] = request.at
            return Reply(201, {"id": number, "summary": body.get("summary", "")}, delay=self.delay)
        if request.method == "GET" and request.path.startswith(API + "/service/tickets?"):
            wanted = re.search(r'externalXRef%3D%22([^%]+)%22', request.path)
            with self._lock:
                found = [{"id": n} for n, t in self.tickets.items()
                         if wanted and t.get("externalXRef") == wanted.group(1)]
            return Reply(200, found[:1], delay=self.delay)
        return Reply(404, {"code": "NotFound", "message": "no such resource"})
