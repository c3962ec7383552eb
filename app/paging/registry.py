"""Channels by method. A new channel registers here from bootstrap; nothing else changes."""
from __future__ import annotations

from .live import LiveMessage
from .live_call import LiveCall
from .port import Channel, Delivery, PageMessage


class ChannelRegistry:
    def __init__(self, channels: list[Channel] | None = None, live: LiveMessage | None = None,
                 calls: LiveCall | None = None):
        self._channels: dict[str, Channel] = {}
        for channel in channels or []:
            self.register(channel)
        # The channel whose pages become live messages (Slack in bot mode), or None.
        self.live = live
        # The channel whose pages are phone calls that can be changed under way, or None.
        self.calls = calls

    def default_target(self, method: str, severity: str, book) -> str:
        channel = self.get(method)
        return channel.default_target(severity, book) if channel else ""

    def live_for(self, method: str) -> LiveMessage | None:
        """The channel that keeps `method`'s live messages up to date, if it is registered."""
        return self.live if self.live is not None and self.live.method == method else None

    def register(self, channel: Channel) -> None:
        self._channels[channel.method] = channel

    def get(self, method: str) -> Channel | None:
        return self._channels.get(method)

    def methods(self) -> list[str]:
        return sorted(self._channels)

    def check_target(self, method: str, page: str) -> str | None:
        channel = self.get(method)
        if channel is None:
            return f"unknown method {method!r}"
        return channel.check_target(page)

    def rate_key(self, method: str, target: str) -> tuple[str, float] | None:
        channel = self.get(method)
        return channel.rate_key(target) if channel else None

    def delivery_report(self, method: str, report: dict) -> Delivery | None:
        channel = self.get(method)
        return channel.delivery_report(report) if channel else None

    def send(self, method: str, target: str, message: PageMessage) -> Delivery:
        channel = self.get(method)
        if channel is None:
            return Delivery.permanent_error(f"no channel for method {method!r}")
        try:
            return channel.send(target, message)
        except Exception as exc:  # a channel bug must not stop the other routes of a P1
            return Delivery.transient(f"{method} channel raised {type(exc).__name__}: {exc}")
