"""A fake Slack: incoming webhooks (POST /services/…) and the Web API (POST /api/chat.*).

Webhooks answer `ok` as Slack does; a scripted list of replies makes them fail. Like Slack, it
allows one message per second into one webhook or channel and answers a faster one with
429 + Retry-After. Tests allow the fake's loopback host through NIGHTDESK_SLACK_WEBHOOK_HOSTS, as
an MSP would add a proxy's host.
"""
from __future__ import annotations

import json
import threading
import time

from .http import FakeServer, Reply

LIMIT_S = 1.0


class FakeSlack(FakeServer):
    def __init__(self):
        self.script: list[Reply] = []
        self.accepted: dict[str, list[tuple[float, dict]]] = {}  # target → [(time, payload)]
        self.rejected: list[str] = []
        self._rate = threading.Lock()
        super().__init__(self._answer)

    def fail_next(self, *replies: Reply) -> None:
        self.script.extend(replies)

    def _answer(self, request) -> Reply:
        if self.script:
            return self.script.pop(0)
        payload = json.loads(request.body) if request.body.startswith(b"{") else {}
        target = payload.get("channel", "") if request.path.startswith("/api/") else request.path
        with self._rate:
            now = time.monotonic()
            sent = self.accepted.setdefault(target, [])
            if sent and now - sent[-1][0] < LIMIT_S:
                self.rejected.append(target)
                return Reply(429, "rate_limited", {"Retry-After": "1"})
            sent.append((now, payload))
        if request.path.startswith("/api/chat.postMessage"):
            return Reply(200, {"ok": True, "channel": target or "C0TEST",
                               "ts": f"{time.time():.6f}", "message": {}})
        return Reply(200, "ok")

    def webhook_posts(self) -> list[dict]:
        return [r.json() for r in self.requests if r.path.startswith("/services/")]
