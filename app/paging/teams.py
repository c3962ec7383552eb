"""Microsoft Teams through a Workflows webhook: a message carrying one Adaptive Card."""
from __future__ import annotations

from urllib.parse import urlsplit

import requests

from .port import Delivery, PageMessage

COLOR = {"P1": "attention", "P2": "warning", "P3": "accent", "P4": "default"}


def card_for(message: PageMessage) -> dict:
    facts = [{"title": "Customer", "value": message.customer},
             {"title": "Severity", "value": message.severity},
             {"title": "Callback", "value": message.callback_number or "unknown"},
             {"title": "Ticket", "value": message.ticket_number or "pending"}]
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard", "version": "1.2",
        "body": [
            {"type": "TextBlock", "size": "Large", "weight": "Bolder", "wrap": True,
             "color": COLOR.get(message.severity, "attention"), "text": message.subject[:200]},
            {"type": "FactSet", "facts": facts},
            {"type": "TextBlock", "wrap": True, "text": (message.details or message.summary)[:2000]},
        ],
    }
    if message.ticket_url or message.link:
        title = "Open ticket" if message.ticket_url and message.ticket_url != message.link else "Open incident"
        card["actions"] = [{"type": "Action.OpenUrl", "title": title,
                            "url": message.ticket_url or message.link}]
    return {"type": "message", "attachments": [
        {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}]}


class TeamsChannel:
    method = "teams"

    def __init__(self, default_webhook: str = "", timeout: float = 10.0):
        self.default_webhook, self.timeout = default_webhook, timeout

    def check_target(self, page: str) -> str | None:
        if not page:
            return None
        parts = urlsplit(page)
        if parts.scheme == "https" and parts.hostname:
            return None
        return "expected a Teams Workflows webhook URL (https://…) or \"\" for NIGHTDESK_TEAMS_WEBHOOK"

    def send(self, target: str, message: PageMessage) -> Delivery:
        url = target or self.default_webhook
        if not url:
            return Delivery.permanent_error("teams: the rule's page is empty and NIGHTDESK_TEAMS_WEBHOOK is not set")
        try:
            response = requests.post(url, json=card_for(message), timeout=self.timeout)
        except requests.RequestException as exc:
            return Delivery.transient(f"teams: unreachable ({type(exc).__name__})")
        if 200 <= response.status_code < 300:  # Workflows answers 202 with an empty body
            return Delivery.ok()
        if response.status_code == 429 or response.status_code >= 500:
            retry = response.headers.get("Retry-After")
            return Delivery.transient(f"teams: HTTP {response.status_code}",
                                      retry_after=float(retry) if retry and retry.isdigit() else None)
        return Delivery.permanent_error(f"teams: HTTP {response.status_code} (webhook URL revoked or wrong?)")
