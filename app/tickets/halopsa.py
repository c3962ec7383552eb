"""HaloPSA REST (api/Tickets, api/Actions) through requests, with an OAuth2 client-credentials
token. Field names follow the community HaloAPI module and integrators' code (VENDORS.md §10):
check them against your tenant's /apidoc."""
from __future__ import annotations

import re
import time
from typing import Callable
from urllib.parse import urlencode

import requests

from app.config import Config
from app.retry_after import retry_after

from .halo_token import HaloToken, halo_message
from .once import CreatedOnce
from .halopsa_lookups import HaloLookups, body_of, first_of, rows_of
from .port import PlaceProblem, Ticket, TicketError, TicketPlace, TicketRequest, UnknownName
from .registry import PSA

NOTE = "Private Note"  # the action type of NightDesk's notes: hidden from the end user, no email


class HaloTickets(HaloLookups, CreatedOnce):
    name = "halopsa"
    kept_here = False

    def __init__(self, base_url: str, client_id: str, client_secret: str, tenant: str = "",
                 auth_url: str = "", timeout: float = 5.0, retry_timeout: float = 30.0,
                 session: requests.Session | None = None, clock: Callable[[], float] = time.monotonic):
        self.site = re.sub(r"/api/?$", "", base_url.rstrip("/"), flags=re.I)
        self.session = session or requests.Session()
        # The first attempt answers within the caller's hold; a retry has nobody waiting on it.
        self.timeout = (min(3.0, timeout), timeout)
        self.retry_timeout = (min(3.0, timeout), max(timeout, retry_timeout))
        self.token = HaloToken(token_url(self.site, auth_url, tenant), client_id, client_secret,
                               self.session, timeout=timeout, clock=clock)
        self._clients: dict[str, int] = {}    # client name (casefolded) → id
        self._statuses: dict[str, int] = {}   # ticket status name (casefolded) → id
        self._agents: dict[str, int] = {}     # agent name → id, for attributing notes

    def body(self, request: TicketRequest, client_id: int) -> dict:
        # NightDesk's reference leads the summary: technicians see it, and a retry searches for it.
        body: dict = {"summary": f"[{request.reference}] {request.summary}",
                      "details": request.description, "client_id": client_id}
        number = re.search(r"\d+", request.priority)  # "2", or ConnectWise-style "Priority 2 - …"
        if number:
            body["priority_id"] = int(number.group())
        if request.board:
            body["team"] = request.board
        if request.contact_name:
            body["reportedby"] = request.contact_name
        if request.contact_id.isdigit():
            body["user_id"] = int(request.contact_id)
        return body

    def post(self, request: TicketRequest, timeout) -> Ticket:
        body = self.body(request, self._client_id(request.company, timeout))
        response = self._call("POST", "/Tickets", json=[body], timeout=timeout)
        created = first_of(body_of(response))
        if not created.get("id"):
            raise TicketError("Halo answered the ticket without an id")
        return Ticket(number=str(created["id"]), id=str(created["id"]))

    def find(self, reference: str, timeout=None) -> Ticket | None:
        """The ticket whose summary carries [reference], if an earlier attempt created it."""
        response = self._call("GET", "/Tickets", params={"search_summary": reference}, timeout=timeout)
        mark = f"[{reference}]"
        ids = sorted(int(row["id"]) for row in rows_of(body_of(response), "tickets")
                     if mark in str(row.get("summary", "")) and row.get("id"))
        return Ticket(number=str(ids[0]), id=str(ids[0])) if ids else None

    def add_note(self, number: str, text: str, resolution: bool = False, member: str = "") -> None:
        action: dict = {"ticket_id": int(number), "outcome": NOTE, "note": text,
                        "hiddenfromuser": True, "sendemail": False}
        if member:
            action["who"] = member
            if member in self._agents:
                action["who_agentid"] = self._agents[member]
        self._call("POST", "/Actions", json=[action])

    def set_status(self, number: str, status: str) -> None:
        self._call("POST", "/Actions", json=[{
            "ticket_id": int(number), "outcome": NOTE, "note": f"Status set to {status} by NightDesk.",
            "new_status": self._status_id(status), "hiddenfromuser": True, "sendemail": False}])

    def find_member(self, email: str) -> str:
        response = self._call("GET", "/Agent", params={"search": email})
        for agent in rows_of(body_of(response), "agents"):
            if str(agent.get("email", "")).casefold() == email.casefold() and agent.get("name"):
                if agent.get("id"):
                    self._agents[agent["name"]] = agent["id"]
                return str(agent["name"])
        return ""

    def url(self, number: str) -> str:
        return f"{self.site}/ticket?{urlencode({'id': number})}"

    def _client_id(self, company: str, timeout) -> int:
        """The runbook's company is a Halo client id, or the client's exact name."""
        if company.isdigit():
            return int(company)
        key = company.casefold()
        if key not in self._clients:
            response = self._call("GET", "/Client", params={"search": company}, timeout=timeout)
            for client in rows_of(body_of(response), "clients"):
                if str(client.get("name", "")).casefold() == key and client.get("id"):
                    self._clients[key] = int(client["id"])
        if key not in self._clients:
            raise UnknownName(f"Halo has no client named {company!r} (the runbook's company is a "
                              "Halo client's name or id)")
        return self._clients[key]

    def _status_id(self, status: str) -> int:
        if status.isdigit():
            return int(status)
        if status.casefold() not in self._statuses:
            response = self._call("GET", "/Status", params={"type": "ticket"})
            self._statuses = {str(row.get("name", "")).casefold(): int(row["id"])
                              for row in rows_of(body_of(response), "statuses") if row.get("id")}
        if status.casefold() not in self._statuses:
            known = ", ".join(sorted(self._statuses)) or "none"
            raise UnknownName(f"Halo has no ticket status named {status!r} (it has: {known})")
        return self._statuses[status.casefold()]

    def _call(self, method: str, path: str, timeout=None, **kwargs) -> requests.Response:
        auth = self.token.header()
        response = self._send(method, path, auth, timeout, **kwargs)
        if response.status_code == 401:  # revoked or expired early: one new token, one retry
            response = self._send(method, path, self.token.renew(auth), timeout, **kwargs)
        if response.status_code == 429 or response.status_code >= 500:
            raise TicketError(f"Halo HTTP {response.status_code}: {halo_message(response)}",
                              retry_after=retry_after(response.headers))
        if response.status_code >= 400:
            raise TicketError(f"Halo refused ({response.status_code}): {halo_message(response)}",
                              permanent=True)
        return response

    def _send(self, method: str, path: str, auth: str, timeout, **kwargs) -> requests.Response:
        try:
            return self.session.request(method, f"{self.site}/api{path}", timeout=timeout or self.timeout,
                                        headers={"Authorization": auth, "Accept": "application/json"},
                                        **kwargs)
        except requests.RequestException as exc:
            raise TicketError(f"Halo unreachable ({type(exc).__name__})") from None


def name_a_client(where: TicketPlace) -> list[PlaceProblem]:
    """Halo files a ticket under a client: the runbook names it (its id or exact name)."""
    return [] if where.company.strip() else [PlaceProblem(
        "company", "required: the Halo client's id (12) or exact name (Acme Dental)")]


def token_url(site: str, auth_url: str = "", tenant: str = "") -> str:
    """Halo issues tokens at {auth server}/token, the auth server being the site's /auth unless
    HALO_AUTH_URL names another; hosted Halo also wants ?tenant=."""
    root = (auth_url or f"{site}/auth").rstrip("/")
    url = root if root.endswith("/token") else f"{root}/token"
    return f"{url}?{urlencode({'tenant': tenant})}" if tenant else url


def _build(config: Config) -> HaloTickets:
    return HaloTickets(config.halo_base_url, config.halo_client_id,
                       config.halo_client_secret.get_secret_value(), tenant=config.halo_tenant,
                       auth_url=config.halo_auth_url, timeout=config.halo_timeout,
                       retry_timeout=config.halo_retry_timeout)


PSA_ENTRY = PSA("halopsa", configured=lambda config: config.halo_enabled, build=_build,
                validate_place=name_a_client, title="HaloPSA", settings="HALO_*")
