"""Microsoft Teams through a Workflows webhook: a message carrying one Adaptive Card."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import requests

from app.retry_after import retry_after

from .port import ChannelBasics, Delivery, PageMessage

COLOR = {"P1": "attention", "P2": "warning", "P3": "accent", "P4": "default"}
# TextBlock and FactSet text is Markdown in Teams: a caller's "[x](https://…)" would be a live
# link and "**" bold. Backslash escapes keep it literal: the inline marks everywhere, "://" and
# "www." (bare links), and the list/heading marks that start a line.
_INLINE = re.compile(r"([\\`*_~\[\]()<>|!])|(:)(?=//)|(?<=www)(\.)", re.IGNORECASE)
_LINE_START = re.compile(r"^(\s*\d*)(#|[-+=](?=\s)|(?<=\d)[.)](?=\s))", re.MULTILINE)


def literal(text: str) -> str:
    text = _INLINE.sub(lambda m: "\\" + m.group(0), text)
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


def card_for(message: PageMessage) -> dict:
    facts = [{"title": "Callback", "value": literal(message.callback_number or "unknown")},
             {"title": "Ticket", "value": literal(message.ticket_number or "pending")}]
    if message.reference and message.reference != message.ticket_number:
        facts.append({"title": "Ref", "value": literal(message.reference)})
    facts.append({"title": "Status", "value": literal(message.when_line())})
    if message.caller_name:
        facts.append({"title": "Caller", "value": literal(message.caller_name)})
    body = [{"type": "TextBlock", "size": "Large", "weight": "Bolder", "wrap": True,
             "color": COLOR.get(message.severity, "attention"), "text": literal(message.subject[:200])},
            {"type": "FactSet", "facts": facts}]
    details = message.extra_details
    if details:
        # Markdown joins single newlines; a blank line between keeps the caller's lines apart.
        body.append({"type": "TextBlock", "wrap": True,
                     "text": "\n\n".join(literal(line) for line in details[:2000].splitlines())})
    card = {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "type": "AdaptiveCard", "version": "1.2", "body": body}
    if message.ticket_url or message.link:
        title = "Open ticket" if message.ticket_url and message.ticket_url != message.link else "Open incident"
        card["actions"] = [{"type": "Action.OpenUrl", "title": title,
                            "url": message.ticket_url or message.link}]
    return {"type": "message", "attachments": [
        {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}]}


class TeamsChannel(ChannelBasics):
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
            return Delivery.transient(f"teams: HTTP {response.status_code}",
                                      retry_after=retry_after(response.headers))
        return Delivery.permanent_error(f"teams: HTTP {response.status_code} (webhook URL revoked or wrong?)")
