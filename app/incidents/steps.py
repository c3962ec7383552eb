"""The escalation chain as an incident walks it: the steps, the one it is on, and one more paging
round to some of its targets (escalation.py, repeat_calls.py and ack_timeout.py each send rounds)."""
from __future__ import annotations

from app.models import Incident
from app.runbooks import Runbook
from app.runbooks.model import Step
from app.states import round_kind

from . import page_rows
from .services import Routing
from .targets import resolve


def chain(book: Runbook) -> list[Step]:
    """The steps after the first page, with repeats unrolled."""
    return list(book.steps) * (book.repeat + 1) if book.steps else []


def current(incident: Incident, book: Runbook | None) -> Step | None:
    """The step last paged: step 0 is the rule's own route (its `every` is the rule's)."""
    if book is None:
        return None
    if incident.escalation_step == 0:
        rule = book.rule(incident.rule_index) or book.rules[0]
        return Step(after=0, routes=(rule.route,), every=rule.every)
    return chain(book)[incident.escalation_step - 1]


def add_round(svc: Routing, s, incident: Incident, book: Runbook | None, routes, kind: str) -> None:
    """Page rows for one more round to `routes` (Page.step is the round), not yet committed."""
    incident.page_round += 1
    for j, route in enumerate(routes):
        page_rows.add(s, incident, -1, route.method, resolve(svc, book, incident, route),
                      round_kind(kind, j), svc.clock(), step=incident.page_round)
