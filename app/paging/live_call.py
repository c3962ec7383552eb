"""The LiveCall port: change what a phone-call page that is already under way does.

Twilio's answering-machine detection runs beside the call (asynchronously, so a person who
answers hears the page at once); when its verdict is "a machine", the call is told to leave a
short message and hang up. Once someone owns the incident, a call still ringing is cancelled so
it stops waking a technician. CallChannel offers it; the registry holds it (ChannelRegistry.calls).
"""
from __future__ import annotations

from typing import Protocol

from .port import Delivery


class LiveCall(Protocol):
    def say_and_hang_up(self, call_sid: str, text: str) -> Delivery:
        """Stop what the call is saying, say `text`, hang up; never raises for Twilio's failure."""

    def cancel(self, call_sid: str) -> Delivery:
        """Stop a call that is still queued or ringing (never one that was answered): sent when
        it was cancelled, a permanent failure when there was nothing left to cancel (answered or
        over already), transient when the vendor could not be asked (unreachable, credentials
        refused, rate limited); never raises."""
