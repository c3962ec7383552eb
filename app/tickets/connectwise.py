"""ConnectWise Manage REST (service/tickets) through requests."""
from __future__ import annotations

import base64
from urllib.parse import urlencode, urlsplit

import requests

from app.config import Config
from app.retry_after import retry_after

from .connectwise_lookups import ConnectWiseLookups
from .once import CreatedOnce
from .port import PlaceProblem, Ticket, TicketError, TicketPlace, TicketRequest
from .registry import PSA

# ConnectWise is .NET: its maxLength counts UTF-16 code units, so an emoji counts 2.
SUMMARY_MAX = 100
PHONE_MAX = 20
CONTACT_NAME_MAX = 62  # 2025.1 spec (the 2017 Swagger predates the field)


class ConnectWiseTickets(ConnectWiseLookups, CreatedOnce):
    name = "connectwise"
    kept_here = False

    def __init__(self, base_url: str, company: str, public_key: str, private_key: str,
                 client_id: str, timeout: float = 5.0, session: requests.Session | None = None,
                 ui_url: str = "", retry_timeout: float = 30.0):
        self.base_url = base_url.rstrip("/")
        self.ui_url = ui_address(self.base_url, ui_url)
        self.company = company
        token = base64.b64encode(f"{company}+{public_key}:{private_key}".encode()).decode()
        self.headers = {"Authorization": f"Basic {token}", "clientId": client_id,
                        "Content-Type": "application/json", "Accept": "application/json"}
        # The first attempt answers within the caller's hold (they hear the number or our
        # reference); a retry has nobody waiting on it, so a slow ConnectWise gets longer.
        self.timeout = (min(3.0, timeout), timeout)
        self.retry_timeout = (min(3.0, timeout), max(timeout, retry_timeout))
        self.session = session or requests.Session()

    def body(self, request: TicketRequest) -> dict:
        body = {
            "summary": clip_utf16(request.summary, SUMMARY_MAX),
            "company": {"identifier": request.company},
            "initialDescription": request.description,
            "externalXRef": request.reference,
            "priority": {"name": request.priority},
        }
        if request.board:
            body["board"] = {"name": request.board}
        if request.contact_name:
            body["contactName"] = clip_utf16(request.contact_name, CONTACT_NAME_MAX)
        if request.contact_phone:
            body["contactPhoneNumber"] = clip_utf16(request.contact_phone, PHONE_MAX)
        if request.contact_id.isdigit():
            body["contact"] = {"id": int(request.contact_id)}
        return body

    def post(self, request: TicketRequest, timeout) -> Ticket:
        response = self._call("POST", "/service/tickets", json=self.body(request), timeout=timeout)
        data = response.json()
        return Ticket(number=str(data["id"]), id=str(data["id"]))

    def add_note(self, number: str, text: str, resolution: bool = False, member: str = "") -> None:
        # A note with no flag is refused ("choose where to display the notes").
        body = {"text": text, "internalAnalysisFlag": not resolution, "resolutionFlag": resolution,
                "detailDescriptionFlag": False}
        if member:
            body["member"] = {"identifier": member}
        self._call("POST", f"/service/tickets/{int(number)}/notes", json=body)

    def set_status(self, number: str, status: str) -> None:
        self._call("PATCH", f"/service/tickets/{int(number)}",
                   json=[{"op": "replace", "path": "status", "value": {"name": status}}])

    def find_member(self, email: str) -> str:
        response = self._call("GET", "/system/members", params={
            "conditions": f'officeEmail="{email}"', "fields": "identifier", "pageSize": 1})
        rows = response.json()
        return rows[0].get("identifier", "") if isinstance(rows, list) and rows else ""

    def url(self, number: str) -> str:
        query = urlencode({"service_recid": number, "companyName": self.company})
        return f"{self.ui_url}/services/system_io/Service/fv_sr100_request.rails?{query}"

    def find(self, reference: str, timeout=None) -> Ticket | None:
        response = self._call("GET", "/service/tickets", params={
            "conditions": f'externalXRef="{reference}"', "fields": "id", "pageSize": 1},
            timeout=timeout)
        rows = response.json()
        if isinstance(rows, list) and rows:
            return Ticket(number=str(rows[0]["id"]), id=str(rows[0]["id"]))
        return None

    def _call(self, method: str, path: str, timeout=None, **kwargs) -> requests.Response:
        try:
            response = self.session.request(method, self.base_url + path, headers=self.headers,
                                            timeout=timeout or self.timeout, **kwargs)
        except requests.RequestException as exc:
            raise TicketError(f"ConnectWise unreachable ({type(exc).__name__})") from None
        if response.status_code == 429 or response.status_code >= 500:
            raise TicketError(f"ConnectWise HTTP {response.status_code}: {_message(response)}",
                              retry_after=retry_after(response.headers))
        if response.status_code >= 400:
            raise TicketError(f"ConnectWise refused ({response.status_code}): {_message(response)}",
                              permanent=True)
        return response


def ui_address(base_url: str, override: str = "") -> str:
    """Where a browser opens the site: ConnectWise cloud serves the API on
    api-<region>.myconnectwise.net and the UI on <region>.myconnectwise.net. The codebase
    (v4_6_release) is the API path before /apis/3.0, unless the override names its own path."""
    api = urlsplit(base_url)
    codebase = api.path.split("/apis/", 1)[0].rstrip("/")
    if override:
        ui = urlsplit(override.rstrip("/"))
        return f"{ui.scheme}://{ui.netloc}{ui.path or codebase}"
    host = api.netloc[len("api-"):] if api.netloc.startswith("api-") else api.netloc
    return f"{api.scheme}://{host}{codebase}"


def clip_utf16(text: str, limit: int) -> str:
    """At most `limit` UTF-16 code units, never splitting a character into half a surrogate pair."""
    used = 0
    for i, ch in enumerate(text):
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > limit:
            return text[:i]
    return text


def require_company(where: TicketPlace) -> list[PlaceProblem]:
    """ConnectWise refuses a ticket without a company: the runbook must name one."""
    return [] if where.company else [PlaceProblem("company", "required: the ConnectWise company "
                                                             "identifier tickets are filed under")]


def _message(response: requests.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return (response.text or "")[:200].strip() or response.reason or ""
    parts = [data.get("message", "")] if isinstance(data, dict) else []
    for err in (data.get("errors") or []) if isinstance(data, dict) else []:
        parts.append(f"{err.get('field', '')}: {err.get('message', '')}".strip(": "))
    return "; ".join(p for p in parts if p)[:500]


def _build(config: Config) -> ConnectWiseTickets:
    return ConnectWiseTickets(config.connectwise_base_url, config.connectwise_company,
                              config.connectwise_public_key.get_secret_value(),
                              config.connectwise_private_key.get_secret_value(),
                              config.connectwise_client_id, timeout=config.connectwise_timeout,
                              ui_url=config.connectwise_ui_url,
                              retry_timeout=config.connectwise_retry_timeout)


PSA_ENTRY = PSA("connectwise", configured=lambda config: config.connectwise_enabled, build=_build,
                validate_place=require_company, title="ConnectWise", settings="CONNECTWISE_*")
