"""A loopback HaloPSA: its token endpoint ({site}/auth/token, form-encoded client credentials)
and the API under {site}/api — Tickets (POST an array; GET with search_summary answers
{"record_count", "tickets"}), Actions (POST an array), Client (and Client/{id}), Team, Status, Agent. Shapes follow
VENDORS.md §10 (the community HaloAPI module and integrators' code; no recorded Halo payload
exists). A ticket is created when its POST arrives, as a real server does while the answer is
still on the way, so a client that times out leaves one behind. `script` queues replies that
answer the next API requests instead (a 500, a 429, a 400 with Halo's message)."""
from __future__ import annotations

import itertools
import json
import threading
from urllib.parse import parse_qs, urlsplit

from .http import FakeServer, Reply

CLIENT_ID, CLIENT_SECRET = "nightdesk-app", "s3cret-halo-value"


class FakeHalo(FakeServer):
    def __init__(self, delay: float = 0.0, expires_in: int = 3600):
        self.delay = delay
        self.expires_in = expires_in
        self.tokens: list[str] = []     # every token issued, oldest first
        self.revoked: set[str] = set()
        self.tickets: dict[int, dict] = {}
        self.actions: list[dict] = []
        self.clients = [{"id": 12, "name": "Acme Dental"}, {"id": 13, "name": "Acme Dental Labs"}]
        self.statuses = [{"id": 1, "name": "New"}, {"id": 2, "name": "In Progress"},
                         {"id": 9, "name": "Closed"}]
        self.teams = [{"id": 1, "name": "Service Desk"}, {"id": 2, "name": "After Hours"}]
        self.agents = [{"id": 4, "name": "Jane Doe", "email": "Jane@MSP.example"}]
        # Users (the clients' contacts): id, name, client_id, client_name, phone fields, inactive.
        self.users: list[dict] = []
        self.lookup_delay = 0.0
        self.script: list[Reply] = []
        self._ids = itertools.count(2001)
        self._lock = threading.Lock()
        super().__init__(self._answer)

    def settings(self) -> dict:
        """The environment a NightDesk process needs to file tickets here."""
        return {"HALO_BASE_URL": self.url, "HALO_CLIENT_ID": CLIENT_ID,
                "HALO_CLIENT_SECRET": CLIENT_SECRET}

    def revoke_all(self) -> None:
        self.revoked.update(self.tokens)

    def token_requests(self) -> list:
        return [r for r in self.requests if r.path.split("?")[0] == "/auth/token"]

    def api(self, method: str, resource: str) -> list:
        return [r for r in self.requests if r.method == method
                and urlsplit(r.path).path.lower() == f"/api/{resource}".lower()]

    def _answer(self, request) -> Reply:
        parts = urlsplit(request.path)
        if parts.path == "/auth/token" and request.method == "POST":
            return self._token(request)
        if not parts.path.lower().startswith("/api/"):
            return Reply(404, "Not Found")
        bearer = request.headers.get("Authorization", "")
        if not bearer.startswith("Bearer ") or bearer[7:] not in self.tokens or bearer[7:] in self.revoked:
            return Reply(401, "")
        with self._lock:
            if self.script:
                return self.script.pop(0)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        resource = parts.path[len("/api/"):].lower()
        if request.method == "POST":
            body = request.json()
            if not isinstance(body, list):
                return Reply(400, "The request body must be an array")
            return {"tickets": self._create, "actions": self._act}.get(resource, _missing)(body[0], request)
        if resource == "tickets":
            found = [t for t in self.tickets.values()
                     if query.get("search_summary", "").lower() in t["summary"].lower()]
            return Reply(200, {"record_count": len(found), "tickets": found}, delay=self.delay)
        if resource == "client":
            found = [c for c in self.clients if query.get("search", "").lower() in c["name"].lower()]
            return Reply(200, {"record_count": len(found), "clients": found})
        if resource.startswith("client/"):
            found = [c for c in self.clients if str(c["id"]) == resource.split("/", 1)[1]]
            return Reply(200, found[0]) if found else Reply(404, {"Message": "Client not found"})
        if resource == "team":
            return Reply(200, self.teams)
        if resource == "status":
            return Reply(200, self.statuses)
        if resource == "users":
            users = self._users(query)
            return Reply(200, {"record_count": len(users), "users": users}, delay=self.lookup_delay)
        if resource == "agent":
            return Reply(200, [a for a in self.agents if query.get("search", "").lower() in a["email"].lower()])
        return _missing({}, request)

    def _users(self, query: dict) -> list[dict]:
        """search_phonenumbers: the search's digits within a phone field's digits (how Halo
        compares them is not documented; this is the integrators' reading)."""
        wanted = query.get("search", "")
        if query.get("search_phonenumbers") != "true":
            return [u for u in self.users if wanted.lower() in u["name"].lower()]
        def digits(text) -> str:
            return "".join(ch for ch in str(text or "") if ch.isdigit())
        return [u for u in self.users if digits(wanted) and any(
            digits(wanted) in digits(u.get(f))
            for f in ("phonenumber_preferred", "phonenumber", "mobilenumber", "mobilenumber2"))]

    def _token(self, request) -> Reply:
        form = {k: v[0] for k, v in parse_qs(request.body.decode()).items()}
        if form.get("grant_type") != "client_credentials" or \
                (form.get("client_id"), form.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
            return Reply(401, {"error": "invalid_client", "error_description": "Invalid client credentials"})
        with self._lock:
            token = f"tok-{len(self.tokens) + 1}"
            self.tokens.append(token)
        return Reply(200, {"token_type": "Bearer", "access_token": token, "expires_in": self.expires_in})

    def _create(self, ticket: dict, request) -> Reply:
        if not ticket.get("summary"):
            return Reply(400, json.dumps("Please enter a Summary"))
        if ticket.get("client_id") not in {c["id"] for c in self.clients}:
            return Reply(400, {"ClassName": "HaloValidationException",
                               "Message": f"Client {ticket.get('client_id')} does not exist"})
        with self._lock:
            number = next(self._ids)
            self.tickets[number] = {**ticket, "id": number, "status_id": 1}
        return Reply(201, self.tickets[number], delay=self.delay)

    def _act(self, action: dict, request) -> Reply:
        ticket = self.tickets.get(int(action.get("ticket_id") or 0))
        if ticket is None:
            return Reply(400, {"ClassName": "HaloValidationException", "Message": "Ticket not found"})
        if "new_status" in action:
            ticket["status_id"] = int(action["new_status"])
        with self._lock:
            self.actions.append(action)
        return Reply(201, {**action, "id": len(self.actions)})


def _missing(body, request) -> Reply:
    return Reply(404, {"Message": f"No HTTP resource was found that matches {request.path}"})
