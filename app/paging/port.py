"""The Channel port: what every paging channel (slack, teams, email, sms) offers.

A channel is one module with one class; the registry finds it by the runbook rule's `method`.
Failures are results, not exceptions: `send` returns a Delivery whose `permanent` flag tells the
dispatcher whether retrying can help (a revoked webhook) or not (a 503).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class PageMessage:
    """What a page says. Every field from a caller is raw text; channels escape for their format."""
    severity: str
    customer: str
    summary: str
    callback_number: str = ""
    ticket_number: str = ""
    reference: str = ""
    caller_name: str = ""
    details: str = ""
    rule: str = ""
    kind: str = "page"  # page | ticket (a late ticket number) | test
    link: str = ""
    # The live incident message (Slack bot mode): buttons act on incident_id.
    incident_id: int = 0
    status: str = "open"          # open | acknowledged | resolved
    holder: str = ""              # who acknowledged or resolved: "slack:U123" or a name
    triggered: str = ""           # "02:14 UTC"
    snoozed_until: str = ""
    resolution: str = ""
    ticket_url: str = ""
    workspace: str = ""           # Slack team id whose installation posts it

    @property
    def subject(self) -> str:
        prefix = "TEST · " if self.kind == "test" else ""
        return f"{prefix}{self.severity} · {self.customer} · {self.summary}"

    def headline_lines(self) -> list[str]:
        """The first lines a phone lock screen shows."""
        second = [f"Callback {self.callback_number or 'unknown'}",
                  f"Ticket {self.ticket_number or 'pending'}"]
        if self.reference:
            second.append(f"Ref {self.reference}")
        lines = [f"{self.severity} · {self.customer} · {self.summary}", " · ".join(second)]
        if self.triggered:  # a live message (incident_id) keeps its status current
            lines.append(f"Triggered {self.triggered}" + (f" · {self.status_text()}" if self.incident_id else ""))
        return lines

    def status_text(self) -> str:
        if self.status == "acknowledged":
            return f"Acknowledged by {self.holder_text()}"
        if self.status == "resolved":
            return f"Resolved by {self.holder_text()}"
        if self.snoozed_until:
            return f"Snoozed until {self.snoozed_until}"
        return "Open"

    def holder_text(self) -> str:
        return f"@{self.holder[6:]}" if self.holder.startswith("slack:") else (self.holder or "someone")


@dataclass
class Delivery:
    sent: bool
    error: str = ""
    permanent: bool = False
    retry_after: float | None = None
    receipt: dict = field(default_factory=dict)  # e.g. Slack channel and ts, for later updates

    def as_dict(self) -> dict:
        return asdict(self)

    def __getitem__(self, key):  # a Delivery reads like the documented {"sent": …} dict
        return getattr(self, key)

    @classmethod
    def ok(cls, **receipt) -> "Delivery":
        return cls(sent=True, receipt=receipt)

    @classmethod
    def transient(cls, error: str, retry_after: float | None = None) -> "Delivery":
        return cls(sent=False, error=error, retry_after=retry_after)

    @classmethod
    def permanent_error(cls, error: str) -> "Delivery":
        return cls(sent=False, error=error, permanent=True)


class Channel(Protocol):
    method: str

    def check_target(self, page: str) -> str | None:
        """None when `page` is a valid target for this method (or "" for the default), else why not.
        Runs when a runbook loads, so a bad target is found at edit time, not at 2am."""

    def send(self, target: str, message: PageMessage) -> Delivery:
        """Deliver one message; never raises for a vendor's failure."""

    # Optional: rate_key(target) -> (key, seconds) | None — the vendor's per-target send limit.
    # Workers on every host share it through app.ratelimit before calling send().
