"""Channels by method. A new channel registers here from bootstrap; nothing else changes."""
from __future__ import annotations

from .port import Channel, Delivery, PageMessage


class ChannelRegistry:
    def __init__(self, channels: list[Channel] | None = None):
        self._channels: dict[str, Channel] = {}
        for channel in channels or []:
            self.register(channel)

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
        limit = getattr(channel, "rate_key", None)
        return limit(target) if limit else None

    def send(self, method: str, target: str, message: PageMessage) -> Delivery:
        channel = self.get(method)
        if channel is None:
            return Delivery.permanent_error(f"no channel for method {method!r}")
        try:
            return channel.send(target, message)
        except Exception as exc:  # a channel bug must not stop the other routes of a P1
            return Delivery.transient(f"{method} channel raised {type(exc).__name__}: {exc}")
