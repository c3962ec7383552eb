"""Autotask PSA tickets (Tickets, TicketNotes, Resources) over its REST API (autotask_api.py).

The runbook's company is the Autotask company id; its board is a queue name and its priorities are
priority names, both turned into the tenant's picklist values by name (they differ per tenant)."""
from __future__ import annotations

from urllib.parse import urlencode

from app.config import Config
from app.runbooks.model import DEFAULT_PRIORITIES

from .autotask_api import AutotaskApi
from .once import CreatedOnce
from .phones import last_digits, same_number
from .port import Contact, PlaceProblem, Ticket, TicketError, TicketPlace, TicketRequest, unknown_names
from .registry import PSA

NEW_STATUS = "New"
# A runbook that names no priorities carries NightDesk's defaults (ConnectWise's wording); when
# the tenant has no priority by that name, Autotask's stock priority of the same rank is used.
STOCK_PRIORITIES = dict(zip((DEFAULT_PRIORITIES[s] for s in ("P1", "P2", "P3", "P4")),
                            ("Critical", "High", "Medium", "Low")))
TITLE_MAX, DESCRIPTION_MAX, NOTE_TITLE_MAX = 255, 8000, 250   # unless the field info says otherwise
CONTACT_PHONES = ("phone", "mobilePhone", "alternatePhone")


class AutotaskTickets(CreatedOnce):
    name = "autotask"
    kept_here = False

    def __init__(self, api: AutotaskApi, timeout: float = 5.0, retry_timeout: float = 30.0):
        self.api = api
        # As for ConnectWise: the first attempt answers within the caller's hold; a retry has
        # nobody waiting on it, so a slow Autotask gets longer.
        self.timeout = (min(3.0, timeout), timeout)
        self.retry_timeout = (min(3.0, timeout), max(timeout, retry_timeout))

    def post(self, request: TicketRequest, timeout) -> Ticket:
        data = self.api.call("POST", "/Tickets", json=self.body(request, timeout), timeout=timeout)
        if not data.get("itemId"):
            raise TicketError(f"Autotask answered the ticket without its id: {str(data)[:200]}")
        return Ticket(number=str(data["itemId"]), id=str(data["itemId"]))

    def body(self, request: TicketRequest, timeout) -> dict:
        api = self.api
        body = {
            "companyID": company_id(request.company),
            "title": request.summary[:api.length("Tickets", "title", timeout, TITLE_MAX)],
            "description": request.description[:api.length("Tickets", "description", timeout, DESCRIPTION_MAX)],
            # NightDesk's reference: how a retry finds a ticket whose answer was lost.
            "externalID": request.reference,
            "status": api.pick("Tickets", "status", NEW_STATUS, timeout, "ticket status"),
            "priority": self._priority(request.priority, timeout),
        }
        if request.board:
            body["queueID"] = api.pick("Tickets", "queueID", request.board, timeout, "queue")
        if request.contact_id.isdigit():
            body["contactID"] = int(request.contact_id)
        return body

    def add_note(self, number: str, text: str, resolution: bool = False, member: str = "") -> None:
        # `member` is not impersonated (that needs a security-level grant); the text names who.
        timeout = self.timeout
        title = "Resolution (NightDesk)" if resolution else "Update (NightDesk)"
        body = {"ticketID": ticket_id(number), "title": title[:NOTE_TITLE_MAX],
                "description": text[:self.api.length("TicketNotes", "description", timeout, DESCRIPTION_MAX)],
                "noteType": self.api.default("TicketNotes", "noteType", timeout),
                "publish": self.api.default("TicketNotes", "publish", timeout)}
        self.api.call("POST", f"/Tickets/{ticket_id(number)}/Notes", json=body, timeout=timeout)

    def set_status(self, number: str, status: str) -> None:
        value = self.api.pick("Tickets", "status", status, self.timeout, "ticket status")
        self.api.call("PATCH", "/Tickets", json={"id": ticket_id(number), "status": value}, timeout=self.timeout)

    def find_member(self, email: str) -> str:
        data = self.api.call("POST", "/Resources/query", timeout=self.timeout, json={
            "filter": [{"op": "eq", "field": "email", "value": email}],
            "includeFields": ["id", "userName"], "maxRecords": 1})
        items = data.get("items") or []
        return str(items[0].get("userName") or items[0].get("id") or "") if items else ""

    def url(self, number: str) -> str:
        try:
            _, web = self.api.zone(self.timeout)
        except TicketError:
            return ""   # the page goes out without the link rather than not at all
        query = urlencode({"Code": "OpenTicketDetail", "TicketID": number})
        return f"{web}/Autotask/AutotaskExtend/ExecuteCommand.aspx?{query}"

    def find_contacts(self, phone_e164: str) -> list[Contact]:
        # Phone fields are free text: ask for those containing the last digits, keep the ones
        # that are this number, then name their companies (one query for all of them).
        tail = last_digits(phone_e164)
        data = self.api.call("POST", "/Contacts/query", timeout=self.timeout, json={
            "filter": [{"op": "or", "items": [{"op": "contains", "field": f, "value": tail}
                                              for f in CONTACT_PHONES]}],
            "includeFields": ["id", "firstName", "lastName", "companyID", "isActive", *CONTACT_PHONES],
            "maxRecords": 100})
        rows = [row for row in data.get("items") or [] if row.get("id") and row.get("isActive") not in (0, False)
                and any(same_number(str(row.get(f) or ""), phone_e164) for f in CONTACT_PHONES)]
        if not rows:
            return []
        ids = sorted({int(row["companyID"]) for row in rows if str(row.get("companyID", "")).isdigit()})
        names = {}
        if ids:
            companies = self.api.call("POST", "/Companies/query", timeout=self.timeout, json={
                "filter": [{"op": "in", "field": "id", "value": ids}],
                "includeFields": ["id", "companyName"], "maxRecords": len(ids)})
            names = {str(c.get("id")): str(c.get("companyName") or "") for c in companies.get("items") or []}
        return [Contact(str(row["id"]), f"{row.get('firstName') or ''} {row.get('lastName') or ''}".strip(),
                        str(row.get("companyID", "")), names.get(str(row.get("companyID")), ""))
                for row in rows]

    def check(self, where: TicketPlace) -> list[PlaceProblem]:
        timeout = self.timeout
        # Credentials: the call that every ticket makes first (its picklists), and the status
        # every new ticket gets.
        self.api.pick("Tickets", "status", NEW_STATUS, timeout, "ticket status")
        problems = numeric_company(where) if where.company else []
        if where.company and not problems:
            found = self.api.call("POST", "/Companies/query", timeout=timeout, json={
                "filter": [{"op": "eq", "field": "id", "value": int(where.company)}],
                "includeFields": ["id"], "maxRecords": 1})
            if not found.get("items"):
                problems.append(PlaceProblem("company", f"Autotask has no company with id {where.company}"))
        asked = [("board", lambda: self.api.pick("Tickets", "queueID", where.board, timeout, "queue"))] \
            if where.board else []
        asked += [(f"priorities.{severity}", lambda name=name: self._priority(name, timeout))
                  for severity, name in sorted(where.priorities.items())]
        asked += [(f"statuses.{change}", lambda name=name: self.api.pick(
                   "Tickets", "status", name, timeout, "ticket status"))
                  for change, name in sorted(where.statuses.items())]
        return problems + unknown_names(asked)

    def find(self, reference: str, timeout=None) -> Ticket | None:
        data = self.api.call("POST", "/Tickets/query", timeout=timeout or self.timeout, json={
            "filter": [{"op": "eq", "field": "externalID", "value": reference}],
            "includeFields": ["id", "ticketNumber"], "maxRecords": 1})
        items = data.get("items") or []
        return Ticket(number=str(items[0]["id"]), id=str(items[0]["id"])) if items else None

    def _priority(self, label: str, timeout) -> int:
        try:
            return self.api.pick("Tickets", "priority", label, timeout, "priority")
        except TicketError as exc:
            if not exc.permanent or label not in STOCK_PRIORITIES:
                raise
            return self.api.pick("Tickets", "priority", STOCK_PRIORITIES[label], timeout, "priority")


def company_id(company: str) -> int:
    if not company.strip().isdigit():
        raise TicketError(f"Autotask company must be its numeric id (the runbook's connectwise.company), "
                          f"got {company!r}", permanent=True)
    return int(company)


def numeric_company(where: TicketPlace) -> list[PlaceProblem]:
    """Autotask files a ticket under a company's numeric id, never its name."""
    if where.company.strip().isdigit():
        return []
    said = f"got {where.company!r}" if where.company else "it is missing"
    return [PlaceProblem("company", f"Autotask needs the company's numeric id (the number in its "
                                    f"Autotask page), {said}")]


def ticket_id(number: str) -> int:
    if not str(number).isdigit():
        raise TicketError(f"not an Autotask ticket id: {number!r}", permanent=True)
    return int(number)


def _build(config: Config) -> AutotaskTickets:
    api = AutotaskApi(config.autotask_username, config.autotask_secret.get_secret_value(),
                      config.autotask_integration_code.get_secret_value(),
                      base_url=config.autotask_base_url)
    return AutotaskTickets(api, timeout=config.autotask_timeout, retry_timeout=config.autotask_retry_timeout)


PSA_ENTRY = PSA("autotask", configured=lambda config: config.autotask_enabled, build=_build,
                validate_place=numeric_company, title="Autotask", settings="AUTOTASK_*")
