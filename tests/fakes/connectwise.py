"""A loopback ConnectWise Manage (service/tickets) for tests whose worker runs in another process,
where `responses` cannot reach: POST creates a ticket, GET finds one by externalXRef, and every
answer can be made to take `delay` seconds. The ticket is created when the request arrives, as a
real server does while its answer is still on the way, so a client that times out leaves one.
For `tickets check` it also answers /system/info, companies by identifier, boards by name,
priorities and a board's statuses, and refuses requests without its keys (401, as ConnectWise).
For callers recognised from the PSA, GET company/contacts answers a `childConditions` search of
communicationItems (VENDORS.md §11: `like` with `%` wildcards, communicationType='Phone'), taking
`lookup_delay` seconds."""
from __future__ import annotations

import base64
import re
import threading
from urllib.parse import parse_qs, urlsplit

from .http import FakeServer, Reply

API = "/v4_6_release/apis/3.0"
AUTH = "Basic " + base64.b64encode(b"msp+pub:priv").decode()


class FakeConnectWise(FakeServer):
    def __init__(self, delay: float = 0.0, contacts: list[dict] | None = None):
        self.delay = delay
        self.lookup_delay = 0.0
        self.contacts = contacts or []   # Contact rows as GET company/contacts returns them
        self.tickets: dict[int, dict] = {}
        self.created_at: dict[int, float] = {}
        self._ids = iter(range(45001, 10 ** 6))
        self.companies = ["AcmeDental", "Northwind", "Catchall"]
        self.boards = {1: "Help Desk - After Hours", 2: "Managed Services", 3: "After Hours"}
        self.priorities = ["Priority 1 - Emergency Response", "Priority 2 - Quick Response",
                           "Priority 3 - Normal Response", "Priority 4 - Schedule Maintenance",
                           "Priority 1 - Critical", "Priority 2 - High"]
        self.statuses = ["New", "Assigned", ">Closed"]   # every board's
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
        if request.headers.get("Authorization") != AUTH:
            return Reply(401, {"code": "Unauthorized", "message": "Authentication failed."})
        url = urlsplit(request.path)
        found = self._lookup(url.path[len(API):], parse_qs(url.query)) if request.method == "GET" else None
        if found is not None:
            return found
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
        if request.method == "GET" and urlsplit(request.path).path == API + "/company/contacts":
            return Reply(200, self._contacts(parse_qs(urlsplit(request.path).query)), delay=self.lookup_delay)
        return Reply(404, {"code": "NotFound", "message": "no such resource"})

    def _lookup(self, path: str, query: dict) -> Reply | None:
        wanted = re.fullmatch(r'\w+ *= *"(.*)"', query.get("conditions", [""])[0])
        named = wanted.group(1).replace('\\"', '"') if wanted else None
        if path == "/system/info":
            return Reply(200, {"version": "v2025.1", "isCloud": True, "cloudRegion": "NA"})
        if path == "/company/companies":
            return Reply(200, [{"id": i + 250, "identifier": c} for i, c in enumerate(self.companies)
                               if named is None or c.casefold() == named.casefold()])
        if path == "/service/boards":
            return Reply(200, [{"id": i, "name": b} for i, b in self.boards.items()
                               if named is None or b.casefold() == named.casefold()])
        if path == "/service/priorities":
            return Reply(200, [{"id": i + 1, "name": p} for i, p in enumerate(self.priorities)])
        board = re.fullmatch(r"/service/boards/(\d+)/statuses", path)
        if board and int(board.group(1)) in self.boards:
            return Reply(200, [{"id": i + 1, "name": s} for i, s in enumerate(self.statuses)])
        return None

    def _contacts(self, query: dict) -> list[dict]:
        child = query.get("childConditions", [""])[0]
        found = re.fullmatch(r"communicationItems/value like '([^']*)' AND "
                             r"communicationItems/communicationType='(\w+)'", child)
        assert found, child   # the one search NightDesk makes
        pattern = re.compile(".*".join(re.escape(part) for part in found.group(1).split("%")), re.I)
        rows = [c for c in self.contacts if any(
            pattern.fullmatch(item["value"]) and item["communicationType"] == found.group(2)
            for item in c.get("communicationItems") or [])]
        if "inactiveFlag=false" in query.get("conditions", [""])[0]:
            rows = [c for c in rows if not c.get("inactiveFlag")]
        return rows[:int(query.get("pageSize", ["25"])[0])]


def cw_contact(id_: int, first: str, last: str, company: tuple[int, str, str], *phones: str) -> dict:
    """A Contact as ConnectWise returns it (company: id, identifier, name)."""
    return {"id": id_, "firstName": first, "lastName": last, "inactiveFlag": False,
            "company": {"id": company[0], "identifier": company[1], "name": company[2]},
            "communicationItems": [{"id": i + 1, "type": {"id": 2, "name": "Direct"}, "value": phone,
                                    "defaultFlag": i == 0, "communicationType": "Phone"}
                                   for i, phone in enumerate(phones)]}
