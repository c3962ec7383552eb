"""A loopback Autotask PSA REST API, shaped as VENDORS.md §9 describes it: the zone lookup
(`url`, `webUrl`), the three auth headers, `{Entity}/entityInformation/fields` with picklists
(`value` as a string, `label`, `isActive`, `isDefaultValue`), `POST Tickets` → `{"itemId": N}`,
`{Entity}/query` with `{"filter": [{"op": "eq", …}]}` → `{"items": […], "pageDetails": {…}}`,
`PATCH Tickets` with the id in the body, `Tickets/{id}/Notes`, and `ThresholdInformation`
(`externalRequestThreshold`, `requestThresholdTimeframe`, `currentTimeframeRequestCount`).

No captured Autotask answer is public (VENDORS.md §12): field names come from the swagger-generated
clients cited there; picklist ids and labels below are illustrative, as every tenant's differ. The
error body `{"errors": ["…"]}` is what third-party clients report, not confirmed. A ticket is
created when the request arrives, as a real server does while its answer is on the way."""
from __future__ import annotations

import re
import threading
from urllib.parse import parse_qs, urlsplit

from .http import FakeServer, Reply

ROOT = "/ATServicesRest"
API = ROOT + "/V1.0"
USER, SECRET, CODE = "nightdesk-api@msp.example", "s3cret-value", "INTEGRATION-CODE-1"
WEB_URL = "https://ww15.autotask.net/"


def picklist(*labels: str, default: str = "", start: int = 1) -> list[dict]:
    return [{"value": str(start + i), "label": label, "isDefaultValue": label == default,
             "sortOrder": i, "parentValue": "", "isActive": True, "isSystem": True}
            for i, label in enumerate(labels)]


def field(name: str, data_type: str = "string", length: int = 0, values: list | None = None) -> dict:
    return {"name": name, "dataType": data_type, "length": length, "isRequired": False,
            "isReadOnly": False, "isQueryable": True, "isReference": False,
            "referenceEntityType": "", "isPickList": values is not None,
            "picklistValues": values, "picklistParentValueField": "", "isSupportedWebhookField": False}


FIELDS = {
    "Tickets": [
        field("id", "long"), field("companyID", "integer"), field("title", length=255),
        field("description", length=8000), field("externalID", length=50),
        field("status", "integer", values=picklist("New", "In Progress", "Waiting Customer",
                                                   "Complete", default="New")),
        field("priority", "integer", values=picklist("High", "Medium", "Low", "Critical", default="Medium")),
        field("queueID", "integer", values=[*picklist("Level I Support", "After Hours", start=29682833),
                                            {**picklist("Old Queue", start=5)[0], "isActive": False}]),
    ],
    "TicketNotes": [
        field("description", length=32000),
        field("noteType", "integer", values=picklist("Task Summary", "Task Detail", "Task Notes",
                                                     default="Task Notes")),
        field("publish", "integer", values=picklist("All Autotask Users", "Internal Project Team",
                                                    default="Internal Project Team")),
    ],
}


class FakeAutotask(FakeServer):
    def __init__(self, companies=(174, 0), resources=None, contacts=None, company_names=None):
        self.companies = set(companies)
        self.contacts = contacts or []              # Contacts rows: id, firstName, lastName, companyID, phone…
        self.company_names = company_names or {}    # company id → companyName
        self.lookup_delay = 0.0
        self.resources = resources if resources is not None else [
            {"id": 29684, "userName": "jdoe", "email": "jane@msp.example"}]
        self.tickets: dict[int, dict] = {}
        self.notes: list[dict] = []
        self.usage = 0                   # requests other integrations made this hour
        self.threshold = 10000
        self.post_delay = 0.0            # seconds POST Tickets takes to answer
        self.fail: list[Reply] = []      # answers for the next calls (threshold reads aside), in order
        self._ids = iter(range(7001, 10 ** 6))
        self._lock = threading.Lock()
        super().__init__(self._answer)

    @property
    def base_url(self) -> str:
        return self.url + ROOT

    @property
    def zone_lookup(self) -> str:
        return self.url + API + "/ZoneInformation"

    def settings(self) -> dict:
        return {"AUTOTASK_USERNAME": USER, "AUTOTASK_SECRET": SECRET,
                "AUTOTASK_INTEGRATION_CODE": CODE, "AUTOTASK_BASE_URL": self.base_url}

    def calls(self, method: str, path: str) -> list:
        return [r for r in self.requests if r.method == method and urlsplit(r.path).path == API + path]

    def _answer(self, request) -> Reply:
        url = urlsplit(request.path)
        path = url.path[len(API):] if url.path.startswith(API) else url.path
        if request.method == "GET" and path == "/ZoneInformation":
            user = parse_qs(url.query).get("user", [""])[0]
            known = user.casefold() == USER.casefold()
            return Reply(200, {"zoneName": "Fake Zone", "url": self.base_url + "/" if known else None,
                               "webUrl": WEB_URL if known else None, "ci": 15})
        h = request.headers
        if (h.get("ApiIntegrationCode"), h.get("UserName"), h.get("Secret")) != (CODE, USER, SECRET):
            return Reply(401, "")
        with self._lock:
            self.usage += 1
            if self.fail and path != "/ThresholdInformation":
                return self.fail.pop(0)
        if request.method == "GET" and path == "/ThresholdInformation":
            return Reply(200, {"externalRequestThreshold": self.threshold, "requestThresholdTimeframe": 60,
                               "currentTimeframeRequestCount": self.usage})
        found = re.fullmatch(r"/(\w+)/entityInformation/fields", path)
        if request.method == "GET" and found and found.group(1) in FIELDS:
            return Reply(200, {"fields": FIELDS[found.group(1)]})
        if request.method == "POST" and path == "/Tickets":
            return self._create(request.json())
        if request.method == "POST" and path in ("/Tickets/query", "/Resources/query", "/Companies/query"):
            rows = {"/Tickets/query": self.tickets.values(), "/Resources/query": self.resources,
                    "/Companies/query": [{"id": c, "companyName": self.company_names.get(c, f"Company {c}")}
                                         for c in self.companies]}[path]
            return Reply(200, query(list(rows), request.json()))
        if request.method == "POST" and path == "/Contacts/query":
            return Reply(200, query(self.contacts, request.json()), delay=self.lookup_delay)
        if request.method == "PATCH" and path == "/Tickets":
            body = request.json()
            if body.get("id") not in self.tickets:
                return Reply(404, {"errors": [f"Ticket {body.get('id')} not found"]})
            self.tickets[body["id"]].update(body)
            return Reply(200, {"itemId": body["id"]})
        found = re.fullmatch(r"/Tickets/(\d+)/Notes", path)
        if request.method == "POST" and found:
            body = request.json()
            if int(found.group(1)) not in self.tickets or body.get("ticketID") != int(found.group(1)):
                return Reply(404, {"errors": [f"Ticket {found.group(1)} not found"]})
            self.notes.append(body)
            return Reply(200, {"itemId": len(self.notes)})
        return Reply(404, {"errors": [f"no such resource {path}"]})

    def _create(self, body: dict) -> Reply:
        missing = [k for k in ("companyID", "title", "status", "priority") if body.get(k) in (None, "")]
        if missing:
            return Reply(400, {"errors": [f"{k} is required" for k in missing]})
        if body["companyID"] not in self.companies:
            return Reply(400, {"errors": [f"Value {body['companyID']} for companyID does not exist"]})
        with self._lock:
            number = next(self._ids)
            self.tickets[number] = {**body, "id": number, "ticketNumber": f"T20260105.{number:04d}"}
        return Reply(200, {"itemId": number}, delay=self.post_delay)


def matches(row: dict, condition: dict) -> bool:
    """Autotask's filter operators that NightDesk uses: eq, contains, in, and an `or` group."""
    op = condition["op"]
    if op == "or":
        return any(matches(row, item) for item in condition["items"])
    value = str(row.get(condition["field"], "") or "").casefold()
    if op == "eq":
        return value == str(condition["value"]).casefold()
    if op == "contains":
        return str(condition["value"]).casefold() in value
    if op == "in":
        return value in {str(v).casefold() for v in condition["value"]}
    raise AssertionError(condition)


def query(rows: list[dict], body: dict) -> dict:
    rows = [r for r in rows if all(matches(r, c) for c in body.get("filter") or [])]
    rows = rows[:body.get("maxRecords") or 500]
    if body.get("includeFields"):
        rows = [{k: r.get(k) for k in body["includeFields"]} for r in rows]
    return {"items": rows, "pageDetails": {"count": len(rows), "requestCount": 500,
                                           "prevPageUrl": None, "nextPageUrl": None}}
