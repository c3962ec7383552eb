"""Autotask PSA REST through requests: the three auth headers, the zone found from the username,
picklists read by name from an entity's field info, the hourly request budget kept in view, and
every failure typed (a 4xx is permanent, with Autotask's own words)."""
from __future__ import annotations

import logging
import re
import threading
import time
from typing import Callable
from urllib.parse import urlsplit

import requests

from app.retry_after import retry_after

from .port import TicketError, UnknownName

log = logging.getLogger(__name__)

# The zone lookup answers for any username, on any zone (VENDORS.md §9).
ZONE_LOOKUP = "https://webservices.autotask.net/ATServicesRest/V1.0/ZoneInformation"
# 10,000 requests per rolling hour per database, shared by every integration on it; at the
# threshold Autotask suspends the API for the whole tenant. Stop short of it, and let the
# queue's retry come back once older requests have left the window.
BUDGET_SHARE = 0.95
BUDGET_BACKOFF = 120.0
BUDGET_REREAD = 60.0       # seconds a threshold reading is trusted (our own calls are added to it)
PICKLIST_REREAD = 300.0    # a name missing from a cached picklist older than this is looked up again


class AutotaskApi:
    def __init__(self, username: str, secret: str, integration_code: str, base_url: str = "",
                 zone_lookup: str = ZONE_LOOKUP, session: requests.Session | None = None,
                 clock: Callable[[], float] = time.monotonic):
        self.username = username
        self.headers = {"ApiIntegrationCode": integration_code, "UserName": username,
                        "Secret": secret, "Content-Type": "application/json",
                        "Accept": "application/json"}
        self.zone_lookup = zone_lookup
        self.session = session or requests.Session()
        self.clock = clock
        self._lock = threading.Lock()
        self._zone = (api_root(base_url), web_of(base_url)) if base_url else None
        self._fields: dict[str, tuple[float, dict]] = {}
        self._budget: tuple[float, int, int] | None = None   # (read at, count then, threshold)
        self._since = 0                                      # our requests since that reading

    def zone(self, timeout) -> tuple[str, str]:
        """(REST root ending in /V1.0, web UI root): asked once per process, then remembered."""
        with self._lock:
            if self._zone:
                return self._zone
        response = self._send("GET", self.zone_lookup, timeout, params={"user": self.username},
                              headers={"Accept": "application/json"})
        data = response.json() if response.content else {}
        if not isinstance(data, dict) or not data.get("url"):
            raise TicketError(f"Autotask's zone lookup doesn't know the API user {self.username} "
                              "(check AUTOTASK_USERNAME, or set AUTOTASK_BASE_URL)", permanent=True)
        zone = (api_root(data["url"]), (data.get("webUrl") or web_of(data["url"])).rstrip("/"))
        with self._lock:
            self._zone = zone
        return zone

    def call(self, method: str, path: str, timeout, **kwargs) -> dict:
        """The JSON answer of one REST call (path after /V1.0), once the budget allows it."""
        root, _ = self.zone(timeout)
        self._check_budget(root, timeout)
        response = self._send(method, root + path, timeout, headers=self.headers, **kwargs)
        return response.json() if response.content else {}

    def pick(self, entity: str, field: str, label: str, timeout, what: str = "") -> int:
        """The picklist value whose label is `label` (case and spacing aside; active ones only)."""
        for attempt in (1, 2):
            read_at, fields = self._field_info(entity, timeout, fresh=attempt == 2)
            values = [v for v in fields.get(field, {}).get("picklistValues") or [] if v.get("isActive", True)]
            found = [v for v in values if _same(v.get("label", ""), label)]
            if found:
                return int(found[0]["value"])
            if self.clock() - read_at < PICKLIST_REREAD:
                break
        known = ", ".join(v.get("label", "") for v in values[:12])
        raise UnknownName(f"Autotask has no {what or field} named {label!r} (it has: {known or 'none'})")

    def default(self, entity: str, field: str, timeout) -> int:
        """The picklist's default value (else its first active one) for fields NightDesk doesn't choose."""
        _, fields = self._field_info(entity, timeout)
        values = [v for v in fields.get(field, {}).get("picklistValues") or [] if v.get("isActive", True)]
        chosen = [v for v in values if v.get("isDefaultValue")] or \
            sorted(values, key=lambda v: v.get("sortOrder") or 0)
        if not chosen:
            raise TicketError(f"Autotask's {entity} field {field} has no active values", permanent=True)
        return int(chosen[0]["value"])

    def length(self, entity: str, field: str, timeout, otherwise: int) -> int:
        _, fields = self._field_info(entity, timeout)
        return int(fields.get(field, {}).get("length") or otherwise)

    def _field_info(self, entity: str, timeout, fresh: bool = False) -> tuple[float, dict]:
        with self._lock:
            cached = self._fields.get(entity)
        if cached and not fresh:
            return cached
        data = self.call("GET", f"/{entity}/entityInformation/fields", timeout)
        cached = (self.clock(), {f.get("name"): f for f in data.get("fields") or [] if isinstance(f, dict)})
        with self._lock:
            self._fields[entity] = cached
        return cached

    def _check_budget(self, root: str, timeout) -> None:
        with self._lock:
            budget, self._since = self._budget, self._since + 1
        if budget is None or self.clock() - budget[0] >= BUDGET_REREAD:
            budget = self._read_budget(root, timeout)
        if budget is None:
            return
        with self._lock:
            used = budget[1] + self._since
        if used >= budget[2] * BUDGET_SHARE:
            raise TicketError(f"Autotask API budget nearly spent ({used} of {budget[2]} requests this "
                              f"hour, shared by every integration): waiting before using more",
                              retry_after=BUDGET_BACKOFF)

    def _read_budget(self, root: str, timeout) -> tuple[float, int, int] | None:
        try:
            data = self._send("GET", root + "/ThresholdInformation", timeout, headers=self.headers).json()
            threshold = int(data["externalRequestThreshold"])
            budget = (self.clock(), int(data.get("currentTimeframeRequestCount") or 0), threshold)
        except (TicketError, ValueError, KeyError, TypeError) as exc:
            # Not knowing the count is no reason to hold a ticket back: the call itself will say
            # whether Autotask is there.
            log.warning("autotask threshold information unreadable: %s", getattr(exc, "message", exc))
            return None
        with self._lock:
            self._budget, self._since = budget, 1
        return budget

    def _send(self, method: str, url: str, timeout, **kwargs) -> requests.Response:
        try:
            response = self.session.request(method, url, timeout=timeout, **kwargs)
        except requests.RequestException as exc:
            raise TicketError(f"Autotask unreachable ({type(exc).__name__})") from None
        if response.status_code == 429 or response.status_code >= 500:
            raise TicketError(f"Autotask HTTP {response.status_code}: {message(response)}",
                              retry_after=retry_after(response.headers))
        if response.status_code >= 400:
            raise TicketError(f"Autotask refused ({response.status_code}): {message(response)}",
                              permanent=True)
        return response


def api_root(url: str) -> str:
    """The REST root with its version: the zone's url (…/ATServicesRest/) plus V1.0. A URL that
    already ends in /V1.0 is taken as it is; the zone lookup has been seen to double a slash."""
    parts = urlsplit(url.strip())
    path = re.sub(r"/+", "/", parts.path).rstrip("/")
    path = re.sub(r"/v1\.0$", "", path, flags=re.I)
    return f"{parts.scheme}://{parts.netloc}{path}/V1.0"


def web_of(url: str) -> str:
    """The UI host of an API host: webservicesN.autotask.net serves the API of wwN.autotask.net."""
    parts = urlsplit(url)
    host = re.sub(r"^webservices(\d*)\.", lambda m: f"ww{m.group(1) or ''}.", parts.netloc, flags=re.I)
    return f"{parts.scheme}://{host}"


def message(response: requests.Response) -> str:
    """Autotask's own words: {"errors": ["…"]} (as clients report it), else any message, else text."""
    try:
        data = response.json()
    except ValueError:
        return (response.text or "")[:200].strip() or response.reason or ""
    parts = []
    if isinstance(data, dict):
        parts = [data.get("message") or data.get("Message") or ""]
        for err in data.get("errors") or []:
            parts.append(err if isinstance(err, str) else str(err.get("message", "")) if isinstance(err, dict) else "")
    return "; ".join(p for p in parts if p)[:500] or response.reason or ""


def _same(a: str, b: str) -> bool:
    return " ".join(str(a).split()).casefold() == " ".join(str(b).split()).casefold()
