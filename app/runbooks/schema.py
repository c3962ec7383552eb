"""The runbook file's shape as pydantic models: what each field may hold, and the sentence a
service manager reads when it holds something else.

Which methods exist and which `page` fits a method is the paging registry's knowledge: it comes
in as the validation context's `routes`, so this package never imports a channel. Sections whose
unknown keys the format has always tolerated (`match`, `oncall`, a step, a route) still do.
"""
from __future__ import annotations

import re
from typing import Annotated, ClassVar, Protocol

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, \
    field_validator

from app.config import is_timezone

from .fields import (Flag, Moment, OneLine, OptionalPhone, Phones, Severities, Severity, SeverityKey,
                     Text, Word, Words, a_list, checked, e164, fail, filled, listed, nonempty_list,
                     one_of, required, section, whole)
from .model import EVENTS, ONCALL

CUSTOMER_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,62}")
EVERY = "expected minutes between calls, 1 to 1440"


class Routes(Protocol):
    def methods(self) -> list[str]: ...
    def check_target(self, method: str, page: str) -> str | None: ...


def _routes(info: ValidationInfo) -> Routes:
    return info.context["routes"]


def _as_e164(page: str) -> str:
    try:
        return e164(page)
    except ValueError:
        return ""


def _even_if_absent(default=None):
    """A field whose validator also runs when the file leaves it out (it says why it's needed)."""
    return Field(default, validate_default=True)


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    shape: ClassVar[str] = "a mapping"  # what "expected …" says when the value isn't a mapping


class Tolerant(Section):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Route(Tolerant):
    shape: ClassVar[str] = "a mapping with method and page"
    method: str = _even_if_absent()
    page: str = _even_if_absent("")

    @field_validator("method", mode="before")
    @classmethod
    def _known_method(cls, value, info: ValidationInfo) -> str:
        methods = _routes(info).methods()
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"required: one of {', '.join(methods)}")
        method = value.strip().lower()
        if method not in methods:
            raise ValueError(f"unknown method {method!r} (expected one of: {', '.join(methods)})")
        return method

    @field_validator("page", mode="before")
    @classmethod
    def _fits_method(cls, value, info: ValidationInfo) -> str:
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise ValueError("expected text: a target for the method, or \"\" for its default")
        page, method = value.strip(), info.data.get("method")
        if page == ONCALL or method is None:
            return page
        problem = _routes(info).check_target(method, page)
        if problem and (number := _as_e164(page)) and not _routes(info).check_target(method, number):
            return number  # a number the method takes once written as E.164 (an sms page)
        if problem:
            raise ValueError(problem)
        return page


class Rule(Route):
    model_config = ConfigDict(extra="forbid", frozen=True)
    shape: ClassVar[str] = "a mapping with trigger, page and method"
    trigger: Annotated[Text, required("must not be empty: it tells triage when this rule applies")] = \
        _even_if_absent("")
    severity: Severity | None = None
    keywords: Words = ()
    fallback: Route = None  # null is refused like any other non-mapping
    every: Annotated[int, whole(1, 1440, EVERY)] = 0  # method call: ring again every N minutes


class Step(Tolerant):
    shape: ClassVar[str] = "a mapping with after (minutes) and page (a list of targets)"
    after: Annotated[int, whole(1, 1440, "expected minutes without an acknowledgement, 1 to 1440")] = \
        _even_if_absent()
    page: Annotated[tuple[Route, ...],
                    nonempty_list("expected a list of targets, each with method and page")] = \
        _even_if_absent()
    every: Annotated[int, whole(1, 1440, EVERY)] = 0  # its call targets: ring again every N minutes


class Escalation(Section):
    steps: Annotated[tuple[Step, ...], a_list("expected a list of steps (after, page)")] = ()
    repeat: Annotated[int, whole(0, 10, "expected a whole number from 0 to 10")] = 0
    ack_timeout: Annotated[int, whole(1, 1440, "expected minutes an acknowledged incident may stay "
                                               "unresolved, 1 to 1440")] = 0


class Person(Tolerant):
    shape: ClassVar[str] = "a mapping with at least a name"
    name: Annotated[Text, required("must not be empty: each person needs a name")] = \
        _even_if_absent("")
    sms: OptionalPhone = ""
    phone: OptionalPhone = ""  # what method call rings (default: the sms number)
    email: Text = ""
    slack: Text = ""  # a Slack user ID (U…), for direct messages


class Override(Tolerant):
    shape: ClassVar[str] = "a mapping with from, to and name"
    start: Moment = Field(None, alias="from", validate_default=True)
    end: Moment = Field(None, alias="to", validate_default=True)
    name: Text = ""

    @field_validator("end")
    @classmethod
    def _after_start(cls, end, info: ValidationInfo):
        start = info.data.get("start")
        if start is not None and end <= start:
            raise ValueError("must be after from")
        return end


class Oncall(Tolerant):
    rotation: Annotated[str, one_of(("daily", "weekly"), lambda _: "expected daily or weekly")] = "weekly"
    handoff: Moment = _even_if_absent()
    people: Annotated[tuple[Person, ...], nonempty_list("expected at least one person")] = \
        _even_if_absent()
    overrides: Annotated[tuple[Override, ...], listed] = ()


class Tickets(Section):
    """Where this customer's tickets go, in the PSA's own terms: its company identifier, the
    board (ConnectWise) or queue (Autotask) or team (HaloPSA), priority names per severity and
    status names per change. `connectwise:` is this section's older name."""
    company: Text = ""
    board: Text = ""
    queue: Text = ""   # the same field as board, by the name Autotask and Halo use
    priorities: Annotated[dict[SeverityKey, Annotated[str, filled("expected the PSA's priority name")]],
                          section] = {}
    statuses: Annotated[dict[Annotated[str, one_of(("acknowledged", "resolved"),
                                                   lambda _: "expected acknowledged or resolved")],
                             Annotated[str, filled("expected the PSA's status name")]],
                        section] = {}


class Match(Tolerant):
    numbers: Phones = ()   # dialed numbers
    callers: Phones = ()   # known caller IDs


Event = Annotated[Word, one_of(
    EVENTS, lambda v: f"{v!r} is not one of: {', '.join(EVENTS)}", after=True)]


class Slack(Section):
    channel: Text = ""
    workspace: Text = ""
    events: Annotated[tuple[Event, ...], listed] = EVENTS

    @field_validator("channel")
    @classmethod
    def _a_channel(cls, channel: str, info: ValidationInfo) -> str:
        if channel and _routes(info).check_target("slack", channel):
            raise ValueError("expected a channel: #name or a channel ID")
        return channel


class RunbookFile(Section):
    shape: ClassVar[str] = "a mapping with escalation_rules at the top"
    customer: Annotated[Text, AfterValidator(lambda v: v if CUSTOMER_ID.fullmatch(v) else fail(
        "use lowercase letters, digits, - and _ (it names the customer in tickets and pages)"))]
    name: OneLine | None = None  # None: the customer id
    aliases: Words = ()
    match: Annotated[Match, section] = Match()
    tickets: Annotated[Tickets, section] = Tickets()
    connectwise: Annotated[Tickets, section] = Tickets()  # tickets:' older name, still read
    greeting: Text = ""
    context: Text = ""
    severity: Annotated[dict[SeverityKey, Annotated[str, filled(
        "expected a sentence describing this severity")]], section] = {}
    escalation_rules: Annotated[tuple[Rule, ...], nonempty_list(
        "expected a list with at least one rule (trigger, page, method)")] = \
        _even_if_absent()
    hints: Words = ()
    page_severities: Severities = ("P1", "P2")
    redact: Flag | None = None  # None: true
    record: Flag | None = None  # None: false (the call is not recorded)
    slack: Annotated[Slack, section] = Slack()
    escalation: Annotated[Escalation, section] = Escalation()
    oncall: Annotated[Oncall | None, BeforeValidator(lambda v: v or None)] = None
    timezone: Annotated[Text, checked(is_timezone, lambda z: f"{z!r} is not an IANA time zone "
                                                             "(like America/New_York)")] = ""
