"""Block Kit for pages and for the live incident message, within Slack's limits.

Everything that came from a caller is escaped, so speech can't become <!channel> or a link.
Button action ids are what app.slack (the inbound app) listens for.
"""
from __future__ import annotations

import re

from slack_sdk.models.blocks import (ActionsBlock, ButtonElement, ContextBlock, HeaderBlock,
                                     InputBlock, MarkdownTextObject, Option, PlainTextInputElement,
                                     PlainTextObject, SectionBlock, StaticSelectElement)
from slack_sdk.models.views import View

from app.states import IncidentChange, IncidentStatus
from . import layout
from .port import PageMessage

EMOJI = {"P1": ":red_circle:", "P2": ":large_orange_circle:", "P3": ":large_yellow_circle:",
         "P4": ":white_circle:"}
HEADER_MAX = 150
SECTION_MAX = 3000
ACK, RESOLVE, SNOOZE, OPEN_TICKET, ACKED = ("nightdesk_ack", "nightdesk_resolve", "nightdesk_snooze",
                                           "nightdesk_open_ticket", "nightdesk_acked")
SNOOZE_CHOICES = ((15, "15 min"), (30, "30 min"), (60, "1 hour"), (240, "4 hours"))


# Caller and LLM text goes into mrkdwn only escaped (&, <, >: no <!channel>, no <url|links>),
# with its formatting marks defused (a zero-width space after each: *bold* stays literal) and in
# text objects marked verbatim (no auto-linked URLs, #channels or @mentions).
_MARKS = re.compile(r"([*_~`])")
_QUOTE = re.compile(r"^&gt;", re.MULTILINE)
_ENTITY_TAIL = re.compile(r"&[a-z]{0,4}$")
ZWSP = "\u200b"


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def said(text: str) -> str:
    """Caller or LLM text for a mrkdwn field: literal, whatever it contains."""
    return _QUOTE.sub(ZWSP + "&gt;", _MARKS.sub("\\1" + ZWSP, escape(text)))


def clip(text: str, limit: int, more: str = "…") -> str:
    """At most `limit` characters, never cutting an entity (&amp; to &am) in two."""
    if len(text) <= limit:
        return text
    head = text[: limit - len(more)]
    return _ENTITY_TAIL.sub("", head) + more


def who(holder: str) -> str:
    """A Slack mention for someone who clicked (an id Slack gave us, never caller text)."""
    return f"<@{holder[6:]}>" if holder.startswith("slack:") else said(holder or "someone")


def status_line(message: PageMessage) -> str:
    if message.status == IncidentStatus.ACKNOWLEDGED:
        return f":white_check_mark: Acknowledged by {who(message.holder)}"
    if message.status == IncidentStatus.RESOLVED:
        note = f" — {said(clip(message.resolution, 300))}" if message.resolution else ""
        return f":wrench: Resolved by {who(message.holder)}{note}"
    if message.snoozed_until:
        return f":zzz: Snoozed until {message.local(message.snoozed_until)}"
    return ":rotating_light: Open — nobody has acknowledged yet"


def _text(text: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=text, verbatim=True)


def blocks_for(message: PageMessage) -> list[dict]:
    emoji = ":test_tube:" if message.kind == "test" else EMOJI.get(message.severity, ":red_circle:")
    # plain_text: Slack shows it literally, so it is not entity-escaped (& stays &).
    header = clip(f"{emoji} {message.subject}", HEADER_MAX)
    lines = [f"*{said(' · '.join(layout.ticket_parts(message)))}*",
             message.when_line(status=status_line(message))]
    if message.caller_name:
        lines.append(f"Caller: {said(message.caller_name)}")
    details = message.extra_details
    if details:
        lines.append(said(details))
    more = f"… <{message.link}|full incident>" if message.link else "… (truncated)"
    body = clip("\n".join(lines), SECTION_MAX, more)
    context = "NightDesk after-hours triage"
    if message.rule:
        context += f" · rule: {said(clip(message.rule, 200))}"
    blocks = [HeaderBlock(text=PlainTextObject(text=header, emoji=True)),
              SectionBlock(text=_text(body)), ContextBlock(elements=[_text(context)])]
    if message.incident_id:
        actions = _actions(message)
        if actions:
            blocks.append(ActionsBlock(block_id=f"incident:{message.incident_id}", elements=actions))
    return [b.to_dict() for b in blocks]


def _actions(message: PageMessage) -> list:
    value = str(message.incident_id)
    ticket = [ButtonElement(text="Open ticket", action_id=OPEN_TICKET, url=message.ticket_url,
                            value=value)] if message.ticket_url else []
    if message.status == IncidentStatus.RESOLVED:
        return []
    resolve = ButtonElement(text="Resolve", action_id=RESOLVE, value=value, style="danger")
    if message.status == IncidentStatus.ACKNOWLEDGED:
        return [ButtonElement(text="Acknowledged ✓", action_id=ACKED, value=value), resolve, *ticket]
    snooze = StaticSelectElement(
        placeholder=PlainTextObject(text="Snooze"), action_id=SNOOZE,
        options=[Option(text=label, value=f"{value}:{minutes}") for minutes, label in SNOOZE_CHOICES])
    return [ButtonElement(text="Acknowledge", action_id=ACK, value=value, style="primary"),
            resolve, snooze, *ticket]


def fallback_text(message: PageMessage) -> str:
    """The notification text (mrkdwn, no verbatim flag possible): escaped and defused too."""
    return said("\n".join(message.headline_lines()))


def resolve_modal(incident_id: int, reference: str) -> dict:
    # Built with slack-sdk's models, which check Slack's limits (title ≤ 24, input lengths).
    return View(
        type="modal", callback_id=RESOLVE, private_metadata=str(incident_id),
        title=PlainTextObject(text=f"Resolve {reference}"[:24]),
        submit=PlainTextObject(text="Resolve"), close=PlainTextObject(text="Cancel"),
        blocks=[InputBlock(block_id="note", optional=True,
                           label=PlainTextObject(text="Resolution note (goes on the ticket)"),
                           element=PlainTextInputElement(action_id="note", multiline=True,
                                                         max_length=2000))],
    ).to_dict()


def thread_text(event: str, actor: str, detail: str) -> str:
    """The line a change adds to the live message's thread (caller and tech text escaped)."""
    return {
        IncidentChange.ACKNOWLEDGED: f":white_check_mark: Acknowledged by {who(actor)}",
        IncidentChange.RESOLVED: f":wrench: Resolved by {who(actor)}" + (f" — {escape(detail)}" if detail else ""),
        IncidentChange.SNOOZED: f":zzz: Snoozed for {detail} min by {who(actor)}",
        IncidentChange.ESCALATED: f":arrow_double_up: Escalated to step {detail}",
        IncidentChange.RENOTIFIED: ":alarm_clock: Snooze over: paging again",
        IncidentChange.REMINDED: f":hourglass: Still unresolved {detail} min after the "
                                 "acknowledgement: reminding whoever acknowledged it",
        IncidentChange.REOPENED: ":rotating_light: Still unresolved: open again, escalation resumes",
        IncidentChange.TICKET: f":ticket: Ticket #{escape(detail)} created",
        "note": f":memo: Note from {who(actor)}: {escape(detail)}",
    }.get(event, escape(event))
