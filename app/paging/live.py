"""The LiveMessage port: a page that stays one message, updated in place as the incident changes,
with a thread under it and buttons that act on it. Slack's bot mode offers it (SlackChannel); a
channel without it (a webhook, Teams, email, SMS) gets a follow-up message instead.

The incident keeps each channel's own reference to its live message (LiveRef.ref: for Slack the
team, channel and ts), and only that channel reads it; orchestration finds the channel with
ChannelRegistry.live_for(method), never by a vendor's name.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from .port import Delivery, PageMessage


@dataclass(frozen=True)
class LiveRef:
    """A live message as its channel refers to it: the channel's method, and the channel's own
    reference (opaque to everyone else; stored on the incident as it is)."""
    method: str
    ref: dict = field(default_factory=dict)


class LiveMessage(Protocol):
    method: str

    def update(self, ref: dict, message: PageMessage) -> Delivery:
        """Show the incident as it is now (status, holder, buttons) in the message itself."""

    def reply(self, ref: dict, change: str, actor: str = "", detail: str = "") -> Delivery:
        """A line in the message's thread saying what changed (an IncidentChange, or "note"), who
        did it ("slack:U123" or a name) and its detail (a note, a ticket number, a step), in the
        channel's own words."""

    def open_view(self, team: str, trigger_id: str, view: dict) -> Delivery:
        """A modal for a button (the resolve note); the trigger lives 3 s."""

    def user_email(self, ref: dict, user: str) -> str:
        """The email of the person who acted on the message `ref`'s channel, or "" (ticket
        attribution)."""

    def respond(self, response_url: str, text: str, replace: bool = False) -> Delivery:
        """An answer only the person who acted sees."""


def was_live(receipt: dict | None) -> bool:
    """The stored receipt of a send that posted a live message (its ticket number arrives by an
    update, not a follow-up). "via": "bot" is how releases before LiveRef recorded it."""
    receipt = receipt or {}
    return bool(receipt.get("live")) or receipt.get("via") == "bot"
