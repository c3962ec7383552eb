"""Where a route's `page` actually points right now: the on-call person, or, for an empty page,
the channel's own default for this severity and runbook (Slack's bot mode picks a channel)."""
from __future__ import annotations

from app.models import Incident
from app.runbooks import Route, Runbook
from app.runbooks.model import ONCALL

from .services import Routing


def resolve(svc: Routing, book: Runbook | None, incident: Incident, route: Route) -> str:
    if route.page == ONCALL:
        if book is None or book.oncall is None:
            return ""
        return book.oncall.on_call(svc.clock()).target(route.method)
    if not route.page:
        return svc.channels.default_target(route.method, incident.severity, book)
    return route.page
