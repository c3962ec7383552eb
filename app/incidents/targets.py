"""Where a route's `page` actually points right now: the on-call person, or a Slack channel."""
from __future__ import annotations

from app.models import Incident
from app.runbooks import Route, Runbook
from app.runbooks.model import ONCALL

from .services import Services


def resolve(svc: Services, book: Runbook | None, incident: Incident, route: Route) -> str:
    if route.page == ONCALL:
        if book is None or book.oncall is None:
            return ""
        return book.oncall.on_call(svc.clock()).target(route.method)
    if route.method == "slack" and not route.page and svc.config.slack_bot_token_or_app:
        # Bot mode: the customer's channel, else the severity's, else the workspace default;
        # with none of them the page goes to NIGHTDESK_SLACK_WEBHOOK as before.
        return (book.slack_channel if book else "") or \
            svc.config.slack_severity_channels.get(incident.severity, "") or svc.config.slack_channel
    return route.page
