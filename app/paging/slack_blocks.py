"""Block Kit for pages and for the live incident message, within Slack's limits.

Everything that came from a caller is escaped, so speech can't become <!channel> or a link.
Button action ids are what app.slack (the inbound app) listens for.
"""
from __future__ import annotations

from slack_sdk.models.blocks import (ActionsBlock, ButtonElement, ContextBlock, HeaderBlock,
                                     MarkdownTextObject, Option, PlainTextObject, SectionBlock,
                                     StaticSelectElement)

from .port import PageMessage

EMOJI = {"P1": ":red_circle:", "P2": ":large_orange_circle:", "P3": ":large_yellow_circle:",
         "P4": ":white_circle:"}
HEADER_MAX = 150
SECTION_MAX = 3000
ACK, RESOLVE, SNOOZE, OPEN_TICKET, ACKED = ("nightdesk_ack", "nightdesk_resolve", "nightdesk_snooze",
                                           "nightdesk_open_ticket", "nightdesk_acked")
SNOOZE_CHOICES = ((15, "15 min"), (30, "30 min"), (60, "1 hour"), (240, "4 hours"))


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int, more: str = "…") -> str:
    return text if len(text) <= limit else text[: limit - len(more)] + more


def who(holder: str) -> str:
    """A Slack mention for someone who clicked (an id Slack gave us, never caller text)."""
    return f"<@{holder[6:]}>" if holder.startswith("slack:") else escape(holder or "someone")


def status_line(message: PageMessage) -> str:
    if message.status == "acknowledged":
        return f":white_check_mark: Acknowledged by {who(message.holder)}"
    if message.status == "resolved":
        note = f" — {escape(clip(message.resolution, 300))}" if message.resolution else ""
        return f":wrench: Resolved by {who(message.holder)}{note}"
    if message.snoozed_until:
        return f":zzz: Snoozed until {message.snoozed_until}"
    return ":rotating_light: Open — nobody has acknowledged yet"


def blocks_for(message: PageMessage) -> list[dict]:
    emoji = ":test_tube:" if message.kind == "test" else EMOJI.get(message.severity, ":red_circle:")
    header = clip(f"{emoji} {escape(message.subject)}", HEADER_MAX)
    second = message.headline_lines()[1]
    lines = [f"*{escape(second)}*"]
    if message.triggered:
        lines.append(f"Triggered {message.triggered}" + (f" · {status_line(message)}" if message.incident_id else ""))
    if message.caller_name:
        lines.append(f"Caller: {escape(message.caller_name)}")
    lines.append(f"Customer: {escape(message.customer)} · Severity: {message.severity}")
    lines.append(f"Summary: {escape(message.summary)}")
    if message.details:
        lines.append(f"Details: {escape(message.details)}")
    more = f"… <{message.link}|full incident>" if message.link else "… (truncated)"
    body = clip("\n".join(lines), SECTION_MAX, more)
    context = "NightDesk after-hours triage"
    if message.reference:
        context += f" · {message.reference}"
    if message.rule:
        context += f" · rule: {escape(clip(message.rule, 200))}"
    blocks = [HeaderBlock(text=header), SectionBlock(text=MarkdownTextObject(text=body)),
              ContextBlock(elements=[MarkdownTextObject(text=context)])]
    if message.incident_id:
        actions = _actions(message)
        if actions:
            blocks.append(ActionsBlock(block_id=f"incident:{message.incident_id}", elements=actions))
    return [b.to_dict() for b in blocks]


def _actions(message: PageMessage) -> list:
    value = str(message.incident_id)
    ticket = [ButtonElement(text="Open ticket", action_id=OPEN_TICKET, url=message.ticket_url,
                            value=value)] if message.ticket_url else []
    if message.status == "resolved":
        return []
    resolve = ButtonElement(text="Resolve", action_id=RESOLVE, value=value, style="danger")
    if message.status == "acknowledged":
        return [ButtonElement(text="Acknowledged ✓", action_id=ACKED, value=value), resolve, *ticket]
    snooze = StaticSelectElement(
        placeholder=PlainTextObject(text="Snooze"), action_id=SNOOZE,
        options=[Option(text=label, value=f"{value}:{minutes}") for minutes, label in SNOOZE_CHOICES])
    return [ButtonElement(text="Acknowledge", action_id=ACK, value=value, style="primary"),
            resolve, snooze, *ticket]


def fallback_text(message: PageMessage) -> str:
    return escape("\n".join(message.headline_lines()))


def resolve_modal(incident_id: int, reference: str) -> dict:
    return {
        "type": "modal", "callback_id": RESOLVE, "private_metadata": str(incident_id),
        "title": {"type": "plain_text", "text": f"Resolve {reference}"[:24]},
        "submit": {"type": "plain_text", "text": "Resolve"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [{"type": "input", "block_id": "note", "optional": True,
                    "label": {"type": "plain_text", "text": "Resolution note (goes on the ticket)"},
                    "element": {"type": "plain_text_input", "action_id": "note", "multiline": True,
                                "max_length": 2000}}],
    }
