"""The Channel port: what every paging channel (slack, teams, email, sms) offers.

A channel is one module with one class; the registry finds it by the runbook rule's `method`.
Failures are results, not exceptions: `send` returns a Delivery whose `permanent` flag tells the
dispatcher whether retrying can help (a revoked webhook) or not (a 503).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from app.states import IncidentStatus
from . import layout

if TYPE_CHECKING:
    from .live import LiveRef


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
    status: str = IncidentStatus.OPEN
    holder: str = ""              # who acknowledged or resolved: "slack:U123" or a name
    triggered: datetime | None = None       # stored UTC; shown in `timezone`
    snoozed_until: datetime | None = None
    timezone: str = "UTC"         # the MSP's (NIGHTDESK_TIMEZONE) or the runbook's `timezone:`
    resolution: str = ""
    ticket_url: str = ""
    workspace: str = ""           # Slack team id whose installation posts it
    page_id: int = 0              # the page row, so a vendor's later delivery report finds it

    @property
    def subject(self) -> str:
        return ("TEST · " if self.kind == "test" else "") + self.first_line()

    def first_line(self, sep: str = " · ") -> str:
        return sep.join([self.severity, self.customer, layout.problem(self)])

    def headline_lines(self, sep: str = " · ") -> list[str]:
        """The lines a phone's lock screen shows: problem; callback and ticket; time and status."""
        return [self.first_line(sep), sep.join(layout.ticket_parts(self)),
                self.when_line(sep)]

    def when_line(self, sep: str = " · ", status: str = "") -> str:
        status = status or self.status_text()
        return f"Triggered {self.local(self.triggered)}{sep}{status}" if self.triggered else status

    def local(self, moment: datetime | None) -> str:
        return layout.clock(moment, self.timezone)

    @property
    def extra_details(self) -> str:
        return layout.extra_details(self)

    def status_text(self) -> str:
        if self.status == IncidentStatus.ACKNOWLEDGED:
            return f"Acknowledged by {self.holder_text()}"
        if self.status == IncidentStatus.RESOLVED:
            return f"Resolved by {self.holder_text()}"
        if self.snoozed_until:
            return f"Snoozed until {self.local(self.snoozed_until)}"
        return "Open"

    def holder_text(self) -> str:
        return f"@{self.holder[6:]}" if self.holder.startswith("slack:") else (self.holder or "someone")


@dataclass
class Delivery:
    sent: bool
    error: str = ""
    permanent: bool = False
    retry_after: float | None = None
    receipt: dict = field(default_factory=dict)  # the vendor's ids, kept on the page row
    # Set when this send posted a message the LiveMessage port can update in place.
    live: "LiveRef | None" = None

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

    def rate_key(self, target: str) -> tuple[str, float] | None:
        """The vendor's per-target send limit as (key, seconds between sends), or None. Workers on
        every host share it through the RateLimiter port before calling send()."""

    def delivery_report(self, report: dict) -> Delivery | None:
        """A vendor's later word on a message it accepted (a status callback): a failed Delivery
        when the message did not arrive after all, else None."""

    def default_target(self, severity: str, book) -> str:
        """Where a route with an empty `page` goes, for this channel, this severity and this
        runbook (its own section of it); "" for the channel's configured default."""


class ChannelBasics:
    """What a channel without a send limit or delivery reports says (inherit, then override)."""

    def rate_key(self, target: str) -> tuple[str, float] | None:
        return None

    def delivery_report(self, report: dict) -> Delivery | None:
        return None

    def default_target(self, severity: str, book) -> str:
        return ""
