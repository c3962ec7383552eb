"""What a loaded, valid runbook is. Built only by app.runbooks.parse."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # oncall.py builds on this module
    from .oncall import Rotation

SEVERITIES = ("P1", "P2", "P3", "P4")

DEFAULT_SEVERITY = {
    "P1": "Business stopped: many users or a whole site down, a critical system down, "
          "a security incident in progress (ransomware, compromised account, data theft).",
    "P2": "Major impact with no workaround: a team or a key person cannot work, a critical "
          "service degraded, one site down for a multi-site company.",
    "P3": "One user or a non-critical system affected, or a workaround exists.",
    "P4": "A question, a request, or a minor problem that can wait for the morning.",
}

DEFAULT_PRIORITIES = {
    "P1": "Priority 1 - Emergency Response",
    "P2": "Priority 2 - Quick Response",
    "P3": "Priority 3 - Normal Response",
    "P4": "Priority 4 - Schedule Maintenance",
}


@dataclass(frozen=True)
class Route:
    method: str
    page: str  # empty: the channel's default target from the environment


@dataclass(frozen=True)
class Rule:
    index: int
    trigger: str
    route: Route
    severity: str | None = None
    keywords: tuple[str, ...] = ()
    fallback: Route | None = None
    every: int = 0  # a call rule: ring again every N minutes while nobody acknowledges

    @property
    def method(self) -> str:
        return self.route.method

    @property
    def page(self) -> str:
        return self.route.page


@dataclass(frozen=True)
class Step:
    """One escalation step after the first page: who to page once `after` minutes pass unanswered.
    `every` (minutes, 0: never) rings its call targets again while nobody acknowledges."""
    after: int
    routes: tuple[Route, ...]
    every: int = 0

    @property
    def calls(self) -> tuple[Route, ...]:
        return tuple(r for r in self.routes if r.method == "call")


# How many times a step's calls are placed again (`every`) when the chain's `repeat` is 0.
DEFAULT_CALL_REPEATS = 3

ONCALL = "{oncall}"  # a page target meaning "whoever is on call now", per method
EVENTS = ("triggered", "acknowledged", "resolved", "snoozed", "escalated", "ticket", "note")


@dataclass(frozen=True)
class RunbookError:
    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.field}: " if self.field else ""
        return f"{self.file}:{self.line}: {where}{self.message}"


@dataclass(frozen=True)
class Runbook:
    customer: str
    name: str
    file: str
    version: str
    rules: tuple[Rule, ...]
    numbers: tuple[str, ...] = ()
    callers: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    cw_company: str = ""
    cw_board: str = ""
    cw_priorities: dict = field(default_factory=lambda: dict(DEFAULT_PRIORITIES))
    greeting: str = ""
    context: str = ""
    severity: dict = field(default_factory=lambda: dict(DEFAULT_SEVERITY))
    hints: tuple[str, ...] = ()
    page_severities: frozenset = frozenset({"P1", "P2"})
    is_default: bool = False
    redact: bool = True  # take spoken passwords, card numbers and SSNs out of pages
    record: bool = False  # record the call (announced in the greeting); the link goes on the ticket
    steps: tuple[Step, ...] = ()        # escalation after the rule's page (none: a one-step chain)
    repeat: int = 0                     # times to run `steps` again while nobody acknowledges
    ack_timeout: int = 0                # minutes acknowledged but unresolved before a reminder (0: never)
    oncall: Rotation | None = None      # who is on call when, per method
    slack_channel: str = ""             # bot mode: this customer's channel
    slack_workspace: str = ""           # bot mode: which installed workspace (team id)
    slack_events: frozenset = frozenset(EVENTS)  # which changes post to the incident's thread
    cw_statuses: dict = field(default_factory=dict)  # acknowledged/resolved → ticket status name
    timezone: str = ""                  # IANA name for times in pages ("": NIGHTDESK_TIMEZONE)
    # Source lines of fields that cross-file checks report on (customer id, each number).
    lines: dict = field(default_factory=dict, compare=False)
    # Where each tickets: field is written (company, board, priorities.P1, statuses.resolved …):
    # its name as the file spells it (tickets.queue, connectwise.board), its line, whether given.
    tickets_at: dict = field(default_factory=dict, compare=False)

    def pages_for(self, severity: str) -> bool:
        return severity in self.page_severities

    @property
    def call_repeats(self) -> int:
        """How many times a step with `every` rings its calls again: `repeat`, else the default."""
        return self.repeat or DEFAULT_CALL_REPEATS

    def rule(self, index: int | None) -> Rule | None:
        if index is None or not 0 <= index < len(self.rules):
            return None
        return self.rules[index]
