"""A fake Channel for service-level tests: records what it was asked to send."""
from __future__ import annotations

from .port import ChannelBasics, Delivery, PageMessage


class RecordingChannel(ChannelBasics):
    def __init__(self, method: str, results: list[Delivery] | None = None):
        self.method = method
        self.sent: list[tuple[str, PageMessage]] = []
        self.attempts: list[tuple[str, PageMessage]] = []
        self.results = list(results or [])

    def check_target(self, page: str) -> str | None:
        return None

    def send(self, target: str, message: PageMessage) -> Delivery:
        self.attempts.append((target, message))
        result = self.results.pop(0) if self.results else Delivery.ok()
        if result.sent:
            self.sent.append((target, message))
        return result
